// readMpy: the worked examples of mpy-format.md §1.11, every golden file of the conformance corpus, and
// malformed input (each must give MpyFormatError, never a crash).
#include "TestSupport.h"

#include "mpyseal/mpy/Bytecode.h"
#include "mpyseal/mpy/Disassembler.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/MpyWriter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace mpyseal::mpy {
namespace {

using test::errorOf;
using test::hex;
using test::toHex;

// Index of the first occurrence of `pattern` in `bytes` (the test fails if absent).
size_t find(const std::vector<uint8_t>& bytes, const std::vector<uint8_t>& pattern) {
    auto it = std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end());
    EXPECT_NE(it, bytes.end()) << "pattern " << toHex(pattern) << " not found";
    return size_t(it - bytes.begin());
}

std::vector<uint8_t> replaced(std::vector<uint8_t> bytes, const std::vector<uint8_t>& from,
                              const std::vector<uint8_t>& to) {
    size_t at = find(bytes, from);
    bytes.erase(bytes.begin() + at, bytes.begin() + at + from.size());
    bytes.insert(bytes.begin() + at, to.begin(), to.end());
    return bytes;
}

TEST(MpyReader, WorkedExample1) {
    MpyFile f = readMpy(test::workedExample1());
    EXPECT_EQ(f.version, 6);
    EXPECT_EQ(f.flags, 0);
    EXPECT_EQ(f.smallIntBits, 31);
    EXPECT_EQ(f.qstrs, (std::vector<std::string>{"ex1.py", "<module>", "hello", "print"}));
    EXPECT_TRUE(f.constants.empty());
    EXPECT_EQ(f.root.kind, RawCodeKind::Bytecode);
    EXPECT_EQ(toHex(f.root.code), "08 02 01 11 03 10 02 34 01 59 51 63");
    EXPECT_TRUE(f.root.children.empty());

    Prelude p = decodePrelude(f.root.code);
    EXPECT_EQ(p.signature.nState, 2u);
    EXPECT_EQ(p.nInfo, 1u);
    EXPECT_EQ(p.nCell, 0u);
    EXPECT_EQ(p.simpleName, 1u);
    EXPECT_TRUE(p.argNames.empty());
    EXPECT_TRUE(p.lineTable.empty());
    EXPECT_EQ(p.opcodeOffset, 3u);
}

TEST(MpyReader, WorkedExample2) {
    MpyFile f = readMpy(test::workedExample2());
    EXPECT_EQ(f.qstrs, (std::vector<std::string>{"ex2.py", "<module>", "add", "print", "a", "b"}));
    ASSERT_EQ(f.constants.size(), 1u);
    EXPECT_EQ(f.constants[0].kind, Constant::Kind::Float);
    EXPECT_EQ(f.constants[0].text, "2.5");
    EXPECT_EQ(f.root.code.size(), 25u);
    ASSERT_EQ(f.root.children.size(), 1u);
    const RawCode& add = f.root.children[0];
    EXPECT_EQ(toHex(add.code), "a2 01 0a 02 04 05 20 24 b0 b1 f2 c2 b2 23 00 f4 63");

    Prelude m = decodePrelude(f.root.code);
    EXPECT_EQ(m.signature.nState, 3u);
    EXPECT_EQ(m.nInfo, 3u);
    EXPECT_EQ(toHex(std::vector<uint8_t>(m.lineTable.begin(), m.lineTable.end())), "68 20");

    Prelude p = decodePrelude(add.code);
    EXPECT_EQ(p.signature.nState, 5u);
    EXPECT_EQ(p.signature.nExcStack, 0u);
    EXPECT_EQ(p.signature.nPosArgs, 2u);
    EXPECT_EQ(p.signature.nDefPosArgs, 1u);
    EXPECT_EQ(p.signature.nKwonlyArgs, 0u);
    EXPECT_EQ(p.signature.scopeFlags, 0u);
    EXPECT_EQ(p.nInfo, 5u);
    EXPECT_EQ(p.simpleName, 2u);
    EXPECT_EQ(p.argNames, (std::vector<uint64_t>{4, 5}));
    EXPECT_EQ(toHex(std::vector<uint8_t>(p.lineTable.begin(), p.lineTable.end())), "20 24");
    EXPECT_EQ(p.opcodeOffset, 8u);
}

