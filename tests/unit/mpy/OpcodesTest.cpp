// Opcode table (mpy-format.md §2.1, §2.3) and operator names (§2.5).
#include "mpyseal/mpy/Opcodes.h"

#include <gtest/gtest.h>

#include <set>

namespace mpyseal::mpy {
namespace {

TEST(Opcodes, UnusedByteValuesHaveNoName) {
    // §2.3: 00-0f, 1d-1f, 38-3f, 41, 4c-4f, 60, 61, 6a-6f, d4-d6, fa-ff.
    std::set<int> unused;
    auto range = [&](int a, int b) {
        for (int i = a; i <= b; ++i) unused.insert(i);
    };
    range(0x00, 0x0f);
    range(0x1d, 0x1f);
    range(0x38, 0x3f);
    range(0x41, 0x41);
    range(0x4c, 0x4f);
    range(0x60, 0x61);
    range(0x6a, 0x6f);
    range(0xd4, 0xd6);
    range(0xfa, 0xff);
    for (int op = 0; op < 256; ++op)
        EXPECT_EQ(opcodeInfo(uint8_t(op)).name.empty(), unused.contains(op)) << std::hex << op;
}

TEST(Opcodes, NamesAndOperands) {
    EXPECT_EQ(opcodeInfo(0x11).name, "LOAD_NAME");
    EXPECT_EQ(opcodeInfo(0x11).operand, OperandKind::Qstr);
    EXPECT_EQ(opcodeInfo(0x22).operand, OperandKind::SignedInt);
    EXPECT_EQ(opcodeInfo(0x23).name, "LOAD_CONST_OBJ");
    EXPECT_EQ(opcodeInfo(0x20).hasExtraByte, true);
    EXPECT_EQ(opcodeInfo(0x21).hasExtraByte, true);
    EXPECT_EQ(opcodeInfo(0x40).hasExtraByte, true);
    EXPECT_EQ(opcodeInfo(0x40).operand, OperandKind::SignedJump);
    EXPECT_EQ(opcodeInfo(0x44).operand, OperandKind::SignedJump);
    EXPECT_EQ(opcodeInfo(0x45).operand, OperandKind::UnsignedJump);
    EXPECT_EQ(opcodeInfo(0x4b).name, "FOR_ITER");
    EXPECT_EQ(opcodeInfo(0x69).name, "IMPORT_STAR");
    EXPECT_EQ(opcodeInfo(0x70).name, "LOAD_CONST_SMALL_INT");
    EXPECT_EQ(opcodeInfo(0xaf).name, "LOAD_CONST_SMALL_INT");
    EXPECT_EQ(opcodeInfo(0xb0).name, "LOAD_FAST");
    EXPECT_EQ(opcodeInfo(0xcf).name, "STORE_FAST");
    EXPECT_EQ(opcodeInfo(0xd3).name, "UNARY_OP");
    EXPECT_EQ(opcodeInfo(0xd7).name, "BINARY_OP");
    EXPECT_EQ(opcodeInfo(0xf9).name, "BINARY_OP");
    EXPECT_EQ(opcodeInfo(0xf9).operand, OperandKind::None);
}

TEST(Opcodes, OperatorNames) {
    EXPECT_EQ(unaryOpName(0), "POSITIVE");
    EXPECT_EQ(unaryOpName(3), "NOT");
    EXPECT_EQ(unaryOpName(4), "");
    EXPECT_EQ(binaryOpName(0), "LESS");
    EXPECT_EQ(binaryOpName(8), "EXCEPTION_MATCH");
    EXPECT_EQ(binaryOpName(14), "INPLACE_ADD");
    EXPECT_EQ(binaryOpName(0xf2 - 0xd7), "ADD");
    EXPECT_EQ(binaryOpName(0xf4 - 0xd7), "MULTIPLY");
    EXPECT_EQ(binaryOpName(34), "POWER");
    EXPECT_EQ(binaryOpName(35), "");
    EXPECT_EQ(binaryOpName(-1), "");
}

} // namespace
} // namespace mpyseal::mpy
