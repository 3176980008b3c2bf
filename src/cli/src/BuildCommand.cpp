// `mpyseal build SRC_DIR -o OUT_DIR`: compiles a whole MicroPython app tree into a mirrored output tree,
// in parallel, skipping outputs that are up to date (see BuildStamp.h) and never leaving the output of a
// failed file behind.
#include "BuildPlan.h"
#include "BuildStamp.h"
#include "Commands.h"

#include "mpyseal/common/AtomicFile.h"
#include "mpyseal/compiler/Compiler.h"
#include "mpyseal/crypto/Bytes.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace mpyseal::cli {
namespace fs = std::filesystem;
namespace {

constexpr std::array kArchNames{"x86",     "x64",       "armv6",     "armv6m", "armv7m",
                                "armv7em", "armv7emsp", "armv7emdp", "xtensa", "xtensawin",
                                "rv32imc", "rv64imc",   "host",      "debug"};
constexpr std::uintmax_t kMaxSourceBytes = std::uintmax_t(1) << 30;

struct BuildSettings {
    std::string srcDir;
    std::string outDir;
    unsigned jobs = 1;
    bool force = false;
    bool plain = false;
    ScanSettings scan;
    compiler::CompileOptions compile;
    std::string emit = "bytecode";
    std::string arch;
    SealCliOptions seal; ///< with --sign, OUT is a sealed image instead of a directory
};

const char* kFooter = R"(What it does:
  Every X.py under SRC_DIR is compiled to OUT_DIR/X.mpy (same relative path). The source name stored in
  each .mpy is its path relative to SRC_DIR (e.g. lib/sensor.py), as when mpy-cross runs in the app root.
  boot.py and main.py at the top of SRC_DIR are copied as source, because the firmware runs them as .py
  files; --compile-entry-points compiles them like the rest.
  Other files (.json, .txt, certificates, prebuilt .mpy, ...) are copied unchanged, as the code usually
  needs them on the device; --no-copy-data leaves them out. Names starting with '.' (.git, .vscode) and
  __pycache__ directories are ignored.

Incremental builds:
  An output is rebuilt when it is missing, older than its source, made with other compile options or by
  another mpyseal binary, or with --force. OUT_DIR/.mpyseal-build.json records what was built and how;
  outputs whose source was deleted are removed (files the build did not write are never touched).

Errors:
  All files are attempted; the diagnostics of every failing file are printed, a failed file leaves no
  output (a stale one is removed), and the exit status is 1. Usage errors exit with 2.

Progress goes to stderr: a progress bar on a terminal, otherwise one line per file
(compiled/copied/skipped/failed/removed PATH), then a summary line.

mpy-cross spellings are accepted: -O, -O2, -OO, -msmall-int-bits=N, -march=ARCH.)";

/// mpy-cross spells some options in ways a generic parser cannot take (-O2, -OO, -msmall-int-bits=31,
/// -march=x64); they are rewritten to the equivalent long options before CLI11 parses.
std::vector<std::string> translateMpyCrossSpellings(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    bool optionsDone = false;
    for (const std::string& a : args) {
        if (optionsDone || a == "--") {
            optionsDone = true;
            out.push_back(a);
        } else if (a == "-O") {
            out.push_back("--opt-level=1");
        } else if (a.size() == 3 && a.starts_with("-O") && a[2] >= '0' && a[2] <= '9') {
            out.push_back(std::string("--opt-level=") + a[2]);
        } else if (a.size() > 2 && a.starts_with("-O") && a.find_first_not_of('O', 1) == std::string::npos) {
            out.push_back("--opt-level=" + std::to_string(a.size())); // -OO is level 2, like mpy-cross
        } else if (a.starts_with("-msmall-int-bits=")) {
            out.push_back("--small-int-bits=" + a.substr(17));
        } else if (a.starts_with("-march-flags=")) {
            out.push_back("--arch-flags=" + a.substr(13));
        } else if (a.starts_with("-march=")) {
            out.push_back("--arch=" + a.substr(7));
        } else if (a == "-mno-unicode") {
            out.push_back("--no-unicode");
        } else if (a == "-municode") {
            out.push_back("--unicode");
        } else if (a == "-mcache-lookup-bc") {
            out.push_back("--cache-lookup-bc");
        } else {
            out.push_back(a);
        }
    }
    return out;
}

