// MicroPython `cryptolib.aes` semantics over AesCipher (extmod/modcryptolib.c's checks and messages).
#include "mpyseal/crypto/Cryptolib.h"
#include "Internal.h"

namespace mpyseal::crypto::cryptolib {

namespace {

AesCipher makeCipher(ByteView key, int mode, const std::optional<ByteView>& iv) {
    AesMode aesMode;
    switch (mode) {
    case kModeEcb: aesMode = AesMode::Ecb; break;
    case kModeCbc: aesMode = AesMode::Cbc; break;
    case kModeCtr: aesMode = AesMode::Ctr; break;
    default: throwValue("mode");
    }
    if (key.size() != 16 && key.size() != 32) throwValue("key"); // MicroPython has no AES-192
    if (iv ? iv->size() != kAesBlockSize : mode != kModeEcb) throwValue("IV");
    // MicroPython accepts (and ignores) a 16-byte IV in ECB mode.
    return AesCipher(key, aesMode, mode == kModeEcb ? ByteView{} : *iv);
}

} // namespace

Aes::Aes(ByteView key, int mode, std::optional<ByteView> iv)
    : cipher_(makeCipher(key, mode, iv)), blockMode_(mode != kModeCtr) {}

void Aes::check(ByteView in, std::size_t outSize, Direction direction) {
    if (blockMode_ && in.size() % kAesBlockSize != 0) throwValue("blksize % 16");
    if (outSize < in.size()) throwValue("output too small");
    // The first call fixes the key schedule's direction on the device, even in CTR mode.
    if (direction_ == Direction::None)
        direction_ = direction;
    else if (direction_ != direction)
        throwValue("can't encrypt & decrypt");
}

Bytes Aes::encrypt(ByteView in) {
    check(in, in.size(), Direction::Encrypt);
    return cipher_.encrypt(in);
}

SecretBytes Aes::decrypt(ByteView in) {
    check(in, in.size(), Direction::Decrypt);
    return cipher_.decrypt(in);
}

void Aes::encrypt(ByteView in, std::span<std::uint8_t> out) {
    check(in, out.size(), Direction::Encrypt);
    cipher_.encrypt(in, out);
}

void Aes::decrypt(ByteView in, std::span<std::uint8_t> out) {
    check(in, out.size(), Direction::Decrypt);
    cipher_.decrypt(in, out);
}

} // namespace mpyseal::crypto::cryptolib
