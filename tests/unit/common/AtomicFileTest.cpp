#include "mpyseal/common/AtomicFile.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace mpyseal::common;
namespace fs = std::filesystem;

namespace {

std::span<const uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> listDir(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

unsigned permissions(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return st.st_mode & 07777;
}

class AtomicFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char templ[] = "/tmp/mpyseal-atomic-XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        dir_ = templ;
        oldUmask_ = ::umask(022);
    }
    void TearDown() override {
        ::umask(oldUmask_);
        std::error_code ec;
        fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(dir_, ec);
    }
    fs::path dir_;
    mode_t oldUmask_ = 022;
};

/// Expects `f` to throw std::system_error whose message names `path`.
template <class F> void expectSystemError(F f, const fs::path& path) {
    try {
        f();
        ADD_FAILURE() << "no exception for " << path;
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
}

} // namespace

TEST_F(AtomicFileTest, WritesNewFile) {
    const fs::path p = dir_ / "out.mpy";
    writeFileAtomically(p, bytes(std::string("M\x06\x00\x1f", 4)));
    EXPECT_EQ(slurp(p), std::string("M\x06\x00\x1f", 4));
    EXPECT_EQ(permissions(p), 0644u);
    EXPECT_EQ(listDir(dir_), std::vector<std::string>{"out.mpy"}); // no temporary left behind
}

TEST_F(AtomicFileTest, PowerLossDurabilityWritesTheSameFile) {
    const fs::path p = dir_ / "sealed.bin";
    writeFileAtomically(p, bytes("old"), 0600, Durability::PowerLoss);
    writeFileAtomically(p, bytes(std::string("new\0data", 8)), 0600, Durability::PowerLoss);
    EXPECT_EQ(slurp(p), std::string("new\0data", 8));
    EXPECT_EQ(permissions(p), 0600u);
    EXPECT_EQ(listDir(dir_), std::vector<std::string>{"sealed.bin"});
    // A relative path: its directory is "." for the directory fsync.
    const fs::path old = fs::current_path();
    fs::current_path(dir_);
    writeFileAtomically("rel.bin", bytes("abc"), 0644, Durability::PowerLoss);
    fs::current_path(old);
    EXPECT_EQ(slurp(dir_ / "rel.bin"), "abc");
}

TEST_F(AtomicFileTest, WritesEmptyFile) {
    const fs::path p = dir_ / "empty";
    writeFileAtomically(p, {});
    EXPECT_TRUE(fs::is_regular_file(p));
    EXPECT_EQ(fs::file_size(p), 0u);
}

TEST_F(AtomicFileTest, ReplacesExistingFile) {
    const fs::path p = dir_ / "a.txt";
    writeFileAtomically(p, bytes("first version, rather long"));
    writeFileAtomically(p, bytes("second"));
    EXPECT_EQ(slurp(p), "second");
    EXPECT_EQ(listDir(dir_), std::vector<std::string>{"a.txt"});
}

TEST_F(AtomicFileTest, AppliesModeAndUmask) {
    writeFileAtomically(dir_ / "key", bytes("secret"), 0600);
    EXPECT_EQ(permissions(dir_ / "key"), 0600u);
    writeFileAtomically(dir_ / "tool", bytes("#!/bin/sh\n"), 0755);
    EXPECT_EQ(permissions(dir_ / "tool"), 0755u);
    ::umask(077);
    writeFileAtomically(dir_ / "private", bytes("x"), 0644);
    EXPECT_EQ(permissions(dir_ / "private"), 0600u);
    // Replacing a file gives it the requested mode, not the old one.
    ::umask(022);
    writeFileAtomically(dir_ / "key", bytes("public now"), 0644);
    EXPECT_EQ(permissions(dir_ / "key"), 0644u);
}

TEST_F(AtomicFileTest, RelativePathInCurrentDirectory) {
    const fs::path old = fs::current_path();
    fs::current_path(dir_);
    writeFileAtomically("rel.bin", bytes("abc"));
    fs::current_path(old);
    EXPECT_EQ(slurp(dir_ / "rel.bin"), "abc");
}

TEST_F(AtomicFileTest, NonexistentDirectoryFailsAndLeavesNothing) {
    const fs::path p = dir_ / "missing" / "out.mpy";
    expectSystemError([&] { writeFileAtomically(p, bytes("x")); }, p);
    EXPECT_TRUE(listDir(dir_).empty());
}

TEST_F(AtomicFileTest, ParentIsAFileFails) {
    writeFileAtomically(dir_ / "file", bytes("x"));
    const fs::path p = dir_ / "file" / "out.mpy";
    expectSystemError([&] { writeFileAtomically(p, bytes("x")); }, p);
    EXPECT_EQ(listDir(dir_), std::vector<std::string>{"file"});
}

// The rename fails after the temporary file was written: it must be removed again.
TEST_F(AtomicFileTest, TargetIsADirectoryFailsAndRemovesTemporary) {
    fs::create_directory(dir_ / "target");
    writeFileAtomically(dir_ / "target" / "keep", bytes("k"));
    expectSystemError([&] { writeFileAtomically(dir_ / "target", bytes("x")); }, dir_ / "target");
    EXPECT_EQ(listDir(dir_), std::vector<std::string>{"target"});
    EXPECT_EQ(slurp(dir_ / "target" / "keep"), "k");
}

