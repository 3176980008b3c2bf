// Every mbedTLS 2.28-vs-3.x difference lives in this file (see MbedtlsAdapter.h and docs/crypto.md).
#include "MbedtlsAdapter.h"

#include "Internal.h"

#include <mbedtls/asn1.h>
#include <mbedtls/cipher.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/version.h>

#if MBEDTLS_VERSION_MAJOR < 3
#include <mbedtls/aesni.h>
extern "C" { // 2.28's constant_time.h lacks the C++ guard the other headers have
#include <mbedtls/constant_time.h>
}
#endif

#include <cstring>

namespace mpyseal::crypto::adapter {

namespace {

using detail::RngBridge;

#if MBEDTLS_VERSION_MAJOR >= 3
#define MPYSEAL_PRIV(field) MBEDTLS_PRIVATE(field)
#else
#define MPYSEAL_PRIV(field) field
#endif

/// RSA-OAEP takes its hash from the context (2.28: set_padding is void; 3.x: it returns a code). The
/// previous PKCS#1 v1.5 setting is restored afterwards so the key object is left as parsed.
class OaepSha256Scope {
  public:
    explicit OaepSha256Scope(mbedtls_rsa_context* rsa) : rsa_(rsa) {
#if MBEDTLS_VERSION_MAJOR < 3
        mbedtls_rsa_set_padding(rsa_, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
#else
        status_ = mbedtls_rsa_set_padding(rsa_, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
#endif
    }
    ~OaepSha256Scope() {
#if MBEDTLS_VERSION_MAJOR < 3
        mbedtls_rsa_set_padding(rsa_, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
#else
        (void)mbedtls_rsa_set_padding(rsa_, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
#endif
    }
    int status() const {
        return status_;
    }

  private:
    mbedtls_rsa_context* rsa_;
    int status_ = 0;
};

bool looksLikePem(ByteView data) {
    static constexpr std::string_view kBegin = "-----BEGIN";
    const std::string_view text = asText(data);
    return text.find(kBegin) != std::string_view::npos;
}

/// mbedTLS reads PEM only from a NUL-terminated buffer whose length counts the NUL (both versions); callers
/// hand us plain bytes, so PEM input is copied (into wiped memory: it may be a private key).
SecretBytes terminatedCopy(ByteView data) {
    SecretBytes copy(data.begin(), data.end());
    if (looksLikePem(data) && (copy.empty() || copy.back() != '\0')) copy.push_back('\0');
    return copy;
}

// ---------------------------------------------------------------------------------------------------
// Encrypted PKCS#8 with PBES2 + AES-CBC. mbedTLS 2.28's PBES2 knows only DES and 3DES as the encryption
// scheme, while OpenSSL (genpkey/pkcs8 -topk8, since 1.1) writes AES-256-CBC with hmacWithSHA256. The
// decryption below uses mbedTLS's PBKDF2 and AES-CBC; only the ASN.1 walk (RFC 8018 A.2, A.4, B.2.5) is ours.

constexpr unsigned kMaxPbkdf2Iterations = 10'000'000; // bounds the work a hostile key file can ask for

struct EncryptedPkcs8 {
    mbedtls_asn1_buf algorithm{};
    mbedtls_asn1_buf parameters{};
    const unsigned char* data = nullptr;
    std::size_t dataLength = 0;
};

/// EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING
/// }
bool readEncryptedPkcs8(ByteView der, EncryptedPkcs8& out) {
    if (der.empty()) return false;
    auto* p = const_cast<unsigned char*>(der.data());
    const unsigned char* end = p + der.size();
    std::size_t len = 0;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return false;
    end = p + len;
    if (mbedtls_asn1_get_alg(&p, end, &out.algorithm, &out.parameters) != 0) return false;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OCTET_STRING) != 0) return false;
    out.data = p;
    out.dataLength = len;
    return p + len == end;
}

bool oidIs(const mbedtls_asn1_buf& oid, const char* expected, std::size_t expectedLength) {
    return oid.len == expectedLength && std::memcmp(oid.p, expected, expectedLength) == 0;
}
#define MPYSEAL_OID_IS(buf, oid) oidIs(buf, oid, sizeof(oid) - 1)

struct Pbes2Aes {
    mbedtls_asn1_buf salt{};
    int iterations = 0;
    mbedtls_md_type_t prf = MBEDTLS_MD_SHA1; // RFC 8018 A.2: hmacWithSHA1 is the default PRF
    mbedtls_cipher_type_t cipher = MBEDTLS_CIPHER_NONE;
    std::size_t keyLength = 0;
    mbedtls_asn1_buf iv{};
};

/// Reads PBES2-params when they name PBKDF2 and AES-{128,192,256}-CBC; false for anything else, which then
/// goes to mbedTLS's own parser.
bool readPbes2Aes(const EncryptedPkcs8& info, Pbes2Aes& out) {
    if (!MPYSEAL_OID_IS(info.algorithm, MBEDTLS_OID_PKCS5_PBES2)) return false;
    if (info.parameters.tag != (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) return false;
    unsigned char* p = info.parameters.p;
    const unsigned char* end = p + info.parameters.len;
    mbedtls_asn1_buf kdf{}, kdfParams{}, scheme{}, schemeParams{};
    if (mbedtls_asn1_get_alg(&p, end, &kdf, &kdfParams) != 0) return false;
    if (mbedtls_asn1_get_alg(&p, end, &scheme, &schemeParams) != 0 || p != end) return false;
    if (!MPYSEAL_OID_IS(kdf, MBEDTLS_OID_PKCS5_PBKDF2)) return false;

    if (MPYSEAL_OID_IS(scheme, MBEDTLS_OID_AES "\x02")) {
        out.cipher = MBEDTLS_CIPHER_AES_128_CBC, out.keyLength = 16;
    } else if (MPYSEAL_OID_IS(scheme, MBEDTLS_OID_AES "\x16")) {
        out.cipher = MBEDTLS_CIPHER_AES_192_CBC, out.keyLength = 24;
    } else if (MPYSEAL_OID_IS(scheme, MBEDTLS_OID_AES "\x2a")) {
        out.cipher = MBEDTLS_CIPHER_AES_256_CBC, out.keyLength = 32;
    } else {
        return false;
    }
    if (schemeParams.tag != MBEDTLS_ASN1_OCTET_STRING || schemeParams.len != 16) return false;
    out.iv = schemeParams;

    // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
    //                              prf AlgorithmIdentifier DEFAULT algid-hmacWithSHA1 }
    if (kdfParams.tag != (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) return false;
    p = kdfParams.p;
    end = p + kdfParams.len;
    std::size_t len = 0;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OCTET_STRING) != 0) return false;
    out.salt.p = p;
    out.salt.len = len;
    p += len;
    if (mbedtls_asn1_get_int(&p, end, &out.iterations) != 0) return false;
    if (out.iterations <= 0 || static_cast<unsigned>(out.iterations) > kMaxPbkdf2Iterations) return false;
    if (p < end && *p == MBEDTLS_ASN1_INTEGER) {
        int keyLength = 0;
        if (mbedtls_asn1_get_int(&p, end, &keyLength) != 0) return false;
        if (static_cast<std::size_t>(keyLength) != out.keyLength) return false;
    }
    if (p < end) {
        mbedtls_asn1_buf prf{}, prfParams{};
        if (mbedtls_asn1_get_alg(&p, end, &prf, &prfParams) != 0) return false;
        if (mbedtls_oid_get_md_hmac(&prf, &out.prf) != 0) return false;
    }
    return p == end;
}

/// Decrypts the PKCS#8 inside; MBEDTLS_ERR_PK_PASSWORD_MISMATCH when the padding is wrong.
int decryptPbes2Aes(const EncryptedPkcs8& info, const Pbes2Aes& params, std::string_view passphrase,
                    SecretBytes& plain) {
    SecretBytes key(params.keyLength);
    int ret = pbkdf2Hmac(params.prf, asBytes(passphrase), ByteView(params.salt.p, params.salt.len),
                         static_cast<unsigned>(params.iterations), key);
    if (ret != 0) return ret;

    mbedtls_cipher_context_t cipher;
    mbedtls_cipher_init(&cipher);
    plain.assign(info.dataLength + 16, 0);
    std::size_t plainLength = 0;
    ret = mbedtls_cipher_setup(&cipher, mbedtls_cipher_info_from_type(params.cipher));
    if (ret == 0) ret = mbedtls_cipher_setkey(&cipher, key.data(), int(key.size() * 8), MBEDTLS_DECRYPT);
    if (ret == 0) ret = mbedtls_cipher_set_padding_mode(&cipher, MBEDTLS_PADDING_PKCS7);
    if (ret == 0)
        ret = mbedtls_cipher_crypt(&cipher, params.iv.p, params.iv.len, info.data, info.dataLength,
                                   plain.data(), &plainLength);
    mbedtls_cipher_free(&cipher);
    if (ret == MBEDTLS_ERR_CIPHER_INVALID_PADDING || ret == MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED)
        return MBEDTLS_ERR_PK_PASSWORD_MISMATCH;
    if (ret != 0) return ret;
    plain.resize(plainLength);
    return 0;
}

/// DER of an "ENCRYPTED PRIVATE KEY" PEM block, or a copy of DER input; empty when neither.
SecretBytes encryptedPkcs8Der(const SecretBytes& terminated, bool pem) {
    if (!pem) return terminated;
    mbedtls_pem_context ctx;
    mbedtls_pem_init(&ctx);
    std::size_t used = 0;
    SecretBytes der;
    if (mbedtls_pem_read_buffer(&ctx, "-----BEGIN ENCRYPTED PRIVATE KEY-----",
                                "-----END ENCRYPTED PRIVATE KEY-----", terminated.data(), nullptr, 0,
                                &used) == 0) {
#if MBEDTLS_VERSION_MAJOR < 3
        der.assign(ctx.buf, ctx.buf + ctx.buflen);
#else
        std::size_t length = 0;
        const unsigned char* buffer = mbedtls_pem_get_buffer(&ctx, &length);
        der.assign(buffer, buffer + length);
#endif
    }
    mbedtls_pem_free(&ctx);
    return der;
}

int pkParseKey(mbedtls_pk_context* pk, const unsigned char* key, std::size_t keyLength,
               const unsigned char* pwd, std::size_t pwdLength, Drbg& rng) {
#if MBEDTLS_VERSION_MAJOR < 3
    (void)rng;
    return mbedtls_pk_parse_key(pk, key, keyLength, pwd, pwdLength);
#else
    return mbedtls_pk_parse_key(pk, key, keyLength, pwd, pwdLength, &RngBridge::random, &rng);
#endif
}

} // namespace

// --- RSA ------------------------------------------------------------------------------------------

int rsaSignPkcs1v15Sha256(mbedtls_rsa_context* rsa, Drbg& rng, const unsigned char* hash32,
                          unsigned char* signature) {
#if MBEDTLS_VERSION_MAJOR < 3
    return mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, &RngBridge::random, &rng, MBEDTLS_RSA_PRIVATE,
                                             MBEDTLS_MD_SHA256, 32, hash32, signature);
#else
    return mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, &RngBridge::random, &rng, MBEDTLS_MD_SHA256, 32, hash32,
                                             signature);
#endif
}

int rsaVerifyPkcs1v15Sha256(mbedtls_rsa_context* rsa, const unsigned char* hash32,
                            const unsigned char* signature) {
#if MBEDTLS_VERSION_MAJOR < 3
    return mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa, nullptr, nullptr, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256,
                                               32, hash32, signature);
#else
    return mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa, MBEDTLS_MD_SHA256, 32, hash32, signature);
