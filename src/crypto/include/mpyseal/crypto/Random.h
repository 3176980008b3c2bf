// Deterministic random bit generator seeded from the operating system.
//
// Algorithm: CTR_DRBG with AES-256 and derivation function (NIST SP 800-90A Rev. 1 §10.2), as implemented by
// mbedTLS. Entropy and nonce come from the kernel via getrandom(2) (blocking only until the kernel pool is
// initialized at boot). Reseeding follows mbedTLS's default interval (every 10,000 requests) and happens at
// once in a child process after fork(), so that parent and child never share an output stream.
#pragma once

#include "mpyseal/crypto/Bytes.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace mpyseal::crypto {

namespace detail {
class RngBridge;
}

class Drbg {
  public:
    /// Longest personalization string accepted (bytes). SP 800-90A lets it be empty.
    static constexpr std::size_t kMaxPersonalization = 256;

    /// Seeds a new generator. `personalization` (optional, ≤ kMaxPersonalization bytes, else
    /// Error{Value}) separates this instance's stream from others' (SP 800-90A §8.7.1); it is not secret.
    /// Throws Error{Runtime} if the OS gives no entropy.
    explicit Drbg(ByteView personalization = {});
    ~Drbg();
    Drbg(const Drbg&) = delete;
    Drbg& operator=(const Drbg&) = delete;
    Drbg(Drbg&&) noexcept;
    Drbg& operator=(Drbg&&) noexcept;

    /// Fills `out` with random bytes (any length). Throws Error{Runtime} on an entropy failure.
    void fill(std::span<std::uint8_t> out);
    /// Returns `count` random bytes.
    SecretBytes generate(std::size_t count);
    /// Mixes fresh OS entropy (and optional `additional` input) into the state now.
    void reseed(ByteView additional = {});

  private:
    friend class detail::RngBridge;
    struct State;
    std::unique_ptr<State> state_;
};

/// The calling thread's generator, created on first use with the personalization "mpyseal". A Drbg is not
/// safe for concurrent use; one per thread is.
Drbg& defaultDrbg();

/// `count` bytes from defaultDrbg().
SecretBytes randomBytes(std::size_t count);

/// Pycom's `crypto.getrandbits(bits)`: ceil(bits / 32) * 4 random bytes, i.e. bits rounded *up* to whole
/// 32-bit words (0 → empty, 1 → 4 bytes, 128 → 16 bytes). Throws Error{Value} above 2^20 bits (a device
/// would run out of memory long before).
Bytes getrandbits(std::size_t bits);

} // namespace mpyseal::crypto
