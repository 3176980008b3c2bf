// Helpers shared by FloatTextTest.cpp (MicroPython 1.29) and FloatText113Test.cpp (1.13): double bits as
// hex, the vector files written by gen_float_vectors.py / gen_float113_vectors.py, constant texts as values.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace mpyseal::common::floattest {

inline std::string bitsHex(double v) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(std::bit_cast<uint64_t>(v)));
    return buf;
}

inline double fromHex(const std::string& hex) {
    return std::bit_cast<double>(uint64_t(std::stoull(hex, nullptr, 16)));
}

inline bool sameBits(double a, double b) {
    return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

/// One line of a vector file (see the generators' docstrings for the format).
struct Vector {
    char kind;           // 'P' parse, 'R' repr, 'J' imaginary repr, 'G' golden literal (v1.13 only)
    std::string text;    // literal (P, G) or expected text (R, J)
    double value = 0.0;  // expected value (P) or input (R, J)
    std::string file;    // G: golden path relative to golden-v5/
    std::string literal; // G: literal as written in the program
    std::string reread;  // G: the constant text parsed and printed again, per the emulation
    int line = 0;
};

/// All vectors of a file (none when it cannot be read: the tests check the count).
inline std::vector<Vector> loadVectors(const char* path) {
    std::vector<Vector> out;
    std::ifstream in(path);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        std::istringstream fields(line);
        std::string kind, a, b, c, d;
        fields >> kind >> a >> b >> c >> d;
        if (kind == "P")
            out.push_back({'P', a, fromHex(b), {}, {}, {}, n});
        else if (kind == "R" || kind == "J")
            out.push_back({kind[0], b, fromHex(a), {}, {}, {}, n});
        else if (kind == "G")
            out.push_back({'G', c, 0.0, a, b, d, n});
    }
    return out;
}

inline size_t countKind(const std::vector<Vector>& vectors, char kind) {
    size_t n = 0;
    for (const auto& v : vectors) n += v.kind == kind;
    return n;
}

/// The value a constant text stands for: `parse` for decimal text, plus the "inf"/"nan" that repr writes.
template <class Parse> double constantValue(std::string text, Parse parse) {
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) text.erase(0, 1);
    const double v = text == "inf"   ? HUGE_VAL
                     : text == "nan" ? std::numeric_limits<double>::quiet_NaN()
                                     : parse(text);
    return negative ? -v : v;
}

} // namespace mpyseal::common::floattest
