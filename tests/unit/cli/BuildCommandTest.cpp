// `mpyseal build`, run as a process on temporary app trees.
#include "CliTestUtil.h"

#include <gtest/gtest.h>

#include <regex>
#include <sys/stat.h>

using namespace mpyseal::cli::test;

namespace {

const std::string kHello = "print(\"hello\")\n";

/// Spec §1.11 Example 1: `print("hello")` compiled with the source name `name` (at most 63 bytes).
std::string example1(const std::string& name) {
    std::string out("\x4d\x06\x00\x1f\x04\x00", 6);
    out += char(name.size() << 1);
    out += name;
    out += std::string("\x00\x0f\x0a"
                       "hello"
                       "\x00\x81\x77\x60\x08\x02\x01\x11\x03\x10\x02\x34\x01\x59\x51\x63",
                       24);
    return out;
}

/// Summary counts of a run: "mpyseal build: 2 compiled, 3 copied, 0 skipped, 0 failed, 0 removed (..)".
struct Summary {
    int compiled = -1, copied = -1, skipped = -1, failed = -1, removed = -1;
};

Summary summaryOf(const RunResult& r) {
    static const std::regex re(
        R"(mpyseal build: (\d+) compiled, (\d+) copied, (\d+) skipped, (\d+) failed, (\d+) removed \(\d+ ms\)\n$)");
    std::smatch m;
    Summary s;
    if (std::regex_search(r.err, m, re)) {
        s.compiled = std::stoi(m[1]), s.copied = std::stoi(m[2]), s.skipped = std::stoi(m[3]);
        s.failed = std::stoi(m[4]), s.removed = std::stoi(m[5]);
    } else {
        ADD_FAILURE() << "no summary line in:\n" << r.err;
    }
    return s;
}

class BuildCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        writeText(src_ / "boot.py", "print('boot')\n");
        writeText(src_ / "main.py", "import lib.sensor\nprint(lib.sensor.read())\n");
        writeText(src_ / "lib/__init__.py", "");
        writeText(src_ / "lib/sensor.py", "def read():\n    assert True\n    return 1.5\n");
        writeText(src_ / "lib/sub/deep.py", "X = 123456789012\n");
        writeText(src_ / "lib/main.py", kHello); // not at the root: an ordinary module
        writeText(src_ / "data/config.json", "{\"rate\": 5}\n");
        writeText(src_ / ".git/HEAD", "ref: refs/heads/main\n");
        writeText(src_ / "lib/__pycache__/sensor.cpython-311.pyc", "junk");
        writeText(src_ / ".hidden.py", kHello);
    }

    RunResult build(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"build", src_.string(), "-o", out_.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return runMpyseal(args);
    }

    /// What `mpyseal compile` makes of SRC/rel when run in SRC with that relative name.
    std::string compileAlone(const std::string& rel, std::vector<std::string> options = {}) {
        const fs::path target = tmp_ / "alone.mpy";
        std::vector<std::string> args{"compile"};
        args.insert(args.end(), options.begin(), options.end());
        args.insert(args.end(), {"-o", target.string(), rel});
        const RunResult r = runMpyseal(args, src_);
        EXPECT_EQ(r.status, 0) << r.err;
        return readAll(target);
    }

    TempDir tmp_;
    fs::path src_ = tmp_ / "app";
    fs::path out_ = tmp_ / "out";
};

} // namespace

