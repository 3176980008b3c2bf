// Internal to the mpy library: pieces shared by the v6 reader (MpyReader.cpp), the v5 reader and writer
// (MpyV5Reader.cpp, MpyV5Writer.cpp) and the disassembler. Not installed, not part of the public API.
#pragma once

#include "mpyseal/mpy/Bytecode.h"
#include "mpyseal/mpy/Encoding.h"
#include "mpyseal/mpy/MpyModel.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/mpy/Opcodes.h"

#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mpyseal::mpy::detail {

/// Size of the v5 move-to-front qstr window: mpy-cross 1.13 writes 32 and its loader always uses 32,
/// whatever the header says; it only rejects a larger header value (mpy-v5.md §1.3, §1.4).
inline constexpr uint32_t kV5QstrWindow = 32;

/// Validates the header of either version (v6: mpy-format.md §1.3; v5: mpy-v5.md §1.3) and leaves `cur`
/// after it (v6: after the arch-flags vuint if any; v5: after the window-size vuint). Throws MpyFormatError.
MpyHeader readHeader(ByteCursor& cur, size_t inputSize);

/// Reads / writes a version 5 file (MpyV5Reader.cpp, MpyV5Writer.cpp); readMpy/writeMpy dispatch here.
MpyFile readMpyV5(std::span<const uint8_t> bytes, const ReadLimits& limits);
std::vector<uint8_t> writeMpyV5(const MpyFile& file);

/// Printable, length-limited rendering of untrusted text for error messages.
std::string shortText(std::string_view s, size_t max);
inline constexpr size_t kMaxNameInMessage = 40;  ///< names quoted in reader errors
inline constexpr size_t kMaxPathInMessage = 160; ///< raw-code paths ("<module>/f/g") in reader errors
/// "parent/name", keeping only the last kMaxPathInMessage characters.
std::string joinPath(std::string_view parent, std::string_view name);
/// How reader errors name a raw code: "the top-level raw code" or "child N of raw code PATH".
std::string rawCodeLocation(std::string_view parentPath, uint64_t childIndex);
/// True unless `c` is an int, float or complex constant whose text is not the syntax mpy-cross writes
/// (int: -?digits; float: repr; complex: float text + 'j'). Both versions store these kinds as text.
bool isValidConstantText(const Constant& c);
const char* constantKindName(Constant::Kind kind);

/// Start of a raw code in either version: checks `depth` against limits.maxNestingDepth, reads the kind_len
/// vuint and rejects native kinds by name. `where` is rawCodeLocation(...). Returns kind_len.
uint64_t readBytecodeKindLen(ByteCursor& cur, std::string_view where, uint32_t depth,
                             const ReadLimits& limits);
/// Rejects bytes left after the top-level raw code.
void checkNoTrailingBytes(const ByteCursor& cur);

/// Prelude checks common to v5 and v6 (mpy-format.md §3.4): the argument slots fit in n_state,
/// n_def_pos_args <= n_pos_args, every cell names a local < n_state, and at least one opcode follows the
/// prelude of the `codeSize`-byte code. `fail(message)` must throw.
template <typename Fail> void checkPreludeFields(const Prelude& p, size_t codeSize, const Fail& fail) {
    const Signature& sig = p.signature;
    // Arguments occupy the first locals: positional, keyword-only, then *args and **kwargs (§3.4).
    const uint64_t argLocals = uint64_t(sig.nPosArgs) + sig.nKwonlyArgs +
                               ((sig.scopeFlags & kScopeFlagVarArgs) ? 1 : 0) +
                               ((sig.scopeFlags & kScopeFlagVarKeywords) ? 1 : 0);
    if (argLocals > sig.nState)
        fail(fmt::format("n_state {} is smaller than the {} argument slots", sig.nState, argLocals));
    if (sig.nDefPosArgs > sig.nPosArgs)
        fail(fmt::format("n_def_pos_args {} exceeds n_pos_args {}", sig.nDefPosArgs, sig.nPosArgs));
    for (size_t i = 0; i < p.cells.size(); ++i)
        if (p.cells[i] >= sig.nState)
            fail(fmt::format("cell {} names local {} but n_state is {}", i, p.cells[i], sig.nState));
    if (p.opcodeOffset >= codeSize) fail("no opcodes after the prelude");
}

