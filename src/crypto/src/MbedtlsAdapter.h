// The one place that knows which mbedTLS major version is underneath.
//
// Everything whose signature, availability or behaviour differs between mbedTLS 2.28 (Debian 12) and 3.x
// (3.6 LTS) goes through these functions; the rest of the library only calls mbedTLS functions that are the
// same in both (aes.h, gcm.h one-shot calls, md.h, hkdf.h, ctr_drbg.h, cipher.h, asn1*.h, pem.h, the
// mbedtls_pk_* parse-free/write/verify calls). Moving to 3.6 means editing MbedtlsAdapter.cpp only; the
// differences are listed in docs/crypto.md.
#pragma once

#include "mpyseal/crypto/Bytes.h"

#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mpyseal::crypto {
class Drbg;
}

namespace mpyseal::crypto::adapter {

// --- RSA (2.28 has a `mode` argument on every operation and keeps the OAEP hash in the context) ---

int rsaSignPkcs1v15Sha256(mbedtls_rsa_context* rsa, Drbg& rng, const unsigned char* hash32,
                          unsigned char* signature);
int rsaVerifyPkcs1v15Sha256(mbedtls_rsa_context* rsa, const unsigned char* hash32,
                            const unsigned char* signature);
int rsaEncryptPkcs1v15(mbedtls_rsa_context* rsa, Drbg& rng, ByteView plaintext, unsigned char* out);
int rsaDecryptPkcs1v15(mbedtls_rsa_context* rsa, Drbg& rng, const unsigned char* ciphertext,
                       unsigned char* out, std::size_t outCapacity, std::size_t* outLength);
int rsaEncryptOaepSha256(mbedtls_rsa_context* rsa, Drbg& rng, ByteView label, ByteView plaintext,
                         unsigned char* out);
int rsaDecryptOaepSha256(mbedtls_rsa_context* rsa, Drbg& rng, ByteView label, const unsigned char* ciphertext,
                         unsigned char* out, std::size_t outCapacity, std::size_t* outLength);

// --- Keys ---

/// mbedtls_pk_parse_key plus what 2.28 lacks: PEM without a trailing NUL, and encrypted PKCS#8 that uses
/// PBES2 with AES-CBC (OpenSSL's default since 1.1; mbedTLS 2.28 only decrypts DES/3DES PBES2).
/// Returns 0 or an mbedTLS error code (MBEDTLS_ERR_PK_PASSWORD_REQUIRED / _PASSWORD_MISMATCH included).
int parsePrivateKey(mbedtls_pk_context* pk, ByteView pemOrDer, std::optional<std::string_view> passphrase,
                    Drbg& rng);
/// mbedtls_pk_parse_public_key, also for PEM without a trailing NUL.
int parsePublicKey(mbedtls_pk_context* pk, ByteView pemOrDer);

/// Checks that a parsed private key is consistent (RSA: N = PQ, the exponents and CRT values agree; EC: the
/// stored public point is d·G). 3.x adds an RNG argument.
int checkPrivateKey(const mbedtls_pk_context* pk, Drbg& rng);

/// The curve of an EC key (the group field became private in 3.x).
mbedtls_ecp_group_id ecGroupId(const mbedtls_pk_context* pk);

/// ECDSA over a 32-byte hash, DER signature written to sig (3.x adds a capacity argument).
int ecdsaSignDer(mbedtls_pk_context* pk, Drbg& rng, const unsigned char* hash32, unsigned char* sig,
                 std::size_t sigCapacity, std::size_t* sigLength);

// --- Primitives whose public entry points moved ---

/// PBKDF2 (RFC 8018 §5.2) with HMAC over `md`.
int pbkdf2Hmac(mbedtls_md_type_t md, ByteView password, ByteView salt, unsigned iterations,
               std::span<unsigned char> out);

/// Constant-time equality of two n-byte buffers (mbedtls_ct_memcmp is public only in 2.28).
bool constantTimeEqual(const unsigned char* a, const unsigned char* b, std::size_t n) noexcept;

/// Whether mbedTLS's AES / GHASH code will take the CPU-instruction path (aesni.h is private in 3.x).
bool aesInstructionsUsed() noexcept;
bool clmulInstructionsUsed() noexcept;

std::string versionString();

} // namespace mpyseal::crypto::adapter
