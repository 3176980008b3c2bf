// Pycom's `crypto` module (alias `ucrypto`) as a C++ API; the Python module is a thin binding over it.
//
// Source of the semantics: Pycom firmware esp32/mods/moducrypto.c and docs.pycom.io (see
// shared/reference/device-apis.md). Argument rules and error messages are Pycom's, with two deliberate
// differences, documented in docs/crypto.md:
//   1. Messages and keys are bytes: a NUL byte is data. Pycom passes `message` to mbedTLS through strlen()
//      and so signs/encrypts only the part before the first NUL; mpyseal uses every byte.
//   2. A missing IV in CBC or CFB mode is an error ("IV must be 16 bytes long"); Pycom silently used
//      whatever was in its IV buffer.
// Error kinds: Value unless noted; the Python layer maps them to ValueError / TypeError / RuntimeError.
#pragma once

#include "mpyseal/crypto/Aes.h"
#include "mpyseal/crypto/Bytes.h"

#include <cstddef>
#include <optional>

namespace mpyseal::crypto::pycom {

inline constexpr int kModeEcb = 1;
inline constexpr int kModeCbc = 2;
inline constexpr int kModeCfb = 3;
inline constexpr int kModeCtr = 6;
inline constexpr int kSegment8 = 8;
inline constexpr int kSegment128 = 128;

/// `crypto.AES(key, mode=MODE_ECB, IV=None, counter=None, segment_size=-1)`, Python type name `AESCipher`.
/// Checks, in this order:
///   key not 16/24/32 bytes → "AES key must be either 16, 24, or 32 bytes long"
///   mode not 1/2/3/6 → "Unknown cipher feedback mode %d"
///   CBC/CFB: IV missing or not 16 bytes → "IV must be 16 bytes long" (IV is ignored in ECB and CTR)
///   CTR: counter missing → Error{Type, "object with buffer protocol required"} (what MicroPython raises
///        for None); not 16 bytes → "Initial counter value must be 16 bytes long"
///   other modes: counter given → "'counter' parameter only useful with CTR mode"
///   CFB: segment_size not -1 (default, = 8), 8 or 128 → "segment_size must be 8 or 128"
class Aes {
  public:
    static constexpr const char* kTypeName = "AESCipher";

    Aes(ByteView key, int mode = kModeEcb, std::optional<ByteView> iv = std::nullopt,
        std::optional<ByteView> counter = std::nullopt, int segmentSize = -1);

    /// New bytes of the same length. ECB/CBC: length not a multiple of 16 →
    /// "Input strings must be a multiple of 16 in length". Chaining state persists across calls.
    Bytes encrypt(ByteView data);
    SecretBytes decrypt(ByteView data);

  private:
    AesCipher cipher_;
};

/// `crypto.getrandbits(bits)`: ceil(bits / 32) * 4 random bytes. Same as crypto::getrandbits.
Bytes getrandbits(std::size_t bits);

/// `crypto.generate_rsa_signature(message, private_key, *, pers="esp32-tls")`: RS256 signature of all of
/// `message`. `privateKey` is any private-key encoding PrivateKey::parse reads (Pycom: PEM). `pers`
/// personalizes a fresh CTR_DRBG used for RSA blinding.
///   unparsable or non-RSA key → "Invalid Private Key, error code: %d" (negative mbedTLS code)
///   signing failure → Error{Runtime, "Sign failed, mbedtls error code: 0x%X!"}
Bytes generateRsaSignature(ByteView message, ByteView privateKey, ByteView pers = asBytes("esp32-tls"));

/// `crypto.rsa_encrypt(message, key)`: RSAES-PKCS1-v1_5 with a public key (SPKI or PKCS#1).
///   unparsable or non-RSA key → "Invalid public key, mbedtls error code: 0x%X"
///   message longer than modulus - 11 bytes, or other failure →
///        Error{Runtime, "Encrypt failed, mbedtls error code: 0x%X!"}
Bytes rsaEncrypt(ByteView message, ByteView publicKey);

/// `crypto.rsa_decrypt(message, key)`: RSAES-PKCS1-v1_5 with a private key.
///   unparsable or non-RSA key → "Invalid private key, mbedtls error code: 0x%X"
///   bad length or padding → Error{Runtime, "Decrypt failed, mbedtls error code: 0x%X!"}
SecretBytes rsaDecrypt(ByteView ciphertext, ByteView privateKey);

} // namespace mpyseal::crypto::pycom
