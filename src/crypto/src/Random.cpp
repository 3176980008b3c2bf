// CTR_DRBG (SP 800-90A) seeded from getrandom(2).
#include "mpyseal/crypto/Random.h"
#include "Internal.h"

#include <mbedtls/ctr_drbg.h>

#include <cerrno>
#include <sys/random.h>
#include <unistd.h>

namespace mpyseal::crypto {

namespace {

/// mbedTLS entropy callback: the kernel CSPRNG directly. getrandom() without flags blocks only until the
/// pool has been initialized once after boot, and then never fails for requests this small.
int osEntropy(void*, unsigned char* out, std::size_t length) {
    while (length > 0) {
        const ssize_t got = ::getrandom(out, length, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
        }
        out += got;
        length -= static_cast<std::size_t>(got);
    }
    return 0;
}

constexpr std::string_view kDefaultPersonalization = "mpyseal";

} // namespace

struct Drbg::State {
    mbedtls_ctr_drbg_context ctx;
    pid_t pid = 0; // process that seeded ctx: a forked child must not replay the parent's stream

    State() { mbedtls_ctr_drbg_init(&ctx); }
    ~State() { mbedtls_ctr_drbg_free(&ctx); } // zeroizes the internal state

    int ensureOwnStream() {
        const pid_t now = ::getpid();
        if (now == pid) return 0;
        const int ret = mbedtls_ctr_drbg_reseed(&ctx, nullptr, 0);
        if (ret == 0) pid = now;
        return ret;
    }

    /// Fills out; mbedTLS serves at most MBEDTLS_CTR_DRBG_MAX_REQUEST bytes per call.
    int fill(unsigned char* out, std::size_t length) {
        if (const int ret = ensureOwnStream(); ret != 0) return ret;
        while (length > 0) {
            const std::size_t chunk =
                length < MBEDTLS_CTR_DRBG_MAX_REQUEST ? length : MBEDTLS_CTR_DRBG_MAX_REQUEST;
            if (const int ret = mbedtls_ctr_drbg_random(&ctx, out, chunk); ret != 0) return ret;
            out += chunk;
            length -= chunk;
        }
        return 0;
    }
};

Drbg::Drbg(ByteView personalization) : state_(std::make_unique<State>()) {
    if (personalization.size() > kMaxPersonalization)
        throwValue("personalization string longer than " + std::to_string(kMaxPersonalization) + " bytes");
    const int ret = mbedtls_ctr_drbg_seed(&state_->ctx, osEntropy, nullptr, personalization.data(),
                                          personalization.size());
    if (ret != 0) throwError(ErrorKind::Runtime, "cannot seed the random generator", ret);
    state_->pid = ::getpid();
}

Drbg::~Drbg() = default;
Drbg::Drbg(Drbg&&) noexcept = default;
Drbg& Drbg::operator=(Drbg&&) noexcept = default;

void Drbg::fill(std::span<std::uint8_t> out) {
    if (const int ret = state_->fill(out.data(), out.size()); ret != 0)
        throwError(ErrorKind::Runtime, "random generator failed", ret);
}

SecretBytes Drbg::generate(std::size_t count) {
    SecretBytes out(count);
    fill(out);
    return out;
}

void Drbg::reseed(ByteView additional) {
    const int ret = mbedtls_ctr_drbg_reseed(&state_->ctx, additional.data(), additional.size());
    if (ret != 0) throwError(ErrorKind::Runtime, "random generator reseed failed", ret);
    state_->pid = ::getpid();
}

int detail::RngBridge::random(void* drbg, unsigned char* out, std::size_t length) noexcept {
    return static_cast<Drbg*>(drbg)->state_->fill(out, length);
}

Drbg& defaultDrbg() {
    thread_local Drbg drbg(asBytes(kDefaultPersonalization));
    return drbg;
}

SecretBytes randomBytes(std::size_t count) {
    return defaultDrbg().generate(count);
}

Bytes getrandbits(std::size_t bits) {
    constexpr std::size_t kMaxBits = std::size_t(1) << 20;
    if (bits > kMaxBits) throwValue("getrandbits: at most 1048576 bits");
    Bytes out((bits + 31) / 32 * 4); // whole 32-bit words, rounded up, as Pycom's hardware RNG reads them
    defaultDrbg().fill(out);
    return out;
}

} // namespace mpyseal::crypto
