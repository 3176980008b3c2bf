// Byte buffers used across the crypto library.
//
// Inputs are read-only views (ByteView) of caller-owned memory; no function keeps a view after it returns.
// Outputs are owned vectors: `Bytes` for data that is public anyway (ciphertexts, digests, signatures,
// public keys) and `SecretBytes` for plaintexts, derived keys, random bytes and private-key encodings.
// SecretBytes wipes its storage (mbedtls_platform_zeroize) whenever it frees it, including on reallocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace mpyseal::crypto {

using ByteView = std::span<const std::uint8_t>;
using Bytes = std::vector<std::uint8_t>;

/// Overwrites `size` bytes at `data` with zeros in a way the optimizer cannot remove
/// (mbedtls_platform_zeroize). Null with size 0 is allowed.
void secureZero(void* data, std::size_t size) noexcept;

/// Allocator that wipes memory before returning it to the heap.
template <class T> struct ZeroizingAllocator {
    using value_type = T;

    ZeroizingAllocator() noexcept = default;
    template <class U> ZeroizingAllocator(const ZeroizingAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        secureZero(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }
    template <class U> bool operator==(const ZeroizingAllocator<U>&) const noexcept { return true; }
};

using SecretBytes = std::vector<std::uint8_t, ZeroizingAllocator<std::uint8_t>>;

/// Views the bytes of a string (no terminating NUL) — PEM text, messages, personalization strings.
inline ByteView asBytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// Views the text held in a byte buffer, e.g. a PEM returned as SecretBytes.
template <class Container> std::string_view asText(const Container& bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

} // namespace mpyseal::crypto