int usageError(const std::string& message) {
    std::fprintf(stderr, "mpyseal build: %s\nRun 'mpyseal build --help' for more information.\n",
                 message.c_str());
    return 2;
}

/// Fills `s` from the command line. Returns -1 to go on, or the exit status (0 after --help).
int parseBuildArgs(const std::vector<std::string>& args, BuildSettings& s) {
    CLI::App app{"Compile a whole MicroPython app tree to .mpy files.", "mpyseal build"};
    app.footer(kFooter);
    s.jobs = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> implOptions;
    std::string archFlags;
    app.add_option("SRC_DIR", s.srcDir, "Root of the app (the directory holding main.py)")->required();
    app.add_option("-o,--output", s.outDir, "Output directory (created if missing)")->required();
    app.add_option("-j,--jobs", s.jobs, "Files compiled in parallel (default: number of CPUs)")
        ->check(CLI::Range(1u, 1024u));
    app.add_flag("--force", s.force, "Rebuild every output, even if up to date");
    app.add_flag("--compile-entry-points", s.scan.compileEntryPoints,
                 "Compile boot.py/main.py at the root too instead of copying them");
    bool noCopyData = false;
    app.add_flag("--no-copy-data", noCopyData, "Do not copy files that are not .py");
    app.add_flag("--plain", s.plain, "One line per file even on a terminal (no progress bar)");
    app.add_option("--opt-level", s.compile.optimizeLevel, "Optimisation level, as mpy-cross -O[N]")
        ->check(CLI::Range(0, 100));
    app.add_option("--small-int-bits", s.compile.smallIntBits, "As mpy-cross -msmall-int-bits=N")
        ->check(CLI::Range(2, 63));
    app.add_option("--arch", s.arch, "As mpy-cross -march=ARCH")
        ->check(CLI::IsMember(std::vector<std::string>(kArchNames.begin(), kArchNames.end())));
    app.add_option("--arch-flags", archFlags, "As mpy-cross -march-flags=FLAGS (accepted, no effect)");
    std::string target;
    bool noUnicode = false, unicode = false;
    app.add_option("--mpy-version", s.compile.mpyVersion,
                   ".mpy version to emit: 6 (default) or 5 (MicroPython 1.12-1.18)")
        ->check(CLI::IsMember(std::vector<int>{5, 6}));
    app.add_option("--target", target, "Named target (see 'mpyseal targets')")
        ->check(CLI::IsMember(targetNames()));
    app.add_flag("--no-unicode", noUnicode,
                 "v5: firmware without unicode strings (as mpy-cross -mno-unicode)");
    app.add_flag("--unicode", unicode, "v5: firmware with unicode strings (the default)");
    app.add_flag("--cache-lookup-bc", s.compile.cacheLookupBc,
                 "v5: map-lookup cache bytes (-mcache-lookup-bc)");
    app.add_flag("--modern-syntax", s.compile.modernSyntax,
                 "v5: accept f-strings (compiled as str.format calls)");
    app.add_option("--sign", s.seal.signPath, "Seal the app into the image OUT, signed with this key (PEM)");
    addSealOptions(app, s.seal, " (with --sign)");
    app.add_option("-X", implOptions, "emit=bytecode|native|viper, source-lines, no-source-lines, heapsize=N")
        ->allow_extra_args(false)
        ->type_name("OPT");

    std::vector<std::string> reversed = translateMpyCrossSpellings(args);
    std::reverse(reversed.begin(), reversed.end()); // CLI11 takes a vector in reverse order
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        return 0;
    } catch (const CLI::ParseError& e) {
        return usageError(e.what());
    }
    s.scan.copyData = !noCopyData;
    s.compile.archGiven = !s.arch.empty();
    if (!target.empty()) applyTarget(target, s.compile); // a known name: CLI11 checked it
    // v5-only flags without an explicit version or target mean v5, as for `mpy-cross`
    if ((noUnicode || s.compile.cacheLookupBc) && target.empty() && app.count("--mpy-version") == 0)
        s.compile.mpyVersion = 5;
    if (noUnicode) s.compile.unicode = false;
    if (unicode) s.compile.unicode = true;
    for (const std::string& x : implOptions) {
        if (x == "emit=bytecode" || x == "emit=native" || x == "emit=viper")
            s.emit = x.substr(5);
        else if (x == "source-lines")
            s.compile.sourceLines = true;
        else if (x == "no-source-lines")
            s.compile.sourceLines = false;
        else if (!x.starts_with("heapsize="))
            return usageError("unknown -X option '" + x + "'");
    }
    if (s.emit != "bytecode" && s.arch.empty()) return usageError("-X emit=" + s.emit + " needs -march=ARCH");
    // Without --sign the output is a plain directory: a --to given there would silently protect nothing.
    if (s.seal.signPath.empty())
        for (const char* option : {"--to", "--counter", "--name", "--no-encrypt", "--passphrase-file"})
            if (app.count(option) != 0) return usageError(std::string(option) + " needs --sign");
    return -1;
}

