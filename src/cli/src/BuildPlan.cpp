#include "BuildPlan.h"

#include <algorithm>
#include <map>
#include <system_error>

namespace mpyseal::cli {
namespace fs = std::filesystem;
namespace {

class TreeScanner {
  public:
    TreeScanner(const fs::path& root, const ScanSettings& settings, ScanResult& result)
        : root_(root), settings_(settings), result_(result) {}

    void scanDirectory(const fs::path& dir, const std::string& relDir, int depth) {
        std::error_code ec;
        const fs::path canonical = fs::canonical(dir, ec);
        if (!ec && std::find(ancestors_.begin(), ancestors_.end(), canonical) != ancestors_.end()) {
            result_.warnings.push_back("skipping '" + display(relDir) + "': symbolic link loop");
            return;
        }
        if (depth > 64) {
            result_.errors.push_back("'" + display(relDir) + "': directory nesting deeper than 64 levels");
            return;
        }
        fs::directory_iterator it(dir, ec);
        if (ec) {
            result_.errors.push_back("cannot read directory '" + dir.string() + "': " + ec.message());
            return;
        }
        // Sorted so that the job list and any messages do not depend on the directory order on disk.
        std::vector<fs::path> entries;
        for (const fs::directory_iterator end; it != end; it.increment(ec)) {
            if (ec) break;
            entries.push_back(it->path());
        }
        if (ec) {
            result_.errors.push_back("cannot read directory '" + dir.string() + "': " + ec.message());
            return;
        }
        std::sort(entries.begin(), entries.end());
        ancestors_.push_back(canonical);
        for (const fs::path& entry : entries) scanEntry(entry, relDir, depth);
        ancestors_.pop_back();
    }

  private:
    static std::string display(const std::string& rel) { return rel.empty() ? "." : rel; }

    void scanEntry(const fs::path& entry, const std::string& relDir, int depth) {
        const std::string name = entry.filename().string();
        if (name.starts_with(".")) return;
        const std::string rel = relDir.empty() ? name : relDir + "/" + name;
        std::error_code ec;
        const fs::file_status status = fs::status(entry, ec); // follows symlinks
        if (ec) {
            if (fs::is_symlink(fs::symlink_status(entry, ec)))
                result_.warnings.push_back("skipping '" + rel + "': dangling symbolic link");
            else
                result_.errors.push_back("cannot access '" + entry.string() + "'");
            return;
        }
        if (fs::is_directory(status)) {
            if (name != "__pycache__") scanDirectory(entry, rel, depth + 1);
            return;
        }
        if (!fs::is_regular_file(status)) {
            result_.warnings.push_back("skipping '" + rel + "': not a regular file");
            return;
        }
        const bool isPython = name.size() > 3 && name.ends_with(".py");
        const bool entryPoint = relDir.empty() && (name == "boot.py" || name == "main.py");
        if (isPython && !(entryPoint && !settings_.compileEntryPoints)) {
            result_.jobs.push_back({BuildAction::Compile, rel, rel.substr(0, rel.size() - 3) + ".mpy"});
        } else if (isPython || settings_.copyData) {
            result_.jobs.push_back({BuildAction::Copy, rel, rel});
        }
    }

    fs::path root_;
    ScanSettings settings_;
    ScanResult& result_;
    std::vector<fs::path> ancestors_; // canonical paths of the directories being scanned, for loops
};

} // namespace

ScanResult scanSourceTree(const fs::path& srcRoot, const ScanSettings& settings) {
    ScanResult result;
    TreeScanner(srcRoot, settings, result).scanDirectory(srcRoot, "", 0);
    std::sort(result.jobs.begin(), result.jobs.end(),
              [](const BuildJob& a, const BuildJob& b) { return a.source < b.source; });
    // `a.py` and a prebuilt `a.mpy` beside it would both produce `a.mpy`.
    std::map<std::string, std::string> producers;
    for (const BuildJob& job : result.jobs) {
        auto [it, inserted] = producers.emplace(job.output, job.source);
        if (!inserted)
            result.errors.push_back("both '" + it->second + "' and '" + job.source + "' would produce '" +
                                    job.output + "'");
    }
    return result;
}

} // namespace mpyseal::cli
