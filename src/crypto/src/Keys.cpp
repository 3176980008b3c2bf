// RSA and EC P-256 keys: parsing, generation, PKCS#8 (plain and PBES2-encrypted)/SPKI writing, RS256/ES256,
// RSA encryption.
#include "mpyseal/crypto/Keys.h"
#include "Internal.h"
#include "MbedtlsAdapter.h"
#include "mpyseal/crypto/Hash.h"

#include <mbedtls/asn1.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/bignum.h>
#include <mbedtls/cipher.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/rsa.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace mpyseal::crypto {

using detail::PkHandle;
using detail::RngBridge;

namespace {

// Large enough for the DER of an RSA-4096 private key in PKCS#8 (about 2.4 KB) with room to spare.
constexpr std::size_t kDerCapacity = 8192;
constexpr int kExponent = 65537;
constexpr const char* kUnsupportedKey = "unsupported key type: only RSA and EC P-256 keys are supported";

bool isRsa(const mbedtls_pk_context& pk) {
    return mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA;
}
bool isEcP256(const mbedtls_pk_context& pk) {
    return mbedtls_pk_get_type(&pk) == MBEDTLS_PK_ECKEY &&
           adapter::ecGroupId(&pk) == MBEDTLS_ECP_DP_SECP256R1;
}

void requireSupported(const mbedtls_pk_context& pk) {
    if (!isRsa(pk) && !isEcP256(pk)) throwValue(kUnsupportedKey, MBEDTLS_ERR_PK_TYPE_MISMATCH);
}

KeyType typeOf(const mbedtls_pk_context& pk) {
    return isRsa(pk) ? KeyType::Rsa : KeyType::EcP256;
}

mbedtls_rsa_context* rsaOf(const PkHandle& pk, const char* operation) {
    if (!isRsa(pk.ctx))
        throwValue(std::string(operation) + " needs an RSA key", MBEDTLS_ERR_PK_TYPE_MISMATCH);
    return mbedtls_pk_rsa(pk.ctx);
}

std::array<unsigned char, 32> sha256Digest(ByteView message) {
    std::array<unsigned char, 32> digest{};
    const Bytes d = sha256(message);
    std::memcpy(digest.data(), d.data(), digest.size());
    return digest;
}

/// ES256 signatures must be DER (X.690 §10), not merely BER: mbedTLS's reader accepts long-form lengths
/// and zero-padded integers, which would make signatures malleable. Re-encoding the parsed (r, s) with
/// mbedTLS's DER writer and comparing bytes rejects every non-canonical form.
bool isCanonicalEcdsaDer(ByteView sig) {
    constexpr std::size_t kMaxSignature = 2 * (2 + 1 + 66) + 4; // generous for P-256 (72 bytes at most)
    if (sig.empty() || sig.size() > kMaxSignature) return false;
    auto* p = const_cast<unsigned char*>(sig.data());
    const unsigned char* end = p + sig.size();
    std::size_t len = 0;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return false;
    if (p + len != end) return false;
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    bool ok = mbedtls_asn1_get_mpi(&p, end, &r) == 0 && mbedtls_asn1_get_mpi(&p, end, &s) == 0 && p == end;
    if (ok) {
        std::array<unsigned char, kMaxSignature + 8> buffer{};
        unsigned char* w = buffer.data() + buffer.size();
        int total = 0;
        for (const mbedtls_mpi* v : {&s, &r}) {
            const int n = mbedtls_asn1_write_mpi(&w, buffer.data(), v);
            if (n < 0) ok = false;
            total += n;
            if (!ok) break;
        }
        if (ok) {
            const int n1 = mbedtls_asn1_write_len(&w, buffer.data(), static_cast<std::size_t>(total));
            const int n2 = n1 < 0 ? n1
                                  : mbedtls_asn1_write_tag(&w, buffer.data(),
                                                           MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
            ok = n1 >= 0 && n2 >= 0;
            if (ok) {
                total += n1 + n2;
                ok = static_cast<std::size_t>(total) == sig.size() &&
                     std::memcmp(w, sig.data(), sig.size()) == 0;
            }
        }
    }
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    return ok;
}

/// Adds the result of an mbedtls_asn1_write_* call to a running length, or throws.
void addWritten(std::size_t& total, int written) {
    if (written < 0) throwError(ErrorKind::Runtime, "key encoding failed", written);
    total += static_cast<std::size_t>(written);
}

std::string pemText(const char* header, const char* footer, ByteView der) {
    std::string out(der.size() * 2 + 128, '\0');
    std::size_t written = 0;
    const int ret =
        mbedtls_pem_write_buffer(header, footer, der.data(), der.size(),
                                 reinterpret_cast<unsigned char*>(out.data()), out.size(), &written);
    if (ret != 0) throwError(ErrorKind::Runtime, "PEM encoding failed", ret);
    out.resize(written > 0 ? written - 1 : 0); // written counts the terminating NUL
    return out;
}

/// PEM armour of private-key DER, in memory that is wiped when freed.
SecretBytes pemSecret(const char* header, const char* footer, ByteView der) {
    SecretBytes out(der.size() * 2 + 128);
    std::size_t written = 0;
    const int ret =
        mbedtls_pem_write_buffer(header, footer, der.data(), der.size(), out.data(), out.size(), &written);
    if (ret != 0) throwError(ErrorKind::Runtime, "PEM encoding failed", ret);
    out.resize(written > 0 ? written - 1 : 0); // drop the NUL that mbedTLS counts
    return out;
}

/// The SubjectPublicKeyInfo DER of a public or private key's public part.
Bytes subjectPublicKeyInfoDer(const mbedtls_pk_context& ctx) {
    Bytes buffer(kDerCapacity);
    // mbedtls_pk_write_pubkey_der takes a non-const context but only reads it
    const int n =
        mbedtls_pk_write_pubkey_der(const_cast<mbedtls_pk_context*>(&ctx), buffer.data(), buffer.size());
    if (n < 0) throwError(ErrorKind::Runtime, "public key encoding failed", n);
    return Bytes(buffer.end() - n, buffer.end()); // mbedTLS writes DER at the end of the buffer
}

} // namespace

// --- PublicKey ------------------------------------------------------------------------------------

PublicKey::PublicKey(std::unique_ptr<PkHandle> pk) : pk_(std::move(pk)) {}
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;

PublicKey PublicKey::parse(ByteView pemOrDer) {
    auto pk = std::make_unique<PkHandle>();
    const int ret = adapter::parsePublicKey(&pk->ctx, pemOrDer);
    if (ret == MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE) // mbedTLS 2.28 reads only uncompressed P-256 points
        throwValue("invalid public key: a compressed EC point is not supported; convert it with 'openssl ec "
                   "-pubin -in KEY -conv_form uncompressed -pubout'",
                   ret);
    if (ret != 0)
        throwValue("invalid public key (mbedtls error " + codeText(ret) +
                       "); expected a SubjectPublicKeyInfo or PKCS#1 RSA key, EC keys naming the curve P-256",
                   ret);
    requireSupported(pk->ctx);
    return PublicKey(std::move(pk));
}

KeyType PublicKey::type() const noexcept {
    return typeOf(pk_->ctx);
}
std::size_t PublicKey::bits() const noexcept {
    return mbedtls_pk_get_bitlen(&pk_->ctx);
}
std::size_t PublicKey::rsaSize() const {
    return mbedtls_rsa_get_len(rsaOf(*pk_, "rsaSize"));
}

Bytes PublicKey::toDer() const {
    return subjectPublicKeyInfoDer(pk_->ctx);
}

std::string PublicKey::toPem() const {
    return pemText("-----BEGIN PUBLIC KEY-----\n", "-----END PUBLIC KEY-----\n", toDer());
}

bool PublicKey::verifyRs256(ByteView message, ByteView signature) const {
    if (!isRsa(pk_->ctx)) return false;
    mbedtls_rsa_context* rsa = mbedtls_pk_rsa(pk_->ctx);
    // mbedTLS reads exactly modulus-length bytes from the pointer; other lengths are invalid (RFC 8017
    // §8.2.2).
    if (signature.size() != mbedtls_rsa_get_len(rsa)) return false;
    const auto digest = sha256Digest(message);
    return adapter::rsaVerifyPkcs1v15Sha256(rsa, digest.data(), signature.data()) == 0;
}

bool PublicKey::verifyEs256(ByteView message, ByteView derSignature) const {
    if (!isEcP256(pk_->ctx) || !isCanonicalEcdsaDer(derSignature)) return false;
    const auto digest = sha256Digest(message);
    return mbedtls_pk_verify(&pk_->ctx, MBEDTLS_MD_SHA256, digest.data(), digest.size(), derSignature.data(),
                             derSignature.size()) == 0;
}

Bytes PublicKey::encryptPkcs1v15(ByteView plaintext, Drbg& rng) const {
    mbedtls_rsa_context* rsa = rsaOf(*pk_, "RSA encryption");
    const std::size_t k = mbedtls_rsa_get_len(rsa);
    if (plaintext.size() + 11 > k) throwValue("plaintext too long for RSAES-PKCS1-v1_5 with this key");
    Bytes out(k);
    const int ret = adapter::rsaEncryptPkcs1v15(rsa, rng, plaintext, out.data());
    if (ret != 0) throwError(ErrorKind::Runtime, "RSA encryption failed", ret);
    return out;
}

Bytes PublicKey::encryptOaepSha256(ByteView plaintext, ByteView label, Drbg& rng) const {
    mbedtls_rsa_context* rsa = rsaOf(*pk_, "RSA encryption");
    const std::size_t k = mbedtls_rsa_get_len(rsa);
    if (plaintext.size() + 2 * 32 + 2 > k)
        throwValue("plaintext too long for RSAES-OAEP-SHA-256 with this key");
    Bytes out(k);
    const int ret = adapter::rsaEncryptOaepSha256(rsa, rng, label, plaintext, out.data());
    if (ret != 0) throwError(ErrorKind::Runtime, "RSA encryption failed", ret);
    return out;
}

// --- PrivateKey -----------------------------------------------------------------------------------

PrivateKey::PrivateKey(std::unique_ptr<PkHandle> pk) : pk_(std::move(pk)) {}
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;

PrivateKey PrivateKey::parse(ByteView pemOrDer, std::optional<std::string_view> passphrase) {
    auto pk = std::make_unique<PkHandle>();
    // Parsing may need randomness (3.x checks EC keys with blinding); the default generator is fine here.
    int ret = adapter::parsePrivateKey(&pk->ctx, pemOrDer, passphrase, defaultDrbg());
    // mbedTLS does not check that the numbers in a key agree with each other; a corrupted key would
    // otherwise load and produce wrong signatures.
    if (ret == 0) ret = adapter::checkPrivateKey(&pk->ctx, defaultDrbg());
    if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED)
        throwValue("private key is encrypted: a passphrase is required", ret);
    if (ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH) throwValue("wrong passphrase for the private key", ret);
    if (ret != 0) throwValue("invalid private key (mbedtls error " + codeText(ret) + ")", ret);
    requireSupported(pk->ctx);
    return PrivateKey(std::move(pk));
}

