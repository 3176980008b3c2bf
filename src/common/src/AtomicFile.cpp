// Atomic file output and bounded whole-file input (POSIX).
#include "mpyseal/common/AtomicFile.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace mpyseal::common {
namespace {

[[noreturn]] void throwErrno(int error, const std::string& what, const std::filesystem::path& path) {
    throw std::system_error(error, std::generic_category(), what + " '" + path.string() + "'");
}

/// Closes a descriptor on scope exit unless released.
class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    /// Closes now and returns 0 or the errno of close() (NFS may report write errors only here).
    int close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc == 0 ? 0 : errno;
    }

  private:
    int fd_;
};

/// A name for the temporary file, unique among concurrent writers (threads and processes). A hidden
/// name beside the target keeps the rename on one filesystem and out of directory listings.
std::filesystem::path temporaryName(const std::filesystem::path& path) {
    static std::atomic<uint64_t> counter{0};
    thread_local std::mt19937_64 random{std::random_device{}() ^ uint64_t(::getpid())};
    const uint64_t unique = random() ^ (counter.fetch_add(1) << 32);
    char suffix[40];
    std::snprintf(suffix, sizeof suffix, ".%d.%016llx.tmp", int(::getpid()), (unsigned long long)unique);
    // Shorten the copied name so that the temporary one fits NAME_MAX (255) as the target's does.
    constexpr std::size_t kNameMax = 255;
    std::string base = path.filename().string();
    const std::size_t room = kNameMax - 1 - std::strlen(suffix);
    if (base.size() > room) base.resize(room);
    std::filesystem::path temp = path;
    temp.replace_filename("." + base + suffix);
    return temp;
}

void writeAll(int fd, std::span<const uint8_t> data, const std::filesystem::path& path) {
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throwErrno(errno, "cannot write", path);
        }
        done += size_t(n);
    }
}

} // namespace

void writeFileAtomically(const std::filesystem::path& path, std::span<const uint8_t> data, unsigned mode,
                         Durability durability) {
    writeFileAtomicallyAt(AT_FDCWD, path, data, mode, durability, path);
}

void writeFileAtomicallyAt(int dirFd, const std::filesystem::path& path, std::span<const uint8_t> data,
                           unsigned mode, Durability durability, const std::filesystem::path& shownAs) {
    if (path.filename().empty()) throwErrno(EISDIR, "cannot write", shownAs);
    // O_EXCL with a fresh name instead of mkstemp: the kernel then applies the umask to `mode` itself,
    // which avoids the process-wide (and thread-unsafe) umask() query.
    std::filesystem::path temp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temp = temporaryName(path);
        fd =
            ::openat(dirFd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
        if (fd < 0 && errno != EEXIST && errno != EINTR) throwErrno(errno, "cannot write", shownAs);
    }
    if (fd < 0) throwErrno(EEXIST, "cannot create a temporary file for", shownAs);

    FileDescriptor file(fd);
    try {
        writeAll(file.get(), data, shownAs);
        if (durability == Durability::PowerLoss && ::fsync(file.get()) != 0)
            throwErrno(errno, "cannot flush", shownAs);
        if (const int error = file.close(); error != 0) throwErrno(error, "cannot write", shownAs);
        if (::renameat(dirFd, temp.c_str(), dirFd, path.c_str()) != 0)
            throwErrno(errno, "cannot replace", shownAs);
    } catch (...) { // `file` closes itself, if still open, on the way out
        ::unlinkat(dirFd, temp.c_str(), 0);
        throw;
    }
    if (durability != Durability::PowerLoss) return;
    // Make the rename itself durable; failure here does not undo a completed write, so it is ignored.
    std::filesystem::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    const int parentFd = ::openat(dirFd, dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (parentFd >= 0) {
        ::fsync(parentFd);
        ::close(parentFd);
    }
}

std::string readFile(const std::filesystem::path& path, std::uintmax_t maxBytes) {
    // O_NONBLOCK so that opening a FIFO does not hang before fstat can reject it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) throwErrno(errno, "cannot open", path);
    FileDescriptor file(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) throwErrno(errno, "cannot read", path);
    if (S_ISDIR(st.st_mode)) throwErrno(EISDIR, "cannot read", path);
    if (!S_ISREG(st.st_mode))
        throw std::system_error(EINVAL, std::generic_category(),
                                "cannot read '" + path.string() + "' (not a regular file)");
    if (std::uintmax_t(st.st_size) > maxBytes) throwErrno(EFBIG, "cannot read", path);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);

    std::string out;
    out.reserve(size_t(st.st_size));
    char buffer[65536];
    for (;;) { // read to EOF rather than trusting st_size: the file may be growing
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            throwErrno(errno, "cannot read", path);
        }
        if (n == 0) break;
        if (out.size() + size_t(n) > maxBytes) throwErrno(EFBIG, "cannot read", path);
        out.append(buffer, size_t(n));
    }
    return out;
}

} // namespace mpyseal::common