#endif
}

int rsaEncryptPkcs1v15(mbedtls_rsa_context* rsa, Drbg& rng, ByteView plaintext, unsigned char* out) {
#if MBEDTLS_VERSION_MAJOR < 3
    return mbedtls_rsa_rsaes_pkcs1_v15_encrypt(rsa, &RngBridge::random, &rng, MBEDTLS_RSA_PUBLIC,
                                               plaintext.size(), plaintext.data(), out);
#else
    return mbedtls_rsa_rsaes_pkcs1_v15_encrypt(rsa, &RngBridge::random, &rng, plaintext.size(),
                                               plaintext.data(), out);
#endif
}

int rsaDecryptPkcs1v15(mbedtls_rsa_context* rsa, Drbg& rng, const unsigned char* ciphertext,
                       unsigned char* out, std::size_t outCapacity, std::size_t* outLength) {
#if MBEDTLS_VERSION_MAJOR < 3
    return mbedtls_rsa_rsaes_pkcs1_v15_decrypt(rsa, &RngBridge::random, &rng, MBEDTLS_RSA_PRIVATE, outLength,
                                               ciphertext, out, outCapacity);
#else
    return mbedtls_rsa_rsaes_pkcs1_v15_decrypt(rsa, &RngBridge::random, &rng, outLength, ciphertext, out,
                                               outCapacity);
#endif
}