PrivateKey PrivateKey::generateRsa(unsigned bits, Drbg& rng) {
    if (bits != 2048 && bits != 3072 && bits != 4096)
        throwValue("RSA key size must be 2048, 3072 or 4096 bits");
    auto pk = std::make_unique<PkHandle>();
    int ret = mbedtls_pk_setup(&pk->ctx, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
    if (ret == 0)
        ret = mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk->ctx), &RngBridge::random, &rng, bits, kExponent);
    if (ret != 0) throwError(ErrorKind::Runtime, "RSA key generation failed", ret);
    return PrivateKey(std::move(pk));
}

PrivateKey PrivateKey::generateEcP256(Drbg& rng) {
    auto pk = std::make_unique<PkHandle>();
    int ret = mbedtls_pk_setup(&pk->ctx, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0)
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk->ctx), &RngBridge::random, &rng);
    if (ret != 0) throwError(ErrorKind::Runtime, "EC key generation failed", ret);
    return PrivateKey(std::move(pk));
}

KeyType PrivateKey::type() const noexcept {
    return typeOf(pk_->ctx);
}
std::size_t PrivateKey::bits() const noexcept {
    return mbedtls_pk_get_bitlen(&pk_->ctx);
}
std::size_t PrivateKey::rsaSize() const {
    return mbedtls_rsa_get_len(rsaOf(*pk_, "rsaSize"));
}

