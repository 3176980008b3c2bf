// AES in the SP 800-38A modes (stateful, Pycom-style) and AES-GCM (SP 800-38D).
#include "mpyseal/crypto/Aes.h"
#include "Internal.h"

#include <mbedtls/aes.h>
#include <mbedtls/gcm.h>

#include <array>
#include <cstring>

namespace mpyseal::crypto {

namespace {

constexpr const char* kIvMessage = "IV must be 16 bytes long";
constexpr const char* kBlockMessage = "Input strings must be a multiple of 16 in length";

/// An AES key schedule. Decryption in ECB/CBC needs the inverse schedule, so a cipher that is used in both
/// directions holds two of these.
struct AesKey {
    mbedtls_aes_context ctx;
    AesKey() { mbedtls_aes_init(&ctx); }
    ~AesKey() { mbedtls_aes_free(&ctx); } // zeroizes the round keys
    AesKey(const AesKey&) = delete;
    AesKey& operator=(const AesKey&) = delete;
};

void check(int ret, const char* what) {
    if (ret != 0) throwError(ErrorKind::Runtime, what, ret);
}

} // namespace

// --- AesCipher ------------------------------------------------------------------------------------

struct AesCipher::State {
    AesKey encryptKey;
    std::unique_ptr<AesKey> decryptKey; // only ECB/CBC decryption, made on first use
    SecretBytes key;                    // kept to build decryptKey lazily; wiped on destruction
    // Chaining state shared by both directions (Pycom keeps a single IV buffer too).
    std::array<unsigned char, 16> iv{};     // CBC/CFB: IV or shift register; CTR: counter block
    std::array<unsigned char, 16> stream{}; // CTR: key stream of the current counter block
    std::size_t offset = 0;                 // CFB-128 / CTR: bytes of the current block already used

