// Readers for the independent test vectors: hex, NIST CAVP .rsp / RFC text files, Wycheproof JSON.
#pragma once

#include "mpyseal/crypto/Bytes.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mpyseal::crypto::test {

std::filesystem::path sharedDir();
std::filesystem::path wycheproofFile(std::string_view name);
std::filesystem::path cavpFile(std::string_view relative);

Bytes hex(std::string_view text);
std::string toHex(ByteView bytes);
template <class C> std::string toHex(const C& c) {
    return toHex(ByteView(c.data(), c.size()));
}

/// One record of a CAVP-style file: the enclosing "[...]" headers, the "NAME = value" fields (names upper-
/// cased), and whether a bare "FAIL" line was present.
struct CavpRecord {
    std::map<std::string, std::string> section; // e.g. {"ENCRYPT": ""} or {"KEYLEN": "128", "TAGLEN": "128"}
    std::map<std::string, std::string> fields;
    bool fail = false;
    std::size_t line = 0;

    bool has(const std::string& name) const { return fields.count(name) != 0; }
    Bytes bytes(const std::string& name) const { return hex(fields.at(name)); }
    const std::string& text(const std::string& name) const { return fields.at(name); }
};

/// Reads every record (a group of fields ended by a blank line or a new header) of a CAVP file.
std::vector<CavpRecord> readCavp(const std::filesystem::path& path);

nlohmann::json readJson(const std::filesystem::path& path);

/// Prints "[vectors] family: passed/total" so that the counts show up in the test log.
void reportVectors(std::string_view family, std::size_t passed, std::size_t total);

} // namespace mpyseal::crypto::test

namespace mpyseal::crypto::test {

/// Counts vector outcomes for one family and keeps the first few failure descriptions for the test log.
class Tally {
  public:
    explicit Tally(std::string family) : family_(std::move(family)) {}
    void pass() { ++passed_, ++total_; }
    void fail(const std::string& what) {
        ++total_;
        if (failures_.size() < 10) failures_.push_back(what);
    }
    void check(bool ok, const std::string& what) { ok ? pass() : fail(what); }
    std::size_t passed() const { return passed_; }
    std::size_t total() const { return total_; }
    /// Reports the counts; the caller asserts on them.
    std::string finish() const;

  private:
    std::string family_;
    std::size_t passed_ = 0, total_ = 0;
    std::vector<std::string> failures_;
};

} // namespace mpyseal::crypto::test
