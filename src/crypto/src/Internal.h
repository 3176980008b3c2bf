// Private helpers shared by the crypto sources: error construction, the RNG bridge to mbedTLS, and the
// owner of an mbedtls_pk_context. Nothing here differs between mbedTLS versions (see MbedtlsAdapter.h).
#pragma once

#include "mpyseal/crypto/Bytes.h"
#include "mpyseal/crypto/Error.h"
#include "mpyseal/crypto/Random.h"

#include <mbedtls/pk.h>

#include <cstddef>
#include <string>

namespace mpyseal::crypto {

[[noreturn]] void throwError(ErrorKind kind, const std::string& message, int backendCode = 0);
[[noreturn]] inline void throwValue(const std::string& message, int backendCode = 0) {
    throwError(ErrorKind::Value, message, backendCode);
}

/// "-0x4080" for diagnostics: mbedTLS codes are negative, documented in hex.
std::string codeText(int backendCode);

namespace detail {

/// Lets mbedTLS draw from a Drbg: pass `&RngBridge::random` as f_rng and the Drbg* as p_rng.
class RngBridge {
  public:
    static int random(void* drbg, unsigned char* out, std::size_t length) noexcept;
};

struct PkHandle {
    mbedtls_pk_context ctx;
    PkHandle() { mbedtls_pk_init(&ctx); }
    ~PkHandle() { mbedtls_pk_free(&ctx); } // mbedtls_pk_free zeroizes the key
    PkHandle(const PkHandle&) = delete;
    PkHandle& operator=(const PkHandle&) = delete;
};

} // namespace detail

/// Throws "AES key must be either 16, 24, or 32 bytes long" unless key is an AES key size.
void checkAesKeySize(std::size_t size);
inline constexpr const char* kAesKeySizeMessage = "AES key must be either 16, 24, or 32 bytes long";

} // namespace mpyseal::crypto
