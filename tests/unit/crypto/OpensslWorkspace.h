// A test fixture with a private temporary directory in which the `openssl` command line runs: the
// independent side of the interoperability tests. MPYSEAL_OPENSSL is the openssl binary (CMake).
#pragma once

#include "mpyseal/crypto/Bytes.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

namespace mpyseal::crypto::test {

class OpensslWorkspace : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "mpyseal-openssl-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        ASSERT_EQ(openssl("version"), 0) << "the openssl CLI is required (scripts/setup.sh installs it)";
    }
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    /// Runs `openssl <arguments>` inside the directory; stdout and stderr are appended to openssl.log.
    /// Returns the exit status (-1 if openssl did not exit normally).
    int openssl(const std::string& arguments) {
        return run(arguments, " >>'" + path("openssl.log") + "' 2>&1");
    }
    void mustRun(const std::string& arguments) {
        ASSERT_EQ(openssl(arguments), 0) << "openssl " << arguments << "\n" << readText("openssl.log");
    }
    /// The stdout of `openssl <arguments>` (stderr to openssl.log); a failure is a test failure.
    std::string output(const std::string& arguments) {
        const int status = run(arguments, " >'" + path("stdout.txt") + "' 2>>'" + path("openssl.log") + "'");
        EXPECT_EQ(status, 0) << "openssl " << arguments << "\n" << readText("openssl.log");
        return readText("stdout.txt");
    }

    void write(const std::string& name, ByteView data) {
        std::ofstream out(path(name), std::ios::binary);
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    }
    void write(const std::string& name, std::string_view text) { write(name, asBytes(text)); }
    Bytes read(const std::string& name) const {
        std::ifstream in(path(name), std::ios::binary);
        return Bytes(std::istreambuf_iterator<char>(in), {});
    }
    std::string readText(const std::string& name) const {
        const Bytes b = read(name);
        return std::string(b.begin(), b.end());
    }

    std::filesystem::path dir_;

  private:
    int run(const std::string& arguments, const std::string& redirections) {
        const std::string command =
            "cd '" + dir_.string() + "' && '" MPYSEAL_OPENSSL "' " + arguments + redirections;
        const int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

} // namespace mpyseal::crypto::test
