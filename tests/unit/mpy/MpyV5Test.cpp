// .mpy version 5: readMpy / writeMpy / readMpyHeader on the worked examples of mpy-v5.md §1.12 and §9,
// every file of the golden-v5 corpus (MicroPython 1.13 mpy-cross output, the independent oracle), models
// built by hand, and malformed input (each must give MpyFormatError, never a crash).
#include "TestSupport.h"

#include "mpyseal/mpy/Bytecode.h"
#include "mpyseal/mpy/Disassembler.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/MpyWriter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace mpyseal::mpy {
namespace {

using test::errorOf;
using test::expectContains;
using test::hex;
using test::toHex;

std::vector<uint8_t> replaced(std::vector<uint8_t> bytes, size_t at, size_t n,
                              const std::vector<uint8_t>& to) {
    bytes.erase(bytes.begin() + ptrdiff_t(at), bytes.begin() + ptrdiff_t(at + n));
    bytes.insert(bytes.begin() + ptrdiff_t(at), to.begin(), to.end());
    return bytes;
}

// mpy-v5.md §1.12: print("hello") in ex1.py.
std::vector<uint8_t> v5Example1() {
    return hex("4d 05 02 1f 20 48 08 0a 00 07 0c 65 78 31 2e 70"
               "79 00 11 00 7b 10 0a 68 65 6c 6c 6f 34 01 59 51"
               "63 00 00");
}

// mpy-v5.md §9: ex5.py (greet).
std::vector<uint8_t> v5Example9() {
    return hex("4d 05 02 1f 20 5c 08 0e 00 07 0c 65 78 35 2e 70"
               "79 65 40 00 32 00 16 0a 67 72 65 65 74 11 01 82"
               "34 01 59 51 63 00 01 81 18 31 10 01 03 20 27 33"
               "00 b0 80 42 0d 80 57 c1 12 00 7b 23 01 b1 34 02"
               "59 81 e5 58 5a d7 43 ed 7f 59 59 b0 63 01 00 02"
               "6e 73 0c 68 65 6c 6c 6f 20 77 6f 72 6c 64 21");
}

// mpy-v5.md §1.12 second example (x = -1.5), completed into a whole file: the spec shows only the bytes
// from the line-table terminator on; header, names and sizes are filled in per §1.6-§1.7.
std::vector<uint8_t> v5ExampleFloat() {
    return hex("4d 05 02 1f 20 3c 00 0a 00 07 0a 65 78 2e 70 79"
               "00 23 00 d1 16 02 78 51 63 01 00 66 03 31 2e 35");
}

TEST(MpyV5, WorkedExample1) {
    const auto bytes = v5Example1();
    ASSERT_EQ(bytes.size(), 35u);
    MpyFile f = readMpy(bytes);
    EXPECT_EQ(f.version, 5);
    EXPECT_EQ(f.flags, 0x02);
    EXPECT_EQ(f.smallIntBits, 31);
    EXPECT_EQ(f.v5QstrWindowSize, 32u);
    EXPECT_TRUE(f.constants.empty());
    // First appearance: simple name, source file, then the operands.
    EXPECT_EQ(f.qstrs, (std::vector<std::string>{"<module>", "ex1.py", "print", "hello"}));
    // In memory: 18 bytes, names and operands as 2-byte indices, the line-table terminator kept.
    EXPECT_EQ(toHex(f.root.code), "08 0a 00 00 01 00 00 11 02 00 10 03 00 34 01 59 51 63");
    EXPECT_TRUE(f.root.children.empty());
    EXPECT_TRUE(f.root.v5ArgNames.empty());
    EXPECT_TRUE(f.root.v5Constants.empty());
    Prelude p = decodePreludeV5(f.root.code);
    EXPECT_EQ(p.signature.nState, 2u);
    EXPECT_EQ(p.nInfo, 5u);
    EXPECT_EQ(p.simpleName, 0u);
    EXPECT_EQ(p.sourceFile, 1u);
    EXPECT_TRUE(p.lineTable.empty());
    EXPECT_EQ(p.opcodeOffset, 7u);
    EXPECT_EQ(writeMpy(f), bytes);
}

TEST(MpyV5, WorkedExampleFloat) {
    const auto bytes = v5ExampleFloat();
    MpyFile f = readMpy(bytes);
    EXPECT_EQ(f.qstrs, (std::vector<std::string>{"<module>", "ex.py", "x"}));
    ASSERT_EQ(f.root.v5Constants.size(), 1u);
    EXPECT_EQ(f.root.v5Constants[0].kind, Constant::Kind::Float);
    EXPECT_EQ(f.root.v5Constants[0].text, "1.5");
    EXPECT_EQ(toHex(f.root.code), "00 0a 00 00 01 00 00 23 00 d1 16 02 00 51 63");
    EXPECT_EQ(writeMpy(f), bytes);
}

TEST(MpyV5, WorkedExample9) {
    const auto bytes = v5Example9();
    ASSERT_EQ(bytes.size(), 95u);
    MpyFile f = readMpy(bytes);
    EXPECT_EQ(f.qstrs, (std::vector<std::string>{"<module>", "ex5.py", "greet", "print"}));
    const RawCode& mod = f.root;
    EXPECT_EQ(mod.code.size(), 23u);
    Prelude pm = decodePreludeV5(mod.code);
    EXPECT_EQ(pm.signature.nState, 2u);
    EXPECT_EQ(pm.nInfo, 7u);
    EXPECT_EQ(toHex(std::vector<uint8_t>(pm.lineTable.begin(), pm.lineTable.end())), "65 40");
    // MAKE_FUNCTION 0 (A+K 0, n_obj 0, child 0); STORE_NAME greet; LOAD_NAME greet; 2; CALL 1; ...
    EXPECT_EQ(toHex(std::vector<uint8_t>(mod.code.begin() + long(pm.opcodeOffset), mod.code.end())),
              "32 00 16 02 00 11 02 00 82 34 01 59 51 63");
    EXPECT_TRUE(mod.v5ArgNames.empty());
    EXPECT_TRUE(mod.v5Constants.empty());
    ASSERT_EQ(mod.children.size(), 1u);

    const RawCode& greet = mod.children[0];
    EXPECT_EQ(greet.code.size(), 38u);
    Prelude pg = decodePreludeV5(greet.code);
    EXPECT_EQ(pg.signature.nState, 7u);
    EXPECT_EQ(pg.signature.nPosArgs, 1u);
    EXPECT_EQ(pg.nInfo, 8u);
    EXPECT_EQ(pg.simpleName, 2u);
    EXPECT_EQ(pg.sourceFile, 1u);
    EXPECT_EQ(toHex(std::vector<uint8_t>(pg.lineTable.begin(), pg.lineTable.end())), "20 27 33");
    const auto ops = std::span<const uint8_t>(greet.code).subspan(pg.opcodeOffset);
    EXPECT_EQ(ops.size(), 28u);
    // JUMP at 2 lands on 18, POP_JUMP_IF_TRUE at 21 on 5 (§2.3: excess 0x8000, relative to pc + 3).
    Instruction jump = decodeInstructionV5(ops, 2, false);
    EXPECT_EQ(jump.opcode, 0x42);
    EXPECT_EQ(jump.size, 3u);
    EXPECT_EQ(jump.jumpTarget, 18);
    Instruction back = decodeInstructionV5(ops, 21, false);
    EXPECT_EQ(back.opcode, 0x43);
    EXPECT_EQ(back.jumpTarget, 5);
    Instruction global = decodeInstructionV5(ops, 7, false);
    EXPECT_EQ(global.opcode, 0x12);
    EXPECT_EQ(global.size, 3u);
    EXPECT_EQ(f.qstrs[global.arg], "print");
    Instruction obj = decodeInstructionV5(ops, 10, false);
    EXPECT_EQ(obj.opcode, 0x23);
    EXPECT_EQ(obj.arg, 1u); // A+K (1) + object 0
    EXPECT_EQ(greet.v5ArgNames, (std::vector<std::string>{"n"}));
    ASSERT_EQ(greet.v5Constants.size(), 1u);
    EXPECT_EQ(greet.v5Constants[0].kind, Constant::Kind::Str);
    EXPECT_EQ(greet.v5Constants[0].text, "hello world!");
    EXPECT_TRUE(greet.children.empty());
    EXPECT_EQ(writeMpy(f), bytes);
}

// mpy-v5.md §7.2: the §9 program compiled with -mcache-lookup-bc, assembled from the differences the spec
// lists (flags 03, module 24 bytes, LOAD_NAME/LOAD_GLOBAL with a cache byte, function 39 bytes, jumps and
// line entries shifted by the extra byte).
std::vector<uint8_t> v5Example9Cached() {
    return hex("4d 05 03 1f 20 60 08 0e 00 07 0c 65 78 35 2e 70"
               "79 65 40 00 32 00 16 0a 67 72 65 65 74 11 01 00"
               "82 34 01 59 51 63 00 01 81 1c 31 10 01 03 20 27"
               "34 00 b0 80 42 0e 80 57 c1 12 00 7b 00 23 01 b1"
               "34 02 59 81 e5 58 5a d7 43 ec 7f 59 59 b0 63 01"
               "00 02 6e 73 0c 68 65 6c 6c 6f 20 77 6f 72 6c 64 21");
}

TEST(MpyV5, WorkedExample9CacheLookup) {
    const auto bytes = v5Example9Cached();
    MpyFile f = readMpy(bytes);
    EXPECT_EQ(f.flags, 0x03);
    EXPECT_EQ(f.root.code.size(), 24u);
    ASSERT_EQ(f.root.children.size(), 1u);
    EXPECT_EQ(f.root.children[0].code.size(), 39u);
    EXPECT_EQ(writeMpy(f), bytes);
    const std::string code = disassembleCode(f);
    EXPECT_NE(code.find("  02 JUMP 19\n"), std::string::npos) << code;
    EXPECT_NE(code.find("  07 LOAD_GLOBAL print  ; line 3\n  11 LOAD_CONST_OBJ 'hello world!'\n"),
              std::string::npos)
        << code;
    EXPECT_NE(code.find("  22 POP_JUMP_IF_TRUE 5\n"), std::string::npos) << code;
    // The same bytes without the cache flag do not decode: the cache bytes become opcodes.
    auto noCache = bytes;
    noCache[2] = 0x02;
    EXPECT_NE(errorOf(noCache), "");
}

TEST(MpyV5, CacheLookupOperands) {
    // §7.2: with flag bit 0 the four cached opcodes carry a 00 byte, kept in memory (4 bytes each).
    MpyFile f;
    f.version = 5;
    f.flags = 0x03;
    f.qstrs = {"<module>", "c.py", "a", "b"};
    // LOAD_NAME a; LOAD_ATTR b; POP_TOP; LOAD_CONST_NONE; RETURN_VALUE
    f.root.code = hex("08 0a 00 00 01 00 00 11 02 00 00 13 03 00 00 59 51 63");
    const auto bytes = writeMpy(f);
    EXPECT_EQ(toHex(bytes),
              "4d 05 03 1f 20 48 08 0a 00 07 08 63 2e 70 79 00 11 02 61 00 13 02 62 00 59 51 63 "
              "00 00");
    MpyFile back = readMpy(bytes);
    EXPECT_EQ(back.root.code, f.root.code);
    EXPECT_EQ(back.flags, 0x03);
    const auto ops = std::span<const uint8_t>(back.root.code).subspan(7);
    EXPECT_EQ(decodeInstructionV5(ops, 0, true).size, 4u);
    EXPECT_EQ(decodeInstructionV5(ops, 0, false).size, 3u);
    // A non-zero cache byte in the file is not canonical.
    auto bad = bytes;
    bad[19] = 0x01;
    EXPECT_MPY_ERROR(bad, "cache byte");
}

TEST(MpyV5, WriterWindowEviction) {
    // §1.4 example: after w.py, n00 .. n32 (34 new entries) n01 is a hit at 31 (3f), n00 was evicted and
    // is sent again in full, and a following n01 is then a hit at 1 (03).
    MpyFile f;
    f.version = 5;
    f.qstrs = {"<module>", "w.py"};
    std::vector<uint8_t> code = hex("00 0a 00 00 01 00 00"); // n_state 1, n_info 5
    auto use = [&](uint8_t op, const std::string& name) {
        auto it = std::find(f.qstrs.begin(), f.qstrs.end(), name);
        size_t index = size_t(it - f.qstrs.begin());
        if (it == f.qstrs.end()) f.qstrs.push_back(name);
        code.insert(code.end(), {op, uint8_t(index & 0xff), uint8_t(index >> 8)});
    };
    for (int i = 0; i <= 32; ++i) {
        use(0x11, (i < 10 ? "n0" : "n") + std::to_string(i));
        code.push_back(0x59);
    }
    for (const char* name : {"n01", "n00", "n01"}) {
        use(0x11, name);
        code.push_back(0x59);
    }
    code.insert(code.end(), {0x51, 0x63});
    f.root.code = code;
    const auto bytes = writeMpy(f);
    // Tail: ... 11 3f 59 | 11 06 "n00" 59 | 11 03 59 | 51 63 00 00
    EXPECT_EQ(toHex(std::vector<uint8_t>(bytes.end() - 16, bytes.end())),
              "11 3f 59 11 06 6e 30 30 59 11 03 59 51 63 00 00");
    MpyFile back = readMpy(bytes);
    EXPECT_EQ(writeMpy(back), bytes);
    EXPECT_EQ(back.root.code.size(), f.root.code.size());
}

TEST(MpyV5, EveryGoldenFileRoundTrips) {
    const auto files = test::goldenV5Files();
    ASSERT_GE(files.size(), 130u) << "golden-v5 corpus missing";
    size_t roundTrips = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.string());
        const auto bytes = test::readBytes(path);
        MpyFile f;
        try {
            f = readMpy(bytes);
        } catch (const MpyFormatError& e) {
            ADD_FAILURE() << e.what();
            continue;
        }
        EXPECT_EQ(f.version, 5);
        EXPECT_EQ(f.flags, path.parent_path().filename() == "unicode" ? 0x02 : 0x00);
        const auto written = writeMpy(f);
        EXPECT_EQ(written, bytes);
        if (written == bytes) ++roundTrips;
        EXPECT_NO_THROW((void)disassemble(f));
        EXPECT_NO_THROW((void)disassembleCode(f));
        const MpyHeader h = readMpyHeader(bytes);
        EXPECT_EQ(h.version, 5);
        EXPECT_EQ(h.qstrWindowSize, 32u);
        EXPECT_EQ(h.size, 5u);
    }
    EXPECT_EQ(roundTrips, files.size());
    std::printf("golden-v5: %zu/%zu files round-trip byte for byte\n", roundTrips, files.size());
}

