// disassemble / disassembleCode on the worked examples of mpy-format.md §1.11 and the golden corpus.
#include "TestSupport.h"

#include "mpyseal/mpy/Disassembler.h"
#include "mpyseal/mpy/MpyReader.h"

#include <gtest/gtest.h>

namespace mpyseal::mpy {
namespace {

using test::expectContains;
using test::hex;

TEST(Disassembler, WorkedExample1Code) {
    EXPECT_EQ(disassembleCode(readMpy(test::workedExample1())), "<module>:\n"
                                                                "  00 LOAD_NAME print\n"
                                                                "  02 LOAD_CONST_STRING 'hello'\n"
                                                                "  04 CALL_FUNCTION pos=1 kw=0\n"
                                                                "  06 POP_TOP\n"
                                                                "  07 LOAD_CONST_NONE\n"
                                                                "  08 RETURN_VALUE\n");
}

TEST(Disassembler, WorkedExample2) {
    MpyFile f = readMpy(test::workedExample2());
    EXPECT_EQ(disassembleCode(f), "<module>:\n"
                                  "  00 LOAD_CONST_SMALL_INT 10\n"
                                  "  01 BUILD_TUPLE 1\n"
                                  "  03 LOAD_NULL\n"
                                  "  04 MAKE_FUNCTION_DEFARGS 0\n"
                                  "  06 STORE_NAME add\n"
                                  "  08 LOAD_NAME print  ; line 5\n"
                                  "  10 LOAD_NAME add\n"
                                  "  12 LOAD_CONST_SMALL_INT 1\n"
                                  "  13 CALL_FUNCTION pos=1 kw=0\n"
                                  "  15 CALL_FUNCTION pos=1 kw=0\n"
                                  "  17 POP_TOP\n"
                                  "  18 LOAD_CONST_NONE\n"
                                  "  19 RETURN_VALUE\n"
                                  "<module>/add:\n"
                                  "  00 LOAD_FAST 0  ; line 2\n"
                                  "  01 LOAD_FAST 1\n"
                                  "  02 BINARY_OP ADD\n"
                                  "  03 STORE_FAST 2\n"
                                  "  04 LOAD_FAST 2  ; line 3\n"
                                  "  05 LOAD_CONST_OBJ 2.5\n"
                                  "  07 BINARY_OP MULTIPLY\n"
                                  "  08 RETURN_VALUE\n");
    const std::string full = disassemble(f);
    expectContains(full, "mpy version 6, flags 0x00 (arch 0, sub-version 0), small int bits 31\n");
    expectContains(
        full, "qstrs (6):\n  0 'ex2.py'\n  1 '<module>' (static 7)\n  2 'add'\n  3 'print' (static 123)\n");
    expectContains(full, "constants (1):\n  0 float 2.5\n");
    expectContains(full, "raw code <module>: bytecode, 25 code bytes, 1 child\n");
    expectContains(full, "  line table: 68 20 -> 8:4 8:5\n");
    expectContains(full, "  raw code <module>/add: bytecode, 17 code bytes, 0 children\n");
    expectContains(
        full, "    n_state 5, n_exc_stack 0, flags 0x00, n_pos_args 2, n_kwonly_args 0, n_def_pos_args 1\n");
    expectContains(full, "    simple name: add (qstr 2)\n");
    expectContains(full, "    arg names: a b\n");
    expectContains(full, "    05 LOAD_CONST_OBJ 2.5\n");
}

TEST(Disassembler, WorkedExample3) {
    // The opcode listing documented in §1.11 example 3, in this disassembler's notation.
    const std::string code = disassembleCode(readMpy(test::workedExample3()));
    for (const char* line : {
             "<module>/f:\n",
             "  00 LOAD_CONST_SMALL_INT 0  ; line 2\n",
             "  01 STORE_FAST 1\n",
             "  02 LOAD_FAST 0  ; line 3\n",
             "  03 LOAD_CONST_SMALL_INT 0\n",
             "  04 JUMP 33\n",
             "  06 DUP_TOP\n",
             "  07 STORE_FAST 2\n",
             "  08 SETUP_EXCEPT 20  ; line 4\n",
             "  10 LOAD_FAST 1  ; line 5\n",
             "  11 LOAD_GLOBAL g\n",
             "  13 LOAD_FAST 2\n",
             "  14 CALL_FUNCTION pos=1 kw=0\n",
             "  16 BINARY_OP INPLACE_ADD\n",
             "  17 STORE_FAST 1\n",
             "  18 POP_EXCEPT_JUMP 31\n",
             "  20 DUP_TOP\n",
             "  21 LOAD_GLOBAL ValueError\n",
             "  23 BINARY_OP EXCEPTION_MATCH\n",
             "  24 POP_JUMP_IF_FALSE 30\n",
             "  26 POP_TOP\n",
             "  27 UNWIND_JUMP 38 unwind=1  ; line 7\n",
             "  30 END_FINALLY\n",
             "  31 LOAD_CONST_SMALL_INT 1\n",
             "  32 BINARY_OP INPLACE_ADD\n",
             "  33 DUP_TOP_TWO\n",
             "  34 ROT_TWO\n",
             "  35 BINARY_OP LESS\n",
             "  36 POP_JUMP_IF_TRUE 6\n",
             "  38 POP_TOP\n",
             "  39 POP_TOP\n",
             "  40 LOAD_CONST_STRING 'total '  ; line 8\n",
             "  42 LOAD_GLOBAL str\n",
             "  44 LOAD_FAST 1\n",
             "  45 CALL_FUNCTION pos=1 kw=0\n",
             "  47 BINARY_OP ADD\n",
             "  48 LOAD_CONST_STRING '!!!'\n",
             "  50 BINARY_OP ADD\n",
             "  51 RETURN_VALUE\n",
         })
        expectContains(code, line);
    const std::string full = disassemble(readMpy(test::workedExample3()));
    expectContains(
        full, "    n_state 11, n_exc_stack 1, flags 0x00, n_pos_args 1, n_kwonly_args 0, n_def_pos_args 0\n");
    expectContains(full, "    line table: 20 22 26 22 51 2d -> 0:2 2:3 8:4 10:5 27:7 40:8\n");
    expectContains(full, "  8 'str' (static 151)\n");
    expectContains(full, "    27 UNWIND_JUMP 38 unwind=1  ; line 7\n");
}

TEST(Disassembler, EveryGoldenFile) {
    const auto files = test::goldenFiles();
    ASSERT_EQ(files.size(), 70u) << "golden corpus not found under " << test::goldenDir();
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        MpyFile f = readMpy(test::readBytes(path));
        std::string full, code;
        ASSERT_NO_THROW(full = disassemble(f));
        ASSERT_NO_THROW(code = disassembleCode(f));
        EXPECT_NE(full.find("RETURN_VALUE"), std::string::npos);
        EXPECT_EQ(code.find("<bad"), std::string::npos);
    }
}

TEST(Disassembler, OperandForms) {
    MpyFile f;
    f.qstrs = {"m.py", "<module>", "a\nb", "os.path"};
    using K = Constant::Kind;
    f.constants = {Constant{K::Tuple, "", {Constant{K::Int, "1", {}}}}, Constant{K::Bytes, "\x01'", {}},
                   Constant{K::Str, std::string(200, 'x'), {}}};
    // LOAD_CONST_OBJ 0,1,2; LOAD_CONST_STRING "a\nb"; IMPORT_NAME os.path; CALL_METHOD 0x102; UNPACK_EX
    // 0x201; STORE_COMP 21 (dict, distance 5); UNARY_OP NOT; LOAD_CONST_SMALL_INT -17; MAKE_CLOSURE 0
    // cells=2; bad qstr 9; RETURN_VALUE.
    f.root.code = hex("08 02 01 23 00 23 01 23 02 10 02 1b 03 36 82 02 31 84 01 2f 15 d3 22 6f 20 00 02 "
                      "11 09 63");
    f.root.children.push_back(RawCode{RawCodeKind::Bytecode, hex("08 02 01 51 63"), {}, {}, {}});
    const std::string code = disassembleCode(f);
    expectContains(code, "  00 LOAD_CONST_OBJ (1,)\n");
    expectContains(code, "  02 LOAD_CONST_OBJ b'\\x01\\''\n");
    expectContains(code, "  04 LOAD_CONST_OBJ '" + std::string(80, 'x') + "'...\n");
    expectContains(code, "  06 LOAD_CONST_STRING 'a\\nb'\n");
    expectContains(code, "  08 IMPORT_NAME os.path\n");
    expectContains(code, "  10 CALL_METHOD pos=2 kw=1\n");
    expectContains(code, "  13 UNPACK_EX before=1 after=2\n");
    expectContains(code, "  16 STORE_COMP dict distance=5\n");
    expectContains(code, "  18 UNARY_OP NOT\n");
    expectContains(code, "  19 LOAD_CONST_SMALL_INT -17\n");
    expectContains(code, "  21 MAKE_CLOSURE 0 cells=2\n");
    expectContains(code, "  24 LOAD_NAME <bad qstr 9>\n");
    expectContains(code, "<module>/<module>:\n");
    expectContains(disassemble(f), "  0 tuple (1,)\n  1 bytes b'\\x01\\''\n");
}

TEST(Disassembler, MalformedCodeThrows) {
    MpyFile f;
    f.qstrs = {"m.py", "<module>"};
    f.root.code = hex("08 02 01 11"); // LOAD_NAME without its operand
    EXPECT_THROW(disassembleCode(f), MpyFormatError);
    f.root.code = hex("08 02 01 00"); // unused opcode
    EXPECT_THROW(disassemble(f), MpyFormatError);
    f.root.code = hex("08 7e 01"); // code-info section past the end
    EXPECT_THROW(disassemble(f), MpyFormatError);
}

} // namespace
} // namespace mpyseal::mpy
