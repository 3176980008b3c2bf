// Helpers shared by the mpy unit tests: hex literals, the golden corpus and the worked examples of
// mpy-format.md §1.11.
#pragma once

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

/// The byte strings of worked examples 1..3 in mpy-format.md §1.11.
std::vector<uint8_t> workedExample1();
std::vector<uint8_t> workedExample2();
std::vector<uint8_t> workedExample3();

} // namespace mpyseal::mpy::test
