// `mpyseal dis FILE.mpy`: prints the full listing of mpy::disassemble (format in Disassembler.h).
#include "Commands.h"

#include "mpyseal/common/AtomicFile.h"
#include "mpyseal/mpy/Disassembler.h"
#include "mpyseal/mpy/MpyReader.h"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <span>
#include <string>

namespace mpyseal::cli {

namespace {

// .mpy files are small; this bound only stops a wrong path (a device, a huge file) from eating memory.
constexpr std::uintmax_t kMaxMpyBytes = std::uintmax_t(256) << 20;

void printDisUsage(std::FILE* out) {
    std::fputs(
        "usage: mpyseal dis FILE.mpy\n"
        "\n"
        "Validates FILE.mpy (.mpy version 5 or 6, bytecode only) and prints a listing: header, qstr table,\n"
        "constant table, and every raw code with its prelude and opcodes.\n"
        "\n"
        "options:\n"
        "  -h, --help   show this help\n",
        out);
}

} // namespace

int runDis(const std::vector<std::string>& args) {
    std::string path;
    bool optionsEnded = false;
    for (const std::string& arg : args) {
        if (!optionsEnded) {
            if (arg == "-h" || arg == "--help") {
                printDisUsage(stdout);
                return 0;
            }
            if (arg == "--") {
                optionsEnded = true;
                continue;
            }
            if (arg.size() > 1 && arg[0] == '-') {
                std::fprintf(stderr, "mpyseal dis: unknown option '%s'\n", arg.c_str());
                printDisUsage(stderr);
                return 2;
            }
        }
        if (!path.empty()) {
            std::fputs("mpyseal dis: expected exactly one FILE.mpy\n", stderr);
            printDisUsage(stderr);
            return 2;
        }
        path = arg;
    }
    if (path.empty()) {
        std::fputs("mpyseal dis: missing FILE.mpy\n", stderr);
        printDisUsage(stderr);
        return 2;
    }
    try {
        const std::string data = common::readFile(path, kMaxMpyBytes);
        const auto bytes = std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size());
        const std::string listing = mpy::disassemble(mpy::readMpy(bytes));
        std::fwrite(listing.data(), 1, listing.size(), stdout);
        if (std::fflush(stdout) != 0) {
            std::fprintf(stderr, "mpyseal dis: error writing the listing\n");
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mpyseal dis: %s: %s\n", path.c_str(), e.what());
        return 1;
    }
}

} // namespace mpyseal::cli