TEST(MpyReader, WorkedExample3) {
    const auto bytes = test::workedExample3();
    EXPECT_EQ(bytes.size(), 115u);
    MpyFile f = readMpy(bytes);
    EXPECT_EQ(f.qstrs, (std::vector<std::string>{"ex3.py", "<module>", "f", "total ", "!!!", "n", "g",
                                                 "ValueError", "str"}));
    EXPECT_TRUE(f.constants.empty());
    EXPECT_EQ(toHex(f.root.code), "00 02 01 32 00 16 02 51 63");
    ASSERT_EQ(f.root.children.size(), 1u);
    const RawCode& fn = f.root.children[0];
    EXPECT_EQ(fn.code.size(), 62u);
    Prelude p = decodePrelude(fn.code);
    EXPECT_EQ(p.signature.nState, 11u);
    EXPECT_EQ(p.signature.nExcStack, 1u);
    EXPECT_EQ(p.signature.nPosArgs, 1u);
    EXPECT_EQ(p.nInfo, 8u);
    EXPECT_EQ(p.simpleName, 2u);
    EXPECT_EQ(p.argNames, (std::vector<uint64_t>{5}));
    EXPECT_EQ(toHex(std::vector<uint8_t>(p.lineTable.begin(), p.lineTable.end())), "20 22 26 22 51 2d");

    // The jumps documented in §1.11.
    auto ops = std::span<const uint8_t>(fn.code).subspan(p.opcodeOffset);
    Instruction jump = decodeInstruction(ops, 4);
    EXPECT_EQ(jump.opcode, 0x42);
    EXPECT_EQ(jump.jumpTarget, 33);
    Instruction unwind = decodeInstruction(ops, 27);
    EXPECT_EQ(unwind.jumpTarget, 38);
    EXPECT_EQ(unwind.extra, 1);
    EXPECT_EQ(unwind.size, 3u);
    Instruction back = decodeInstruction(ops, 36);
    EXPECT_EQ(back.jumpTarget, 6);
    Instruction smallInt = decodeInstruction(ops, 31);
    EXPECT_EQ(smallInt.smallInt, 1);
}

TEST(MpyReader, EveryGoldenFileReads) {
    const auto files = test::goldenFiles();
    ASSERT_EQ(files.size(), 70u) << "golden corpus not found under " << test::goldenDir();
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        const auto bytes = test::readBytes(path);
        MpyFile f;
        ASSERT_NO_THROW(f = readMpy(bytes)) << errorOf(bytes);
        EXPECT_EQ(f.version, 6);
        EXPECT_EQ(f.flags, 0);
        EXPECT_EQ(f.smallIntBits, 31);
        ASSERT_FALSE(f.qstrs.empty());
        EXPECT_EQ(f.qstrs[0], path.stem().string() + ".py"); // the source name (conformance/README.md)
    }
}

TEST(MpyReader, EveryTruncationIsAnError) {
    std::vector<std::vector<uint8_t>> inputs = {test::workedExample1(), test::workedExample2(),
                                                test::workedExample3()};
    const auto files = test::goldenFiles();
    for (size_t i = 0; i < files.size(); i += 9) // a spread of golden files, every length of each
        inputs.push_back(test::readBytes(files[i]));
    for (const auto& bytes : inputs) {
        for (size_t len = 0; len < bytes.size(); ++len) {
            std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
            EXPECT_NE(errorOf(cut), "") << "prefix of " << len << " bytes accepted";
        }
    }
}

