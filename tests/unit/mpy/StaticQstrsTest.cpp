// Static qstr table (mpy-format.md Appendix A) and the built-in qstr list (Appendix B).
#include "mpyseal/mpy/StaticQstrs.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mpyseal::mpy {
namespace {

TEST(StaticQstrs, KnownIds) {
    EXPECT_EQ(staticQstrId(""), 1);
    EXPECT_EQ(staticQstrId("__dir__"), 2);
    EXPECT_EQ(staticQstrId("\n"), 3);
    EXPECT_EQ(staticQstrId(" "), 4);
    EXPECT_EQ(staticQstrId("*"), 5);
    EXPECT_EQ(staticQstrId("<module>"), 7);
    EXPECT_EQ(staticQstrId("ValueError"), 55);
    EXPECT_EQ(staticQstrId("bytearray"), 64);
    EXPECT_EQ(staticQstrId("print"), 123);
    EXPECT_EQ(staticQstrId("str"), 151);
    EXPECT_EQ(staticQstrId("utf-8"), 161);
    EXPECT_EQ(staticQstrId("zip"), 165);
}

TEST(StaticQstrs, NonStatic) {
    EXPECT_EQ(staticQstrId("hello"), 0);
    EXPECT_EQ(staticQstrId("__build_class__"), 0);
    EXPECT_EQ(staticQstrId("Print"), 0);
    EXPECT_EQ(staticQstrId("zip "), 0);
    EXPECT_EQ(staticQstrId(std::string_view("\0", 1)), 0);
}

TEST(StaticQstrs, TextAndIdAreInverse) {
    std::set<std::string> seen;
    for (int id = 1; id <= kNumStaticQstrs; ++id) {
        std::string_view text = staticQstrText(id);
        EXPECT_TRUE(seen.insert(std::string(text)).second) << "duplicate static qstr " << text;
        EXPECT_EQ(staticQstrId(text), id) << text;
    }
    EXPECT_EQ(seen.size(), 165u);
    EXPECT_EQ(staticQstrText(0), "");
    EXPECT_EQ(staticQstrText(166), "");
    EXPECT_EQ(staticQstrText(-1), "");
}

TEST(StaticQstrs, TableRunsAreSorted) {
    // Appendix A: after the eight special entries come the dunder names (9..29) and then the other names
    // (30..165), each run in ASCII order; a cheap guard against transcription mistakes.
    for (int id = 10; id <= 29; ++id) EXPECT_LT(staticQstrText(id - 1), staticQstrText(id)) << id;
    for (int id = 31; id <= kNumStaticQstrs; ++id)
        EXPECT_LT(staticQstrText(id - 1), staticQstrText(id)) << id;
}

TEST(StaticQstrs, BuiltinQstrs) {
    EXPECT_TRUE(isBuiltinQstr("print"));
    EXPECT_TRUE(isBuiltinQstr("ZeroDivisionError"));
    EXPECT_TRUE(isBuiltinQstr("__build_class__"));
    EXPECT_TRUE(isBuiltinQstr("maximum recursion depth exceeded"));
    EXPECT_TRUE(isBuiltinQstr("symmetric_difference_update"));
    EXPECT_TRUE(isBuiltinQstr("vcvt_s32_f32"));
    EXPECT_TRUE(isBuiltinQstr("string.templatelib"));
    EXPECT_FALSE(isBuiltinQstr("hello world!"));
    EXPECT_FALSE(isBuiltinQstr("__build_class"));
    EXPECT_FALSE(isBuiltinQstr("StopAsyncIterationX"));
}

} // namespace
} // namespace mpyseal::mpy
