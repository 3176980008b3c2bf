// Pycom `crypto` semantics over the generic API (moducrypto.c's argument rules and messages).
#include "mpyseal/crypto/Pycom.h"
#include "Internal.h"
#include "mpyseal/crypto/Keys.h"
#include "mpyseal/crypto/Random.h"

#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include <cstdio>
#include <string>

namespace mpyseal::crypto::pycom {

namespace {

/// Pycom prints mbedTLS codes as "0x%X" of the code's magnitude, e.g. 0x4080.
std::string hexCode(int code) {
    char text[16];
    const unsigned magnitude = code < 0 ? 0u - static_cast<unsigned>(code) : static_cast<unsigned>(code);
    std::snprintf(text, sizeof text, "0x%X", magnitude);
    return text;
}

/// The mbedTLS code behind an error, or `fallback` when the error was found before calling mbedTLS.
int codeOf(const Error& error, int fallback) {
    return error.backendCode() != 0 ? error.backendCode() : fallback;
}

AesMode checkedMode(int mode, int segmentSize) {
    switch (mode) {
    case kModeEcb: return AesMode::Ecb;
    case kModeCbc: return AesMode::Cbc;
    case kModeCtr: return AesMode::Ctr;
    case kModeCfb: return segmentSize == kSegment128 ? AesMode::Cfb128 : AesMode::Cfb8;
    default: throwValue("Unknown cipher feedback mode " + std::to_string(mode));
    }
}

/// Validates the constructor arguments in Pycom's order and builds the cipher with the IV or counter block.
AesCipher makeCipher(ByteView key, int mode, const std::optional<ByteView>& iv,
                     const std::optional<ByteView>& counter, int segmentSize) {
    checkAesKeySize(key.size());
    const AesMode aesMode = checkedMode(mode, segmentSize);
    ByteView chaining;
    if (mode == kModeCbc || mode == kModeCfb) {
        // Pycom treats a missing IV as "keep whatever is in the buffer"; an error is the honest answer.
        if (!iv || iv->size() != kAesBlockSize) throwValue("IV must be 16 bytes long");
        chaining = *iv;
    }
    if (mode == kModeCtr) {
        if (!counter) throwError(ErrorKind::Type, "object with buffer protocol required");
        if (counter->size() != kAesBlockSize) throwValue("Initial counter value must be 16 bytes long");
        chaining = *counter;
    } else if (counter) {
        throwValue("'counter' parameter only useful with CTR mode");
    }
    if (mode == kModeCfb && segmentSize != -1 && segmentSize != kSegment8 && segmentSize != kSegment128)
        throwValue("segment_size must be 8 or 128");
    return AesCipher(key, aesMode, chaining);
}

} // namespace

Aes::Aes(ByteView key, int mode, std::optional<ByteView> iv, std::optional<ByteView> counter, int segmentSize)
    : cipher_(makeCipher(key, mode, iv, counter, segmentSize)) {}

Bytes Aes::encrypt(ByteView data) {
    return cipher_.encrypt(data);
}
SecretBytes Aes::decrypt(ByteView data) {
    return cipher_.decrypt(data);
}

Bytes getrandbits(std::size_t bits) {
    return crypto::getrandbits(bits);
}

Bytes generateRsaSignature(ByteView message, ByteView privateKey, ByteView pers) {
    // Pycom seeds a fresh CTR_DRBG with `pers` for every call; it only feeds RSA blinding.
    Drbg rng(pers);
    std::optional<PrivateKey> key;
    try {
        key.emplace(PrivateKey::parse(privateKey));
        if (key->type() != KeyType::Rsa) throwValue("not an RSA key", MBEDTLS_ERR_PK_TYPE_MISMATCH);
    } catch (const Error& e) {
        throwValue("Invalid Private Key, error code: " +
                       std::to_string(codeOf(e, MBEDTLS_ERR_PK_KEY_INVALID_FORMAT)),
                   e.backendCode());
    }
    try {
        return key->signRs256(message, rng);
    } catch (const Error& e) {
        throwError(ErrorKind::Runtime, "Sign failed, mbedtls error code: " + hexCode(codeOf(e, 0)) + "!",
                   e.backendCode());
    }
}

Bytes rsaEncrypt(ByteView message, ByteView publicKey) {
    std::optional<PublicKey> key;
    try {
        key.emplace(PublicKey::parse(publicKey));
        if (key->type() != KeyType::Rsa) throwValue("not an RSA key", MBEDTLS_ERR_PK_TYPE_MISMATCH);
    } catch (const Error& e) {
        throwValue("Invalid public key, mbedtls error code: " +
                       hexCode(codeOf(e, MBEDTLS_ERR_PK_KEY_INVALID_FORMAT)),
                   e.backendCode());
    }
    // Too long a message is what mbedTLS reports as bad input data; keep Pycom's RuntimeError for it.
    if (message.size() + 11 > key->rsaSize())
        throwError(ErrorKind::Runtime,
                   "Encrypt failed, mbedtls error code: " + hexCode(MBEDTLS_ERR_RSA_BAD_INPUT_DATA) + "!",
                   MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    try {
        return key->encryptPkcs1v15(message);
    } catch (const Error& e) {
        throwError(ErrorKind::Runtime, "Encrypt failed, mbedtls error code: " + hexCode(codeOf(e, 0)) + "!",
                   e.backendCode());
    }
}

SecretBytes rsaDecrypt(ByteView ciphertext, ByteView privateKey) {
    std::optional<PrivateKey> key;
    try {
        key.emplace(PrivateKey::parse(privateKey));
        if (key->type() != KeyType::Rsa) throwValue("not an RSA key", MBEDTLS_ERR_PK_TYPE_MISMATCH);
    } catch (const Error& e) {
        throwValue("Invalid private key, mbedtls error code: " +
                       hexCode(codeOf(e, MBEDTLS_ERR_PK_KEY_INVALID_FORMAT)),
                   e.backendCode());
    }
    try {
        return key->decryptPkcs1v15(ciphertext);
    } catch (const Error& e) {
        throwError(ErrorKind::Runtime, "Decrypt failed, mbedtls error code: " + hexCode(codeOf(e, 0)) + "!",
                   e.backendCode());
    }
}

} // namespace mpyseal::crypto::pycom