/// Identifies the compiler binary, so that outputs of another mpyseal build are not taken as up to date.
std::string compilerIdentity() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    struct stat st {};
    if (ec || ::stat(exe.c_str(), &st) != 0) return "mpyseal (unidentified binary)";
    return exe.string() + " size=" + std::to_string(st.st_size) +
           " mtime=" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

const char* actionName(BuildAction action) {
    return action == BuildAction::Compile ? "compile" : "copy";
}

/// Status lines on stderr: a progress bar redrawn in place on a terminal, plain lines otherwise.
class ProgressReporter {
  public:
    ProgressReporter(bool bar, size_t total) : bar_(bar), total_(total) {}

    /// A file is done (compiled, copied, skipped or failed).
    void completed(const char* verb, const std::string& path) {
        std::lock_guard lock(mutex_);
        ++done_;
        if (bar_)
            drawBar(path);
        else
            std::fprintf(stderr, "%s %s\n", verb, path.c_str());
    }
    /// A message outside the per-file count ("removed PATH").
    void note(const char* verb, const std::string& path) {
        std::lock_guard lock(mutex_);
        if (!bar_) std::fprintf(stderr, "%s %s\n", verb, path.c_str());
    }
    /// Clears the bar so that what follows starts on a clean line.
    void finish() {
        if (bar_ && drawn_) std::fputs("\r\x1b[K", stderr);
        std::fflush(stderr);
    }

  private:
    void drawBar(const std::string& path) {
        constexpr size_t kWidth = 24;
        const size_t filled = total_ == 0 ? kWidth : done_ * kWidth / total_;
        std::string line = "[" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "] " +
                           std::to_string(done_) + "/" + std::to_string(total_) + " " + path;
        winsize ws{};
        const size_t columns = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
        if (line.size() >= columns) line.resize(columns - 1); // never wrap: \r must return to the bar
        std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
        std::fflush(stderr);
        drawn_ = true;
    }

    std::mutex mutex_;
    bool bar_;
    size_t total_;
    size_t done_ = 0;
    bool drawn_ = false;
};

enum class Outcome { Pending, Compiled, Copied, Skipped, Failed };

class Builder {
  public:
    explicit Builder(BuildSettings settings) : s_(std::move(settings)) {}
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;
    ~Builder() {
        if (lockFd_ >= 0) ::close(lockFd_); // releases the flock
    }