int rsaEncryptOaepSha256(mbedtls_rsa_context* rsa, Drbg& rng, ByteView label, ByteView plaintext,
                         unsigned char* out) {
    OaepSha256Scope scope(rsa);
    if (scope.status() != 0) return scope.status();
#if MBEDTLS_VERSION_MAJOR < 3
    return mbedtls_rsa_rsaes_oaep_encrypt(rsa, &RngBridge::random, &rng, MBEDTLS_RSA_PUBLIC, label.data(),
                                          label.size(), plaintext.size(), plaintext.data(), out);
#else
    return mbedtls_rsa_rsaes_oaep_encrypt(rsa, &RngBridge::random, &rng, label.data(), label.size(),
                                          plaintext.size(), plaintext.data(), out);
#endif
}

int rsaDecryptOaepSha256(mbedtls_rsa_context* rsa, Drbg& rng, ByteView label, const unsigned char* ciphertext,
                         unsigned char* out, std::size_t outCapacity, std::size_t* outLength) {
    OaepSha256Scope scope(rsa);
    if (scope.status() != 0) return scope.status();
#if MBEDTLS_VERSION_MAJOR < 3
    return mbedtls_rsa_rsaes_oaep_decrypt(rsa, &RngBridge::random, &rng, MBEDTLS_RSA_PRIVATE, label.data(),
                                          label.size(), outLength, ciphertext, out, outCapacity);
#else
    return mbedtls_rsa_rsaes_oaep_decrypt(rsa, &RngBridge::random, &rng, label.data(), label.size(),
                                          outLength, ciphertext, out, outCapacity);
#endif
}

