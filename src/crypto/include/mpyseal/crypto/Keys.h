// Asymmetric keys: RSA and EC P-256 (secp256r1), their encodings, signatures and RSA encryption.
//
// Encodings read (PEM text or DER bytes, detected by the "-----BEGIN" marker):
//   private: PKCS#8 PrivateKeyInfo (RFC 5208 / RFC 5958) "PRIVATE KEY", encrypted PKCS#8 (PBES2 with PBKDF2,
//            RFC 8018; PKCS#12 PBE) "ENCRYPTED PRIVATE KEY", PKCS#1 RSAPrivateKey (RFC 8017 A.1.2)
//            "RSA PRIVATE KEY", SEC1 ECPrivateKey (RFC 5915) "EC PRIVATE KEY".
//   public:  SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 5480) "PUBLIC KEY", PKCS#1 RSAPublicKey (RFC 8017
//   A.1.1)
//            "RSA PUBLIC KEY".
// Encodings written: PKCS#8 (private), encrypted PKCS#8 (PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC,
// RFC 8018 / RFC 5958 §3) and SubjectPublicKeyInfo (public), DER or PEM.
//
// Algorithms (RFC 8017 for RSA, FIPS 186-4 / SEC1 for ECDSA):
//   RS256  = RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2; JWS RFC 7518 §3.3)
//   ES256  = ECDSA P-256 with SHA-256; signatures are DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3), not JOSE's
//            raw r||s. mbedTLS signs deterministically (RFC 6979).
//   RSAES-PKCS1-v1_5 (RFC 8017 §7.2) and RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1).
//
// Errors: unparsable or unsupported keys → Error{Value}, whose message names the problem and the mbedTLS
// code but never contains key material; Error::backendCode() holds that code.
// A key object is not safe for concurrent use from several threads (RSA blinding state changes).
#pragma once

#include "mpyseal/crypto/Bytes.h"
#include "mpyseal/crypto/Random.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mpyseal::crypto {

enum class KeyType { Rsa, EcP256 };

namespace detail {
struct PkHandle; // owns an mbedtls_pk_context
}

class PublicKey {
  public:
    /// Parses SPKI or PKCS#1 RSAPublicKey, PEM or DER. Throws Error{Value} ("invalid public key ...").
    static PublicKey parse(ByteView pemOrDer);

    ~PublicKey();
    PublicKey(PublicKey&&) noexcept;
    PublicKey& operator=(PublicKey&&) noexcept;

    KeyType type() const noexcept;
    /// Modulus size (RSA) or curve size (256) in bits.
    std::size_t bits() const noexcept;
    /// RSA only: modulus size in bytes, which is also the signature and ciphertext size.
    std::size_t rsaSize() const;

    Bytes toDer() const;       ///< SubjectPublicKeyInfo
    std::string toPem() const; ///< "-----BEGIN PUBLIC KEY-----" ... with a final newline

    /// RS256 verification. False for a wrong signature, a signature whose length is not the modulus length,
    /// or a non-RSA key. Never throws for bad signatures.
    bool verifyRs256(ByteView message, ByteView signature) const;
    /// ES256 verification of a strict-DER signature: BER forms (long lengths, padded or negative
    /// integers, trailing bytes) are rejected before mbedTLS checks the math. False for a non-EC key.
    bool verifyEs256(ByteView message, ByteView derSignature) const;

    /// RSAES-PKCS1-v1_5: plaintext ≤ rsaSize() - 11 bytes, else Error{Value}. Returns rsaSize() bytes.
    Bytes encryptPkcs1v15(ByteView plaintext, Drbg& rng = defaultDrbg()) const;
    /// RSAES-OAEP-SHA-256: plaintext ≤ rsaSize() - 66 bytes, else Error{Value}. Returns rsaSize() bytes.
    Bytes encryptOaepSha256(ByteView plaintext, ByteView label = {}, Drbg& rng = defaultDrbg()) const;

    /// EC P-256 only (else Error{Value}): the public point in SEC 1 §2.3.3 uncompressed form,
    /// 0x04 ‖ X ‖ Y (65 bytes), as ECIES transmits ephemeral keys.
    Bytes ecPoint() const;
    /// The EC P-256 public key of an uncompressed SEC 1 point (65 bytes, leading 0x04). The point is checked
    /// to lie on the curve (SEC 1 §3.2.2.1), so invalid-curve points are refused: Error{Value}.
    static PublicKey fromEcP256Point(ByteView point);

  private:
    friend class PrivateKey;
    explicit PublicKey(std::unique_ptr<detail::PkHandle> pk);
    std::unique_ptr<detail::PkHandle> pk_;
};

class PrivateKey {
  public:
    /// Parses PKCS#8 (plain or encrypted), PKCS#1 or SEC1, PEM or DER. Encrypted keys need `passphrase`:
    /// without one → Error{Value, "private key is encrypted: a passphrase is required"}; a wrong one →
    /// Error{Value, "wrong passphrase for the private key"}. Other failures → "invalid private key ...".
    /// Only RSA and EC P-256 keys are accepted.
    static PrivateKey parse(ByteView pemOrDer, std::optional<std::string_view> passphrase = std::nullopt);

