// `mpyseal compile` and the `mpy-cross` personality: mpy-cross's command line, parsed by hand because its
// options (-O2, -msmall-int-bits=31, -X emit=bytecode) do not fit a generic parser.
// Reference: ../shared/reference/mpy-format.md §6.1.
#include "Commands.h"

#include "mpyseal/common/AtomicFile.h"
#include "mpyseal/compiler/Compiler.h"
#include "mpyseal/mpy/MpyWriter.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>
#include <system_error>

namespace mpyseal::cli {

namespace {

constexpr std::array kArchNames{"x86",     "x64",       "armv6",     "armv6m", "armv7m",
                                "armv7em", "armv7emsp", "armv7emdp", "xtensa", "xtensawin",
                                "rv32imc", "rv64imc",   "host",      "debug"};

void printUsage(const char* prog) {
    std::printf("usage: %s [<opts>] [-X <implopt>] [--] <input filename>\n"
                "Options:\n"
                "--version : show version information\n"
                "-o : output file for compiled bytecode (defaults to input filename with .mpy extension)\n"
                "-s : source filename to embed in the compiled bytecode (defaults to input file)\n"
                "-v : verbose (trace various operations); can be multiple\n"
                "-O[N] : apply bytecode optimizations of level N\n"
                "\n"
                "Target specific options:\n"
                "-msmall-int-bits=number : set the maximum bits used to encode a small-int\n"
                "-march=<arch> : set architecture for native emitter;\n"
                "                x86, x64, armv6, armv6m, armv7m, armv7em, armv7emsp,\n"
                "                armv7emdp, xtensa, xtensawin, rv32imc, rv64imc, host, debug\n"
                "\n"
                "Implementation specific options:\n"
                "  emit={bytecode,native,viper} -- set the default code emitter\n"
                "  heapsize=<n> -- set the heap size for the GC (default 1048576)\n"
                "  source-lines / no-source-lines -- include or omit line-number tables\n",
                prog);
}

// errno values as MicroPython names them in "OSError: [Errno 2] ENOENT".
std::string errnoName(int err) {
    switch (err) {
    case ENOENT: return "ENOENT";
    case EISDIR: return "EISDIR";
    case EACCES: return "EACCES";
    case EFBIG: return "EFBIG";
    case ENOTDIR: return "ENOTDIR";
    case EROFS: return "EROFS";
    case ENOSPC: return "ENOSPC";
    default: return std::strerror(err);
    }
}

struct Invocation {
    std::string input;
    std::string output;
    bool outputGiven = false;
    std::string sourceName;
    std::string rawSourceName;
    bool sourceNameGiven = false;
    compiler::CompileOptions options;
    std::string emit = "bytecode";
    bool v5FlagGiven = false; ///< -mno-unicode / -mcache-lookup-bc and their opposites
    bool versionGiven = false;
};

std::string slashes(std::string s) {
    std::replace(s.begin(), s.end(), '\\', '/');
    return s;
}

// Returns -1 to continue, or an exit status.
int parseArgs(const std::vector<std::string>& args, const char* prog, Invocation& inv) {
    bool optionsDone = false;
    bool haveInput = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!optionsDone && a.size() > 1 && a[0] == '-') {
            if (a == "--") {
                optionsDone = true;
            } else if (a == "--version") {
                std::printf(
                    "MicroPython v1.29.0-preview on 2026-11-21; mpyseal mpy-cross emitting mpy v6.3\n");
                return 0;
            } else if (a == "-h" || a == "--help") {
                printUsage(prog);
                return 0;
            } else if (a == "-v") {
                // accepted for compatibility; mpy-cross's trace output is not reproduced
            } else if (a == "-o" || a == "-s") {
                if (i + 1 >= args.size()) {
                    printUsage(prog);
                    return 1;
                }
                if (a == "-o") {
                    inv.output = args[++i];
                    inv.outputGiven = true;
                } else {
                    inv.rawSourceName = args[++i];
                    inv.sourceName = slashes(inv.rawSourceName);
                    inv.sourceNameGiven = true;
                }
            } else if (a.starts_with("-O")) {
                std::string rest = a.substr(2);
                if (rest.empty()) {
                    inv.options.optimizeLevel = 1;
                } else if (rest.size() == 1 && rest[0] >= '0' && rest[0] <= '9') {
                    inv.options.optimizeLevel = rest[0] - '0';
                } else if (rest.find_first_not_of('O') == std::string::npos) {
                    inv.options.optimizeLevel = static_cast<int>(rest.size()) + 1;
                } else {
                    printUsage(prog);
                    return 1;
                }
            } else if (a == "-X") {
                if (i + 1 >= args.size()) {
                    printUsage(prog);
                    return 1;
                }
                const std::string& x = args[++i];
                if (x.starts_with("emit=")) {
                    inv.emit = x.substr(5);
                    if (inv.emit != "bytecode" && inv.emit != "native" && inv.emit != "viper") {
                        printUsage(prog);
                        return 1;
                    }
                } else if (x == "source-lines") {
                    inv.options.sourceLines = true;
                } else if (x == "no-source-lines") {
                    inv.options.sourceLines = false;
                } else if (x.starts_with("heapsize=")) {
                    // the host compiler has no fixed heap; accepted for compatibility
                } else {
                    printUsage(prog);
                    return 1;
                }
            } else if (a.starts_with("-msmall-int-bits=")) {
                std::string v = a.substr(17);
                char* end = nullptr;
                long bits = std::strtol(v.c_str(), &end, 10);
                if (v.empty() || *end != '\0' || bits < 2 || bits > 63) {
                    printUsage(prog);
                    return 1;
                }
                inv.options.smallIntBits = static_cast<int>(bits);
            } else if (a.starts_with("-march=")) {
                std::string arch = a.substr(7);
                if (std::find(kArchNames.begin(), kArchNames.end(), arch) == kArchNames.end()) {
                    printUsage(prog);
                    return 1;
                }
                inv.options.archGiven = true;
            } else if (a == "-mno-unicode" || a == "-municode") {
                // v5-era flags: a v6 mpy-cross rejects them, so asking for them means a v5 target
                inv.options.unicode = a == "-municode";
                inv.v5FlagGiven = true;
            } else if (a == "-mcache-lookup-bc" || a == "-mno-cache-lookup-bc") {
                inv.options.cacheLookupBc = a == "-mcache-lookup-bc";
                inv.v5FlagGiven = true;
            } else if (a.starts_with("--mpy-version=") || a == "--mpy-version") {
                std::string v = a == "--mpy-version" ? (i + 1 < args.size() ? args[++i] : "") : a.substr(14);
                if (v != "5" && v != "6") {
                    printUsage(prog);
                    return 1;
                }
                inv.options.mpyVersion = v[0] - '0';
                inv.versionGiven = true;
            } else if (a == "--modern-syntax") {
                inv.options.modernSyntax = true;
            } else if (a.starts_with("--target=") || a == "--target") {
                std::string t = a == "--target" ? (i + 1 < args.size() ? args[++i] : "") : a.substr(9);
                if (!applyTarget(t, inv.options)) {
                    std::fprintf(stderr, "unknown target '%s' (see 'mpyseal targets')\n", t.c_str());
                    return 1;
                }
                inv.versionGiven = true;
            } else if (a.starts_with("-march-flags=")) {
                // only meaningful for native RV32 code, which is not emitted
            } else {
                printUsage(prog);
                return 1;
            }
        } else {
            if (haveInput) {
                std::fprintf(stderr, "multiple input files\n");
                return 1;
            }
            inv.input = a;
            haveInput = true;
        }
    }
    if (!haveInput) {
        std::fprintf(stderr, "no input file\n");
        return 1;
    }
    // A v5-only flag without an explicit version selects v5 (what the user of an old mpy-cross wants).
    if (inv.v5FlagGiven && !inv.versionGiven) inv.options.mpyVersion = 5;
    return -1;
}