    int run() {
        const auto start = std::chrono::steady_clock::now();
        // As `mpyseal compile`: refuse up front rather than once per file.
        if (s_.emit != "bytecode")
            return fail("native code emission (-X emit=" + s_.emit + ") is not supported yet");
        if (const int status = prepareDirectories(); status >= 0) return status;

        ScanResult scan = scanSourceTree(srcRoot_, s_.scan);
        for (const std::string& w : scan.warnings)
            std::fprintf(stderr, "mpyseal build: warning: %s\n", w.c_str());
        if (!scan.errors.empty()) {
            for (const std::string& e : scan.errors)
                std::fprintf(stderr, "mpyseal build: error: %s\n", e.c_str());
            return 1;
        }
        jobs_ = std::move(scan.jobs);
        outcomes_.assign(jobs_.size(), Outcome::Pending);
        diagnostics_.assign(jobs_.size(), {});

        const BuildStamp old = readBuildStamp(outRoot_);
        BuildStamp current;
        current.options = currentOptions();
        const bool sameOptions = old.options == current.options;

        ProgressReporter reporter(!s_.plain && ::isatty(STDERR_FILENO) != 0 && !dumbTerminal(), jobs_.size());
        const size_t removed = pruneVanishedOutputs(old, reporter);

        // The stamp keeps only entries still valid under the current options, and is written before any
        // work: if this run is interrupted, an output rebuilt under new options is not taken as up to date
        // for the old ones later.
        std::vector<size_t> work;
        for (size_t i = 0; i < jobs_.size(); ++i) {
            const BuildJob& job = jobs_[i];
            const auto it = old.outputs.find(job.output);
            const bool recorded = it != old.outputs.end() && it->second == actionName(job.action) &&
                                  (job.action == BuildAction::Copy || sameOptions);
            if (recorded) current.outputs[job.output] = actionName(job.action);
            if (recorded && !s_.force && outputIsCurrent(job))
                outcomes_[i] = Outcome::Skipped;
            else
                work.push_back(i);
        }
        if (!writeStampIfChanged(old, current)) return 1;
        for (size_t i = 0; i < jobs_.size(); ++i)
            if (outcomes_[i] == Outcome::Skipped) reporter.completed("skipped", jobs_[i].source);

        runParallel(work, reporter);
        reporter.finish();

        BuildStamp final = current;
        for (size_t i : work)
            if (outcomes_[i] != Outcome::Failed) final.outputs[jobs_[i].output] = actionName(jobs_[i].action);
        const bool stampWritten = writeStampIfChanged(current, final);

        size_t counts[5] = {};
        for (const Outcome o : outcomes_) ++counts[static_cast<int>(o)];
        for (size_t i = 0; i < jobs_.size(); ++i)
            if (outcomes_[i] == Outcome::Failed) std::fputs(diagnostics_[i].c_str(), stderr);
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                .count();
        std::fprintf(
            stderr,
            "mpyseal build: %zu compiled, %zu copied, %zu skipped, %zu failed, %zu removed (%lld ms)\n",
            counts[int(Outcome::Compiled)], counts[int(Outcome::Copied)], counts[int(Outcome::Skipped)],
            counts[int(Outcome::Failed)], removed, static_cast<long long>(ms));
        return counts[int(Outcome::Failed)] == 0 && stampWritten ? 0 : 1;
    }

  private:
    static bool dumbTerminal() {
        const char* term = std::getenv("TERM");
        return term == nullptr || std::strcmp(term, "dumb") == 0;
    }

    int fail(const std::string& message) {
        std::fprintf(stderr, "mpyseal build: error: %s\n", message.c_str());
        return 1;
    }

