// Digests, HMAC-SHA-256 and HKDF-SHA-256 over mbedTLS's generic md layer.
#include "mpyseal/crypto/Hash.h"
#include "Internal.h"
#include "MbedtlsAdapter.h"

#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>

namespace mpyseal::crypto {

namespace {

constexpr const char* kHashIsFinal = "hash is final";

mbedtls_md_type_t mdType(HashAlgorithm algorithm) {
    switch (algorithm) {
    case HashAlgorithm::Sha256: return MBEDTLS_MD_SHA256;
    case HashAlgorithm::Sha1: return MBEDTLS_MD_SHA1;
    case HashAlgorithm::Md5: return MBEDTLS_MD_MD5;
    case HashAlgorithm::Sha512: return MBEDTLS_MD_SHA512;
    }
    return MBEDTLS_MD_NONE;
}

/// An mbedtls_md_context_t set up for one algorithm, plain or HMAC.
struct MdContext {
    mbedtls_md_context_t ctx;

    MdContext(mbedtls_md_type_t type, bool hmac) {
        mbedtls_md_init(&ctx);
        const int ret = mbedtls_md_setup(&ctx, mbedtls_md_info_from_type(type), hmac ? 1 : 0);
        if (ret != 0) {
            mbedtls_md_free(&ctx);
            throwError(ErrorKind::Runtime, "hash setup failed", ret);
        }
    }
    ~MdContext() { mbedtls_md_free(&ctx); } // frees (and wipes) the HMAC pads too
    MdContext(const MdContext&) = delete;
    MdContext& operator=(const MdContext&) = delete;
};

void check(int ret, const char* what) {
    if (ret != 0) throwError(ErrorKind::Runtime, what, ret);
}

} // namespace

std::size_t digestSize(HashAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case HashAlgorithm::Sha256: return 32;
    case HashAlgorithm::Sha1: return 20;
    case HashAlgorithm::Md5: return 16;
    case HashAlgorithm::Sha512: return 64;
    }
    return 0;
}

// --- Hash -----------------------------------------------------------------------------------------

struct Hash::State {
    MdContext md;
    explicit State(HashAlgorithm algorithm) : md(mdType(algorithm), false) {}
};

Hash::Hash(HashAlgorithm algorithm, ByteView initial)
    : algorithm_(algorithm), state_(std::make_unique<State>(algorithm)) {
    check(mbedtls_md_starts(&state_->md.ctx), "hash start failed");
    update(initial);
}

Hash::~Hash() = default;
Hash::Hash(Hash&&) noexcept = default;
Hash& Hash::operator=(Hash&&) noexcept = default;

void Hash::update(ByteView data) {
    if (final_) throwValue(kHashIsFinal);
    if (!data.empty())
        check(mbedtls_md_update(&state_->md.ctx, data.data(), data.size()), "hash update failed");
}

Bytes Hash::digest() {
    if (final_) throwValue(kHashIsFinal);
    Bytes out(digestSize());
    check(mbedtls_md_finish(&state_->md.ctx, out.data()), "hash finish failed");
    final_ = true;
    return out;
}

Bytes hash(HashAlgorithm algorithm, ByteView data) {
    Bytes out(digestSize(algorithm));
    check(mbedtls_md(mbedtls_md_info_from_type(mdType(algorithm)), data.data(), data.size(), out.data()),
          "hash failed");
    return out;
}

// --- HMAC -----------------------------------------------------------------------------------------

struct HmacSha256::State {
    MdContext md{MBEDTLS_MD_SHA256, true};
};

HmacSha256::HmacSha256(ByteView key) : state_(std::make_unique<State>()) {
    check(mbedtls_md_hmac_starts(&state_->md.ctx, key.data(), key.size()), "HMAC start failed");
}

HmacSha256::~HmacSha256() = default;
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;

void HmacSha256::update(ByteView data) {
    if (final_) throwValue(kHashIsFinal);
    if (!data.empty())
        check(mbedtls_md_hmac_update(&state_->md.ctx, data.data(), data.size()), "HMAC update failed");
}

Bytes HmacSha256::digest() {
    if (final_) throwValue(kHashIsFinal);
    Bytes out(kTagSize);
    check(mbedtls_md_hmac_finish(&state_->md.ctx, out.data()), "HMAC finish failed");
    final_ = true;
    return out;
}

Bytes hmacSha256(ByteView key, ByteView message) {
    Bytes out(HmacSha256::kTagSize);
    check(mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key.data(), key.size(),
                          message.data(), message.size(), out.data()),
          "HMAC failed");
    return out;
}

bool hmacSha256Verify(ByteView key, ByteView message, ByteView tag) {
    if (tag.size() < HmacSha256::kTagSize / 2 || tag.size() > HmacSha256::kTagSize) return false;
    const Bytes expected = hmacSha256(key, message);
    return adapter::constantTimeEqual(expected.data(), tag.data(), tag.size());
}

// --- HKDF -----------------------------------------------------------------------------------------

SecretBytes hkdfSha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
    if (length > 255 * 32) throwValue("HKDF-SHA-256 output is limited to 8160 bytes");
    SecretBytes out(length);
    if (length == 0) return out; // mbedTLS rejects a null output buffer even when nothing is asked for
    const int ret = mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), salt.data(), salt.size(),
                                 ikm.data(), ikm.size(), info.data(), info.size(), out.data(), out.size());
    if (ret != 0) throwError(ErrorKind::Runtime, "HKDF failed", ret);
    return out;
}

} // namespace mpyseal::crypto