TEST(MpyV5, Header) {
    const auto ex = v5Example1();
    MpyHeader h = readMpyHeader(ex);
    EXPECT_EQ(h.version, 5);
    EXPECT_EQ(h.flags, 0x02);
    EXPECT_EQ(h.smallIntBits, 31);
    EXPECT_EQ(h.qstrWindowSize, 32u);
    EXPECT_EQ(h.size, 5u);
    // A prefix is enough.
    EXPECT_EQ(readMpyHeader(std::span(ex).first(5)).version, 5);
    EXPECT_THROW(readMpyHeader(std::span(ex).first(4)), MpyFormatError); // window size missing
    h = readMpyHeader(test::workedExample1());
    EXPECT_EQ(h.version, 6);
    EXPECT_EQ(h.size, 4u);
    EXPECT_THROW(readMpyHeader(hex("4d 05 02")), MpyFormatError);
    EXPECT_THROW(readMpyHeader(hex("4d 04 02 1f 20")), MpyFormatError);

    // All four flag combinations of bits 0/1 are bytecode headers; arch bits are not.
    auto bad = ex;
    bad[2] = 0x06;
    EXPECT_MPY_ERROR(bad, "native architecture 1");
    EXPECT_THROW(readMpyHeader(bad), MpyFormatError);
    bad[2] = 0x80;
    EXPECT_MPY_ERROR(bad, "native architecture");
    for (uint8_t flags : {0x00, 0x02}) {
        bad[2] = flags;
        EXPECT_EQ(errorOf(bad), "");
        EXPECT_EQ(writeMpy(readMpy(bad)), bad);
    }
    // Window size: 33 is rejected (§1.3), smaller values are informational and round-trip.
    bad = ex;
    bad[4] = 33;
    EXPECT_MPY_ERROR(bad, "qstr window size 33");
    EXPECT_THROW(readMpyHeader(bad), MpyFormatError);
    bad[4] = 16;
    MpyFile f = readMpy(bad);
    EXPECT_EQ(f.v5QstrWindowSize, 16u);
    EXPECT_EQ(writeMpy(f), bad);
    bad = replaced(ex, 4, 1, {0x80, 0x20}); // non-minimal vuint
    EXPECT_MPY_ERROR(bad, "non-canonical vuint");
}

