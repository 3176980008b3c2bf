// Sealed-image benchmark (issue 4): seal throughput; time to open a 50-module image (~10 KiB per module)
// against reading the same plain .mpy files from the page cache; the opener's peak heap against the image
// size. Heap use is counted by replacing the global operator new/delete in this program.
#include "mpyseal/seal/Seal.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <unistd.h>

namespace {
std::atomic<std::size_t> gCurrent{0}, gPeak{0};
}

void* operator new(std::size_t n) {
    void* p = std::malloc(n + 16);
    if (!p) throw std::bad_alloc();
    *static_cast<std::size_t*>(p) = n;
    const std::size_t now = gCurrent += n;
    std::size_t peak = gPeak.load();
    while (now > peak && !gPeak.compare_exchange_weak(peak, now)) {}
    return static_cast<char*>(p) + 16;
}
void operator delete(void* p) noexcept {
    if (!p) return;
    char* base = static_cast<char*>(p) - 16;
    gCurrent -= *reinterpret_cast<std::size_t*>(base);
    std::free(base);
}
void operator delete(void* p, std::size_t) noexcept {
    operator delete(p);
}

namespace {
using namespace mpyseal;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

template <class F> double bestOf(int runs, F&& f) {
    double best = 1e9;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        f();
        best = std::min(best, seconds(t0, Clock::now()));
    }
    return best;
}
} // namespace

int main() {
    const crypto::PrivateKey signer = crypto::PrivateKey::generateEcP256();
    const crypto::PublicKey signerPub = signer.publicKey();
    const seal::ProductKey product = seal::ProductKey::generate();
    const seal::RecipientKey to[] = {&product};
    const seal::DeviceKey keys[] = {&product};

    // 1. Seal throughput on one 16 MiB entry.
    crypto::Bytes big(16 << 20);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 131);
    const seal::InputEntry bigEntry[] = {{"big.bin", seal::EntryKind::Data, big}};
    crypto::Bytes bigImage;
    const double sealTime = bestOf(3, [&] { bigImage = seal::sealImage(bigEntry, signer, to); });
    const double openBigTime =
        bestOf(3, [&] { (void)seal::openImage(bigImage, std::span(&signerPub, 1), keys, 0); });
    std::printf("seal throughput:  %.0f MB/s (16 MiB entry, AES-256-GCM + SHA-256/ES256)\n",
                big.size() / sealTime / 1e6);
    std::printf("open throughput:  %.0f MB/s (same image)\n", big.size() / openBigTime / 1e6);

    // 2. 50 modules of ~10 KiB: open the image vs read the plain files (page cache).
    const fs::path dir = fs::temp_directory_path() / ("mpyseal-seal-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<crypto::Bytes> modules(50);
    std::vector<std::string> names;
    std::vector<seal::InputEntry> entries;
    for (std::size_t m = 0; m < modules.size(); ++m) {
        modules[m].resize(10 * 1024 + m * 17);
        for (std::size_t i = 0; i < modules[m].size(); ++i) modules[m][i] = static_cast<std::uint8_t>(i ^ m);
        names.push_back("lib/mod" + std::to_string(m) + ".mpy");
    }
    for (std::size_t m = 0; m < modules.size(); ++m) {
        entries.push_back({names[m], seal::EntryKind::Module, modules[m]});
        fs::create_directories(dir / "lib");
        std::ofstream(dir / names[m], std::ios::binary)
            .write(reinterpret_cast<const char*>(modules[m].data()),
                   static_cast<std::streamsize>(modules[m].size()));
    }
    const crypto::Bytes image = seal::sealImage(entries, signer, to);
    {
        std::ofstream(dir / "app.img", std::ios::binary)
            .write(reinterpret_cast<const char*>(image.data()), static_cast<std::streamsize>(image.size()));
    }
    auto readFile = [](const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return crypto::Bytes(std::istreambuf_iterator<char>(in), {});
    };
    std::size_t sink = 0;
    const double plain = bestOf(50, [&] {
        for (const std::string& n : names) sink += readFile(dir / n).size();
    });
    const double sealedTotal = bestOf(50, [&] {
        const crypto::Bytes img = readFile(dir / "app.img");
        sink += seal::openImage(img, std::span(&signerPub, 1), keys, 0).entries().size();
    });
    const double verifyOnly =
        bestOf(50, [&] { (void)seal::verifyImage(image, std::span(&signerPub, 1), 0); });
    crypto::Bytes sigOnly(32);
    const crypto::Bytes sig = signer.signEs256(sigOnly);
    const double sigCheck = bestOf(50, [&] { sink += signerPub.verifyEs256(sigOnly, sig); });
    std::printf("50 modules, %zu bytes of .mpy, image %zu bytes\n", image.size() - 0, image.size());
    std::printf("  read 50 plain files:          %.3f ms\n", plain * 1e3);
    std::printf("  read + open the sealed image: %.3f ms (%.2fx)\n", sealedTotal * 1e3, sealedTotal / plain);
    std::printf(
        "    of which verify (parse + SHA-256 + ES256): %.3f ms; one ES256 check on 32 bytes: %.3f ms\n",
        verifyOnly * 1e3, sigCheck * 1e3);
    std::printf("  open minus one signature check: %.3f ms (%.2fx the plain read)\n",
                (sealedTotal - sigCheck) * 1e3, (sealedTotal - sigCheck) / plain);

    // 3. Peak heap of openImage (the image itself is the caller's and not counted).
    for (const crypto::Bytes* img : std::array<const crypto::Bytes*, 2>{&image, &bigImage}) {
        const std::size_t before = gCurrent.load();
        gPeak = before;
        {
            const seal::OpenedImage opened = seal::openImage(*img, std::span(&signerPub, 1), keys, 0);
            sink += opened.entries().size();
        }
        std::printf("opener peak heap: %zu bytes for a %zu-byte image (%.2fx)\n", gPeak.load() - before,
                    img->size(), double(gPeak.load() - before) / img->size());
    }
    fs::remove_all(dir);
    return sink == 0 ? 1 : 0;
}