    ~State() {
        secureZero(iv.data(), iv.size());
        secureZero(stream.data(), stream.size());
    }
};

AesCipher::AesCipher(ByteView key, AesMode mode, ByteView iv)
    : mode_(mode), state_(std::make_unique<State>()) {
    checkAesKeySize(key.size());
    if (mode == AesMode::Ecb ? !iv.empty() : iv.size() != kAesBlockSize) throwValue(kIvMessage);
    check(mbedtls_aes_setkey_enc(&state_->encryptKey.ctx, key.data(), static_cast<unsigned>(key.size() * 8)),
          "AES key setup failed");
    if (mode == AesMode::Ecb || mode == AesMode::Cbc) state_->key.assign(key.begin(), key.end());
    if (!iv.empty()) std::memcpy(state_->iv.data(), iv.data(), kAesBlockSize);
}

AesCipher::~AesCipher() = default;
AesCipher::AesCipher(AesCipher&&) noexcept = default;
AesCipher& AesCipher::operator=(AesCipher&&) noexcept = default;

void AesCipher::encrypt(ByteView in, std::span<std::uint8_t> out) {
    if (out.size() < in.size()) throwValue("output too small");
    State& s = *state_;
    const std::size_t n = in.size();
    if (n == 0) return;
    unsigned char* o = out.data();
    const unsigned char* i = in.data();
    switch (mode_) {
    case AesMode::Ecb:
        if (n % kAesBlockSize != 0) throwValue(kBlockMessage);
        for (std::size_t k = 0; k < n; k += kAesBlockSize)
            check(mbedtls_aes_crypt_ecb(&s.encryptKey.ctx, MBEDTLS_AES_ENCRYPT, i + k, o + k), "AES failed");
        break;
    case AesMode::Cbc:
        if (n % kAesBlockSize != 0) throwValue(kBlockMessage);
        check(mbedtls_aes_crypt_cbc(&s.encryptKey.ctx, MBEDTLS_AES_ENCRYPT, n, s.iv.data(), i, o),
              "AES failed");
        break;
    case AesMode::Cfb8:
        check(mbedtls_aes_crypt_cfb8(&s.encryptKey.ctx, MBEDTLS_AES_ENCRYPT, n, s.iv.data(), i, o),
              "AES failed");
        break;
    case AesMode::Cfb128:
        check(
            mbedtls_aes_crypt_cfb128(&s.encryptKey.ctx, MBEDTLS_AES_ENCRYPT, n, &s.offset, s.iv.data(), i, o),
            "AES failed");
        break;
    case AesMode::Ctr:
        check(mbedtls_aes_crypt_ctr(&s.encryptKey.ctx, n, &s.offset, s.iv.data(), s.stream.data(), i, o),
              "AES failed");
        break;
    }
}

void AesCipher::decrypt(ByteView in, std::span<std::uint8_t> out) {
    if (out.size() < in.size()) throwValue("output too small");
    State& s = *state_;
    const std::size_t n = in.size();
    if (mode_ == AesMode::Ecb || mode_ == AesMode::Cbc) {
        if (n % kAesBlockSize != 0) throwValue(kBlockMessage);
        if (n == 0) return;
        if (!s.decryptKey) {
            auto key = std::make_unique<AesKey>();
            check(mbedtls_aes_setkey_dec(&key->ctx, s.key.data(), static_cast<unsigned>(s.key.size() * 8)),
                  "AES key setup failed");
            s.decryptKey = std::move(key);
        }
        mbedtls_aes_context* ctx = &s.decryptKey->ctx;
        if (mode_ == AesMode::Ecb) {
            for (std::size_t k = 0; k < n; k += kAesBlockSize)
                check(mbedtls_aes_crypt_ecb(ctx, MBEDTLS_AES_DECRYPT, in.data() + k, out.data() + k),
                      "AES failed");
        } else {
            check(mbedtls_aes_crypt_cbc(ctx, MBEDTLS_AES_DECRYPT, n, s.iv.data(), in.data(), out.data()),
                  "AES failed");
        }
        return;
    }
    if (n == 0) return;
    switch (mode_) {
    case AesMode::Cfb8:
        check(mbedtls_aes_crypt_cfb8(&s.encryptKey.ctx, MBEDTLS_AES_DECRYPT, n, s.iv.data(), in.data(),
                                     out.data()),
              "AES failed");
        break;
    case AesMode::Cfb128:
        check(mbedtls_aes_crypt_cfb128(&s.encryptKey.ctx, MBEDTLS_AES_DECRYPT, n, &s.offset, s.iv.data(),
                                       in.data(), out.data()),
              "AES failed");
        break;
    default: // CTR: the same operation in both directions
        encrypt(in, out);
        break;
    }
}

Bytes AesCipher::encrypt(ByteView in) {
    Bytes out(in.size());
    encrypt(in, out);
    return out;
}

SecretBytes AesCipher::decrypt(ByteView in) {
    SecretBytes out(in.size());
    decrypt(in, out);
    return out;
}

// --- AesGcm ---------------------------------------------------------------------------------------

struct AesGcm::State {
    mbedtls_gcm_context ctx;
    State() { mbedtls_gcm_init(&ctx); }
    ~State() { mbedtls_gcm_free(&ctx); } // zeroizes the key schedule and the GHASH table
};

AesGcm::AesGcm(ByteView key) : state_(std::make_unique<State>()) {
    checkAesKeySize(key.size());
    check(mbedtls_gcm_setkey(&state_->ctx, MBEDTLS_CIPHER_ID_AES, key.data(),
                             static_cast<unsigned>(key.size() * 8)),
          "GCM key setup failed");
}

AesGcm::~AesGcm() = default;
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;

void AesGcm::encrypt(ByteView iv, ByteView aad, ByteView plaintext, std::span<std::uint8_t> ciphertext,
                     std::span<std::uint8_t, kTagSize> tag) {
    if (iv.empty()) throwValue("GCM IV must not be empty");
    if (ciphertext.size() < plaintext.size()) throwValue("output too small");
    const int ret = mbedtls_gcm_crypt_and_tag(&state_->ctx, MBEDTLS_GCM_ENCRYPT, plaintext.size(), iv.data(),
                                              iv.size(), aad.data(), aad.size(), plaintext.data(),
                                              ciphertext.data(), tag.size(), tag.data());
    if (ret != 0) throwValue("GCM encryption rejected its input", ret); // only sizes beyond SP 800-38D limits
}

Bytes AesGcm::seal(ByteView iv, ByteView aad, ByteView plaintext) {
    Bytes out(plaintext.size() + kTagSize);
    encrypt(iv, aad, plaintext, std::span(out).first(plaintext.size()),
            std::span<std::uint8_t, kTagSize>(out.data() + plaintext.size(), kTagSize));
    return out;
}

SecretBytes AesGcm::decrypt(ByteView iv, ByteView aad, ByteView ciphertext, ByteView tag) {
    if (tag.size() != kTagSize) throwValue("GCM tag must be 16 bytes long");
    if (iv.empty()) throwValue("GCM IV must not be empty");
    // mbedTLS decrypts into this buffer, compares the tag in constant time and wipes the buffer on a
    // mismatch; the plaintext only leaves this function after a match.
    SecretBytes out(ciphertext.size());
    const int ret =
        mbedtls_gcm_auth_decrypt(&state_->ctx, ciphertext.size(), iv.data(), iv.size(), aad.data(),
                                 aad.size(), tag.data(), tag.size(), ciphertext.data(), out.data());
    if (ret == MBEDTLS_ERR_GCM_AUTH_FAILED)
        throwError(ErrorKind::Authentication, "authentication failed", ret);
    if (ret != 0) throwValue("GCM decryption rejected its input", ret);
    return out;
}

SecretBytes AesGcm::open(ByteView iv, ByteView aad, ByteView sealed) {
    if (sealed.size() < kTagSize) throwError(ErrorKind::Authentication, "authentication failed");
    const std::size_t n = sealed.size() - kTagSize;
    return decrypt(iv, aad, sealed.first(n), sealed.subspan(n));
}

} // namespace mpyseal::crypto
