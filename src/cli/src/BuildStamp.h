// The record `mpyseal build` keeps in OUT_DIR/.mpyseal-build.json: which outputs it produced, how, and with
// which compile options. It makes incremental builds safe (a changed option or compiler rebuilds) and lets
// the build remove outputs whose source disappeared, without ever touching files it did not write.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace mpyseal::cli {

struct BuildStamp {
    static constexpr const char* kFileName = ".mpyseal-build.json";

    /// Everything that changes compiled bytes: -O, small-int bits, line tables, emitter, arch, and the
    /// identity of the compiler binary. Compiled outputs recorded under other options are stale.
    std::map<std::string, std::string> options;
    /// Relative output path ('/'-separated, e.g. "lib/x.mpy") -> how it was made: "compile" or "copy".
    std::map<std::string, std::string> outputs;

    friend bool operator==(const BuildStamp&, const BuildStamp&) = default;
};

/// Serialises a stamp as a small JSON document.
std::string buildStampToJson(const BuildStamp& stamp);

/// Parses what buildStampToJson wrote. Throws std::runtime_error on malformed input. Output paths that are
/// absolute or contain "." / ".." components are dropped, so a tampered stamp cannot make the build remove
/// files outside OUT_DIR.
BuildStamp buildStampFromJson(std::string_view json);

/// Reads OUT_DIR's stamp. A missing or unreadable/malformed stamp gives an empty stamp, which simply makes
/// every output out of date.
BuildStamp readBuildStamp(const std::filesystem::path& outDir);

/// Writes OUT_DIR's stamp atomically. Throws std::system_error on failure.
void writeBuildStamp(const std::filesystem::path& outDir, const BuildStamp& stamp);

/// True for a relative '/'-separated path without empty, "." or ".." components.
bool isSafeRelativePath(std::string_view path);

} // namespace mpyseal::cli