PublicKey PrivateKey::publicKey() const {
    return PublicKey::parse(subjectPublicKeyInfoDer(pk_->ctx));
}

SecretBytes PrivateKey::toPkcs8Der() const {
    // mbedTLS writes PKCS#1 / SEC1 only, in both 2.28 and 3.x; PKCS#8 (RFC 5208 §5) wraps that DER:
    //   PrivateKeyInfo ::= SEQUENCE { version INTEGER (0), privateKeyAlgorithm AlgorithmIdentifier,
    //                                 privateKey OCTET STRING (the PKCS#1 or SEC1 DER) }
    // mbedTLS's ASN.1 writer fills the buffer backwards, so the fields are written last to first.
    SecretBytes buffer(kDerCapacity);
    unsigned char* const start = buffer.data();
    const int inner = mbedtls_pk_write_key_der(&pk_->ctx, start, buffer.size());
    if (inner < 0) throwError(ErrorKind::Runtime, "private key encoding failed", inner);
    unsigned char* p = start + buffer.size() - inner;
    std::size_t total = static_cast<std::size_t>(inner);
    addWritten(total, mbedtls_asn1_write_len(&p, start, static_cast<std::size_t>(inner)));
    addWritten(total, mbedtls_asn1_write_tag(&p, start, MBEDTLS_ASN1_OCTET_STRING));

    std::size_t algorithm = 0;
    if (isRsa(pk_->ctx)) { // rsaEncryption with NULL parameters (RFC 8017 A.1)
        addWritten(algorithm, mbedtls_asn1_write_null(&p, start));
        addWritten(algorithm, mbedtls_asn1_write_oid(&p, start, MBEDTLS_OID_PKCS1_RSA,
                                                     sizeof(MBEDTLS_OID_PKCS1_RSA) - 1));
    } else { // id-ecPublicKey with the namedCurve parameter (RFC 5480 §2.1.1)
        addWritten(algorithm, mbedtls_asn1_write_oid(&p, start, MBEDTLS_OID_EC_GRP_SECP256R1,
                                                     sizeof(MBEDTLS_OID_EC_GRP_SECP256R1) - 1));
        addWritten(algorithm, mbedtls_asn1_write_oid(&p, start, MBEDTLS_OID_EC_ALG_UNRESTRICTED,
                                                     sizeof(MBEDTLS_OID_EC_ALG_UNRESTRICTED) - 1));
    }
    addWritten(algorithm, mbedtls_asn1_write_len(&p, start, algorithm));
    addWritten(algorithm,
               mbedtls_asn1_write_tag(&p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    total += algorithm;
    addWritten(total, mbedtls_asn1_write_int(&p, start, 0));
    addWritten(total, mbedtls_asn1_write_len(&p, start, total));
    addWritten(total, mbedtls_asn1_write_tag(&p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    return SecretBytes(p, p + total);
}

SecretBytes PrivateKey::toPkcs8Pem() const {
    return pemSecret("-----BEGIN PRIVATE KEY-----\n", "-----END PRIVATE KEY-----\n", toPkcs8Der());
}

// --- Encrypted PKCS#8 (PBES2, RFC 8018 §6.2) ------------------------------------------------------

namespace {

constexpr std::size_t kPbes2SaltSize = 16;  // RFC 8018 §4.1 asks for at least 8 bytes
constexpr std::size_t kAesCbcIvSize = 16;   // aes256-CBC-PAD: the IV is one AES block (RFC 8018 B.2.5)
constexpr std::size_t kAes256KeySize = 32;  // PBKDF2 dkLen
constexpr std::size_t kPbes2Overhead = 256; // DER around the ciphertext (106 bytes) with room to spare
constexpr char kOidAes256Cbc[] = MBEDTLS_OID_AES "\x2a"; // aes256-CBC-PAD, 2.16.840.1.101.3.4.1.42
constexpr const char* kEmptyPassphrase = "the passphrase of an encrypted private key must not be empty";

/// AES-256-CBC with PKCS#7 padding through mbedTLS's cipher layer; the context (and its key schedule) is
/// wiped by mbedtls_cipher_free on every path.
Bytes aes256CbcPkcs7Encrypt(ByteView key, ByteView iv, ByteView plaintext) {
    mbedtls_cipher_context_t cipher;
    mbedtls_cipher_init(&cipher);
    Bytes out(plaintext.size() + kAesCbcIvSize); // padding adds 1..16 bytes
    std::size_t length = 0;
    int ret = mbedtls_cipher_setup(&cipher, mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_AES_256_CBC));
    if (ret == 0) ret = mbedtls_cipher_setkey(&cipher, key.data(), int(key.size() * 8), MBEDTLS_ENCRYPT);
    if (ret == 0) ret = mbedtls_cipher_set_padding_mode(&cipher, MBEDTLS_PADDING_PKCS7);
    if (ret == 0)
        ret = mbedtls_cipher_crypt(&cipher, iv.data(), iv.size(), plaintext.data(), plaintext.size(),
                                   out.data(), &length);
    mbedtls_cipher_free(&cipher);
    if (ret != 0) throwError(ErrorKind::Runtime, "private key encryption failed", ret);
    out.resize(length);
    return out;
}

/// The byte count that an mbedtls_asn1_write_* call returned, or throws.
std::size_t checkedSize(int written) {
    if (written < 0) throwError(ErrorKind::Runtime, "key encoding failed", written);
    return static_cast<std::size_t>(written);
}

/// Prefixes the `length` bytes just written before *p with a SEQUENCE header and adds its size to length.
void wrapInSequence(unsigned char** p, unsigned char* start, std::size_t& length) {
    addWritten(length, mbedtls_asn1_write_len(p, start, length));
    addWritten(length, mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
}

} // namespace

SecretBytes PrivateKey::toEncryptedPkcs8Der(std::string_view passphrase, Drbg& rng) const {
    if (passphrase.empty()) throwValue(kEmptyPassphrase);
    std::array<unsigned char, kPbes2SaltSize> salt{};
    std::array<unsigned char, kAesCbcIvSize> iv{};
    rng.fill(salt);
    rng.fill(iv);

    // RFC 8018 §6.2.1: DK = PBKDF2(P, S, c, dkLen), then C = AES-256-CBC(DK, IV, M ‖ PS).
    Bytes ciphertext;
    {
        SecretBytes key(kAes256KeySize);
        const int ret =
            adapter::pbkdf2Hmac(MBEDTLS_MD_SHA256, asBytes(passphrase), salt, kEncryptedPkcs8Iterations, key);
        if (ret != 0) throwError(ErrorKind::Runtime, "passphrase key derivation failed", ret);
        const SecretBytes plain = toPkcs8Der(); // PrivateKeyInfo (RFC 5208 §5), wiped when freed
        ciphertext = aes256CbcPkcs7Encrypt(key, iv, plain);
    }

    // EncryptedPrivateKeyInfo ::= SEQUENCE {                               -- RFC 5958 §3
    //   encryptionAlgorithm SEQUENCE { id-PBES2,                           -- RFC 8018 A.4
    //     PBES2-params ::= SEQUENCE {
    //       keyDerivationFunc SEQUENCE { id-PBKDF2,                        -- RFC 8018 A.2
    //         PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
    //                                      prf SEQUENCE { id-hmacWithSHA256, NULL } } },
    //       encryptionScheme SEQUENCE { aes256-CBC-PAD, iv OCTET STRING } } },  -- RFC 8018 B.2.5
    //   encryptedData OCTET STRING }
    // mbedTLS's ASN.1 writer fills the buffer backwards, so the fields are written last to first.
    SecretBytes buffer(ciphertext.size() + kPbes2Overhead);
    unsigned char* const start = buffer.data();
    unsigned char* p = start + buffer.size();

    std::size_t total = 0;
    addWritten(total, mbedtls_asn1_write_octet_string(&p, start, ciphertext.data(), ciphertext.size()));

    std::size_t ivParameter = 0;
    addWritten(ivParameter, mbedtls_asn1_write_octet_string(&p, start, iv.data(), iv.size()));
    // mbedtls_asn1_write_algorithm_identifier counts the parameters it is given in its result.
    const std::size_t scheme = checkedSize(mbedtls_asn1_write_algorithm_identifier(
        &p, start, kOidAes256Cbc, sizeof(kOidAes256Cbc) - 1, ivParameter));

    std::size_t kdfParams = 0;
    // prf: with parameters length 0 the writer adds the NULL that RFC 8018 B.1.2 specifies.
    addWritten(kdfParams, mbedtls_asn1_write_algorithm_identifier(&p, start, MBEDTLS_OID_HMAC_SHA256,
                                                                  sizeof(MBEDTLS_OID_HMAC_SHA256) - 1, 0));
    addWritten(kdfParams, mbedtls_asn1_write_int(&p, start, static_cast<int>(kEncryptedPkcs8Iterations)));
    addWritten(kdfParams, mbedtls_asn1_write_octet_string(&p, start, salt.data(), salt.size()));
    wrapInSequence(&p, start, kdfParams);
    const std::size_t kdf = checkedSize(mbedtls_asn1_write_algorithm_identifier(
        &p, start, MBEDTLS_OID_PKCS5_PBKDF2, sizeof(MBEDTLS_OID_PKCS5_PBKDF2) - 1, kdfParams));

    std::size_t pbes2Params = kdf + scheme;
    wrapInSequence(&p, start, pbes2Params);
    total += checkedSize(mbedtls_asn1_write_algorithm_identifier(
        &p, start, MBEDTLS_OID_PKCS5_PBES2, sizeof(MBEDTLS_OID_PKCS5_PBES2) - 1, pbes2Params));
    wrapInSequence(&p, start, total);
    return SecretBytes(p, p + total);
}

SecretBytes PrivateKey::toEncryptedPkcs8Pem(std::string_view passphrase, Drbg& rng) const {
    return pemSecret("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", "-----END ENCRYPTED PRIVATE KEY-----\n",
                     toEncryptedPkcs8Der(passphrase, rng));
}

Bytes PrivateKey::signRs256(ByteView message, Drbg& rng) const {
    mbedtls_rsa_context* rsa = rsaOf(*pk_, "RS256");
    const auto digest = sha256Digest(message);
    Bytes signature(mbedtls_rsa_get_len(rsa));
    const int ret = adapter::rsaSignPkcs1v15Sha256(rsa, rng, digest.data(), signature.data());
    if (ret != 0) throwError(ErrorKind::Runtime, "RSA signing failed", ret);
    return signature;
}

Bytes PrivateKey::signEs256(ByteView message, Drbg& rng) const {
    if (!isEcP256(pk_->ctx)) throwValue("ES256 needs an EC P-256 key", MBEDTLS_ERR_PK_TYPE_MISMATCH);
    const auto digest = sha256Digest(message);
    Bytes signature(MBEDTLS_ECDSA_MAX_LEN);
    std::size_t length = 0;
    const int ret =
        adapter::ecdsaSignDer(&pk_->ctx, rng, digest.data(), signature.data(), signature.size(), &length);
    if (ret != 0) throwError(ErrorKind::Runtime, "ECDSA signing failed", ret);
    signature.resize(length);
    return signature;
}

SecretBytes PrivateKey::decryptPkcs1v15(ByteView ciphertext, Drbg& rng) const {
    mbedtls_rsa_context* rsa = rsaOf(*pk_, "RSA decryption");
    const std::size_t k = mbedtls_rsa_get_len(rsa);
    // One error for every cause, so that callers cannot build a padding oracle out of our messages.
    if (ciphertext.size() != k)
        throwError(ErrorKind::Authentication, "RSA decryption failed", MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    SecretBytes out(k);
    std::size_t length = 0;
    const int ret = adapter::rsaDecryptPkcs1v15(rsa, rng, ciphertext.data(), out.data(), out.size(), &length);
    if (ret != 0) throwError(ErrorKind::Authentication, "RSA decryption failed", ret);
    out.resize(length);
    return out;
}

SecretBytes PrivateKey::decryptOaepSha256(ByteView ciphertext, ByteView label, Drbg& rng) const {
    mbedtls_rsa_context* rsa = rsaOf(*pk_, "RSA decryption");
    const std::size_t k = mbedtls_rsa_get_len(rsa);
    if (ciphertext.size() != k)
        throwError(ErrorKind::Authentication, "RSA decryption failed", MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    SecretBytes out(k);
    std::size_t length = 0;
    const int ret =
        adapter::rsaDecryptOaepSha256(rsa, rng, label, ciphertext.data(), out.data(), out.size(), &length);
    if (ret != 0) throwError(ErrorKind::Authentication, "RSA decryption failed", ret);
    out.resize(length);
    return out;
}

// --- ECDH on P-256 (additive: used by the sealed-image ECIES recipients) ---------------------------

namespace {
// SubjectPublicKeyInfo for id-ecPublicKey / secp256r1 (RFC 5480 §2) up to the BIT STRING's content: the
// 65-byte uncompressed point follows. mbedTLS always writes P-256 keys in this form.
constexpr std::array<unsigned char, 26> kP256SpkiPrefix{0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                                        0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                                        0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
constexpr std::size_t kP256PointSize = 65;
} // namespace

Bytes PublicKey::ecPoint() const {
    if (!isEcP256(pk_->ctx)) throwValue("ecPoint needs an EC P-256 key", MBEDTLS_ERR_PK_TYPE_MISMATCH);
    // Through the SPKI encoding rather than the keypair's fields, which are private in mbedTLS 3.x.
    const Bytes der = toDer();
    if (der.size() != kP256PointSize + kP256SpkiPrefix.size() ||
        !std::equal(kP256SpkiPrefix.begin(), kP256SpkiPrefix.end(), der.begin()))
        throwError(ErrorKind::Runtime, "unexpected EC public key encoding");
    return Bytes(der.end() - kP256PointSize, der.end());
}

PublicKey PublicKey::fromEcP256Point(ByteView point) {
    if (point.size() != kP256PointSize || point[0] != 0x04)
        throwValue("invalid EC P-256 point: expected 65 bytes in uncompressed form");
    Bytes der(kP256PointSize + kP256SpkiPrefix.size());
    std::copy(kP256SpkiPrefix.begin(), kP256SpkiPrefix.end(), der.begin());
    std::copy(point.begin(), point.end(), der.begin() + kP256SpkiPrefix.size());
    // mbedTLS's SPKI parser runs mbedtls_ecp_check_pubkey (on-curve, not the point at infinity).
    return parse(der);
}

SecretBytes PrivateKey::ecdhP256(const PublicKey& peer, Drbg& rng) const {
    if (!isEcP256(pk_->ctx) || !isEcP256(peer.pk_->ctx))
        throwValue("ECDH needs EC P-256 keys", MBEDTLS_ERR_PK_TYPE_MISMATCH);
    // mbedtls_ecdh_get_params / calc_secret exist with the same signatures in 2.28 and 3.x.
    mbedtls_ecdh_context ecdh;
    mbedtls_ecdh_init(&ecdh);
    SecretBytes secret(32);
    std::size_t length = 0;
    int ret = mbedtls_ecdh_get_params(&ecdh, mbedtls_pk_ec(pk_->ctx), MBEDTLS_ECDH_OURS);
    if (ret == 0) ret = mbedtls_ecdh_get_params(&ecdh, mbedtls_pk_ec(peer.pk_->ctx), MBEDTLS_ECDH_THEIRS);
    if (ret == 0)
        ret =
            mbedtls_ecdh_calc_secret(&ecdh, &length, secret.data(), secret.size(), &RngBridge::random, &rng);
    mbedtls_ecdh_free(&ecdh); // wipes the copied private scalar
    if (ret != 0 || length != secret.size()) throwError(ErrorKind::Runtime, "ECDH failed", ret);
    return secret;
}

} // namespace mpyseal::crypto
