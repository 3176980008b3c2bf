// libFuzzer target: readMpy (.mpy v6 and v5) on arbitrary bytes, then disassemble and re-serialise what it
// accepts. Seeds: tests/fuzz/seeds/fuzz_mpy_reader (v6 worked examples, v5 examples and golden-v5 files).
// MpyFormatError from readMpy is the expected outcome for almost all input. Everything else is a finding:
// a crash, a sanitizer report, a hang, a huge allocation, any exception once readMpy has accepted the
// input (the disassembler must cope with every validated file), or an accepted file that does not write
// back byte for byte (the reader accepts only the canonical encoding).
#include "mpyseal/mpy/Disassembler.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/MpyWriter.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mpyseal::mpy;
    const std::span<const uint8_t> input(data, size);
    std::optional<MpyFile> file;
    try {
        file = readMpy(input);
    } catch (const MpyFormatError&) {
        return 0;
    }
    // No try block from here on: an exception escaping is reported by libFuzzer as a crash.
    (void)disassemble(*file);
    (void)disassembleCode(*file);
    const auto written = writeMpy(*file);
    if (written.size() != size || !std::equal(written.begin(), written.end(), input.begin())) {
        std::fprintf(stderr, "fuzz_mpy_reader: writeMpy(readMpy(x)) != x\n");
        std::abort();
    }
    return 0;
}
