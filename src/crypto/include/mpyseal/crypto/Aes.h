// AES (FIPS 197) in the confidentiality modes of NIST SP 800-38A and in GCM (NIST SP 800-38D).
//
// Key lengths: 16, 24 or 32 bytes (AES-128/192/256). On x86-64 mbedTLS uses AES-NI (and PCLMULQDQ for
// GHASH) when the CPU has them: see aesHardwareAccelerated() in Backend.h.
#pragma once

#include "mpyseal/crypto/Bytes.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace mpyseal::crypto {

inline constexpr std::size_t kAesBlockSize = 16;

enum class AesMode {
    Ecb,    ///< SP 800-38A §6.1. No padding: lengths must be multiples of 16.
    Cbc,    ///< SP 800-38A §6.2. No padding: lengths must be multiples of 16.
    Cfb8,   ///< SP 800-38A §6.3 with s = 8: any length.
    Cfb128, ///< SP 800-38A §6.3 with s = 128: any length.
    Ctr,    ///< SP 800-38A §6.5, the whole 16-byte block is a big-endian counter (as RFC 3686 and Pycom).
};

/// A stateful AES cipher in one of the SP 800-38A modes, with Pycom's `AES` object semantics: the chaining
/// state (CBC's IV, CFB's shift register and offset, CTR's counter block and unused key-stream bytes) carries
/// over from one call to the next, so encrypting a message in pieces gives the same bytes as in one call.
/// The same object may encrypt and decrypt; both directions share that one state, as in Pycom.
///
/// Errors (all Error{Value}, with Pycom's messages):
///   - key not 16/24/32 bytes: "AES key must be either 16, 24, or 32 bytes long"
///   - `iv` (CBC, CFB: the IV; CTR: the initial counter block) not 16 bytes: "IV must be 16 bytes long";
///     for ECB it must be empty.
///   - ECB/CBC input not a multiple of 16: "Input strings must be a multiple of 16 in length"
///   - output span shorter than the input: "output too small"
class AesCipher {
  public:
    AesCipher(ByteView key, AesMode mode, ByteView iv = {});
    ~AesCipher();
    AesCipher(AesCipher&&) noexcept;
    AesCipher& operator=(AesCipher&&) noexcept;

    AesMode mode() const noexcept { return mode_; }

    /// Writes in.size() bytes to out. `out` may be exactly `in` (in-place) but must not partly overlap it.
    void encrypt(ByteView in, std::span<std::uint8_t> out);
    void decrypt(ByteView in, std::span<std::uint8_t> out);
    Bytes encrypt(ByteView in);
    SecretBytes decrypt(ByteView in);

  private:
    struct State;
    AesMode mode_;
    std::unique_ptr<State> state_;
};

/// AES-GCM (NIST SP 800-38D) with 128-bit tags. Stateless between calls: each call takes its own IV.
/// The IV may have any non-zero length; 12 bytes is the recommended size (SP 800-38D §8.2), and an IV must
/// never repeat under one key. AAD is authenticated but not encrypted.
class AesGcm {
  public:
    static constexpr std::size_t kTagSize = 16;

    /// Throws Error{Value, "AES key must be either 16, 24, or 32 bytes long"}.
    explicit AesGcm(ByteView key);
    ~AesGcm();
    AesGcm(AesGcm&&) noexcept;
    AesGcm& operator=(AesGcm&&) noexcept;

    /// Encrypts: ciphertext gets plaintext.size() bytes, tag gets 16. Throws Error{Value} for an empty IV or
    /// a ciphertext span shorter than the plaintext.
    void encrypt(ByteView iv, ByteView aad, ByteView plaintext, std::span<std::uint8_t> ciphertext,
                 std::span<std::uint8_t, kTagSize> tag);
    /// Returns ciphertext || tag.
    Bytes seal(ByteView iv, ByteView aad, ByteView plaintext);

    /// Authenticates, then decrypts. The plaintext is only returned when the tag matches (constant-time
    /// comparison inside mbedTLS); otherwise Error{Authentication, "authentication failed"} and no
    /// plaintext bytes leave this function. A tag of any length other than 16 → Error{Value}.
    SecretBytes decrypt(ByteView iv, ByteView aad, ByteView ciphertext, ByteView tag);
    /// Input is ciphertext || tag (at least 16 bytes).
    SecretBytes open(ByteView iv, ByteView aad, ByteView sealed);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace mpyseal::crypto
