// Benchmarks of mpyseal::crypto, shaped like `openssl speed` so that run.sh can put the two side by side:
// bulk operations on 16 KiB buffers (openssl speed -bytes 16384), RSA-2048 and ECDSA P-256 operations per
// second.
#include "mpyseal/crypto/Aes.h"
#include "mpyseal/crypto/Backend.h"
#include "mpyseal/crypto/Hash.h"
#include "mpyseal/crypto/Keys.h"

#include <benchmark/benchmark.h>

#include <cstdint>

using namespace mpyseal::crypto;

namespace {

constexpr std::size_t kBufferSize = 16384;

Bytes buffer(std::size_t n, std::uint8_t seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + seed);
    return b;
}

void aesMode(benchmark::State& state, AesMode mode, std::size_t keyBytes) {
    const Bytes key = buffer(keyBytes, 1), iv = buffer(16, 2), in = buffer(kBufferSize, 3);
    Bytes out(kBufferSize);
    AesCipher cipher(key, mode, mode == AesMode::Ecb ? Bytes{} : iv);
    for (auto _ : state) {
        cipher.encrypt(in, out); // the chaining state simply carries on between iterations
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBufferSize));
}

void aesGcm(benchmark::State& state, std::size_t keyBytes) {
    const Bytes key = buffer(keyBytes, 1), iv = buffer(12, 2), in = buffer(kBufferSize, 3);
    Bytes out(kBufferSize);
    std::array<std::uint8_t, AesGcm::kTagSize> tag{};
    AesGcm gcm(key);
    for (auto _ : state) {
        gcm.encrypt(iv, {}, in, out, tag);
        benchmark::DoNotOptimize(tag.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBufferSize));
}

void sha256Bulk(benchmark::State& state) {
    const Bytes in = buffer(kBufferSize, 4);
    for (auto _ : state) benchmark::DoNotOptimize(sha256(in));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBufferSize));
}

const PrivateKey& rsaKey() {
    static const PrivateKey key = PrivateKey::generateRsa(2048);
    return key;
}

const PrivateKey& ecKey() {
    static const PrivateKey key = PrivateKey::generateEcP256();
    return key;
}

// openssl speed signs a 36-byte digest; our API hashes the message first (a 36-byte message: negligible).
const Bytes kMessage = buffer(36, 5);

void rsaSign(benchmark::State& state) {
    const PrivateKey& key = rsaKey();
    for (auto _ : state) benchmark::DoNotOptimize(key.signRs256(kMessage));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void rsaVerify(benchmark::State& state) {
    const PublicKey pub = rsaKey().publicKey();
    const Bytes sig = rsaKey().signRs256(kMessage);
    for (auto _ : state) benchmark::DoNotOptimize(pub.verifyRs256(kMessage, sig));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void ecdsaSign(benchmark::State& state) {
    const PrivateKey& key = ecKey();
    for (auto _ : state) benchmark::DoNotOptimize(key.signEs256(kMessage));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void ecdsaVerify(benchmark::State& state) {
    const PublicKey pub = ecKey().publicKey();
    const Bytes sig = ecKey().signEs256(kMessage);
    for (auto _ : state) benchmark::DoNotOptimize(pub.verifyEs256(kMessage, sig));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

} // namespace

BENCHMARK_CAPTURE(aesMode, aes_128_ecb, AesMode::Ecb, 16);
BENCHMARK_CAPTURE(aesMode, aes_256_ecb, AesMode::Ecb, 32);
BENCHMARK_CAPTURE(aesMode, aes_128_cbc, AesMode::Cbc, 16);
BENCHMARK_CAPTURE(aesMode, aes_256_cbc, AesMode::Cbc, 32);
BENCHMARK_CAPTURE(aesMode, aes_128_ctr, AesMode::Ctr, 16);
BENCHMARK_CAPTURE(aesMode, aes_256_ctr, AesMode::Ctr, 32);
BENCHMARK_CAPTURE(aesGcm, aes_128_gcm, 16);
BENCHMARK_CAPTURE(aesGcm, aes_256_gcm, 32);
BENCHMARK(sha256Bulk)->Name("sha256");
BENCHMARK(rsaSign)->Name("rsa2048_sign");
BENCHMARK(rsaVerify)->Name("rsa2048_verify");
BENCHMARK(ecdsaSign)->Name("ecdsap256_sign");
BENCHMARK(ecdsaVerify)->Name("ecdsap256_verify");

int main(int argc, char** argv) {
    benchmark::AddCustomContext("mbedtls", backendVersion());
    benchmark::AddCustomContext("aes_instructions", aesHardwareAccelerated() ? "yes" : "no");
    benchmark::AddCustomContext("ghash_clmul", ghashHardwareAccelerated() ? "yes" : "no");
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
