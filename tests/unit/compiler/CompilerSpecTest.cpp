// Compiler tests whose expected values come from the format specification
// (../shared/reference/mpy-format.md): its worked examples are byte dumps of the real mpy-cross, and its
// §5 states the code templates and table orders that the real compiler was checked against.
#include "mpyseal/compiler/Compiler.h"
#include "mpyseal/mpy/Disassembler.h"
#include "mpyseal/mpy/MpyReader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace {

using mpyseal::compiler::CompileError;
using mpyseal::compiler::CompileOptions;
using mpyseal::compiler::compileToMpy;

std::vector<uint8_t> fromHex(const std::string& hex) {
    std::vector<uint8_t> out;
    std::istringstream in(hex);
    std::string byte;
    while (in >> byte) out.push_back(static_cast<uint8_t>(std::stoul(byte, nullptr, 16)));
    return out;
}

std::vector<uint8_t> compile(const std::string& source, const std::string& name = "t.py") {
    CompileOptions options;
    options.sourceName = name;
    return compileToMpy(source, options);
}

mpyseal::mpy::MpyFile compileModel(const std::string& source, const std::string& name = "t.py") {
    return mpyseal::mpy::readMpy(compile(source, name));
}

// Opcode listing of every raw code, through the disassembler (so a failure shows bytecode, not hex).
std::string dis(const std::string& source) {
    return mpyseal::mpy::disassembleCode(compileModel(source));
}

// Whether `pattern` occurs in `code` (an instruction whose bytes the spec gives).
bool containsBytes(const std::vector<uint8_t>& code, const std::vector<uint8_t>& pattern) {
    return std::search(code.begin(), code.end(), pattern.begin(), pattern.end()) != code.end();
}

std::string compileError(const std::string& source) {
    try {
        compile(source);
    } catch (const CompileError& e) {
        return e.format();
    }
    return "(no error)";
}

// §1.11 Example 1: print("hello")
TEST(CompilerSpecExamples, Example1HelloIsByteIdentical) {
    EXPECT_EQ(
        compile("print(\"hello\")\n", "ex1.py"),
        fromHex(
            "4d 06 00 1f 04 00 0c 65 78 31 2e 70 79 00 0f 0a 68 65 6c 6c 6f 00 81 77 60 08 02 01 11 03 10 02 "
            "34 01 59 51 63"));
}

// §1.11 Example 2: defaults, a float constant, a child function, line numbers.
TEST(CompilerSpecExamples, Example2DefaultsFloatChildIsByteIdentical) {
    const char* source = "def add(a, b=10):\n    x = a + b\n    return x * 2.5\n\nprint(add(1))\n";
    EXPECT_EQ(
        compile(source, "ex2.py"),
        fromHex(
            "4d 06 00 1f 06 01 0c 65 78 32 2e 70 79 00 0f 06 61 64 64 00 81 77 02 61 00 02 62 00 08 03 32 2e "
            "35 81 4c 10 06 01 68 20 8a 2a 01 53 33 00 16 02 11 03 11 02 81 34 01 34 01 59 51 63 01 81 08 a2 "
            "01 0a 02 04 05 20 24 b0 b1 f2 c2 b2 23 00 f4 63"));
}

// §1.11 Example 3: jumps, an exception handler, multi-byte vuints, the optimised range loop.
TEST(CompilerSpecExamples, Example3JumpsHandlerRangeLoopIsByteIdentical) {
    const char* source = "def f(n):\n"
                         "    s = 0\n"
                         "    for i in range(n):\n"
                         "        try:\n"
                         "            s += g(i)\n"
                         "        except ValueError:\n"
                         "            break\n"
                         "    return \"total \" + str(s) + \"!!!\"\n";
    EXPECT_EQ(
        compile(source, "ex3.py"),
        fromHex(
            "4d 06 00 1f 09 00 0c 65 78 33 2e 70 79 00 0f 02 66 00 0c 74 6f 74 61 6c 20 00 06 21 21 21 00 02 "
            "6e 00 02 67 00 6f 82 2f 4c 00 02 01 32 00 16 02 51 63 01 83 70 55 10 02 05 20 22 26 22 51 2d 80 "
            "c1 b0 80 42 5b 57 c2 48 0a b1 12 06 b2 34 01 e5 c1 4a 0b 57 12 07 df 44 44 59 40 49 01 5d 81 e5 "
            "58 5a d7 43 20 59 59 10 03 12 08 b1 34 01 f2 10 04 f2 63"));
}

std::vector<uint8_t> compileV5(const std::string& source, const std::string& name) {
    CompileOptions options;
    options.sourceName = name;
    options.mpyVersion = 5;
    return compileToMpy(source, options);
}