TEST_F(AtomicFileTest, ReadOnlyDirectoryFailsAndLeavesNothing) {
    if (::geteuid() == 0) GTEST_SKIP() << "running as root: directory permissions are not enforced";
    const fs::path ro = dir_ / "ro";
    fs::create_directory(ro);
    writeFileAtomically(ro / "old", bytes("old"));
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    expectSystemError([&] { writeFileAtomically(ro / "new", bytes("x")); }, ro / "new");
    expectSystemError([&] { writeFileAtomically(ro / "old", bytes("x")); }, ro / "old");
    fs::permissions(ro, fs::perms::owner_all);
    EXPECT_EQ(listDir(ro), std::vector<std::string>{"old"});
    EXPECT_EQ(slurp(ro / "old"), "old");
}

TEST_F(AtomicFileTest, ConcurrentWritersNeverLeavePartialFiles) {
    const fs::path p = dir_ / "shared.bin";
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            const std::string content(1000 + size_t(t) * 777, char('a' + t));
            for (int i = 0; i < 20; ++i) writeFileAtomically(p, bytes(content));
        });
    for (auto& t : threads) t.join();
    const std::string result = slurp(p);
    ASSERT_FALSE(result.empty());
    EXPECT_EQ(result, std::string(result.size(), result[0])); // exactly one writer's content
    EXPECT_EQ(result.size(), 1000 + size_t(result[0] - 'a') * 777);
    EXPECT_EQ(listDir(dir_), std::vector<std::string>{"shared.bin"});
}

TEST_F(AtomicFileTest, ReadFileReadsBinaryContent) {
    std::string data;
    for (int i = 0; i < 300000; ++i) data.push_back(char(i * 7));
    writeFileAtomically(dir_ / "big", bytes(data));
    EXPECT_EQ(readFile(dir_ / "big"), data);
    writeFileAtomically(dir_ / "empty", {});
    EXPECT_EQ(readFile(dir_ / "empty"), "");
}

TEST_F(AtomicFileTest, ReadFileRejectsDirectory) {
    try {
        readFile(dir_);
        ADD_FAILURE() << "reading a directory succeeded";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::is_a_directory);
        EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos) << e.what();
    }
}

TEST_F(AtomicFileTest, ReadFileRejectsMissingFile) {
    try {
        readFile(dir_ / "nope.py");
        ADD_FAILURE() << "reading a missing file succeeded";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
        EXPECT_NE(std::string(e.what()).find("nope.py"), std::string::npos) << e.what();
    }
}

TEST_F(AtomicFileTest, ReadFileRejectsFifoWithoutBlocking) {
    const fs::path fifo = dir_ / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        readFile(fifo);
        ADD_FAILURE() << "reading a FIFO succeeded";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
    }
}

TEST_F(AtomicFileTest, ReadFileEnforcesSizeLimit) {
    writeFileAtomically(dir_ / "f", bytes("0123456789"));
    EXPECT_EQ(readFile(dir_ / "f", 10), "0123456789");
    try {
        readFile(dir_ / "f", 9);
        ADD_FAILURE() << "size limit not enforced";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::file_too_large);
    }
}

TEST_F(AtomicFileTest, NameOfTheLongestLengthFitsItsTemporaryFile) {
    const fs::path target = dir_ / std::string(255, 'n'); // NAME_MAX on Linux file systems
    writeFileAtomically(target, bytes("long"));
    EXPECT_EQ(slurp(target), "long");
    EXPECT_EQ(listDir(dir_).size(), 1u); // the temporary file is gone
}

TEST_F(AtomicFileTest, RelativeToADirectoryReplacesALinkInsteadOfFollowingIt) {
    fs::create_directory(dir_ / "inner");
    const fs::path victim = dir_ / "victim.txt";
    std::ofstream(victim) << "unchanged";
    fs::create_symlink(victim, dir_ / "inner" / "out.txt");
    const int dirFd = ::open((dir_ / "inner").c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(dirFd, 0);
    writeFileAtomicallyAt(dirFd, "out.txt", bytes("new"), 0600, Durability::PowerLoss, "shown/out.txt");
    EXPECT_EQ(slurp(victim), "unchanged");
    EXPECT_FALSE(fs::is_symlink(dir_ / "inner" / "out.txt"));
    EXPECT_EQ(slurp(dir_ / "inner" / "out.txt"), "new");
    EXPECT_EQ(permissions(dir_ / "inner" / "out.txt"), 0600u);
    // errors name the file as the caller shows it
    try {
        writeFileAtomicallyAt(dirFd, "missing/out.txt", bytes("x"), 0600, Durability::ProcessCrash,
                              "shown/x");
        ADD_FAILURE() << "writing into a missing directory succeeded";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("'shown/x'"), std::string::npos) << e.what();
    }
    ::close(dirFd);
}