int compileInvocation(Invocation& inv) {
    if (inv.emit != "bytecode") {
        if (!inv.options.archGiven) {
            std::fprintf(stderr, "ValueError: arch not specified\n");
            return 1;
        }
        std::fprintf(stderr, "NotImplementedError: native code emission is not supported yet\n");
        return 1;
    }
    bool fromStdin = inv.input == "-";
    std::string source;
    if (fromStdin) {
        source.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        try {
            source = common::readFile(inv.input);
        } catch (const std::system_error& e) {
            std::fprintf(stderr, "OSError: [Errno %d] %s\n", e.code().value(),
                         errnoName(e.code().value()).c_str());
            return 1;
        }
    }
    inv.options.sourceName =
        inv.sourceNameGiven ? inv.sourceName : (fromStdin ? std::string("<stdin>") : slashes(inv.input));
    if (inv.options.mpyVersion == 5) // 1.13 stores the name verbatim, backslashes included
        inv.options.sourceName = inv.sourceNameGiven ? inv.rawSourceName : inv.input;

    std::vector<uint8_t> mpy;
    try {
        mpy = compiler::compileToMpy(source, inv.options);
    } catch (const compiler::CompileError& e) {
        std::string text = e.format();
        std::fwrite(text.data(), 1, text.size(), stderr);
        return 1;
    }

    std::string output = inv.output;
    if (!inv.outputGiven) {
        // mpy-cross replaces the last two characters of the input name: a.py -> a.mpy
        output =
            fromStdin ? "-" : inv.input.substr(0, inv.input.size() >= 2 ? inv.input.size() - 2 : 0) + "mpy";
    }
    if (output == "-") {
        std::fwrite(mpy.data(), 1, mpy.size(), stdout);
        std::fflush(stdout);
        return 0;
    }
    try {
        common::writeFileAtomically(output, mpy);
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "OSError: [Errno %d] %s\n", e.code().value(),
                     errnoName(e.code().value()).c_str());
        return 1;
    }
    return 0;
}

} // namespace

int runMpyCross(const std::vector<std::string>& args) {
    Invocation inv;
    int status = parseArgs(args, "mpy-cross", inv);
    if (status >= 0) return status;
    return compileInvocation(inv);
}

int runCompile(const std::vector<std::string>& args) {
    Invocation inv;
    int status = parseArgs(args, "mpyseal compile", inv);
    if (status >= 0) return status;
    return compileInvocation(inv);
}

} // namespace mpyseal::cli