// mpy-v5.md §1.12: print("hello") as MicroPython 1.13 writes it (.mpy v5, unicode, no cache).
TEST(CompilerSpecV5, Example1HelloIsByteIdentical) {
    EXPECT_EQ(
        compileV5("print(\"hello\")\n", "ex1.py"),
        fromHex(
            "4d 05 02 1f 20 48 08 0a 00 07 0c 65 78 31 2e 70 79 00 11 00 7b 10 0a 68 65 6c 6c 6f 34 01 59 51 "
            "63 00 00"));
}

// mpy-v5.md §9: a function with a range loop; window hits, per-function tables, 3-byte jumps.
TEST(CompilerSpecV5, Example9GreetIsByteIdentical) {
    const char* source = "def greet(n):\n"
                         "    for i in range(n):\n"
                         "        print(\"hello world!\", i)\n"
                         "    return n\n"
                         "\n"
                         "greet(2)\n";
    EXPECT_EQ(
        compileV5(source, "ex5.py"),
        fromHex(
            "4d 05 02 1f 20 5c 08 0e 00 07 0c 65 78 35 2e 70 79 65 40 00 32 00 16 0a 67 72 65 65 74 11 01 82 "
            "34 01 59 51 63 00 01 81 18 31 10 01 03 20 27 33 00 b0 80 42 0d 80 57 c1 12 00 7b 23 01 b1 34 02 "
            "59 81 e5 58 5a d7 43 ed 7f 59 59 b0 63 01 00 02 6e 73 0c 68 65 6c 6c 6f 20 77 6f 72 6c 64 21"));
}

// mpy-v5.md §5.3.3-§5.3.5: 1.13 folds integers only and has no constant tuples, so `a, b = 1, 2` swaps.
TEST(CompilerSpecV5, IntegerOnlyFoldingAndNoConstantTuples) {
    CompileOptions options;
    options.sourceName = "t.py";
    options.mpyVersion = 5;
    auto file =
        mpyseal::mpy::readMpy(compileToMpy("x = -1.5\na, b = 1, 2\ny = 10 ** 30 // 10 ** 29\n", options));
    ASSERT_EQ(file.root.v5Constants.size(), 2u);
    EXPECT_EQ(file.root.v5Constants[0].kind, mpyseal::mpy::Constant::Kind::Float);
    EXPECT_EQ(file.root.v5Constants[0].text,
              "1.5"); // -1.5 is not folded: LOAD_CONST_OBJ 1.5; UNARY_OP NEGATIVE
    EXPECT_EQ(file.root.v5Constants[1].kind, mpyseal::mpy::Constant::Kind::Int);
    EXPECT_EQ(file.root.v5Constants[1].text,
              "10"); // a result that went through a big int stays an int object
    std::string listing = mpyseal::mpy::disassembleCode(file);
    EXPECT_NE(listing.find("ROT_TWO"), std::string::npos) << listing;
    EXPECT_EQ(listing.find("UNPACK_SEQUENCE"), std::string::npos) << listing;
}

// §5.5.2: qstr order is pass 1 over all scopes (breadth-first) then pass 2 scope by scope; §5.5.3 gives the
// constant order for the same program.
TEST(CompilerSpecTables, QstrAndConstantOrderOfNestedScopes) {
    const char* source = "import os\n"
                         "def f(p):\n"
                         "    def g(q):\n"
                         "        return q.attr_g + \"sg\" + 1.5\n"
                         "    return p.attr_f + g(2.5) + \"sf\"\n"
                         "def h():\n"
                         "    return lam_var.attr_h + 3.5\n"
                         "v = os.path.join(\"sm\", 4.5)\n";
    auto file = compileModel(source, "file");
    std::vector<std::string> expected{"file", "<module>", "os", "path",   "join", "sm", "f", "attr_f",  "sf",
                                      "h",    "attr_h",   "g",  "attr_g", "sg",   "v",  "p", "lam_var", "q"};
    EXPECT_EQ(file.qstrs, expected);
    std::vector<std::string> constants;
    for (const auto& c : file.constants) constants.push_back(c.text);
    EXPECT_EQ(constants, (std::vector<std::string>{"4.5", "2.5", "3.5", "1.5"}));
}

// §5.3.6: a long string is a qstr only if an identical qstr exists when the parser reaches it.
TEST(CompilerSpecTables, LongStringInternedOnlyAfterAnEarlierIdentifier) {
    auto earlier = compileModel("a_long_identifier_x = 1\ny = \"a_long_identifier_x\"\n");
    EXPECT_TRUE(earlier.constants.empty());
    auto later = compileModel("y = \"a_long_identifier_x\"\na_long_identifier_x = 1\n");
    ASSERT_EQ(later.constants.size(), 1u);
    EXPECT_EQ(later.constants[0].text, "a_long_identifier_x");
}