/// Walks `opcodes` instruction by instruction: `decode(offset)` returns the instruction there (and throws
/// for malformed bytes), `check(ins)` validates its operands; then every jump target must be the start of
/// an opcode inside `opcodes`. `opFail(ins, message)` must throw.
template <typename Decode, typename Check, typename Fail>
void checkOpcodes(std::span<const uint8_t> opcodes, const Decode& decode, const Check& check,
                  const Fail& opFail) {
    std::vector<bool> isStart(opcodes.size(), false);
    std::vector<Instruction> jumps;
    for (size_t offset = 0; offset < opcodes.size();) {
        const Instruction ins = decode(offset);
        isStart[offset] = true;
        check(ins);
        const OperandKind kind = opcodeInfo(ins.opcode).operand;
        if (kind == OperandKind::SignedJump || kind == OperandKind::UnsignedJump) jumps.push_back(ins);
        offset += ins.size;
    }
    for (const Instruction& j : jumps)
        if (j.jumpTarget < 0 || uint64_t(j.jumpTarget) >= opcodes.size() || !isStart[size_t(j.jumpTarget)])
            opFail(j, fmt::format("jump target {} is not the start of an opcode (code has {} opcode bytes)",
                                  j.jumpTarget, opcodes.size()));
}

/// Operand checks common to v5 and v6 bytecode (everything but constant and child indices): qstr indices
/// < nQstr, local numbers < n_state, MAKE_CLOSURE* cells <= n_state, LOAD_CONST_SMALL_INT within
/// `smallIntBits`, counts that fit the stack, BUILD_SLICE 2/3, STORE_COMP kind, UNPACK_EX / CALL_* shapes,
/// UNWIND_JUMP depth, SETUP_* with an exception stack. `opFail(ins, message)` must throw.
template <typename Fail>
void checkCommonOperands(const Instruction& ins, const Signature& sig, uint64_t nQstr, uint8_t smallIntBits,
                         size_t opcodeBytes, const Fail& opFail) {
    const uint8_t op = ins.opcode;
    if (opcodeInfo(op).operand == OperandKind::Qstr && ins.arg >= nQstr)
        opFail(ins, fmt::format("qstr index {} out of range ({} qstrs)", ins.arg, nQstr));
    if (isLocalNumberOpcode(op) && ins.arg >= sig.nState)
        opFail(ins, fmt::format("local {} out of range (n_state {})", ins.arg, sig.nState));
    switch (Op(op)) {
    case Op::MakeClosure:
    case Op::MakeClosureDefargs:
        if (ins.extra > sig.nState)
            opFail(ins, fmt::format("closes over {} cells but n_state is {}", ins.extra, sig.nState));
        break;
    case Op::LoadConstSmallInt:
        if (smallIntBits >= 1 && smallIntBits < 64) {
            const int64_t limit = int64_t(1) << (smallIntBits - 1);
            if (ins.smallInt < -limit || ins.smallInt >= limit)
                opFail(ins, fmt::format("{} does not fit in {}-bit small ints", ins.smallInt, smallIntBits));
        }
        break;
    case Op::BuildTuple:
    case Op::BuildList:
    case Op::BuildSet:
    case Op::UnpackSequence:
        if (ins.arg > sig.nState)
            opFail(ins, fmt::format("count {} exceeds n_state {}", ins.arg, sig.nState));
        break;
    case Op::BuildMap:
        // A size hint; each entry needs a STORE_MAP byte, which bounds a sane hint.
        if (ins.arg > opcodeBytes)
            opFail(ins, fmt::format("size hint {} exceeds the {} opcode bytes", ins.arg, opcodeBytes));
        break;
    case Op::BuildSlice:
        if (ins.arg != 2 && ins.arg != 3) opFail(ins, fmt::format("{} items (must be 2 or 3)", ins.arg));
        break;
    case Op::StoreComp:
        if ((ins.arg & 3) == 3 || (ins.arg >> 2) >= sig.nState)
            opFail(ins, fmt::format("operand {} is not a valid (distance << 2) | kind", ins.arg));
        break;
    case Op::UnpackEx:
        if (ins.arg > 0xffff || (ins.arg & 0xff) + (ins.arg >> 8) + 1 > sig.nState)
            opFail(ins,
                   fmt::format("operand 0x{:x} does not fit the stack (n_state {})", ins.arg, sig.nState));
        break;
    case Op::CallFunction:
    case Op::CallFunctionVarKw:
    case Op::CallMethod:
    case Op::CallMethodVarKw:
        if (ins.arg > 0xffff || (ins.arg & 0xff) + 2 * (ins.arg >> 8) >= sig.nState)
            opFail(ins,
                   fmt::format("operand 0x{:x} does not fit the stack (n_state {})", ins.arg, sig.nState));
        break;
    case Op::UnwindJump:
        if ((ins.extra & 0x7f) > sig.nExcStack)
            opFail(ins,
                   fmt::format("unwinds {} handlers but n_exc_stack is {}", ins.extra & 0x7f, sig.nExcStack));
        break;
    case Op::SetupWith:
    case Op::SetupExcept:
    case Op::SetupFinally:
        if (sig.nExcStack == 0) opFail(ins, "pushes a handler but n_exc_stack is 0");
        break;
    default: break;
    }
}

} // namespace mpyseal::mpy::detail
