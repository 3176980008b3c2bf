// The build stamp and the tree scan, tested in-process (their sources are compiled into cli_tests).
#include "BuildStamp.h"
#include "BuildPlan.h"
#include "CliTestUtil.h"

#include <gtest/gtest.h>

using namespace mpyseal::cli;
using namespace mpyseal::cli::test;

TEST(BuildStamp, RoundTrips) {
    BuildStamp stamp;
    stamp.options = {{"optimize", "2"}, {"compiler", "/usr/bin/mpyseal \"quoted\" \\ \t\x01"}};
    stamp.outputs = {{"lib/x.mpy", "compile"}, {"data/a b.json", "copy"}, {"caf\xc3\xa9.txt", "copy"}};
    EXPECT_EQ(buildStampFromJson(buildStampToJson(stamp)), stamp);
    EXPECT_EQ(buildStampFromJson(buildStampToJson(BuildStamp{})), BuildStamp{});
}

TEST(BuildStamp, DropsUnsafeOutputPaths) {
    const BuildStamp stamp = buildStampFromJson(R"({"format": 1, "extra": [1, {"a": null}, true],
        "outputs": {"../../etc/passwd": "copy", "/abs": "copy", "a/./b": "copy", "a//b": "copy",
                    "ok/file.mpy": "compile", "": "copy"}})");
    EXPECT_EQ(stamp.outputs, (std::map<std::string, std::string>{{"ok/file.mpy", "compile"}}));
}

TEST(BuildStamp, RejectsMalformedJson) {
    for (const char* bad : {"", "{", "{\"outputs\": {\"a\": }}", "[]", "{\"a\": \"x\"} trailing",
                            "{\"a\": \"unterminated}", "{\"a\": \"\\q\"}"})
        EXPECT_THROW(buildStampFromJson(bad), std::runtime_error) << bad;
}

TEST(BuildStamp, MissingOrCorruptStampIsEmpty) {
    TempDir t;
    EXPECT_EQ(readBuildStamp(t.path()), BuildStamp{});
    writeText(t / BuildStamp::kFileName, "not json");
    EXPECT_EQ(readBuildStamp(t.path()), BuildStamp{});
    BuildStamp stamp;
    stamp.outputs["x.mpy"] = "compile";
    writeBuildStamp(t.path(), stamp);
    EXPECT_EQ(readBuildStamp(t.path()), stamp);
}

TEST(BuildStamp, SafeRelativePath) {
    EXPECT_TRUE(isSafeRelativePath("a"));
    EXPECT_TRUE(isSafeRelativePath("a/b.mpy"));
    EXPECT_TRUE(isSafeRelativePath("..a/b..")); // only whole ".." components are special
    EXPECT_FALSE(isSafeRelativePath(""));
    EXPECT_FALSE(isSafeRelativePath("/a"));
    EXPECT_FALSE(isSafeRelativePath("a/"));
    EXPECT_FALSE(isSafeRelativePath("a/../b"));
    EXPECT_FALSE(isSafeRelativePath("."));
    EXPECT_FALSE(isSafeRelativePath(std::string("a\0b", 3)));
}

TEST(BuildPlan, ScansTreeIntoSortedJobs) {
    TempDir t;
    for (const char* f : {"main.py", "boot.py", "z.py", "a/main.py", "a/b/c.py", "a/data.bin", "a/.swp",
                          ".git/config", "__pycache__/x.pyc", "a/__pycache__/y.pyc", "x.pyi", ".py", "a/py"})
        writeText(t / f, "");
    ScanResult r = scanSourceTree(t.path(), {});
    ASSERT_TRUE(r.errors.empty());
    std::vector<std::string> lines;
    for (const BuildJob& j : r.jobs)
        lines.push_back(std::string(j.action == BuildAction::Compile ? "compile " : "copy ") + j.source +
                        " " + j.output);
    EXPECT_EQ(lines, (std::vector<std::string>{"compile a/b/c.py a/b/c.mpy", "copy a/data.bin a/data.bin",
                                               "compile a/main.py a/main.mpy", "copy a/py a/py",
                                               "copy boot.py boot.py", "copy main.py main.py",
                                               "copy x.pyi x.pyi", "compile z.py z.mpy"}));

    r = scanSourceTree(t.path(), {.compileEntryPoints = true, .copyData = false});
    lines.clear();
    for (const BuildJob& j : r.jobs) lines.push_back(j.output);
    EXPECT_EQ(lines, (std::vector<std::string>{"a/b/c.mpy", "a/main.mpy", "boot.mpy", "main.mpy", "z.mpy"}));
}
