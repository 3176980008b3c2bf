// Small shared pieces: wiping memory, building errors, backend facts.
#include "Internal.h"
#include "MbedtlsAdapter.h"
#include "mpyseal/crypto/Backend.h"

#include <mbedtls/platform_util.h>

#include <cstdio>

namespace mpyseal::crypto {

void secureZero(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) mbedtls_platform_zeroize(data, size);
}

void throwError(ErrorKind kind, const std::string& message, int backendCode) {
    throw Error(kind, message, backendCode);
}

std::string codeText(int backendCode) {
    char text[16];
    const unsigned magnitude =
        backendCode < 0 ? 0u - static_cast<unsigned>(backendCode) : unsigned(backendCode);
    std::snprintf(text, sizeof text, "%s0x%04X", backendCode < 0 ? "-" : "", magnitude);
    return text;
}

void checkAesKeySize(std::size_t size) {
    if (size != 16 && size != 24 && size != 32) throwValue(kAesKeySizeMessage);
}

std::string backendVersion() {
    return adapter::versionString();
}
bool aesHardwareAccelerated() {
    return adapter::aesInstructionsUsed();
}
bool ghashHardwareAccelerated() {
    return adapter::clmulInstructionsUsed();
}

} // namespace mpyseal::crypto