    /// New RSA key with e = 65537; `bits` must be 2048, 3072 or 4096 (else Error{Value}).
    /// Slow: about 0.1-1 s for 2048 bits, several seconds for 4096.
    static PrivateKey generateRsa(unsigned bits, Drbg& rng = defaultDrbg());
    /// New EC P-256 key.
    static PrivateKey generateEcP256(Drbg& rng = defaultDrbg());

    ~PrivateKey();
    PrivateKey(PrivateKey&&) noexcept;
    PrivateKey& operator=(PrivateKey&&) noexcept;

    KeyType type() const noexcept;
    std::size_t bits() const noexcept;
    std::size_t rsaSize() const;
    PublicKey publicKey() const;

    SecretBytes toPkcs8Der() const;
    /// "-----BEGIN PRIVATE KEY-----" ... text, as bytes so that it is wiped when freed.
    SecretBytes toPkcs8Pem() const;

    /// PBKDF2 iteration count of the keys that toEncryptedPkcs8Der/Pem write. OWASP's 2023 figure for
    /// PBKDF2-HMAC-SHA-256 is 600,000, but mbedTLS 2.28's SHA-256 is portable C (no SHA instructions) and
    /// needs about 0.75 s for that on an x86-64 server core, paid again by every parse(); 310,000 (OWASP's
    /// 2021 figure, about 0.4 s, 150 times OpenSSL's default of 2048) keeps loading a key interactive.
    /// parse() accepts any count up to 10,000,000, so this can be raised later without breaking existing
    /// files.
    static constexpr unsigned kEncryptedPkcs8Iterations = 310'000;

    /// Encrypted PKCS#8 of toPkcs8Der(), DER: an EncryptedPrivateKeyInfo (RFC 5958 §3, RFC 5208 §6) with
    /// PBES2 (RFC 8018 §6.2, A.4):
    ///   key derivation: PBKDF2 (RFC 8018 §5.2, A.2), PRF hmacWithSHA256 (1.2.840.113549.2.9), a random
    ///                   16-byte salt from `rng`, kEncryptedPkcs8Iterations iterations, 32-byte key
    ///                   (the optional keyLength field is omitted, as OpenSSL does);
    ///   encryption:     aes256-CBC-PAD (2.16.840.1.101.3.4.1.42, RFC 8018 B.2.5), a random 16-byte IV from
    ///                   `rng`, PKCS#7 padding (RFC 8018 §6.1.1 step 4).
    /// `passphrase` is used as its bytes, without normalization (OpenSSL does the same for PBES2; UTF-8 is
    /// the portable choice). It is not kept, and no error message contains it. parse() with the same
    /// passphrase, and `openssl pkey -passin`, read the result back. The encryption gives confidentiality
    /// only: PBES2 has no integrity check. Slow by design: one PBKDF2 run (about 0.4 s with mbedTLS 2.28).
    /// The caller owns the returned buffer (ciphertext, still wiped when freed).
    /// Errors: empty `passphrase` → Error{Value, "the passphrase of an encrypted private key must not be
    /// empty"}; an RNG failure or a failure inside mbedTLS → Error{Runtime}.
    SecretBytes toEncryptedPkcs8Der(std::string_view passphrase, Drbg& rng = defaultDrbg()) const;
    /// toEncryptedPkcs8Der() as PEM text (RFC 7468 §11): "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" ...
    /// "-----END ENCRYPTED PRIVATE KEY-----\n", 64 base64 characters a line. Same errors.
    SecretBytes toEncryptedPkcs8Pem(std::string_view passphrase, Drbg& rng = defaultDrbg()) const;

    /// RS256 signature (rsaSize() bytes). RSA keys only, else Error{Value}. `rng` drives RSA blinding.
    Bytes signRs256(ByteView message, Drbg& rng = defaultDrbg()) const;
    /// ES256 signature in DER (at most 72 bytes). EC keys only, else Error{Value}.
    Bytes signEs256(ByteView message, Drbg& rng = defaultDrbg()) const;

    /// RSAES-PKCS1-v1_5 decryption. `ciphertext` must be rsaSize() bytes. Any failure (length, padding) →
    /// Error{Authentication, "RSA decryption failed"}, one message for all causes.
    SecretBytes decryptPkcs1v15(ByteView ciphertext, Drbg& rng = defaultDrbg()) const;
    /// RSAES-OAEP-SHA-256 decryption with `label`; failures as decryptPkcs1v15().
    SecretBytes decryptOaepSha256(ByteView ciphertext, ByteView label = {}, Drbg& rng = defaultDrbg()) const;

    /// ECDH primitive (SEC 1 §3.3.1) on P-256 with this private key and `peer`'s public point: the shared
    /// secret's x-coordinate, 32 bytes big-endian. Both keys must be EC P-256, else Error{Value}; a failure
    /// inside mbedTLS → Error{Runtime}. `rng` drives mbedTLS's side-channel blinding of the scalar product.
    SecretBytes ecdhP256(const PublicKey& peer, Drbg& rng = defaultDrbg()) const;

  private:
    explicit PrivateKey(std::unique_ptr<detail::PkHandle> pk);
    std::unique_ptr<detail::PkHandle> pk_;
};

} // namespace mpyseal::crypto
