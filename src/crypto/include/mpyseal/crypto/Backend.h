// Facts about the mbedTLS build underneath, for diagnostics and the benchmark.
#pragma once

#include <string>

namespace mpyseal::crypto {

/// mbedTLS version as "2.28.3".
std::string backendVersion();

/// True when mbedTLS will run AES on the CPU's AES instructions (x86-64 AES-NI, or the Armv8 crypto
/// extension in mbedTLS 3.x). mbedTLS checks the CPU at run time; this asks the same question it asks.
bool aesHardwareAccelerated();

/// True when GCM's GHASH uses carry-less multiplication instructions (x86-64 PCLMULQDQ).
bool ghashHardwareAccelerated();

} // namespace mpyseal::crypto