TEST(MpyV5, TruncationAtEveryLength) {
    std::vector<std::vector<uint8_t>> samples = {v5Example1(), v5Example9(), v5ExampleFloat()};
    const auto files = test::goldenV5Files();
    for (size_t i = 0; i < files.size() && i < 4; ++i) samples.push_back(test::readBytes(files[i]));
    for (const auto& bytes : samples) {
        for (size_t n = 0; n < bytes.size(); ++n) {
            const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + ptrdiff_t(n));
            EXPECT_NE(errorOf(cut), "") << "accepted a truncation to " << n << " of " << bytes.size();
        }
        EXPECT_EQ(errorOf(bytes), "");
    }
}

TEST(MpyV5, MalformedInput) {
    const auto ex1 = v5Example1();
    const auto ex9 = v5Example9();
    // Trailing bytes.
    auto bad = ex1;
    bad.push_back(0);
    EXPECT_MPY_ERROR(bad, "1 trailing byte");
    // mem_len mismatch: 14 ends inside CALL_FUNCTION; 2 is smaller than the prelude; 2044 cannot come from
    // the bytes that remain; 19 reads the counts as opcodes and 17 the RETURN_VALUE as the object count.
    EXPECT_MPY_ERROR(replaced(ex1, 5, 1, {0x38}), "mem_len mismatch: CALL_FUNCTION at file offset 28");
    EXPECT_MPY_ERROR(replaced(ex1, 5, 1, {0x08}), "mem_len mismatch");
    EXPECT_MPY_ERROR(replaced(ex1, 5, 1, {0x9f, 0x70}), "mem_len 1020 cannot be rebuilt");
    EXPECT_NE(errorOf(replaced(ex1, 5, 1, {0x4c})), "");
    EXPECT_MPY_ERROR(replaced(ex1, 5, 1, {0x44}), "declares 99 objects");
    // Native kinds.
    EXPECT_MPY_ERROR(replaced(ex1, 5, 1, {0x49}), "not supported");
    // Bad window index: the source file's first use as a hit on an empty window.
    EXPECT_MPY_ERROR(replaced(ex1, 10, 7, {0x01}), "window index 0 out of range");
    // In ex9, greet's simple name `01` (window 0) -> `05` (window 2, the window holds 2).
    bad = ex9;
    ASSERT_EQ(bad[0x2b], 0x01);
    bad[0x2b] = 0x05;
    EXPECT_MPY_ERROR(bad, "window index 2 out of range");
    // Static ids 0 and 166.
    bad = ex1;
    bad[9] = 0x00;
    EXPECT_MPY_ERROR(bad, "static qstr id 0");
    bad[9] = 0xa6;
    EXPECT_MPY_ERROR(bad, "static qstr id 166");
    // A static string inline, and a string in the window inline, are not canonical.
    EXPECT_MPY_ERROR(replaced(ex1, 19, 2, {0x0a, 'p', 'r', 'i', 'n', 't'}), "is static qstr 123");
    // greet's `01` simple name spelled inline again (mem size unchanged, file grows).
    EXPECT_MPY_ERROR(replaced(ex9, 0x2b, 1, {0x0a, 'g', 'r', 'e', 'e', 't'}),
                     "window index 0 but is written");
    // String length past the end.
    bad = ex1;
    bad[10] = 0x7e;
    EXPECT_MPY_ERROR(bad, "truncated");
    // Object tags: 't' (v6-style tuple), 0x05 (v6 str tag), and an invalid float text.
    bad = ex9;
    ASSERT_EQ(bad[0x51], 's');
    bad[0x51] = 't';
    EXPECT_MPY_ERROR(bad, "unknown tag 0x74");
    bad[0x51] = 0x05;
    EXPECT_MPY_ERROR(bad, "unknown tag 0x05");
    bad[0x51] = 'f';
    EXPECT_MPY_ERROR(bad, "not valid float text");
    bad[0x51] = 'b';
    EXPECT_EQ(errorOf(bad), ""); // bytes 'hello world!'
    // Counts larger than the input.
    bad = ex9;
    ASSERT_EQ(bad[0x26], 0x01);
    bad[0x26] = 0x7f;
    EXPECT_MPY_ERROR(bad, "children");
    bad = ex9;
    bad[0x4d] = 0x7f;
    EXPECT_MPY_ERROR(bad, "objects");
    // LOAD_CONST_OBJ 1 -> 0 (the argument name) and 2 (past the objects).
    bad = ex9;
    ASSERT_EQ(bad[0x3c], 0x01);
    bad[0x3c] = 0x00;
    EXPECT_MPY_ERROR(bad, "LOAD_CONST_OBJ const-table index 0 is not an object");
    bad[0x3c] = 0x02;
    EXPECT_MPY_ERROR(bad, "LOAD_CONST_OBJ const-table index 2 is not an object");
    // MAKE_FUNCTION 0 -> 1 (no such child).
    bad = ex9;
    ASSERT_EQ(bad[0x15], 0x00);
    bad[0x15] = 0x01;
    EXPECT_MPY_ERROR(bad, "MAKE_FUNCTION const-table index 1 is not a child");
    // Jump targets: into the middle of an instruction, and out of the code.
    bad = ex9;
    ASSERT_EQ(bad[0x34], 0x0d);
    bad[0x34] = 0x0c; // target 17, the BINARY_OP: valid
    EXPECT_EQ(errorOf(bad), "");
    bad[0x34] = 0x06; // target 11: the second byte of LOAD_CONST_OBJ
    EXPECT_MPY_ERROR(bad, "jump target 11 is not the start of an opcode");
    bad[0x34] = 0x7f; // target 132
    EXPECT_MPY_ERROR(bad, "jump target 132");
    // A missing line-table terminator (ex1: n_info 5, terminator at offset 17 -> a 0x20 entry).
    bad = ex1;
    ASSERT_EQ(bad[17], 0x00);
    bad[17] = 0x20;
    EXPECT_MPY_ERROR(bad, "terminator");
    // Nesting depth.
    ReadLimits shallow;
    shallow.maxNestingDepth = 0;
    EXPECT_NE(errorOf(ex9, shallow).find("nested deeper"), std::string::npos);
    EXPECT_EQ(errorOf(ex1, shallow), "");
    // Argument names are copied out of the window: their total is bounded.
    ReadLimits noNames;
    noNames.maxV5ArgNameBytes = 0;
    EXPECT_NE(errorOf(ex9, noNames).find("argument names total more than 0 bytes"), std::string::npos);
    // Distinct qstrs are bounded by maxTableEntries (and by the 16-bit in-memory operands).
    ReadLimits fewQstrs;
    fewQstrs.maxTableEntries = 3;
    EXPECT_NE(errorOf(ex9, fewQstrs).find("more than 3 distinct qstrs"), std::string::npos);
}

