// writeMpy: byte identity with the real mpy-cross output (via readMpy of the goldens) and with the worked
// examples of mpy-format.md §1.11 built by hand.
#include "TestSupport.h"

#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/MpyWriter.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mpyseal::mpy {
namespace {

using test::hex;
using test::toHex;

TEST(MpyWriter, EveryGoldenRoundTripsByteForByte) {
    const auto files = test::goldenFiles();
    ASSERT_EQ(files.size(), 70u) << "golden corpus not found under " << test::goldenDir();
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        const auto bytes = test::readBytes(path);
        EXPECT_EQ(writeMpy(readMpy(bytes)), bytes);
    }
}

TEST(MpyWriter, WorkedExamplesRoundTrip) {
    for (const auto& bytes : {test::workedExample1(), test::workedExample2(), test::workedExample3()})
        EXPECT_EQ(toHex(writeMpy(readMpy(bytes))), toHex(bytes));
}

TEST(MpyWriter, WorkedExample1FromAModel) {
    MpyFile f;
    f.qstrs = {"ex1.py", "<module>", "hello", "print"};
    f.root.code = hex("08 02 01 11 03 10 02 34 01 59 51 63");
    EXPECT_EQ(toHex(writeMpy(f)), toHex(test::workedExample1()));
}

TEST(MpyWriter, WorkedExample2FromAModel) {
    MpyFile f;
    f.qstrs = {"ex2.py", "<module>", "add", "print", "a", "b"};
    f.constants = {Constant{Constant::Kind::Float, "2.5", {}}};
    f.root.code = hex("10 06 01 68 20 8a 2a 01 53 33 00 16 02 11 03 11 02 81 34 01 34 01 59 51 63");
    RawCode add;
    add.code = hex("a2 01 0a 02 04 05 20 24 b0 b1 f2 c2 b2 23 00 f4 63");
    f.root.children.push_back(add);
    EXPECT_EQ(toHex(writeMpy(f)), toHex(test::workedExample2()));
}

TEST(MpyWriter, StaticAndInlineQstrs) {
    MpyFile f;
    f.qstrs = {"", "\n", "zip", "str", "__build_class__", "x"};
    f.root.code = hex("08 02 01 51 63");
    const auto bytes = writeMpy(f);
    // 6 qstrs, 0 constants; '' id 1, '\n' id 3, 'zip' id 165, 'str' id 151; others inline with NUL.
    EXPECT_EQ(toHex(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 13)),
              "4d 06 00 1f 06 00 03 07 82 4b 82 2f 1e");
    EXPECT_EQ(readMpy(bytes).qstrs, f.qstrs);
}

TEST(MpyWriter, ConstantTags) {
    MpyFile f;
    f.qstrs = {"m", "<module>"};
    using K = Constant::Kind;
    f.constants = {
        Constant{K::Str, "hi", {}},
        Constant{K::Bytes, "", {}},
        Constant{K::Int, "-5", {}},
        Constant{K::Float, "1e+100", {}},
        Constant{K::Complex, "2j", {}},
        Constant{K::Ellipsis, "", {}},
        Constant{K::Tuple,
                 "",
                 {Constant{K::None, "", {}}, Constant{K::False, "", {}}, Constant{K::True, "", {}},
                  Constant{K::Int, "1", {}}, Constant{K::Tuple, "", {}}}},
    };
    f.root.code = hex("08 02 01 51 63");
    const auto bytes = writeMpy(f);
    EXPECT_EQ(toHex(bytes), "4d 06 00 1f 02 07 02 6d 00 0f "
                            "05 02 68 69 00 "                // str 'hi' + NUL
                            "06 00 00 "                      // b'' (§1.5: 06 00 00)
                            "07 02 2d 35 "                   // int -5, no terminator
                            "08 06 31 65 2b 31 30 30 "       // float 1e+100
                            "09 02 32 6a "                   // complex 2j
                            "04 "                            // Ellipsis
                            "0a 05 01 02 03 07 01 31 0a 00 " // (None, False, True, 1, ())
                            "28 08 02 01 51 63");
    MpyFile back = readMpy(bytes);
    EXPECT_EQ(back.constants, f.constants);
}

TEST(MpyWriter, RawCodeHeaderAndChildren) {
    MpyFile f;
    f.qstrs = {"m", "<module>"};
    f.root.code = hex("10 02 01 32 00 32 01 59 59 51 63");
    RawCode leaf;
    leaf.code = hex("08 02 01 51 63");
    f.root.children = {leaf, leaf};
    const auto bytes = writeMpy(f);
    // (11 << 3) | (1 << 2) = 92 = 0x5c; then the code, child count 2, and two children of 5 bytes (0x28).
    EXPECT_EQ(toHex(bytes), "4d 06 00 1f 02 00 02 6d 00 0f 5c 10 02 01 32 00 32 01 59 59 51 63 02 "
                            "28 08 02 01 51 63 28 08 02 01 51 63");
    EXPECT_NO_THROW(readMpy(bytes));
}

TEST(MpyWriter, RejectsWhatV6CannotRepresent) {
    MpyFile f;
    f.qstrs = {"m", "<module>"};
    f.root.code = hex("08 02 01 51 63");
    f.version = 5;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f.version = 7;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f.version = 6;
    f.root.kind = RawCodeKind::NativeViper;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f.root.kind = RawCodeKind::Bytecode;
    f.root.v5Constants.push_back(Constant{});
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f.root.v5Constants.clear();
    f.constants.push_back(Constant{static_cast<Constant::Kind>(42), "", {}});
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
}

} // namespace
} // namespace mpyseal::mpy
