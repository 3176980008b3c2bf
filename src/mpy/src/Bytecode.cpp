// Prelude and instruction decoding (mpy-format.md §1.7, §2.1, §2.2).
#include "mpyseal/mpy/Bytecode.h"

#include "mpyseal/mpy/MpyReader.h"

#include <fmt/format.h>

namespace mpyseal::mpy {

namespace {

// Signature and prelude size, with the code-info and closure sections checked to fit, the cells and the
// opcode offset (both versions lay these out the same way).
Prelude decodePreludeSizes(std::span<const uint8_t> code) {
    Prelude p;
    ByteCursor c(code);
    p.signature = readSignature(c);
    readPreludeSize(c, p.nInfo, p.nCell);
    p.codeInfoOffset = c.position();
    if (p.nInfo > c.remaining())
        throw MpyFormatError(
            fmt::format("code-info section of {} bytes at offset {} runs past the end of the "
                        "code ({} bytes remain)",
                        p.nInfo, p.codeInfoOffset, c.remaining()));
    if (p.nCell > c.remaining() - p.nInfo)
        throw MpyFormatError(fmt::format("closure section of {} bytes at offset {} runs past the end of the "
                                         "code ({} bytes remain)",
                                         p.nCell, p.codeInfoOffset + p.nInfo, c.remaining() - p.nInfo));
    const size_t infoEnd = p.codeInfoOffset + p.nInfo;
    p.cells = code.subspan(infoEnd, p.nCell);
    p.opcodeOffset = infoEnd + p.nCell;
    return p;
}

} // namespace

Prelude decodePrelude(std::span<const uint8_t> code) {
    Prelude p = decodePreludeSizes(code);
    if (p.nInfo == 0)
        throw MpyFormatError(fmt::format(
            "code-info section at offset {} is empty (it must hold the simple name)", p.codeInfoOffset));

    const size_t infoEnd = p.codeInfoOffset + p.nInfo;
    ByteCursor info(code.first(infoEnd), p.codeInfoOffset);
    p.simpleName = info.readVuint("simple name");
    // Every name takes at least one byte: reject before allocating for a hostile count.
    const uint64_t nArgs = uint64_t(p.signature.nPosArgs) + p.signature.nKwonlyArgs;
    if (nArgs > info.remaining())
        throw MpyFormatError(fmt::format("signature declares {} argument names but only {} bytes of the "
                                         "code-info section remain at offset {}",
                                         nArgs, info.remaining(), info.position()));
    p.argNames.reserve(nArgs);
    for (uint64_t i = 0; i < nArgs; ++i) p.argNames.push_back(info.readVuint("argument name"));
    p.lineTable = code.subspan(info.position(), infoEnd - info.position());
    return p;
}

Prelude decodePreludeV5(std::span<const uint8_t> code) {
    Prelude p = decodePreludeSizes(code);
    // simple_name (2) + source_file (2) + the line table's 00 terminator (1), mpy-v5.md §1.7.
    if (p.nInfo < 5)
        throw MpyFormatError(fmt::format("code-info section of {} bytes at offset {} is too short (v5 needs "
                                         "at least 5: simple name, source file, line-table terminator)",
                                         p.nInfo, p.codeInfoOffset));
    const size_t at = p.codeInfoOffset;
    const size_t infoEnd = at + p.nInfo;
    p.simpleName = code[at] | (uint64_t(code[at + 1]) << 8);
    p.sourceFile = code[at + 2] | (uint64_t(code[at + 3]) << 8);
    if (code[infoEnd - 1] != 0)
        throw MpyFormatError(
            fmt::format("line table ending at offset {} lacks its 00 terminator (found 0x{:02x})",
                        infoEnd - 1, code[infoEnd - 1]));
    p.lineTable = code.subspan(at + 4, p.nInfo - 5);
    return p;
}

bool isV5CachedOpcode(uint8_t op) {
    return op == uint8_t(Op::LoadName) || op == uint8_t(Op::LoadGlobal) || op == uint8_t(Op::LoadAttr) ||
           op == uint8_t(Op::StoreAttr);
}

bool isLocalNumberOpcode(uint8_t op) {
    switch (op) {
    case uint8_t(Op::LoadFastN):
    case uint8_t(Op::LoadDeref):
    case uint8_t(Op::StoreFastN):
    case uint8_t(Op::StoreDeref):
    case uint8_t(Op::DeleteFast):
    case uint8_t(Op::DeleteDeref): return true;
    default: return op >= kLoadFastMulti && op < kStoreFastMulti + 16;
    }
}

namespace {

// The multi-opcode ranges carry their operand in the opcode byte itself (§2.3, same in v5).
void decodeMultiOpcode(Instruction& ins) {
    const uint8_t op = ins.opcode;
    if (op >= kLoadConstSmallIntMulti && op < kLoadConstSmallIntMulti + 64)
        ins.smallInt = int64_t(op) - 0x80;
    else if (op >= kLoadFastMulti && op < kLoadFastMulti + 16)
        ins.arg = op - kLoadFastMulti;
    else if (op >= kStoreFastMulti && op < kStoreFastMulti + 16)
        ins.arg = op - kStoreFastMulti;
    else if (op >= kUnaryOpMulti && op < kUnaryOpMulti + 4)
        ins.arg = op - kUnaryOpMulti;
    else if (op >= kBinaryOpMulti && op < kBinaryOpMulti + kNumBytecodeBinaryOps)
        ins.arg = op - kBinaryOpMulti;
}

// Both versions: opcode byte, operand, extra byte. v5 differs only in the qstr operand (2 bytes LE, then
// the cache byte under -mcache-lookup-bc) and the jump operand (2 bytes LE, excess 0x8000 when signed).
Instruction decode(std::span<const uint8_t> opcodes, size_t offset, bool v5, bool cacheLookup) {
    Instruction ins;
    ins.offset = offset;
    ByteCursor c(opcodes, offset);
    ins.opcode = c.readByte("opcode");
    const OpcodeInfo& info = opcodeInfo(ins.opcode);
    if (info.name.empty())
        throw MpyFormatError(fmt::format("unused opcode 0x{:02x} at offset {}", ins.opcode, offset));
    try {
        switch (info.operand) {
        case OperandKind::None: break;
        case OperandKind::Qstr:
            if (!v5) {
                ins.arg = c.readVuint("operand");
                break;
            }
            ins.arg = c.readByte("qstr operand");
            ins.arg |= uint64_t(c.readByte("qstr operand")) << 8;
            if (cacheLookup && isV5CachedOpcode(ins.opcode)) ins.extra = c.readByte("cache byte");
            break;
        case OperandKind::Uint: ins.arg = c.readVuint("operand"); break;
        case OperandKind::SignedInt: ins.smallInt = c.readSignedVarint("operand"); break;
        case OperandKind::SignedJump:
        case OperandKind::UnsignedJump: {
            int64_t delta;
            if (v5) {
                const uint8_t lo = c.readByte("jump offset");
                const int64_t raw = lo | (int64_t(c.readByte("jump offset")) << 8);
                // v5 signedness is by opcode, not by the v6 table: JUMP_IF_x_OR_POP are signed here (§2.3).
                const bool isSigned = ins.opcode <= uint8_t(Op::JumpIfFalseOrPop);
                delta = isSigned ? raw - 0x8000 : raw;
            } else {
                const uint8_t b0 = c.readByte("jump offset");
                int64_t raw = b0;
                int64_t bias = 0x40;
                if (b0 & 0x80) {
                    raw = (b0 & 0x7f) | (int64_t(c.readByte("jump offset")) << 7);
                    bias = 0x4000;
                }
                delta = info.operand == OperandKind::SignedJump ? raw - bias : raw;
            }
            // Relative to the end of the offset field, before UNWIND_JUMP's extra byte.
            ins.jumpTarget = int64_t(c.position()) + delta;
            break;
        }
        }
        if (info.hasExtraByte) ins.extra = c.readByte("extra byte");
    } catch (const MpyFormatError& e) {
        throw MpyFormatError(fmt::format("{} at offset {}: {}", info.name, offset, e.what()));
    }
    decodeMultiOpcode(ins);
    ins.size = c.position() - offset;
    return ins;
}

} // namespace

Instruction decodeInstruction(std::span<const uint8_t> opcodes, size_t offset) {
    return decode(opcodes, offset, false, false);
}

Instruction decodeInstructionV5(std::span<const uint8_t> opcodes, size_t offset, bool cacheLookup) {
    return decode(opcodes, offset, true, cacheLookup);
}

} // namespace mpyseal::mpy