    /// Checks SRC_DIR and OUT_DIR, creates OUT_DIR and locks it. Returns -1 on success, else the status.
    int prepareDirectories() {
        std::error_code ec;
        const fs::file_status srcStatus = fs::status(s_.srcDir, ec);
        if (!fs::exists(srcStatus)) return fail("source directory '" + s_.srcDir + "' does not exist");
        if (!fs::is_directory(srcStatus)) return fail("'" + s_.srcDir + "' is not a directory");
        const fs::file_status outStatus = fs::status(s_.outDir, ec);
        if (fs::exists(outStatus) && !fs::is_directory(outStatus))
            return fail("output '" + s_.outDir + "' exists and is not a directory");
        // Check the overlap before creating anything inside the source tree.
        srcRoot_ = fs::canonical(s_.srcDir, ec);
        if (ec) return fail("cannot resolve '" + s_.srcDir + "': " + ec.message());
        const fs::path outResolved = fs::weakly_canonical(fs::absolute(s_.outDir), ec);
        if (ec) return fail("cannot resolve '" + s_.outDir + "': " + ec.message());
        auto inside = [](const fs::path& child, const fs::path& parent) {
            const fs::path rel = child.lexically_relative(parent);
            return !rel.empty() && *rel.begin() != "..";
        };
        if (inside(outResolved, srcRoot_))
            return fail("output directory '" + s_.outDir + "' is inside the source directory '" + s_.srcDir +
                        "' (it would be scanned as part of the app)");
        if (inside(srcRoot_, outResolved))
            return fail("source directory '" + s_.srcDir + "' is inside the output directory '" + s_.outDir +
                        "'");
        fs::create_directories(outResolved, ec);
        if (ec) return fail("cannot create output directory '" + s_.outDir + "': " + ec.message());
        outRoot_ = outResolved;

        // Two builds into one OUT_DIR would race on outputs and on the stamp.
        lockFd_ = ::open(outRoot_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (lockFd_ < 0)
            return fail("cannot open output directory '" + s_.outDir + "': " + std::strerror(errno));
        if (::flock(lockFd_, LOCK_EX | LOCK_NB) != 0)
            return fail("another mpyseal build is writing to '" + s_.outDir + "'");
        return -1;
    }

    std::map<std::string, std::string> currentOptions() const {
        return {{"optimize", std::to_string(s_.compile.optimizeLevel)},
                {"small_int_bits", std::to_string(s_.compile.smallIntBits)},
                {"source_lines", s_.compile.sourceLines ? "yes" : "no"},
                {"emit", s_.emit},
                {"mpy_version", std::to_string(s_.compile.mpyVersion)},
                {"unicode", s_.compile.unicode ? "yes" : "no"},
                {"cache_lookup_bc", s_.compile.cacheLookupBc ? "yes" : "no"},
                {"modern_syntax", s_.compile.modernSyntax ? "yes" : "no"},
                {"arch", s_.arch},
                {"compiler", compilerIdentity()}};
    }

    /// The output exists and is not older than its source.
    bool outputIsCurrent(const BuildJob& job) const {
        std::error_code ec;
        const fs::path out = outRoot_ / job.output;
        if (!fs::is_regular_file(fs::symlink_status(out, ec))) return false;
        const auto outTime = fs::last_write_time(out, ec);
        if (ec) return false;
        const auto srcTime = fs::last_write_time(srcRoot_ / job.source, ec);
        // Not older, as make decides: an output written within the same timestamp tick as its source is
        // current (otherwise a build right after an edit would never settle).
        return !ec && outTime >= srcTime;
    }

    /// Removes outputs recorded by an earlier build whose source is gone (or that would now be made
    /// differently, e.g. boot.py -> boot.mpy after --compile-entry-points).
    size_t pruneVanishedOutputs(const BuildStamp& old, ProgressReporter& reporter) {
        std::set<std::string> planned;
        for (const BuildJob& job : jobs_) planned.insert(job.output);
        size_t removed = 0;
        for (const auto& [rel, kind] : old.outputs) {
            if (planned.count(rel) != 0) continue;
            std::error_code ec;
            fs::path path = outRoot_ / rel;
            if (!fs::is_regular_file(fs::symlink_status(path, ec)) || !fs::remove(path, ec)) continue;
            ++removed;
            reporter.note("removed", rel);
            // Tidy directories that only held removed outputs; stops at the first non-empty one.
            for (path = path.parent_path(); path != outRoot_ && fs::is_empty(path, ec) && !ec;
                 path = path.parent_path())
                if (!fs::remove(path, ec)) break;
        }
        return removed;
    }

    bool writeStampIfChanged(const BuildStamp& before, const BuildStamp& after) {
        if (before == after) return true;
        try {
            writeBuildStamp(outRoot_, after);
            return true;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "mpyseal build: error: %s\n", e.what());
            return false;
        }
    }

    void runParallel(const std::vector<size_t>& work, ProgressReporter& reporter) {
        // Output directories are made here, on one thread, so that workers never race to create them.
        for (size_t i : work) {
            std::error_code ec;
            fs::create_directories((outRoot_ / jobs_[i].output).parent_path(), ec);
        }
        std::atomic<size_t> next{0};
        auto worker = [&] {
            for (size_t k; (k = next.fetch_add(1)) < work.size();) {
                const size_t i = work[k];
                runJob(i);
                static constexpr const char* kVerbs[] = {"", "compiled", "copied", "skipped", "failed"};
                reporter.completed(kVerbs[static_cast<int>(outcomes_[i])], jobs_[i].source);
            }
        };
        const size_t threads = std::min<size_t>(s_.jobs, work.size());
        if (threads <= 1) {
            worker();
            return;
        }
        std::vector<std::thread> pool;
        for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
        for (auto& t : pool) t.join();
    }

