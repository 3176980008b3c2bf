#include "TestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace mpyseal::mpy::test {

std::vector<uint8_t> hex(std::string_view text) {
    std::vector<uint8_t> out;
    int pending = -1;
    for (char ch : text) {
        if (std::isspace(static_cast<unsigned char>(ch))) continue;
        int v = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : std::tolower(ch) - 'a' + 10;
        if (v < 0 || v > 15) throw std::invalid_argument("bad hex digit");
        if (pending < 0) {
            pending = v;
        } else {
            out.push_back(static_cast<uint8_t>(pending << 4 | v));
            pending = -1;
        }
    }
    if (pending >= 0) throw std::invalid_argument("odd number of hex digits");
    return out;
}

std::string toHex(const std::vector<uint8_t>& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (uint8_t b : bytes) {
        if (!out.empty()) out += ' ';
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::filesystem::path goldenDir() {
    return std::filesystem::path(MPYSEAL_SHARED_DIR) / "conformance" / "golden";
}

std::vector<std::filesystem::path> goldenFiles() {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(goldenDir(), ec))
        if (entry.path().extension() == ".mpy") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::filesystem::path> goldenV5Files() {
    std::vector<std::filesystem::path> files;
    const auto root = std::filesystem::path(MPYSEAL_SHARED_DIR) / "conformance" / "golden-v5";
    for (const char* sub : {"no-unicode", "unicode"}) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(root / sub, ec))
            if (entry.path().extension() == ".mpy") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<uint8_t> readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string errorOf(const std::vector<uint8_t>& bytes, const ReadLimits& limits) {
    try {
        readMpy(bytes, limits);
        return "";
    } catch (const MpyFormatError& e) {
        return e.what();
    }
}

void expectContains(const std::string& text, const std::string& part) {
    EXPECT_NE(text.find(part), std::string::npos) << "missing: [" << part << "]\nin:\n" << text;
}

std::vector<uint8_t> workedExample1() {
    return hex("4d 06 00 1f 04 00 0c 65 78 31 2e 70 79 00 0f 0a"
               "68 65 6c 6c 6f 00 81 77 60 08 02 01 11 03 10 02"
               "34 01 59 51 63");
}

std::vector<uint8_t> workedExample2() {
    return hex("4d 06 00 1f 06 01 0c 65 78 32 2e 70 79 00 0f 06"
               "61 64 64 00 81 77 02 61 00 02 62 00 08 03 32 2e"
               "35 81 4c 10 06 01 68 20 8a 2a 01 53 33 00 16 02"
               "11 03 11 02 81 34 01 34 01 59 51 63 01 81 08 a2"
               "01 0a 02 04 05 20 24 b0 b1 f2 c2 b2 23 00 f4 63");
}

std::vector<uint8_t> workedExample3() {
    return hex("4d 06 00 1f 09 00 0c 65 78 33 2e 70 79 00 0f 02"
               "66 00 0c 74 6f 74 61 6c 20 00 06 21 21 21 00 02"
               "6e 00 02 67 00 6f 82 2f 4c 00 02 01 32 00 16 02"
               "51 63 01 83 70 55 10 02 05 20 22 26 22 51 2d 80"
               "c1 b0 80 42 5b 57 c2 48 0a b1 12 06 b2 34 01 e5"
               "c1 4a 0b 57 12 07 df 44 44 59 40 49 01 5d 81 e5"
               "58 5a d7 43 20 59 59 10 03 12 08 b1 34 01 f2 10"
               "04 f2 63");
}

} // namespace mpyseal::mpy::test
