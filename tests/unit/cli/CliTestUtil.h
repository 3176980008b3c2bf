// Helpers for tests that run the built `mpyseal` binary on temporary trees.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace mpyseal::cli::test {

namespace fs = std::filesystem;

struct RunResult {
    int status = -1; ///< exit status, or -1 if the process did not exit normally
    std::string out;
    std::string err;
};

inline std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeText(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

/// MPYSEAL_BINARY and `args` as execv wants them (the pointers view `strings`, null-terminated).
struct CommandLine {
    explicit CommandLine(const std::vector<std::string>& args) : strings{MPYSEAL_BINARY} {
        strings.insert(strings.end(), args.begin(), args.end());
        for (std::string& a : strings) pointers.push_back(a.data());
        pointers.push_back(nullptr);
    }
    CommandLine(const CommandLine&) = delete;
    CommandLine& operator=(const CommandLine&) = delete;
    std::vector<std::string> strings;
    std::vector<char*> pointers;
};

/// Runs MPYSEAL_BINARY with `args` in `cwd` (if not empty), stdin from /dev/null, capturing both streams.
inline RunResult runMpyseal(const std::vector<std::string>& args, const fs::path& cwd = {}) {
    char templ[] = "/tmp/mpyseal-run-XXXXXX";
    if (::mkdtemp(templ) == nullptr) return {};
    const fs::path capture = templ;
    const std::string outPath = (capture / "out").string(), errPath = (capture / "err").string();
    CommandLine argv(args);
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
        const int in = ::open("/dev/null", O_RDONLY);
        const int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0) ::_exit(126);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::execv(argv.pointers[0], argv.pointers.data());
        ::_exit(127);
    }
    RunResult result;
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(wstatus)) result.status = WEXITSTATUS(wstatus);
    result.out = readAll(outPath);
    result.err = readAll(errPath);
    std::error_code ec;
    fs::remove_all(capture, ec);
    return result;
}

/// Runs MPYSEAL_BINARY with stderr on a pseudo-terminal (TERM=xterm) and returns what it wrote there.
inline RunResult runMpysealOnTerminal(const std::vector<std::string>& args) {
    RunResult result;
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) return result;
    const std::string slaveName = ::ptsname(master);
    CommandLine argv(args);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(master);
        const int slave = ::open(slaveName.c_str(), O_RDWR);
        const int null = ::open("/dev/null", O_RDWR);
        if (slave < 0 || null < 0) ::_exit(126);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(slave, 2);
        ::setenv("TERM", "xterm", 1);
        ::execv(argv.pointers[0], argv.pointers.data());
        ::_exit(127);
    }
    char buffer[4096];
    for (;;) { // until the child's side closes (EIO)
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n > 0)
            result.err.append(buffer, size_t(n));
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    ::close(master);
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(wstatus)) result.status = WEXITSTATUS(wstatus);
    return result;
}

/// Every regular file under `root` (relative '/'-separated path -> content).
inline std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file())
            files[e.path().lexically_relative(root).generic_string()] = readAll(e.path());
    return files;
}

/// A fresh directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
  public:
    TempDir() {
        char templ[] = "/tmp/mpyseal-cli-XXXXXX";
        if (::mkdtemp(templ) != nullptr) path_ = templ;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& rel) const { return path_ / rel; }

  private:
    fs::path path_;
};

/// Moves a file's modification time `seconds` into the future, so that "newer" does not depend on the
/// file system's timestamp granularity.
inline void touchLater(const fs::path& p, int seconds = 10) {
    fs::last_write_time(p, fs::file_time_type::clock::now() + std::chrono::seconds(seconds));
}

} // namespace mpyseal::cli::test
