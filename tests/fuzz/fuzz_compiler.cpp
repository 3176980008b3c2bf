// libFuzzer target: compile arbitrary bytes as a MicroPython module.
// CompileError (a syntax or compile error, formatted as mpy-cross prints it) is the expected outcome for
// most input. Everything else is a finding: a crash, a sanitizer report, a hang, another exception, or a
// successful compile whose output the validating .mpy reader rejects or cannot disassemble.
#include "mpyseal/compiler/Compiler.h"
#include "mpyseal/mpy/Disassembler.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/MpyWriter.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mpyseal;
    const std::string_view source(reinterpret_cast<const char*>(data), size);
    compiler::CompileOptions options;
    options.sourceName = "fuzz.py";
    // Vary the options from the first byte so that -O levels and small-int widths are covered too.
    if (size > 0) {
        options.optimizeLevel = data[0] & 3;
        options.smallIntBits = (data[0] & 4) ? 31 : 63;
        options.mpyVersion = (data[0] & 8) ? 5 : 6; // MicroPython 1.13 profile
        options.unicode = !(data[0] & 16);
        options.cacheLookupBc = (data[0] & 32) != 0;
        options.modernSyntax = (data[0] & 64) != 0;
    }
    std::vector<uint8_t> mpy;
    try {
        mpy = compiler::compileToMpy(source, options);
    } catch (const compiler::CompileError& e) {
        (void)e.format();
        return 0;
    }
    // Our own output must pass the reader's validation of every index, length and jump target.
    try {
        const mpy::MpyFile file = mpy::readMpy(mpy);
        (void)mpy::disassemble(file);
    } catch (const mpy::MpyFormatError& e) {
        std::fprintf(stderr, "compiler output rejected by the reader: %s\n", e.what());
        std::abort();
    }
    return 0;
}