    void runJob(size_t i) {
        const BuildJob& job = jobs_[i];
        const fs::path src = srcRoot_ / job.source;
        const fs::path out = outRoot_ / job.output;
        try {
            const std::string data = common::readFile(src, kMaxSourceBytes);
            if (job.action == BuildAction::Compile) {
                if (s_.emit != "bytecode")
                    throw std::runtime_error("native code emission (-X emit=" + s_.emit +
                                             ") is not supported yet");
                compiler::CompileOptions options = s_.compile;
                options.sourceName = job.source;
                common::writeFileAtomically(out, compiler::compileToMpy(data, options));
                outcomes_[i] = Outcome::Compiled;
            } else {
                std::error_code ec;
                const auto perms = fs::status(src, ec).permissions() & fs::perms::all;
                common::writeFileAtomically(out, {reinterpret_cast<const uint8_t*>(data.data()), data.size()},
                                            ec ? 0644u : static_cast<unsigned>(perms));
                outcomes_[i] = Outcome::Copied;
            }
            return;
        } catch (const compiler::CompileError& e) {
            diagnostics_[i] = e.format();
        } catch (const std::system_error& e) {
            diagnostics_[i] = std::string("mpyseal build: error: ") + e.what() + "\n";
        } catch (const std::exception& e) {
            diagnostics_[i] = "mpyseal build: error: " + job.source + ": " + e.what() + "\n";
        }
        outcomes_[i] = Outcome::Failed;
        std::error_code ec;
        if (fs::is_regular_file(fs::symlink_status(out, ec))) fs::remove(out, ec); // no stale output
    }

    BuildSettings s_;
    fs::path srcRoot_;
    fs::path outRoot_;
    int lockFd_ = -1;
    std::vector<BuildJob> jobs_;
    std::vector<Outcome> outcomes_;        // written by the worker that owns the index
    std::vector<std::string> diagnostics_; // likewise
};

} // namespace

namespace {

// `mpyseal build SRC -o app.img --sign KEY --to R...`: compiles in memory and seals, so the compiled
// modules (the plaintext of the sealed code) never touch the disk.
int buildSealedImage(const BuildSettings& s) {
    if (const int rc = checkRecipientOptions(s.seal, "build"); rc >= 0) return rc;
    ScanResult scan = scanSourceTree(s.srcDir, s.scan);
    for (const auto& w : scan.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (!scan.errors.empty()) {
        for (const auto& e : scan.errors) std::fprintf(stderr, "mpyseal build: %s\n", e.c_str());
        return 1;
    }
    std::vector<std::vector<uint8_t>> contents;
    contents.reserve(scan.jobs.size());
    std::vector<SealInput> inputs;
    int failures = 0;
    for (const BuildJob& job : scan.jobs) {
        const std::filesystem::path src = std::filesystem::path(s.srcDir) / job.source;
        std::string source;
        try {
            source = common::readFile(src);
        } catch (const std::system_error& e) {
            std::fprintf(stderr, "mpyseal build: %s\n", e.what());
            ++failures;
            continue;
        }
        if (job.action == BuildAction::Copy) {
            contents.emplace_back(source.begin(), source.end());
            inputs.push_back({job.output, false, {}});
            continue;
        }
        compiler::CompileOptions options = s.compile;
        options.sourceName = job.source;
        try {
            contents.push_back(compiler::compileToMpy(source, options));
            inputs.push_back({job.output, true, {}});
        } catch (const compiler::CompileError& e) {
            std::string text = e.format();
            std::fwrite(text.data(), 1, text.size(), stderr);
            ++failures;
        }
    }
    if (failures > 0) {
        std::fprintf(stderr, "mpyseal build: %d file%s failed; no image written\n", failures,
                     failures == 1 ? "" : "s");
        return 1;
    }
    if (inputs.empty()) {
        std::fputs("mpyseal build: nothing to seal\n", stderr);
        return 1;
    }
    for (size_t i = 0; i < inputs.size(); ++i) inputs[i].data = contents[i];
    int status;
    try {
        status = sealToFile(inputs, s.seal, s.outDir);
    } catch (...) {
        for (auto& c : contents) crypto::secureZero(c.data(), c.size());
        throw;
    }
    for (auto& c : contents) crypto::secureZero(c.data(), c.size()); // the compiled modules are plaintext
    return status;
}

} // namespace

int runBuild(const std::vector<std::string>& args) {
    BuildSettings settings;
    if (const int status = parseBuildArgs(args, settings); status >= 0) return status;
    if (!settings.seal.signPath.empty()) return buildSealedImage(settings);
    return Builder(std::move(settings)).run();
}

} // namespace mpyseal::cli