// --- Keys -----------------------------------------------------------------------------------------

int parsePrivateKey(mbedtls_pk_context* pk, ByteView pemOrDer, std::optional<std::string_view> passphrase,
                    Drbg& rng) {
    if (pemOrDer.empty()) return MBEDTLS_ERR_PK_KEY_INVALID_FORMAT;
    const bool pem = looksLikePem(pemOrDer);
    const SecretBytes input = terminatedCopy(pemOrDer);

    // Encrypted PKCS#8 is recognized here so that a missing passphrase gets the same answer for PEM and DER
    // (mbedTLS reports "invalid format" for DER), and so that PBES2 with AES can be decrypted on 2.28.
    const SecretBytes encrypted = encryptedPkcs8Der(input, pem);
    EncryptedPkcs8 info;
    if (!encrypted.empty() && readEncryptedPkcs8(encrypted, info)) {
        if (!passphrase || passphrase->empty()) return MBEDTLS_ERR_PK_PASSWORD_REQUIRED;
        Pbes2Aes params;
        if (readPbes2Aes(info, params)) {
            SecretBytes plain;
            int ret = decryptPbes2Aes(info, params, *passphrase, plain);
            if (ret != 0) return ret;
            ret = pkParseKey(pk, plain.data(), plain.size(), nullptr, 0, rng);
            // Valid padding with a wrong passphrase happens (about 1 in 256); the garbage then fails to
            // parse.
            return ret == 0 ? 0 : MBEDTLS_ERR_PK_PASSWORD_MISMATCH;
        }
    }
    const auto* pwd = passphrase ? reinterpret_cast<const unsigned char*>(passphrase->data()) : nullptr;
    const std::size_t pwdLength = passphrase ? passphrase->size() : 0;
    return pkParseKey(pk, input.data(), input.size(), pwd, pwdLength, rng);
}

int parsePublicKey(mbedtls_pk_context* pk, ByteView pemOrDer) {
    if (pemOrDer.empty()) return MBEDTLS_ERR_PK_KEY_INVALID_FORMAT;
    const SecretBytes input = terminatedCopy(pemOrDer);
    return mbedtls_pk_parse_public_key(pk, input.data(), input.size());
}