TEST(MpyReader, Header) {
    auto ex1 = test::workedExample1();
    EXPECT_MPY_ERROR(hex(""), "header needs 4 bytes");
    EXPECT_MPY_ERROR(hex("4d 06 00"), "header needs 4 bytes");
    auto bad = ex1;
    bad[0] = 'C';
    EXPECT_MPY_ERROR(bad, "not a .mpy file");
    bad = ex1;
    bad[1] = 4;
    EXPECT_MPY_ERROR(bad, "unsupported .mpy version 4");
    bad[1] = 7;
    EXPECT_MPY_ERROR(bad, "unsupported .mpy version 7");
    bad = ex1;
    bad[2] = 0x80;
    EXPECT_MPY_ERROR(bad, "reserved bit 7");
    bad[2] = 0x08; // arch 2 (x64) with sub-version 0
    EXPECT_MPY_ERROR(bad, "sub-version 0 is not 3");
    bad[2] = 0x3f; // arch 15
    EXPECT_MPY_ERROR(bad, "unknown native architecture 15");
    // Without an architecture the sub-version bits are ignored; x64 with sub-version 3 is a valid header.
    for (uint8_t flags : {0x01, 0x02, 0x03, 0x0b}) {
        bad[2] = flags;
        EXPECT_EQ(errorOf(bad), "") << int(flags);
        EXPECT_EQ(writeMpy(readMpy(bad)), bad);
    }
    // Bit 6: an architecture-flags vuint follows the header.
    auto withFlags = ex1;
    withFlags[2] = 0x40 | 0x2f; // arch 11 (rv32imc), sub-version 3
    withFlags.insert(withFlags.begin() + 4, {0x81, 0x05});
    MpyFile f = readMpy(withFlags);
    EXPECT_EQ(f.archFlags, 133u);
    EXPECT_EQ(writeMpy(f), withFlags);
}

TEST(MpyReader, TableCounts) {
    auto ex1 = test::workedExample1(); // ... 04 00 (4 qstrs, 0 constants) at offsets 4, 5
    auto bad = ex1;
    bad[4] = 0x05;
    EXPECT_NE(errorOf(bad), "");
    bad[4] = 0x03;
    EXPECT_NE(errorOf(bad), "");
    bad[4] = 0x7f;
    EXPECT_MPY_ERROR(bad, "qstr count 127 is impossible");
    bad = ex1;
    bad[5] = 0x01;
    EXPECT_NE(errorOf(bad), "");
    bad[5] = 0x7f;
    EXPECT_MPY_ERROR(bad, "constant count 127 is impossible");
    // A huge count must be rejected before anything is allocated.
    bad = ex1;
    bad.erase(bad.begin() + 4);
    bad.insert(bad.begin() + 4, {0x8f, 0xff, 0xff, 0xff, 0x7f});
    EXPECT_MPY_ERROR(bad, "is impossible");
    ReadLimits tight;
    tight.maxTableEntries = 3;
    EXPECT_NE(errorOf(ex1, tight), "");
}

TEST(MpyReader, QstrEntries) {
    auto ex1 = test::workedExample1();
    EXPECT_MPY_ERROR(replaced(ex1, hex("0f 0a 68"), hex("00 0a 68")), "qstr"); // "" inline is static id 1
    EXPECT_MPY_ERROR(replaced(ex1, hex("0f 0a 68"), hex("01 0a 68")), "static id 0 out of range");
    EXPECT_MPY_ERROR(replaced(ex1, hex("0f 0a 68"), hex("82 4d 0a 68")), "static id 166 out of range");
    EXPECT_MPY_ERROR(replaced(ex1, hex("6c 6f 00 81"), hex("6c 6f 01 81")), "missing NUL terminator");
    // 'print' spelled inline instead of static id 123.
    EXPECT_MPY_ERROR(replaced(ex1, hex("81 77"), hex("0a 70 72 69 6e 74 00")),
                     "static qstr 123 but is written inline");
    EXPECT_MPY_ERROR(replaced(ex1, hex("0a 68 65"), hex("80 0a 68 65")), "non-canonical vuint");
}

// A file with no qstr references beyond <module> and the given constant table bytes.
std::vector<uint8_t> withConstants(int count, const std::vector<uint8_t>& table) {
    auto bytes = hex("4d 06 00 1f 02");
    bytes.push_back(uint8_t(count));
    auto rest = hex("02 6d 00 0f");
    bytes.insert(bytes.end(), rest.begin(), rest.end());
    bytes.insert(bytes.end(), table.begin(), table.end());
    auto code = hex("28 08 02 01 51 63"); // 5-byte module: LOAD_CONST_NONE RETURN_VALUE
    bytes.insert(bytes.end(), code.begin(), code.end());
    return bytes;
}