TEST(MpyV5, WriterRejectsWhatV5CannotRepresent) {
    MpyFile good = readMpy(v5Example9());
    EXPECT_NO_THROW(writeMpy(good));
    MpyFile f = good;
    f.root.children[0].v5Constants[0].kind = Constant::Kind::Tuple;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.root.children[0].v5Constants[0].kind = Constant::Kind::None;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.root.children[0].kind = RawCodeKind::NativePython;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.qstrs.pop_back(); // "print" is referenced by greet
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.root.children[0].v5ArgNames.clear();
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.constants.push_back(Constant{Constant::Kind::None, "", {}});
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.flags = 0x0a;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.v5QstrWindowSize = 33;
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.root.code.pop_back(); // 51 63 -> 51: still decodes; drop both opcode bytes and cut an operand instead
    f.root.code.resize(f.root.code.size() - 7); // ends inside STORE_NAME's qstr operand
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
    f = good;
    f.root.code[1] = 0x02; // n_info 1: not a v5 prelude
    EXPECT_THROW(writeMpy(f), std::invalid_argument);
}

TEST(MpyV5, ModelRoundTripKeepsQstrIds) {
    // A model from a producer (any qstr order) writes the same bytes as the one readMpy rebuilds.
    MpyFile f;
    f.version = 5;
    f.flags = 0x02;
    f.qstrs = {"hello", "ex1.py", "unused", "print", "<module>"};
    f.root.code = hex("08 0a 04 00 01 00 00 11 03 00 10 00 00 34 01 59 51 63");
    EXPECT_EQ(writeMpy(f), v5Example1());
}

