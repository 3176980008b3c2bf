// Message digests, HMAC and HKDF.
//
// - SHA-256 and SHA-512: FIPS 180-4. SHA-1: FIPS 180-4 (kept for MicroPython's hashlib.sha1; not for new
//   signatures). MD5: RFC 1321 (hashlib.md5; broken for collision resistance, only for legacy checksums).
// - HMAC-SHA-256: RFC 2104 / FIPS 198-1. HKDF-SHA-256: RFC 5869.
// Everything is computed by mbedTLS.
#pragma once

#include "mpyseal/crypto/Bytes.h"

#include <cstddef>
#include <memory>

namespace mpyseal::crypto {

enum class HashAlgorithm { Sha256, Sha1, Md5, Sha512 };

/// Digest length in bytes: 32, 20, 16, 64.
std::size_t digestSize(HashAlgorithm algorithm) noexcept;

/// Incremental hash with MicroPython `hashlib` semantics: digest() finalizes, and any later update() or
/// digest() throws Error{Value, "hash is final"}.
class Hash {
  public:
    explicit Hash(HashAlgorithm algorithm, ByteView initial = {});
    ~Hash();
    Hash(Hash&&) noexcept;
    Hash& operator=(Hash&&) noexcept;

    HashAlgorithm algorithm() const noexcept { return algorithm_; }
    std::size_t digestSize() const noexcept { return crypto::digestSize(algorithm_); }

    void update(ByteView data);
    /// Returns the digest (digestSize() bytes) and finalizes the object.
    Bytes digest();
    bool isFinal() const noexcept { return final_; }

  private:
    struct State;
    HashAlgorithm algorithm_;
    bool final_ = false;
    std::unique_ptr<State> state_;
};

/// One-shot digest.
Bytes hash(HashAlgorithm algorithm, ByteView data);
inline Bytes sha256(ByteView data) {
    return hash(HashAlgorithm::Sha256, data);
}

/// Incremental HMAC-SHA-256 (RFC 2104). Any key length; the key is wiped from memory on destruction.
class HmacSha256 {
  public:
    static constexpr std::size_t kTagSize = 32;

    explicit HmacSha256(ByteView key);
    ~HmacSha256();
    HmacSha256(HmacSha256&&) noexcept;
    HmacSha256& operator=(HmacSha256&&) noexcept;

    void update(ByteView data);
    /// The 32-byte tag; finalizes like Hash::digest().
    Bytes digest();

  private:
    struct State;
    bool final_ = false;
    std::unique_ptr<State> state_;
};

/// One-shot HMAC-SHA-256: 32 bytes.
Bytes hmacSha256(ByteView key, ByteView message);

/// Checks `tag` against HMAC-SHA-256(key, message) in constant time. A tag may be truncated to its leading
/// 16..32 bytes (RFC 2104 §5 advises no fewer than half the output); shorter or longer tags never verify.
bool hmacSha256Verify(ByteView key, ByteView message, ByteView tag);

/// HKDF-SHA-256 (RFC 5869): extract with `salt` (empty means 32 zero bytes), expand with `info`, return
/// `length` bytes. Throws Error{Value} if length > 255 * 32 = 8160 (RFC 5869 §2.3).
SecretBytes hkdfSha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length);

} // namespace mpyseal::crypto