TEST(MpyReader, Constants) {
    MpyFile f = readMpy(withConstants(10, hex("01 02 03 04 05 02 68 69 00 06 00 00 07 02 2d 35 08 03 31 2e "
                                              "35 09 02 32 6a 0a 02 07 01 31 0a 00")));
    ASSERT_EQ(f.constants.size(), 10u);
    EXPECT_EQ(f.constants[0].kind, Constant::Kind::None);
    EXPECT_EQ(f.constants[3].kind, Constant::Kind::Ellipsis);
    EXPECT_EQ(f.constants[4].text, "hi");
    EXPECT_EQ(f.constants[5].kind, Constant::Kind::Bytes);
    EXPECT_EQ(f.constants[5].text, "");
    EXPECT_EQ(f.constants[6].text, "-5");
    EXPECT_EQ(f.constants[7].text, "1.5");
    EXPECT_EQ(f.constants[8].text, "2j");
    ASSERT_EQ(f.constants[9].items.size(), 2u);
    EXPECT_EQ(f.constants[9].items[0].text, "1");
    EXPECT_TRUE(f.constants[9].items[1].items.empty());

    EXPECT_MPY_ERROR(withConstants(1, hex("00")), "native function table");
    EXPECT_MPY_ERROR(withConstants(1, hex("0b")), "unknown tag 11");
    EXPECT_MPY_ERROR(withConstants(1, hex("05 02 68 69 01")), "missing NUL terminator");
    EXPECT_MPY_ERROR(withConstants(1, hex("06 02 68 69 01")), "missing NUL terminator");
    EXPECT_MPY_ERROR(withConstants(1, hex("05 7f 68 69 00")), "constant 0 (str) needs 128 bytes");
    EXPECT_MPY_ERROR(withConstants(1, hex("07 02 31 61")), "not valid int text");
    EXPECT_MPY_ERROR(withConstants(1, hex("07 00")), "not valid int text");
    EXPECT_MPY_ERROR(withConstants(1, hex("08 02 31 2b")), "not valid float text");
    EXPECT_MPY_ERROR(withConstants(1, hex("09 02 31 31")), "not valid complex text");
    EXPECT_MPY_ERROR(withConstants(1, hex("0a 7f 01")), "tuple of 127 items");
    EXPECT_EQ(errorOf(withConstants(1, hex("08 04 2d 69 6e 66"))), "");       // -inf
    EXPECT_EQ(errorOf(withConstants(1, hex("08 06 31 65 2b 31 30 30"))), ""); // 1e+100
    EXPECT_EQ(errorOf(withConstants(1, hex("09 04 6e 61 6e 6a"))), "");       // nanj

    // Nested tuples: 64 levels are fine, 65 exceed the default limit.
    std::vector<uint8_t> deep;
    for (int i = 0; i < 64; ++i) deep.insert(deep.end(), {0x0a, 0x01});
    deep.push_back(0x01);
    EXPECT_EQ(errorOf(withConstants(1, deep)), "");
    deep.insert(deep.begin(), {0x0a, 0x01});
    EXPECT_MPY_ERROR(withConstants(1, deep), "tuples nested deeper than 64");
}

TEST(MpyReader, RawCodeStructure) {
    auto ex1 = test::workedExample1();
    EXPECT_MPY_ERROR(replaced(ex1, hex("60 08 02"), hex("61 08 02")),
                     "kind 1 (native Python) is not supported");
    EXPECT_MPY_ERROR(replaced(ex1, hex("60 08 02"), hex("62 08 02")), "kind 2 (viper)");
    EXPECT_MPY_ERROR(replaced(ex1, hex("60 08 02"), hex("68 08 02")), "needs 13 bytes");
    EXPECT_MPY_ERROR(replaced(ex1, hex("60 08 02"), hex("64 08 02")),
                     "child count"); // has_children, no count
    auto zeroChildren = ex1;
    zeroChildren[find(ex1, hex("60 08 02"))] = 0x64;
    zeroChildren.push_back(0x00);
    EXPECT_MPY_ERROR(zeroChildren, "has_children is set but the child count");
    auto trailing = ex1;
    trailing.push_back(0x00);
    EXPECT_MPY_ERROR(trailing, "1 trailing byte after the top-level raw code at offset 37");
    auto ex2 = test::workedExample2();
    ex2.insert(ex2.end(), {0x00, 0x00});
    EXPECT_MPY_ERROR(ex2, "2 trailing bytes");
}

