// Helpers shared by the mpy unit tests: hex literals, the golden corpus and the worked examples of
// mpy-format.md §1.11.
#pragma once

#include "mpyseal/mpy/MpyReader.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mpyseal::mpy::test {

/// Parses "4d 06 00 1f ..." (whitespace ignored) into bytes.
std::vector<uint8_t> hex(std::string_view text);
/// Formats bytes as "4d 06 00".
std::string toHex(const std::vector<uint8_t>& bytes);

/// ${MPYSEAL_SHARED_DIR}/conformance/golden
std::filesystem::path goldenDir();
/// All *.mpy files of the golden directory, sorted.
std::vector<std::filesystem::path> goldenFiles();
std::vector<uint8_t> readBytes(const std::filesystem::path& path);
/// All *.mpy files of ${MPYSEAL_SHARED_DIR}/conformance/golden-v5/{no-unicode,unicode} (MicroPython 1.13
/// mpy-cross output, .mpy version 5), sorted.
std::vector<std::filesystem::path> goldenV5Files();

/// The MpyFormatError message readMpy gives for `bytes`, or "" if they are accepted.
std::string errorOf(const std::vector<uint8_t>& bytes, const ReadLimits& limits = {});

/// Expects `text` to contain `part` (shows the whole text otherwise).
void expectContains(const std::string& text, const std::string& part);

/// The byte strings of worked examples 1..3 in mpy-format.md §1.11.
std::vector<uint8_t> workedExample1();
std::vector<uint8_t> workedExample2();
std::vector<uint8_t> workedExample3();

} // namespace mpyseal::mpy::test

/// Expects readMpy(bytes) to throw MpyFormatError with `substring` in its message.
#define EXPECT_MPY_ERROR(bytes, substring)                                                                   \
    do {                                                                                                     \
        const std::string message_ = ::mpyseal::mpy::test::errorOf(bytes);                                   \
        EXPECT_FALSE(message_.empty()) << "accepted";                                                        \
        EXPECT_NE(message_.find(substring), std::string::npos) << "message: " << message_;                   \
    } while (0)
