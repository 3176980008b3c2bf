// Atomic file output: callers never leave a partial file behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>

namespace mpyseal::common {

/// How much a completed write must survive.
enum class Durability {
    ProcessCrash, ///< rename only: readers see the old or the new file, never a partial one (compiler output)
    PowerLoss,    ///< also fsync the file and its directory (keys, sealed images); costs ~10-20 ms per file
};

/// Writes `data` to `path` atomically: the bytes go to a temporary file in the same directory, which is
/// then renamed over `path`. On any failure the temporary file is removed and `path` is left untouched
/// (either absent or with its previous contents).
/// `mode` is the permission of the created file (umask applies), e.g. 0644, or 0600 for key files.
/// Throws std::system_error (with the path in the message) on I/O failure.
void writeFileAtomically(const std::filesystem::path& path, std::span<const uint8_t> data,
                         unsigned mode = 0644, Durability durability = Durability::ProcessCrash);

/// As writeFileAtomically, with `path` relative to the directory `dirFd` (openat(2); AT_FDCWD for the
/// working directory), so that a caller holding a directory it opened with O_NOFOLLOW writes into exactly
/// that directory. A symbolic link at `path` is replaced, not followed. `shownAs` names the file in error
/// messages. `dirFd` stays open and owned by the caller.
void writeFileAtomicallyAt(int dirFd, const std::filesystem::path& path, std::span<const uint8_t> data,
                           unsigned mode, Durability durability, const std::filesystem::path& shownAs);

/// Reads a whole regular file into memory. Throws std::system_error if the path cannot be opened, is a
/// directory, or a read fails. `maxBytes` bounds the size accepted (std::system_error with EFBIG beyond).
std::string readFile(const std::filesystem::path& path, std::uintmax_t maxBytes = std::uintmax_t(1) << 32);

} // namespace mpyseal::common