// §5.3.5: constant tuples are one LOAD_CONST_OBJ; `a, b = 1, 2` is not the swap optimisation.
TEST(CompilerSpecTemplates, ConstantTupleAssignmentUnpacks) {
    EXPECT_EQ(dis("a, b = 1, 2\n"), "<module>:\n"
                                    "  00 LOAD_CONST_OBJ (1, 2)\n"
                                    "  02 UNPACK_SEQUENCE 2\n"
                                    "  04 STORE_NAME a\n"
                                    "  06 STORE_NAME b\n"
                                    "  08 LOAD_CONST_NONE\n"
                                    "  09 RETURN_VALUE\n");
}

// §5.7.3: the 2-tuple swap optimisation.
TEST(CompilerSpecTemplates, TwoTupleSwapUsesRotTwo) {
    EXPECT_EQ(dis("a, b = b, a\n"), "<module>:\n"
                                    "  00 LOAD_NAME b\n"
                                    "  02 LOAD_NAME a\n"
                                    "  04 ROT_TWO\n"
                                    "  05 STORE_NAME a\n"
                                    "  07 STORE_NAME b\n"
                                    "  09 LOAD_CONST_NONE\n"
                                    "  10 RETURN_VALUE\n");
}

// §5.2: an f-string is rewritten to "...".format(...).
TEST(CompilerSpecTemplates, FStringBecomesFormatCall) {
    EXPECT_EQ(dis("f\"x{y}z\"\n"), dis("\"x{}z\".format((y),)\n"));
    EXPECT_NE(dis("z = f\"x{y}z\"\n").find("LOAD_METHOD format"), std::string::npos);
}

// §5.6.3: a forward jump over 62 bytes is short, over 63 bytes stays long (44 bf 80).
TEST(CompilerSpecTemplates, ForwardJumpBoundaryAt63Bytes) {
    // Each `y = x` statement in the body compiles to LOAD_NAME x (2 bytes) + STORE_NAME y (2 bytes) = 4
    // bytes; each `z = 1` is LOAD_CONST_SMALL_INT 1 (1 byte) + STORE_NAME z (2 bytes) = 3 bytes.
    std::string exact62 = "if x:\n";
    for (int i = 0; i < 14; ++i) exact62 += "    y = x\n"; // 56 bytes
    exact62 += "    z = 1\n    z = 1\n";                   // 62 bytes
    std::string exact63 = "if x:\n";
    for (int i = 0; i < 15; ++i) exact63 += "    y = x\n"; // 60 bytes
    exact63 += "    z = 1\n";                              // 63 bytes
    EXPECT_TRUE(containsBytes(compileModel(exact62).root.code, {0x44, 0x7e}));
    EXPECT_TRUE(containsBytes(compileModel(exact63).root.code, {0x44, 0xbf, 0x80}));
}

// §5.11: 256 positional arguments are encoded without a range check (34 82 00).
TEST(CompilerSpecTemplates, CallWith256PositionalArgumentsWraps) {
    std::string source = "f(";
    for (int i = 0; i < 256; ++i) source += "x,";
    source += ")\n";
    EXPECT_TRUE(containsBytes(compileModel(source).root.code, {0x34, 0x82, 0x00}));
}