TEST(MpyReader, NestingDepthLimit) {
    // A chain of raw codes, each the only child of the previous one.
    auto chain = [](int depth) {
        std::vector<uint8_t> bytes = hex("4d 06 00 1f 02 00 02 6d 00 0f");
        for (int i = 0; i < depth; ++i) {
            if (i == depth - 1) {
                auto leaf = hex("28 08 02 01 51 63"); // 5 code bytes: LOAD_CONST_NONE RETURN_VALUE
                bytes.insert(bytes.end(), leaf.begin(), leaf.end());
            } else {
                auto node = hex("34 10 02 01 32 00 63 01"); // 6 code bytes: MAKE_FUNCTION 0; RETURN_VALUE
                bytes.insert(bytes.end(), node.begin(), node.end());
            }
        }
        return bytes;
    };
    EXPECT_EQ(errorOf(chain(1)), "");
    EXPECT_EQ(errorOf(chain(257)), "");
    EXPECT_MPY_ERROR(chain(258), "nested deeper than 256");
    ReadLimits shallow;
    shallow.maxNestingDepth = 3;
    EXPECT_EQ(errorOf(chain(4), shallow), "");
    EXPECT_NE(errorOf(chain(5), shallow), "");
}

TEST(MpyReader, PreludeValidation) {
    auto ex2 = test::workedExample2();
    // add's arg name 'b' -> qstr 9 (6 qstrs).
    EXPECT_MPY_ERROR(replaced(ex2, hex("0a 02 04 05"), hex("0a 02 04 09")),
                     "argument name 1 qstr index 9 out of range (6 qstrs)");
    EXPECT_MPY_ERROR(replaced(ex2, hex("0a 02 04 05"), hex("0a 08 04 05")),
                     "simple name qstr index 8 out of range");
    // n_info larger than the code.
    EXPECT_MPY_ERROR(replaced(ex2, hex("a2 01 0a 02"), hex("a2 01 7e 02")), "code-info section of 63 bytes");
    // n_cell 1: the cell byte (b0, the first opcode reinterpreted) must be a local number < n_state.
    EXPECT_MPY_ERROR(replaced(ex2, hex("a2 01 0a 02"), hex("a2 01 0b 02")),
                     "cell 0 names local 176 but n_state is 5");
    // n_cell 31 runs past the end of the code.
    EXPECT_MPY_ERROR(replaced(ex2, hex("a2 01 0a 02"), hex("a2 01 8b 81 81 81 01 02")),
                     "closure section of 31 bytes");
    // n_def_pos_args > n_pos_args: a2 01 -> a1 01 (A = 1, D = 1 is fine), a0 01 (A = 0, D = 1) is not.
    EXPECT_MPY_ERROR(replaced(ex2, hex("a2 01 0a 02 04 05"), hex("a0 01 06 02 04 05")),
                     "n_def_pos_args 1 exceeds");
    // Module n_state 1 is fine for zero args, but add(a, b) with n_state 1 cannot hold its arguments.
    EXPECT_MPY_ERROR(replaced(ex2, hex("a2 01 0a"), hex("82 01 0a")),
                     "n_state 1 is smaller than the 2 argument");
}

