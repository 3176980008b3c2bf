#include "Vectors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace mpyseal::crypto::test {

std::filesystem::path sharedDir() {
    return MPYSEAL_SHARED_DIR;
}

std::filesystem::path wycheproofFile(std::string_view name) {
    return sharedDir() / "vectors" / "wycheproof" / std::string(name);
}

std::filesystem::path cavpFile(std::string_view relative) {
    return std::filesystem::path(MPYSEAL_CAVP_DIR) / std::string(relative);
}

Bytes hex(std::string_view text) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::invalid_argument("bad hex digit");
    };
    if (text.size() % 2 != 0) throw std::invalid_argument("odd hex length");
    Bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(nibble(text[2 * i]) << 4 | nibble(text[2 * i + 1]));
    return out;
}

std::string toHex(ByteView bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 15]);
    }
    return out;
}

namespace {

std::string trim(std::string s) {
    auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

std::vector<CavpRecord> readCavp(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    std::vector<CavpRecord> records;
    std::map<std::string, std::string> section;
    CavpRecord current;
    bool headerBlock = false; // consecutive "[..]" lines form one section
    auto flush = [&] {
        if (!current.fields.empty()) {
            current.section = section;
            records.push_back(std::move(current));
        }
        current = CavpRecord{};
    };
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line.empty() || line[0] == '#') {
            if (line.empty()) flush();
            continue;
        }
        if (line.front() == '[' && line.back() == ']') {
            flush();
            if (!headerBlock) section.clear();
            headerBlock = true;
            const std::string inner = line.substr(1, line.size() - 2);
            const auto eq = inner.find('=');
            if (eq == std::string::npos)
                section[upper(trim(inner))] = "";
            else
                section[upper(trim(inner.substr(0, eq)))] = trim(inner.substr(eq + 1));
            continue;
        }
        headerBlock = false;
        if (line == "FAIL") {
            current.fail = true;
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        if (current.fields.empty()) current.line = number;
        current.fields[upper(trim(line.substr(0, eq)))] = trim(line.substr(eq + 1));
    }
    flush();
    return records;
}

nlohmann::json readJson(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    return nlohmann::json::parse(in);
}

void reportVectors(std::string_view family, std::size_t passed, std::size_t total) {
    std::cout << "[vectors] " << family << ": " << passed << "/" << total << " passed\n";
    std::string key(family); // XML attribute names in gtest's report: letters, digits, '_' only
    for (char& c : key)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    ::testing::Test::RecordProperty(key, std::to_string(passed) + "/" + std::to_string(total));
}

} // namespace mpyseal::crypto::test

namespace mpyseal::crypto::test {

std::string Tally::finish() const {
    reportVectors(family_, passed_, total_);
    std::string out;
    for (const auto& f : failures_) out += "  " + f + "\n";
    return out;
}

} // namespace mpyseal::crypto::test
