// MicroPython's `cryptolib` (`ucryptolib` up to 1.20) as a C++ API; the Python module binds over it.
// MicroPython's `hashlib` maps directly onto crypto::Hash (digest() finalizes; then "hash is final").
//
// Source of the semantics: MicroPython docs/library/cryptolib.rst and extmod/modcryptolib.c (see
// shared/reference/device-apis.md). All errors are Error{Value} with MicroPython's short messages.
#pragma once

#include "mpyseal/crypto/Aes.h"
#include "mpyseal/crypto/Bytes.h"

#include <cstdint>
#include <optional>
#include <span>

namespace mpyseal::crypto::cryptolib {

inline constexpr int kModeEcb = 1;
inline constexpr int kModeCbc = 2;
inline constexpr int kModeCtr = 6;

/// `cryptolib.aes(key, mode[, IV])`. Checks, in this order:
///   mode not 1/2/6 → "mode"; key not 16 or 32 bytes → "key";
///   IV given but not 16 bytes, or missing in CBC/CTR → "IV" (in CTR the IV is the initial counter block).
/// The first encrypt() or decrypt() fixes the direction: calling the other one afterwards →
/// "can't encrypt & decrypt". The chaining state carries over between calls, as on the device.
class Aes {
  public:
    Aes(ByteView key, int mode, std::optional<ByteView> iv = std::nullopt);

    /// ECB/CBC: length not a multiple of 16 → "blksize % 16".
    Bytes encrypt(ByteView in);
    SecretBytes decrypt(ByteView in);
    /// Into a caller buffer (`out` may be `in`); out shorter than in → "output too small".
    void encrypt(ByteView in, std::span<std::uint8_t> out);
    void decrypt(ByteView in, std::span<std::uint8_t> out);

  private:
    enum class Direction { None, Encrypt, Decrypt };
    void check(ByteView in, std::size_t outSize, Direction direction);

    AesCipher cipher_;
    bool blockMode_;
    Direction direction_ = Direction::None;
};

} // namespace mpyseal::crypto::cryptolib
