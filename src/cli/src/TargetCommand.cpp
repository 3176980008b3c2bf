// `mpyseal targets` and `mpyseal check-target FILE.mpy --target NAME`: which .mpy a device loads, decided on
// the host. Loader rules: ../shared/reference/mpy-format.md §1.3 (v6) and mpy-v5.md §1.3 (v5): the version
// must match, a v5 file's unicode and map-cache flag bits must equal the firmware's, and the file's small-int
// width must not exceed the firmware's.
#include "Commands.h"

#include "mpyseal/common/AtomicFile.h"

#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace mpyseal::cli {

namespace {

struct TargetPreset {
    const char* name;
    const char* description;
    int mpyVersion;
    bool unicode;     ///< v5: firmware built with unicode strings
    bool cacheLookup; ///< v5: firmware built with map-lookup caching in bytecode
    int smallIntBits; ///< the firmware's small-int width (32-bit MCUs: 31)
    const char* implies;
};

constexpr TargetPreset kTargets[] = {
    {"quecpython", "Quectel modules (QuecPython, MicroPython 1.13 without unicode)", 5, false, false, 31,
     "--mpy-version 5 -mno-unicode"},
    {"micropython-1.13", "MicroPython 1.12-1.18 firmware (unicode, no map cache)", 5, true, false, 31,
     "--mpy-version 5"},
    {"micropython-1.29", "MicroPython 1.19 and later (any .mpy v6 bytecode)", 6, true, false, 31,
     "--mpy-version 6"},
};

const TargetPreset* findTarget(const std::string& name) {
    for (const auto& t : kTargets)
        if (name == t.name) return &t;
    return nullptr;
}

/// The reasons a device of `preset` refuses the .mpy `bytes` (empty: it loads).
std::vector<std::string> problemsFor(std::span<const std::uint8_t> bytes, const TargetPreset& preset) {
    std::vector<std::string> problems;
    if (bytes.size() < 4 || bytes[0] != 'M') {
        problems.push_back("not a .mpy file (it does not start with 'M')");
    } else {
        int version = bytes[1];
        int flags = bytes[2];
        int bits = bytes[3];
        if (version != preset.mpyVersion) {
            problems.push_back(".mpy version " + std::to_string(version) + ", but " + preset.name +
                               " firmware loads only version " + std::to_string(preset.mpyVersion) +
                               " (recompile with --target " + preset.name + ")");
        } else if (version == 5) {
            bool fileUnicode = flags & 2, fileCache = flags & 1;
            if (fileUnicode != preset.unicode)
                problems.push_back(std::string("unicode flag: the file was compiled ") +
                                   (fileUnicode ? "with" : "without") + " unicode strings, the firmware " +
                                   (preset.unicode ? "has" : "lacks") + " them (use " +
                                   (preset.unicode ? "-municode" : "-mno-unicode") + ")");
            if (fileCache != preset.cacheLookup)
                problems.push_back(std::string("map-lookup cache flag: the file ") +
                                   (fileCache ? "has" : "lacks") + " cache bytes, the firmware " +
                                   (preset.cacheLookup ? "expects" : "does not expect") + " them (" +
                                   (preset.cacheLookup ? "add" : "drop") + " -mcache-lookup-bc)");
            if (flags >> 2)
                problems.push_back("the file contains native code for architecture " +
                                   std::to_string(flags >> 2));
        } else if (version == 6) {
            if (flags & 0x40) problems.push_back("the file needs RV32 architecture flags");
            if ((flags >> 2) & 0x0f)
                problems.push_back("the file contains native code for architecture " +
                                   std::to_string((flags >> 2) & 0x0f));
        }
        if (bits > preset.smallIntBits)
            problems.push_back("the file assumes " + std::to_string(bits) +
                               "-bit small ints, the firmware has " + std::to_string(preset.smallIntBits) +
                               " (use -msmall-int-bits=" + std::to_string(preset.smallIntBits) + ")");
    }
    return problems;
}

} // namespace

std::vector<std::string> targetNames() {
    std::vector<std::string> names;
    for (const auto& t : kTargets) names.emplace_back(t.name);
    return names;
}

bool applyTarget(const std::string& name, compiler::CompileOptions& options) {
    const TargetPreset* preset = findTarget(name);
    if (preset == nullptr) return false;
    options.mpyVersion = preset->mpyVersion;
    if (preset->mpyVersion == 5) options.unicode = preset->unicode;
    return true;
}

std::vector<std::string> targetLoadProblems(std::span<const std::uint8_t> mpy, const std::string& target) {
    const TargetPreset* preset = findTarget(target);
    if (preset == nullptr)
        throw std::invalid_argument("unknown target '" + target + "' (see 'mpyseal targets')");
    return problemsFor(mpy, *preset);
}

int runTargets(const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
        std::puts(
            "usage: mpyseal targets\nLists the named targets accepted by --target and what each implies.");
        return 0;
    }
    std::printf("%-18s %-14s %-30s %s\n", "target", ".mpy", "options implied", "devices");
    for (const auto& t : kTargets) {
        std::string mpy = "v" + std::to_string(t.mpyVersion);
        if (t.mpyVersion == 5) mpy += t.unicode ? " unicode" : " no-unicode";
        std::printf("%-18s %-14s %-30s %s\n", t.name, mpy.c_str(), t.implies, t.description);
    }
    std::puts("\nCalled as mpy-cross, -mno-unicode or -mcache-lookup-bc (v5-only flags) select .mpy v5.");
    return 0;
}

int runCheckTarget(const std::vector<std::string>& args) {
    std::string file, target;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            std::puts("usage: mpyseal check-target FILE.mpy --target NAME\n"
                      "Tells whether a device of that target loads the file, and why not (exit 0 / 1).");
            return 0;
        }
        if (a == "--target" && i + 1 < args.size()) {
            target = args[++i];
        } else if (a.starts_with("--target=")) {
            target = a.substr(9);
        } else if (file.empty() && !a.starts_with("-")) {
            file = a;
        } else {
            std::fprintf(stderr, "mpyseal check-target: unexpected argument '%s'\n", a.c_str());
            return 2;
        }
    }
    if (file.empty() || target.empty()) {
        std::fputs("usage: mpyseal check-target FILE.mpy --target NAME\n", stderr);
        return 2;
    }
    const TargetPreset* preset = findTarget(target);
    if (preset == nullptr) {
        std::fprintf(stderr, "mpyseal check-target: unknown target '%s' (see 'mpyseal targets')\n",
                     target.c_str());
        return 2;
    }
    std::string bytes;
    try {
        bytes = common::readFile(file, 1 << 20);
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "mpyseal check-target: %s\n", e.what());
        return 1;
    }
    const std::vector<std::string> problems =
        problemsFor(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), *preset);
    if (problems.empty()) {
        std::printf("%s: loads on %s\n", file.c_str(), preset->name);
        return 0;
    }
    std::printf("%s: a %s device rejects it with \"ValueError: incompatible .mpy file\":\n", file.c_str(),
                preset->name);
    for (const auto& p : problems) std::printf("  - %s\n", p.c_str());
    return 1;
}

} // namespace mpyseal::cli
