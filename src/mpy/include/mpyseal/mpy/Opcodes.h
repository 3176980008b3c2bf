// MicroPython bytecode opcodes (.mpy v5 and v6 share the numbering).
// Source: ../shared/reference/mpy-format.md §2 (py/bc0.h facts).
#pragma once

#include <cstdint>
#include <string_view>

namespace mpyseal::mpy {

/// How an opcode's argument is encoded (§2.1).
enum class OperandKind : uint8_t {
    None,        ///< no argument
    Qstr,        ///< vuint index into the module qstr table (v6)
    Uint,        ///< vuint
    SignedInt,   ///< signed var-int (LOAD_CONST_SMALL_INT only)
    SignedJump,  ///< signed jump offset (1 or 2 bytes in v6)
    UnsignedJump ///< unsigned (forward) jump offset
};

// X(enumName, number, "MP_NAME", operandKind, hasExtraByte)
#define MPYSEAL_OPCODES(X)                                                                                   \
    X(LoadConstString, 0x10, "LOAD_CONST_STRING", Qstr, false)                                               \
    X(LoadName, 0x11, "LOAD_NAME", Qstr, false)                                                              \
    X(LoadGlobal, 0x12, "LOAD_GLOBAL", Qstr, false)                                                          \
    X(LoadAttr, 0x13, "LOAD_ATTR", Qstr, false)                                                              \
    X(LoadMethod, 0x14, "LOAD_METHOD", Qstr, false)                                                          \
    X(LoadSuperMethod, 0x15, "LOAD_SUPER_METHOD", Qstr, false)                                               \
    X(StoreName, 0x16, "STORE_NAME", Qstr, false)                                                            \
    X(StoreGlobal, 0x17, "STORE_GLOBAL", Qstr, false)                                                        \
    X(StoreAttr, 0x18, "STORE_ATTR", Qstr, false)                                                            \
    X(DeleteName, 0x19, "DELETE_NAME", Qstr, false)                                                          \
    X(DeleteGlobal, 0x1a, "DELETE_GLOBAL", Qstr, false)                                                      \
    X(ImportName, 0x1b, "IMPORT_NAME", Qstr, false)                                                          \
    X(ImportFrom, 0x1c, "IMPORT_FROM", Qstr, false)                                                          \
    X(MakeClosure, 0x20, "MAKE_CLOSURE", Uint, true)                                                         \
    X(MakeClosureDefargs, 0x21, "MAKE_CLOSURE_DEFARGS", Uint, true)                                          \
    X(LoadConstSmallInt, 0x22, "LOAD_CONST_SMALL_INT", SignedInt, false)                                     \
    X(LoadConstObj, 0x23, "LOAD_CONST_OBJ", Uint, false)                                                     \
    X(LoadFastN, 0x24, "LOAD_FAST_N", Uint, false)                                                           \
    X(LoadDeref, 0x25, "LOAD_DEREF", Uint, false)                                                            \
    X(StoreFastN, 0x26, "STORE_FAST_N", Uint, false)                                                         \
    X(StoreDeref, 0x27, "STORE_DEREF", Uint, false)                                                          \
    X(DeleteFast, 0x28, "DELETE_FAST", Uint, false)                                                          \
    X(DeleteDeref, 0x29, "DELETE_DEREF", Uint, false)                                                        \
    X(BuildTuple, 0x2a, "BUILD_TUPLE", Uint, false)                                                          \
    X(BuildList, 0x2b, "BUILD_LIST", Uint, false)                                                            \
    X(BuildMap, 0x2c, "BUILD_MAP", Uint, false)                                                              \
    X(BuildSet, 0x2d, "BUILD_SET", Uint, false)                                                              \
    X(BuildSlice, 0x2e, "BUILD_SLICE", Uint, false)                                                          \
    X(StoreComp, 0x2f, "STORE_COMP", Uint, false)                                                            \
    X(UnpackSequence, 0x30, "UNPACK_SEQUENCE", Uint, false)                                                  \
    X(UnpackEx, 0x31, "UNPACK_EX", Uint, false)                                                              \
    X(MakeFunction, 0x32, "MAKE_FUNCTION", Uint, false)                                                      \
    X(MakeFunctionDefargs, 0x33, "MAKE_FUNCTION_DEFARGS", Uint, false)                                       \
    X(CallFunction, 0x34, "CALL_FUNCTION", Uint, false)                                                      \
    X(CallFunctionVarKw, 0x35, "CALL_FUNCTION_VAR_KW", Uint, false)                                          \
    X(CallMethod, 0x36, "CALL_METHOD", Uint, false)                                                          \
    X(CallMethodVarKw, 0x37, "CALL_METHOD_VAR_KW", Uint, false)                                              \
    X(UnwindJump, 0x40, "UNWIND_JUMP", SignedJump, true)                                                     \
    X(Jump, 0x42, "JUMP", SignedJump, false)                                                                 \
    X(PopJumpIfTrue, 0x43, "POP_JUMP_IF_TRUE", SignedJump, false)                                            \
    X(PopJumpIfFalse, 0x44, "POP_JUMP_IF_FALSE", SignedJump, false)                                          \
    X(JumpIfTrueOrPop, 0x45, "JUMP_IF_TRUE_OR_POP", UnsignedJump, false)                                     \
    X(JumpIfFalseOrPop, 0x46, "JUMP_IF_FALSE_OR_POP", UnsignedJump, false)                                   \
    X(SetupWith, 0x47, "SETUP_WITH", UnsignedJump, false)                                                    \
    X(SetupExcept, 0x48, "SETUP_EXCEPT", UnsignedJump, false)                                                \
    X(SetupFinally, 0x49, "SETUP_FINALLY", UnsignedJump, false)                                              \
    X(PopExceptJump, 0x4a, "POP_EXCEPT_JUMP", UnsignedJump, false)                                           \
    X(ForIter, 0x4b, "FOR_ITER", UnsignedJump, false)                                                        \
    X(LoadConstFalse, 0x50, "LOAD_CONST_FALSE", None, false)                                                 \
    X(LoadConstNone, 0x51, "LOAD_CONST_NONE", None, false)                                                   \
    X(LoadConstTrue, 0x52, "LOAD_CONST_TRUE", None, false)                                                   \
    X(LoadNull, 0x53, "LOAD_NULL", None, false)                                                              \
    X(LoadBuildClass, 0x54, "LOAD_BUILD_CLASS", None, false)                                                 \
    X(LoadSubscr, 0x55, "LOAD_SUBSCR", None, false)                                                          \
    X(StoreSubscr, 0x56, "STORE_SUBSCR", None, false)                                                        \
    X(DupTop, 0x57, "DUP_TOP", None, false)                                                                  \
    X(DupTopTwo, 0x58, "DUP_TOP_TWO", None, false)                                                           \
    X(PopTop, 0x59, "POP_TOP", None, false)                                                                  \
    X(RotTwo, 0x5a, "ROT_TWO", None, false)                                                                  \
    X(RotThree, 0x5b, "ROT_THREE", None, false)                                                              \
    X(WithCleanup, 0x5c, "WITH_CLEANUP", None, false)                                                        \
    X(EndFinally, 0x5d, "END_FINALLY", None, false)                                                          \
    X(GetIter, 0x5e, "GET_ITER", None, false)                                                                \
    X(GetIterStack, 0x5f, "GET_ITER_STACK", None, false)                                                     \
    X(StoreMap, 0x62, "STORE_MAP", None, false)                                                              \
    X(ReturnValue, 0x63, "RETURN_VALUE", None, false)                                                        \
    X(RaiseLast, 0x64, "RAISE_LAST", None, false)                                                            \
    X(RaiseObj, 0x65, "RAISE_OBJ", None, false)                                                              \
    X(RaiseFrom, 0x66, "RAISE_FROM", None, false)                                                            \
    X(YieldValue, 0x67, "YIELD_VALUE", None, false)                                                          \
    X(YieldFrom, 0x68, "YIELD_FROM", None, false)                                                            \
    X(ImportStar, 0x69, "IMPORT_STAR", None, false)

enum class Op : uint8_t {
#define MPYSEAL_OP_ENUM(name, number, text, kind, extra) name = number,
    MPYSEAL_OPCODES(MPYSEAL_OP_ENUM)
#undef MPYSEAL_OP_ENUM
};

// Opcode ranges whose low bits carry the operand (§2.3).
inline constexpr uint8_t kLoadConstSmallIntMulti = 0x70; ///< 0x70..0xaf push (op - 0x80): -16..47
inline constexpr int kSmallIntMultiMin = -16;
inline constexpr int kSmallIntMultiMax = 47;
inline constexpr uint8_t kLoadFastMulti = 0xb0;  ///< 0xb0..0xbf push local (op - 0xb0)
inline constexpr uint8_t kStoreFastMulti = 0xc0; ///< 0xc0..0xcf store local (op - 0xc0)
inline constexpr uint8_t kUnaryOpMulti = 0xd0;   ///< 0xd0..0xd3 unary op (op - 0xd0)
inline constexpr uint8_t kBinaryOpMulti = 0xd7;  ///< 0xd7..0xf9 binary op (op - 0xd7)

/// Unary operators as numbered in bytecode (py/runtime0.h order).
enum class UnaryOp : uint8_t { Positive = 0, Negative = 1, Invert = 2, Not = 3 };

/// Binary operators as numbered in bytecode (py/runtime0.h order), §2.5.
enum class BinaryOp : uint8_t {
    Less = 0,
    More,
    Equal,
    LessEqual,
    MoreEqual,
    NotEqual,
    In,
    Is,
    ExceptionMatch,
    InplaceOr,
    InplaceXor,
    InplaceAnd,
    InplaceLshift,
    InplaceRshift,
    InplaceAdd,
    InplaceSubtract,
    InplaceMultiply,
    InplaceMatMultiply,
    InplaceFloorDivide,
    InplaceTrueDivide,
    InplaceModulo,
    InplacePower,
    Or,
    Xor,
    And,
    Lshift,
    Rshift,
    Add,
    Subtract,
    Multiply,
    MatMultiply,
    FloorDivide,
    TrueDivide,
    Modulo,
    Power,
};
inline constexpr int kNumBytecodeBinaryOps = 35;

/// Static description of one opcode byte value.
struct OpcodeInfo {
    std::string_view name; ///< e.g. "LOAD_CONST_SMALL_INT"; empty for an unused byte value
    OperandKind operand;
    bool hasExtraByte; ///< MAKE_CLOSURE*, UNWIND_JUMP carry one raw byte after the operand
};

/// Describes any byte value 0..255, including the multi-opcode ranges (which have OperandKind::None).
/// For unused byte values `name` is empty.
const OpcodeInfo& opcodeInfo(uint8_t opcode);

/// Name of a unary or binary operator in bytecode numbering, e.g. "NOT", "ADD", "INPLACE_ADD", "LESS".
/// Returns "" for numbers outside 0..3 / 0..34 (the runtime-only operators never appear in bytecode).
std::string_view unaryOpName(int op);
std::string_view binaryOpName(int op);

} // namespace mpyseal::mpy
