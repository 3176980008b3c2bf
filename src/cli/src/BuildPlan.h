// What `mpyseal build` does with each file of an app tree: the scan of SRC_DIR into jobs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mpyseal::cli {

enum class BuildAction { Compile, Copy };

/// One file of the source tree and the output it becomes. Paths are relative to SRC_DIR / OUT_DIR and
/// '/'-separated ("lib/sensor.py" -> "lib/sensor.mpy"); the source path is also the name stored in the .mpy.
struct BuildJob {
    BuildAction action = BuildAction::Compile;
    std::string source;
    std::string output;
};

struct ScanSettings {
    bool compileEntryPoints = false; ///< compile the root boot.py/main.py instead of copying them
    bool copyData = true;            ///< copy files that are not .py
};

struct ScanResult {
    std::vector<BuildJob> jobs;        ///< sorted by source path
    std::vector<std::string> warnings; ///< skipped special files, symlink loops
    std::vector<std::string> errors;   ///< unreadable directories, two sources for one output
};

/// Walks `srcRoot` recursively. Every `X.py` becomes a Compile job to `X.mpy`, except `boot.py` and
/// `main.py` directly in `srcRoot`, which the firmware runs as source and which are copied unless
/// `compileEntryPoints`. Other regular files are copied when `copyData`. Names starting with '.' (.git,
/// .vscode, editor backups) and `__pycache__` directories are ignored. Symlinks are followed (a link back
/// into its own ancestor directory is skipped with a warning).
ScanResult scanSourceTree(const std::filesystem::path& srcRoot, const ScanSettings& settings);

} // namespace mpyseal::cli