TEST(MpyReader, BytecodeIndices) {
    auto ex1 = test::workedExample1();
    EXPECT_MPY_ERROR(
        replaced(ex1, hex("11 03 10 02"), hex("11 04 10 02")),
        "bytecode of raw code <module> at offset 0 (file offset 28): LOAD_NAME qstr index 4 out of "
        "range (4 qstrs)");
    auto ex2 = test::workedExample2();
    EXPECT_MPY_ERROR(
        replaced(ex2, hex("b2 23 00 f4"), hex("b2 23 01 f4")),
        "bytecode of raw code <module>/add at offset 5 (file offset 76): LOAD_CONST_OBJ index 1 out of "
        "range (1 constants)");
    EXPECT_MPY_ERROR(replaced(ex2, hex("53 33 00 16"), hex("53 33 01 16")),
                     "MAKE_FUNCTION_DEFARGS child index 1 out of range (1 children)");
    EXPECT_MPY_ERROR(replaced(ex2, hex("b0 b1 f2 c2"), hex("b0 b5 f2 c2")),
                     "LOAD_FAST local 5 out of range (n_state 5)");
    EXPECT_MPY_ERROR(replaced(ex2, hex("b0 b1 f2 c2"), hex("b0 b1 fa c2")), "unused opcode 0xfa at offset 2");
    EXPECT_MPY_ERROR(replaced(ex1, hex("34 01 59"), hex("34 02 59")),
                     "CALL_FUNCTION operand 0x2 does not fit");
    EXPECT_MPY_ERROR(replaced(ex1, hex("59 51 63"), hex("59 51 34")), "CALL_FUNCTION at offset 8");
    EXPECT_MPY_ERROR(replaced(ex1, hex("59 51 63"), hex("59 51 22")), "LOAD_CONST_SMALL_INT at offset 8");
    // A small int that does not fit in the header's 31 bits.
    EXPECT_MPY_ERROR(replaced(ex1, hex("11 03 10 02 34 01 59"), hex("22 84 80 80 80 00 59")),
                     "LOAD_CONST_SMALL_INT 1073741824 does not fit in 31-bit small ints");
    EXPECT_EQ(errorOf(replaced(ex1, hex("11 03 10 02 34 01 59"), hex("22 83 ff ff ff 7f 59"))), "");
}

TEST(MpyReader, Jumps) {
    auto ex3 = test::workedExample3();
    EXPECT_EQ(errorOf(ex3), "");
    // JUMP +27 -> 33 changed to +63 -> 69 (past the 62 opcode bytes).
    EXPECT_MPY_ERROR(
        replaced(ex3, hex("42 5b 57"), hex("42 7f 57")),
        "bytecode of raw code <module>/f at offset 4 (file offset 67): JUMP jump target 69 is not the "
        "start of an opcode");
    // Into the middle of an instruction (offset 9 is SETUP_EXCEPT's operand).
    EXPECT_MPY_ERROR(replaced(ex3, hex("42 5b 57"), hex("42 43 57")), "JUMP jump target 9 is not the start");
    // Backwards before the first opcode.
    EXPECT_MPY_ERROR(replaced(ex3, hex("43 20 59"), hex("43 00 59")), "POP_JUMP_IF_TRUE jump target -26");
    // Two-byte form: raw 0x4000 + 27 = the same jump as the one-byte form.
    auto longJump = replaced(ex3, hex("42 5b 57"), hex("42 9b 80 57"));
    EXPECT_NE(errorOf(longJump), ""); // the code length in the raw-code header no longer matches
    // UNWIND_JUMP may not unwind more handlers than n_exc_stack.
    EXPECT_MPY_ERROR(replaced(ex3, hex("40 49 01"), hex("40 49 02")),
                     "unwinds 2 handlers but n_exc_stack is 1");
    // SETUP_EXCEPT in a function whose n_exc_stack is 0 (55 -> 51).
    EXPECT_MPY_ERROR(replaced(ex3, hex("55 10 02 05"), hex("51 10 02 05")), "n_exc_stack is");
}

TEST(MpyReader, MutatedGoldensNeverCrash) {
    // Random byte mutations of real files: each is either rejected with MpyFormatError or accepted, and an
    // accepted file disassembles and writes back byte for byte (the reader only accepts canonical input).
    std::mt19937 rng(7);
    const auto files = test::goldenFiles();
    ASSERT_FALSE(files.empty());
    int accepted = 0;
    for (int round = 0; round < 4000; ++round) {
        auto bytes = test::readBytes(files[rng() % files.size()]);
        int edits = 1 + rng() % 3;
        for (int e = 0; e < edits; ++e) {
            size_t at = rng() % bytes.size();
            switch (rng() % 3) {
            case 0: bytes[at] = uint8_t(rng()); break;
            case 1: bytes[at] ^= uint8_t(1u << (rng() % 8)); break;
            case 2: bytes.erase(bytes.begin() + at); break;
            }
        }
        try {
            MpyFile f = readMpy(bytes);
            ++accepted;
            EXPECT_EQ(writeMpy(f), bytes);
            EXPECT_FALSE(disassemble(f).empty());
        } catch (const MpyFormatError&) {}
    }
    EXPECT_GT(accepted, 0);
}

} // namespace
} // namespace mpyseal::mpy
