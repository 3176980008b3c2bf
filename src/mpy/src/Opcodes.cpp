// Opcode descriptions for all 256 byte values (mpy-format.md §2.1, §2.3, §2.5).
#include "mpyseal/mpy/Opcodes.h"

#include <array>

namespace mpyseal::mpy {

namespace {

using namespace std::string_view_literals;

constexpr std::array<OpcodeInfo, 256> buildOpcodeTable() {
    std::array<OpcodeInfo, 256> table{};
    for (auto& info : table) info = {""sv, OperandKind::None, false};
#define MPYSEAL_OP_INFO(name, number, text, kind, extra)                                                     \
    table[number] = {std::string_view(text), OperandKind::kind, extra};
    MPYSEAL_OPCODES(MPYSEAL_OP_INFO)
#undef MPYSEAL_OP_INFO
    // The multi-opcode ranges carry their operand in the low bits of the opcode itself (§2.3).
    for (int op = kLoadConstSmallIntMulti; op < kLoadConstSmallIntMulti + 64; ++op)
        table[op] = {"LOAD_CONST_SMALL_INT"sv, OperandKind::None, false};
    for (int op = kLoadFastMulti; op < kLoadFastMulti + 16; ++op)
        table[op] = {"LOAD_FAST"sv, OperandKind::None, false};
    for (int op = kStoreFastMulti; op < kStoreFastMulti + 16; ++op)
        table[op] = {"STORE_FAST"sv, OperandKind::None, false};
    for (int op = kUnaryOpMulti; op < kUnaryOpMulti + 4; ++op)
        table[op] = {"UNARY_OP"sv, OperandKind::None, false};
    for (int op = kBinaryOpMulti; op < kBinaryOpMulti + kNumBytecodeBinaryOps; ++op)
        table[op] = {"BINARY_OP"sv, OperandKind::None, false};
    return table;
}

constexpr std::array<OpcodeInfo, 256> kOpcodeTable = buildOpcodeTable();

// Consistency with the spec's compact rules (§2.1): operand class from the high nibble, extra byte iff
// (op & 0x9e) == 0.
constexpr bool checkOpcodeTable() {
    for (int op = 0; op < 256; ++op) {
        const OpcodeInfo& info = kOpcodeTable[op];
        if (info.name.empty()) continue;
        const int cls = (0x000003a4 >> (2 * (op >> 4))) & 3;
        bool ok = false;
        switch (info.operand) {
        case OperandKind::None: ok = cls == 0; break;
        case OperandKind::Qstr: ok = cls == 1; break;
        case OperandKind::Uint:
        case OperandKind::SignedInt: ok = cls == 2; break;
        case OperandKind::SignedJump:
        case OperandKind::UnsignedJump: ok = cls == 3; break;
        }
        if (!ok || info.hasExtraByte != ((op & 0x9e) == 0)) return false;
    }
    return true;
}
static_assert(checkOpcodeTable(), "opcode table disagrees with the operand-class rules of §2.1");

constexpr std::array<std::string_view, 4> kUnaryOpNames = {"POSITIVE"sv, "NEGATIVE"sv, "INVERT"sv, "NOT"sv};

constexpr std::array<std::string_view, kNumBytecodeBinaryOps> kBinaryOpNames = {
    "LESS"sv,
    "MORE"sv,
    "EQUAL"sv,
    "LESS_EQUAL"sv,
    "MORE_EQUAL"sv,
    "NOT_EQUAL"sv,
    "IN"sv,
    "IS"sv,
    "EXCEPTION_MATCH"sv,
    "INPLACE_OR"sv,
    "INPLACE_XOR"sv,
    "INPLACE_AND"sv,
    "INPLACE_LSHIFT"sv,
    "INPLACE_RSHIFT"sv,
    "INPLACE_ADD"sv,
    "INPLACE_SUBTRACT"sv,
    "INPLACE_MULTIPLY"sv,
    "INPLACE_MAT_MULTIPLY"sv,
    "INPLACE_FLOOR_DIVIDE"sv,
    "INPLACE_TRUE_DIVIDE"sv,
    "INPLACE_MODULO"sv,
    "INPLACE_POWER"sv,
    "OR"sv,
    "XOR"sv,
    "AND"sv,
    "LSHIFT"sv,
    "RSHIFT"sv,
    "ADD"sv,
    "SUBTRACT"sv,
    "MULTIPLY"sv,
    "MAT_MULTIPLY"sv,
    "FLOOR_DIVIDE"sv,
    "TRUE_DIVIDE"sv,
    "MODULO"sv,
    "POWER"sv,
};

} // namespace

const OpcodeInfo& opcodeInfo(uint8_t opcode) {
    return kOpcodeTable[opcode];
}

std::string_view unaryOpName(int op) {
    if (op < 0 || op >= int(kUnaryOpNames.size())) return {};
    return kUnaryOpNames[op];
}

std::string_view binaryOpName(int op) {
    if (op < 0 || op >= kNumBytecodeBinaryOps) return {};
    return kBinaryOpNames[op];
}

} // namespace mpyseal::mpy