int checkPrivateKey(const mbedtls_pk_context* pk, Drbg& rng) {
#if MBEDTLS_VERSION_MAJOR < 3
    (void)rng;
    return mbedtls_pk_check_pair(pk, pk);
#else
    return mbedtls_pk_check_pair(pk, pk, &RngBridge::random, &rng);
#endif
}

mbedtls_ecp_group_id ecGroupId(const mbedtls_pk_context* pk) {
    if (!mbedtls_pk_can_do(pk, MBEDTLS_PK_ECKEY)) return MBEDTLS_ECP_DP_NONE;
    return mbedtls_pk_ec(*pk)->MPYSEAL_PRIV(grp).id;
}

int ecdsaSignDer(mbedtls_pk_context* pk, Drbg& rng, const unsigned char* hash32, unsigned char* sig,
                 std::size_t sigCapacity, std::size_t* sigLength) {
#if MBEDTLS_VERSION_MAJOR < 3
    // 2.28 writes up to MBEDTLS_ECDSA_MAX_LEN bytes without being told the capacity.
    if (sigCapacity < MBEDTLS_ECDSA_MAX_LEN) return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
    return mbedtls_pk_sign(pk, MBEDTLS_MD_SHA256, hash32, 32, sig, sigLength, &RngBridge::random, &rng);
#else
    return mbedtls_pk_sign(pk, MBEDTLS_MD_SHA256, hash32, 32, sig, sigCapacity, sigLength, &RngBridge::random,
                           &rng);
#endif
}

// --- Primitives -----------------------------------------------------------------------------------

int pbkdf2Hmac(mbedtls_md_type_t md, ByteView password, ByteView salt, unsigned iterations,
               std::span<unsigned char> out) {
#if MBEDTLS_VERSION_MAJOR < 3
    const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md);
    if (info == nullptr) return MBEDTLS_ERR_PKCS5_FEATURE_UNAVAILABLE;
    mbedtls_md_context_t ctx;
    mbedtls_md_init(&ctx);
    int ret = mbedtls_md_setup(&ctx, info, 1);
    if (ret == 0)
        ret = mbedtls_pkcs5_pbkdf2_hmac(&ctx, password.data(), password.size(), salt.data(), salt.size(),
                                        iterations, static_cast<uint32_t>(out.size()), out.data());
    mbedtls_md_free(&ctx);
    return ret;
#else
    return mbedtls_pkcs5_pbkdf2_hmac_ext(md, password.data(), password.size(), salt.data(), salt.size(),
                                         iterations, static_cast<uint32_t>(out.size()), out.data());
#endif
}

bool constantTimeEqual(const unsigned char* a, const unsigned char* b, std::size_t n) noexcept {
#if MBEDTLS_VERSION_MAJOR < 3
    return mbedtls_ct_memcmp(a, b, n) == 0;
#else
    // 3.x keeps its constant-time helpers private; this is the usual accumulate-the-differences loop.
    volatile unsigned char diff = 0;
    for (std::size_t i = 0; i < n; ++i) diff = static_cast<unsigned char>(diff | (a[i] ^ b[i]));
    return diff == 0;
#endif
}

bool aesInstructionsUsed() noexcept {
#if MBEDTLS_VERSION_MAJOR < 3 && defined(MBEDTLS_AESNI_C) && defined(MBEDTLS_HAVE_X86_64)
    return mbedtls_aesni_has_support(MBEDTLS_AESNI_AES) != 0;
#elif MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_AESNI_C) && (defined(__x86_64__) || defined(__amd64__))
    return __builtin_cpu_supports("aes"); // the same CPUID bit mbedTLS's private aesni.c checks
#else
    return false;
#endif
}

bool clmulInstructionsUsed() noexcept {
#if MBEDTLS_VERSION_MAJOR < 3 && defined(MBEDTLS_AESNI_C) && defined(MBEDTLS_HAVE_X86_64)
    return mbedtls_aesni_has_support(MBEDTLS_AESNI_CLMUL) != 0;
#elif MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_AESNI_C) && (defined(__x86_64__) || defined(__amd64__))
    return __builtin_cpu_supports("pclmul");
#else
    return false;
#endif
}

std::string versionString() {
    char text[18] = {};
    mbedtls_version_get_string(text); // the library actually loaded, not the headers we compiled against
    return text;
}

} // namespace mpyseal::crypto::adapter