// §2.4: star bitmap and keyword pairs of f(1, *a, 2, *b, k=3, **c).
TEST(CompilerSpecTemplates, StarArgumentsBitmap) {
    std::string listing = dis("f(1, *a, 2, *b, k=3, **c)\n");
    EXPECT_NE(listing.find("LOAD_CONST_SMALL_INT 10\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find("CALL_FUNCTION_VAR_KW"), std::string::npos) << listing;
    EXPECT_TRUE(containsBytes(compileModel("f(1, *a, 2, *b, k=3, **c)\n").root.code,
                              {0x35, 0x84, 0x04})); // vuint 0x204
}

// §5.4.3: *args is swapped with the last plain parameter, so keyword-only names come out reversed.
TEST(CompilerSpecTemplates, StarArgsReorderingOfKeywordOnlyParameters) {
    std::string listing =
        mpyseal::mpy::disassemble(compileModel("def f(a, b, *c, d, e, **g):\n    return a, b, c, d, e, g\n"));
    EXPECT_NE(listing.find("arg names: a b e d"), std::string::npos) << listing;
}

// §2.4: STORE_COMP arguments for list, set and dict comprehensions are 20, 22 and 25.
TEST(CompilerSpecTemplates, StoreCompArguments) {
    EXPECT_NE(dis("[x for x in y]\n").find("STORE_COMP list distance=5"),
              std::string::npos); // (5 << 2) | 0 = 20
    EXPECT_NE(dis("{x for x in y}\n").find("STORE_COMP set distance=5"),
              std::string::npos); // (5 << 2) | 2 = 22
    EXPECT_NE(dis("{x: x for x in y}\n").find("STORE_COMP dict distance=6"),
              std::string::npos); // (6 << 2) | 1 = 25
}

// §5.9: MicroPython's float repr, not CPython's shortest one.
TEST(CompilerSpecTemplates, FloatConstantsUseMicroPythonRepr) {
    auto file = compileModel("a = 603652.733992967\nb = 5e-324\n");
    ASSERT_EQ(file.constants.size(), 2u);
    EXPECT_EQ(file.constants[0].text, "603652.7339929671");
    EXPECT_EQ(file.constants[1].text, "4.940656458412465e-324");
}

// §5.10 / §5.4.2: `global x` in a function makes the module's own accesses of x explicit globals.
TEST(CompilerSpecTemplates, GlobalInFunctionMakesModuleAccessesGlobal) {
    std::string listing = dis("x = 1\ndef f():\n    global x\n    x = 2\n");
    EXPECT_NE(listing.find("STORE_GLOBAL x"), std::string::npos) << listing;
    EXPECT_EQ(listing.find("STORE_NAME x"), std::string::npos) << listing;
}

// §5.6.2: code after return is not emitted, but its constants still enter the table.
TEST(CompilerSpecTemplates, DeadCodeKeepsConstants) {
    auto file = compileModel("def f():\n    return 1\n    x = 2.5\n");
    ASSERT_EQ(file.constants.size(), 1u);
    EXPECT_EQ(file.constants[0].text, "2.5");
    EXPECT_EQ(mpyseal::mpy::disassembleCode(file).find("LOAD_CONST_OBJ"), std::string::npos);
}

// §5.8: -O1 drops asserts and makes __debug__ False.
TEST(CompilerSpecTemplates, OptimisationLevelDropsAsserts) {
    CompileOptions options;
    options.sourceName = "t.py";
    options.optimizeLevel = 1;
    auto file = mpyseal::mpy::readMpy(compileToMpy("assert x\ny = __debug__\n", options));
    std::string listing = mpyseal::mpy::disassembleCode(file);
    EXPECT_EQ(listing.find("AssertionError"), std::string::npos) << listing;
    EXPECT_NE(listing.find("LOAD_CONST_FALSE"), std::string::npos) << listing;
}

// Diagnostics follow mpy-cross's format: parse errors have no scope, compile errors name the scope.
TEST(CompilerDiagnostics, ParseAndCompileErrorFormats) {
    EXPECT_EQ(compileError("x = (1,\n"), "Traceback (most recent call last):\n  File \"t.py\", line 2\n"
                                         "SyntaxError: invalid syntax\n");
    EXPECT_EQ(compileError("def f():\n    pass\nreturn 1\n"),
              "Traceback (most recent call last):\n  File \"t.py\", line 3, in <module>\n"
              "SyntaxError: 'return' outside function\n");
    EXPECT_EQ(compileError("def f(a, a):\n    pass\n"),
              "Traceback (most recent call last):\n  File \"t.py\", line 1, in f\n"
              "SyntaxError: argument name reused\n");
}

// Hostile input gives an error, never a crash: deep nesting, NUL bytes, invalid UTF-8, empty input.
TEST(CompilerHostileInput, DeepNestingIsAnError) {
    std::string deep = "x = " + std::string(20000, '[') + std::string(20000, ']') + "\n";
    EXPECT_NE(compileError(deep).find("maximum recursion depth exceeded"), std::string::npos);
    std::string unary = "x = " + std::string(20000, '-') + "1\n";
    EXPECT_NE(compileError(unary).find("maximum recursion depth exceeded"), std::string::npos);
}

TEST(CompilerHostileInput, ModeratelyDeepNestingCompiles) {
    std::string deep = "x = " + std::string(500, '(') + "1" + std::string(500, ')') + "\n";
    EXPECT_NO_THROW(compile(deep));
}

TEST(CompilerHostileInput, NulBytesAndInvalidUtf8) {
    EXPECT_NE(compileError(std::string("x = 1\0\n", 7)).find("SyntaxError: invalid syntax"),
              std::string::npos);
    EXPECT_NO_THROW(compile(std::string("s = \"a\0b\"\n", 10)));
    EXPECT_NO_THROW(compile("s = \"\xff\xfe\"\n"));
}

TEST(CompilerHostileInput, EmptyInputIsAnEmptyModule) {
    auto file = compileModel("");
    EXPECT_EQ(mpyseal::mpy::disassembleCode(file), "<module>:\n  00 LOAD_CONST_NONE\n  01 RETURN_VALUE\n");
}

} // namespace