TEST(MpyV5, DisassembleWorkedExample9) {
    MpyFile f = readMpy(v5Example9());
    EXPECT_EQ(disassembleCode(f), "<module>:\n"
                                  "  00 MAKE_FUNCTION 0\n"
                                  "  02 STORE_NAME greet\n"
                                  "  05 LOAD_NAME greet  ; line 6\n"
                                  "  08 LOAD_CONST_SMALL_INT 2\n"
                                  "  09 CALL_FUNCTION pos=1 kw=0\n"
                                  "  11 POP_TOP\n"
                                  "  12 LOAD_CONST_NONE\n"
                                  "  13 RETURN_VALUE\n"
                                  "<module>/greet:\n"
                                  "  00 LOAD_FAST 0  ; line 2\n"
                                  "  01 LOAD_CONST_SMALL_INT 0\n"
                                  "  02 JUMP 18\n"
                                  "  05 DUP_TOP\n"
                                  "  06 STORE_FAST 1\n"
                                  "  07 LOAD_GLOBAL print  ; line 3\n"
                                  "  10 LOAD_CONST_OBJ 'hello world!'\n"
                                  "  12 LOAD_FAST 1\n"
                                  "  13 CALL_FUNCTION pos=2 kw=0\n"
                                  "  15 POP_TOP\n"
                                  "  16 LOAD_CONST_SMALL_INT 1\n"
                                  "  17 BINARY_OP INPLACE_ADD\n"
                                  "  18 DUP_TOP_TWO\n"
                                  "  19 ROT_TWO\n"
                                  "  20 BINARY_OP LESS\n"
                                  "  21 POP_JUMP_IF_TRUE 5\n"
                                  "  24 POP_TOP\n"
                                  "  25 POP_TOP\n"
                                  "  26 LOAD_FAST 0  ; line 4\n"
                                  "  27 RETURN_VALUE\n");
    const std::string full = disassemble(f);
    expectContains(full, "mpy version 5, flags 0x02 (unicode), small int bits 31\nqstr window size 32\n"
                         "raw code <module>: bytecode, 23 code bytes, 1 child\n");
    expectContains(full, "  simple name: <module>, source file: ex5.py\n  line table: 65 40 -> 5:4 5:6\n");
    expectContains(full, "  raw code <module>/greet: bytecode, 38 code bytes, 0 children\n"
                         "    n_state 7, n_exc_stack 0, flags 0x00, n_pos_args 1, n_kwonly_args 0, "
                         "n_def_pos_args 0\n"
                         "    simple name: greet, source file: ex5.py\n"
                         "    arg names: n\n"
                         "    objects (1):\n"
                         "      1 str 'hello world!'\n"
                         "    line table: 20 27 33 -> 0:2 7:3 26:4\n");
    EXPECT_EQ(full.find("qstrs ("), std::string::npos);

    // Flags decoded; the listing does not depend on the model's qstr numbering.
    f.flags = 0x00;
    expectContains(disassemble(f), "flags 0x00 (no unicode, no cache)");
    MpyFile c =
        readMpy(test::hex("4d 05 03 1f 20 48 08 0a 00 07 08 63 2e 70 79 00 11 02 61 00 13 02 62 00 59 "
                          "51 63 00 00"));
    const std::string cached = disassemble(c);
    expectContains(cached, "flags 0x03 (cache-lookup-bc, unicode)");
    expectContains(cached, "  00 LOAD_NAME a\n  04 LOAD_ATTR b\n  08 POP_TOP\n");
    c.flags = 0x01;
    expectContains(disassemble(c), "flags 0x01 (cache-lookup-bc)");
}

TEST(MpyV5, DisassembleBadTableOperands) {
    // A model that did not come from readMpy: out-of-range table operands print as such, without throwing.
    MpyFile f = readMpy(v5Example9());
    f.root.code[10] = 0x05; // MAKE_FUNCTION 5 (opcodes start at 9)
    f.root.children[0].v5Constants.clear();
    const std::string code = disassembleCode(f);
    expectContains(code, "  00 MAKE_FUNCTION <bad child 5>\n");
    expectContains(code, "  10 LOAD_CONST_OBJ <bad constant 1>\n");
}

} // namespace
} // namespace mpyseal::mpy