// The compiler itself must work for everything below; this pins it with the spec's own example.
TEST_F(BuildCommandTest, CompilerProducesSpecExample1) {
    TempDir t;
    writeText(t / "app/ex1.py", kHello);
    writeText(t / "app/sub/ex1.py", kHello);
    const RunResult r = runMpyseal({"build", (t / "app").string(), "-o", (t / "out").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(readAll(t / "out/ex1.mpy"), example1("ex1.py"));
    EXPECT_EQ(readAll(t / "out/sub/ex1.mpy"), example1("sub/ex1.py")); // relative source name
}

TEST_F(BuildCommandTest, MirrorsTreeCopiesEntryPointsAndData) {
    const RunResult r = build();
    ASSERT_EQ(r.status, 0) << r.err;
    const auto files = snapshot(out_);
    std::vector<std::string> names;
    for (const auto& [name, content] : files) names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{".mpyseal-build.json", "boot.py", "data/config.json",
                                               "lib/__init__.mpy", "lib/main.mpy", "lib/sensor.mpy",
                                               "lib/sub/deep.mpy", "main.py"}));
    EXPECT_EQ(files.at("boot.py"), readAll(src_ / "boot.py"));
    EXPECT_EQ(files.at("main.py"), readAll(src_ / "main.py"));
    EXPECT_EQ(files.at("data/config.json"), readAll(src_ / "data/config.json"));
    // Each .mpy is what mpy-cross gives when run in the app root with the relative path.
    for (const std::string rel : {"lib/__init__", "lib/main", "lib/sensor", "lib/sub/deep"})
        EXPECT_EQ(files.at(rel + ".mpy"), compileAlone(rel + ".py")) << rel;
    const Summary s = summaryOf(r);
    EXPECT_EQ(s.compiled, 4);
    EXPECT_EQ(s.copied, 3);
    EXPECT_EQ(s.failed, 0);
}

TEST_F(BuildCommandTest, PlainOutputNamesEachFile) {
    const RunResult r = build({"-j", "1"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    for (const char* line : {"compiled lib/sensor.py\n", "compiled lib/sub/deep.py\n", "copied boot.py\n",
                             "copied main.py\n", "copied data/config.json\n"})
        EXPECT_NE(r.err.find(line), std::string::npos) << line << " missing in:\n" << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos); // no progress bar when not on a terminal
}

TEST_F(BuildCommandTest, ProgressBarOnTerminal) {
    const RunResult r = runMpysealOnTerminal({"build", src_.string(), "-o", out_.string(), "-j", "1"});
    ASSERT_EQ(r.status, 0) << r.err;
    // Redrawn in place: carriage return, bar, count, file, erase to end of line; no per-file lines.
    EXPECT_NE(r.err.find("\r[#"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("] 1/7 boot.py\x1b[K"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[########################] 7/7 main.py\x1b[K"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("compiled lib/"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("\r\x1b[Kmpyseal build: 4 compiled, 3 copied, 0 skipped"), std::string::npos)
        << r.err;
}

TEST_F(BuildCommandTest, CompileEntryPointsFlag) {
    ASSERT_EQ(build().status, 0);
    const RunResult r = build({"--compile-entry-points"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(readAll(out_ / "main.mpy"), compileAlone("main.py"));
    EXPECT_EQ(readAll(out_ / "boot.mpy"), compileAlone("boot.py"));
    // The copies made by the previous build are outputs of this tree that no longer exist: removed.
    EXPECT_FALSE(fs::exists(out_ / "main.py"));
    EXPECT_FALSE(fs::exists(out_ / "boot.py"));
    EXPECT_EQ(summaryOf(r).removed, 2);
}

TEST_F(BuildCommandTest, NoCopyDataFlag) {
    const RunResult r = build({"--no-copy-data"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(fs::exists(out_ / "data"));
    EXPECT_TRUE(fs::exists(out_ / "main.py")); // entry points are code, not data
    EXPECT_TRUE(fs::exists(out_ / "lib/sensor.mpy"));
}

TEST_F(BuildCommandTest, SecondRunIsUpToDate) {
    ASSERT_EQ(build().status, 0);
    const auto before = snapshot(out_);
    const RunResult r = build();
    ASSERT_EQ(r.status, 0) << r.err;
    const Summary s = summaryOf(r);
    EXPECT_EQ(s.compiled, 0);
    EXPECT_EQ(s.copied, 0);
    EXPECT_EQ(s.skipped, 7);
    EXPECT_NE(r.err.find("skipped lib/sensor.py\n"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(out_), before);
}

TEST_F(BuildCommandTest, ChangedSourceIsRebuiltAlone) {
    ASSERT_EQ(build().status, 0);
    writeText(src_ / "lib/sub/deep.py", "X = 2\n");
    touchLater(src_ / "lib/sub/deep.py");
    const RunResult r = build();
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(summaryOf(r).compiled, 1);
    EXPECT_NE(r.err.find("compiled lib/sub/deep.py\n"), std::string::npos) << r.err;
    EXPECT_EQ(readAll(out_ / "lib/sub/deep.mpy"), compileAlone("lib/sub/deep.py"));
}

TEST_F(BuildCommandTest, OptionChangeForcesRecompilation) {
    ASSERT_EQ(build().status, 0);
    RunResult r = build({"-O2"});
    ASSERT_EQ(r.status, 0) << r.err;
    Summary s = summaryOf(r);
    EXPECT_EQ(s.compiled, 4);
    EXPECT_EQ(s.copied, 0); // copies do not depend on compile options
    EXPECT_EQ(readAll(out_ / "lib/sensor.mpy"), compileAlone("lib/sensor.py", {"-O2"}));

    EXPECT_EQ(summaryOf(build({"-O2"})).compiled, 0);
    r = build({"-O2", "-msmall-int-bits=63"});
    EXPECT_EQ(summaryOf(r).compiled, 4);
    EXPECT_EQ(readAll(out_ / "lib/sub/deep.mpy"),
              compileAlone("lib/sub/deep.py", {"-O2", "-msmall-int-bits=63"}));
    EXPECT_EQ(summaryOf(build({"-O2", "-msmall-int-bits=63", "-X", "no-source-lines"})).compiled, 4);
    EXPECT_EQ(summaryOf(build({"-O2", "-msmall-int-bits=63", "-X", "no-source-lines"})).compiled, 0);
    // Back to the defaults: everything compiled again, and identical to a fresh build.
    r = build();
    EXPECT_EQ(summaryOf(r).compiled, 4);
    EXPECT_EQ(readAll(out_ / "lib/sensor.mpy"), compileAlone("lib/sensor.py"));
}

TEST_F(BuildCommandTest, ForceRebuildsEverything) {
    ASSERT_EQ(build().status, 0);
    const Summary s = summaryOf(build({"--force"}));
    EXPECT_EQ(s.compiled, 4);
    EXPECT_EQ(s.copied, 3);
    EXPECT_EQ(s.skipped, 0);
}

TEST_F(BuildCommandTest, FailingFileReportsDiagnosticsAndLeavesNoOutput) {
    ASSERT_EQ(build().status, 0);
    ASSERT_TRUE(fs::exists(out_ / "lib/sub/deep.mpy"));
    writeText(src_ / "lib/sub/deep.py", "def f(:\n    pass\n");
    writeText(src_ / "lib/other_bad.py", "x = 1\n  y = 2\n");
    touchLater(src_ / "lib/sub/deep.py");
    const RunResult r = build({"-j", "4"});
    EXPECT_EQ(r.status, 1);
    const Summary s = summaryOf(r);
    EXPECT_EQ(s.failed, 2);
    // Full mpy-cross diagnostics of each failing file, exactly as `mpyseal compile` prints them.
    for (const std::string rel : {"lib/sub/deep.py", "lib/other_bad.py"}) {
        const RunResult alone = runMpyseal({"compile", "-o", (tmp_ / "x.mpy").string(), rel}, src_);
        ASSERT_EQ(alone.status, 1);
        ASSERT_FALSE(alone.err.empty());
        EXPECT_NE(r.err.find(alone.err), std::string::npos) << "diagnostics of " << rel << " missing in:\n"
                                                            << r.err;
        EXPECT_NE(r.err.find("failed " + rel + "\n"), std::string::npos) << r.err;
    }
    EXPECT_FALSE(fs::exists(out_ / "lib/sub/deep.mpy")); // the stale output of the failed file is gone
    EXPECT_FALSE(fs::exists(out_ / "lib/other_bad.mpy"));
    EXPECT_TRUE(fs::exists(out_ / "lib/sensor.mpy")); // the others are still built

    // Fixing the file makes the next build succeed and compile just that one.
    writeText(src_ / "lib/sub/deep.py", "X = 3\n");
    fs::remove(src_ / "lib/other_bad.py");
    const RunResult fixed = build();
    EXPECT_EQ(fixed.status, 0) << fixed.err;
    EXPECT_EQ(summaryOf(fixed).compiled, 1);
}

TEST_F(BuildCommandTest, SerialAndParallelBuildsAreIdentical) {
    for (int i = 0; i < 40; ++i)
        writeText(src_ / ("pkg" + std::to_string(i % 5)) / ("mod" + std::to_string(i) + ".py"),
                  "def f" + std::to_string(i) + "(a, b=" + std::to_string(i) +
                      "):\n    return [a * k for k in " + "range(b)] + [" + std::to_string(i) + ".25, 'mod" +
                      std::to_string(i) + "']\n");
    const fs::path out1 = tmp_ / "out1", out4 = tmp_ / "out4";
    const RunResult r1 = runMpyseal({"build", src_.string(), "-o", out1.string(), "-j", "1"});
    const RunResult r4 = runMpyseal({"build", src_.string(), "-o", out4.string(), "-j4"});
    ASSERT_EQ(r1.status, 0) << r1.err;
    ASSERT_EQ(r4.status, 0) << r4.err;
    EXPECT_EQ(summaryOf(r4).compiled, 44);
    EXPECT_EQ(snapshot(out1), snapshot(out4));
}

TEST_F(BuildCommandTest, RemovesOutputsOfDeletedSourcesOnly) {
    ASSERT_EQ(build().status, 0);
    writeText(out_ / "notes.txt", "mine"); // not written by the build: never touched
    fs::remove_all(src_ / "lib/sub");
    fs::remove(src_ / "data/config.json");
    const RunResult r = build();
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(summaryOf(r).removed, 2);
    EXPECT_NE(r.err.find("removed lib/sub/deep.mpy\n"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out_ / "lib/sub")); // emptied directories are tidied
    EXPECT_FALSE(fs::exists(out_ / "data"));
    EXPECT_EQ(readAll(out_ / "notes.txt"), "mine");
}

TEST_F(BuildCommandTest, TwoSourcesForOneOutputIsAnError) {
    writeText(src_ / "lib/sensor.mpy", "prebuilt");
    const RunResult r = build();
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("'lib/sensor.mpy' and 'lib/sensor.py' would produce 'lib/sensor.mpy'"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(out_ / "main.py")); // nothing built
}

TEST_F(BuildCommandTest, SpecialFilesAndDanglingLinksAreSkippedWithWarning) {
    ASSERT_EQ(::mkfifo((src_ / "data/fifo").c_str(), 0600), 0);
    fs::create_symlink(src_ / "missing.py", src_ / "lib/dangling.py");
    fs::create_directory_symlink(src_ / "lib", src_ / "lib/loop"); // a link back to its parent
    fs::create_symlink(src_ / "data/config.json", src_ / "linked.json");
    const RunResult r = build();
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("warning: skipping 'data/fifo': not a regular file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("warning: skipping 'lib/dangling.py': dangling symbolic link"), std::string::npos);
    EXPECT_NE(r.err.find("warning: skipping 'lib/loop': symbolic link loop"), std::string::npos) << r.err;
    EXPECT_EQ(readAll(out_ / "linked.json"), readAll(src_ / "data/config.json")); // links are followed
}

TEST_F(BuildCommandTest, UsageErrorsExitWith2) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"build"},
          {"build", src_.string()},
          {"build", src_.string(), "-o"},
          {"build", src_.string(), "-o", out_.string(), "-j", "0"},
          {"build", src_.string(), "-o", out_.string(), "-X", "bogus"},
          {"build", src_.string(), "-o", out_.string(), "-msmall-int-bits=x"},
          {"build", src_.string(), "-o", out_.string(), "-march=z80"},
          {"build", src_.string(), "-o", out_.string(), "-X", "emit=native"},
          {"build", src_.string(), "-o", out_.string(), "--frobnicate"}}) {
        const RunResult r = runMpyseal(args);
        EXPECT_EQ(r.status, 2) << args.back() << "\n" << r.err;
        EXPECT_NE(r.err.find("mpyseal build: "), std::string::npos) << r.err;
    }
    EXPECT_FALSE(fs::exists(out_));
    const RunResult help = runMpyseal({"build", "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("--compile-entry-points"), std::string::npos);
    EXPECT_NE(help.out.find("--no-copy-data"), std::string::npos);
}

TEST_F(BuildCommandTest, BadDirectoriesExitWith1) {
    struct Case {
        std::string src, out, message;
    };
    writeText(tmp_ / "file.txt", "x");
    for (const Case& c : {Case{(tmp_ / "nope").string(), out_.string(), "does not exist"},
                          Case{(tmp_ / "file.txt").string(), out_.string(), "is not a directory"},
                          Case{src_.string(), (src_ / "build").string(), "is inside the source directory"},
                          Case{src_.string(), src_.string(), "is inside the source directory"},
                          Case{(src_ / "lib").string(), src_.string(), "is inside the output directory"},
                          Case{src_.string(), (tmp_ / "file.txt").string(), "is not a directory"}}) {
        const RunResult r = runMpyseal({"build", c.src, "-o", c.out});
        EXPECT_EQ(r.status, 1) << c.src << " -> " << c.out;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    }
    EXPECT_FALSE(fs::exists(out_));
    EXPECT_FALSE(fs::exists(src_ / "build"));
    EXPECT_FALSE(fs::exists(src_ / "lib/main.mpy"));
}

TEST_F(BuildCommandTest, UnreadableSourceFails) {
    if (::geteuid() == 0) GTEST_SKIP() << "running as root: file permissions are not enforced";
    ASSERT_EQ(build().status, 0);
    fs::permissions(src_ / "lib/sensor.py", fs::perms::none);
    touchLater(src_ / "lib/sensor.py");
    const RunResult r = build();
    fs::permissions(src_ / "lib/sensor.py", fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("cannot open"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out_ / "lib/sensor.mpy"));
}

// The whole conformance corpus through `build` equals per-file `mpyseal compile` run in its directory.
TEST(BuildCorpus, MatchesCompileCommandFileByFile) {
    const fs::path programs = fs::path(MPYSEAL_SHARED_DIR) / "conformance" / "programs";
    if (!fs::is_directory(programs)) GTEST_SKIP() << "no conformance corpus at " << programs;
    TempDir t;
    const RunResult r = runMpyseal({"build", programs.string(), "-o", (t / "out").string(), "-j2"});
    const auto built = snapshot(t / "out");
    size_t compared = 0;
    for (const auto& e : fs::directory_iterator(programs)) {
        if (e.path().extension() != ".py") continue;
        const std::string name = e.path().filename().string();
        const std::string mpyName = name.substr(0, name.size() - 3) + ".mpy";
        const RunResult alone = runMpyseal({"compile", "-o", (t / "alone.mpy").string(), name}, programs);
        if (alone.status != 0) {
            EXPECT_EQ(built.count(mpyName), 0u) << name << " fails alone but has a build output";
            continue;
        }
        ASSERT_EQ(built.count(mpyName), 1u) << name << ": no build output\n" << r.err;
        EXPECT_EQ(built.at(mpyName), readAll(t / "alone.mpy")) << name;
        ++compared;
    }
    EXPECT_GT(compared, 50u);
}
