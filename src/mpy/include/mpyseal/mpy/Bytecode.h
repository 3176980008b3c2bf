// Decoding of one bytecode raw code: its prelude (signature, prelude size, names, line table, cells) and
// its instructions one at a time. Shared by the reader's validator, the disassembler and (later) the VM.
// Source: ../shared/reference/mpy-format.md §1.7, §2.1, §2.2. Structural only: these functions check that
// every field fits in the bytes given, not that indices are in range (MpyReader does that).
#pragma once

#include "mpyseal/mpy/Encoding.h"
#include "mpyseal/mpy/Opcodes.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mpyseal::mpy {

/// The decoded prelude of a v6 bytecode raw code. Spans point into the `code` passed to decodePrelude
/// (they do not own the bytes). Offsets are relative to the start of `code`.
struct Prelude {
    Signature signature;
    uint32_t nInfo = 0;                 ///< bytes of the code-info section (simple name .. line table)
    uint32_t nCell = 0;                 ///< bytes of the closure section
    uint64_t simpleName = 0;            ///< qstr-table index of the function name
    std::vector<uint64_t> argNames;     ///< qstr-table index per argument slot (n_pos_args + n_kwonly_args)
    std::span<const uint8_t> lineTable; ///< raw line-number table (§1.8)
    std::span<const uint8_t> cells;     ///< one local number per cell (§1.7.4)
    size_t codeInfoOffset = 0;          ///< offset of simple_name
    size_t opcodeOffset = 0;            ///< offset of the first opcode (== code.size() if there are none)
};

/// Decodes the prelude of `code` (the RawCode::code bytes of a bytecode raw code). Throws MpyFormatError
/// (offsets relative to `code`) if a field is truncated, the code-info or closure section runs past the
/// end, or the argument names do not fit in the code-info section.
Prelude decodePrelude(std::span<const uint8_t> code);

/// One decoded instruction.
struct Instruction {
    size_t offset = 0;  ///< offset of the opcode byte, relative to the first opcode
    size_t size = 0;    ///< total bytes: opcode, operand and extra byte
    uint8_t opcode = 0; ///< raw opcode byte (multi-opcodes included)
    /// Qstr / Uint operand as encoded; for LOAD_FAST/STORE_FAST multi-opcodes the local number, for
    /// UNARY_OP/BINARY_OP multi-opcodes the operator number. 0 otherwise.
    uint64_t arg = 0;
    /// LOAD_CONST_SMALL_INT value (both the 0x22 form and the 0x70..0xaf multi-opcodes). 0 otherwise.
    int64_t smallInt = 0;
    /// Jumps: the absolute target (offset relative to the first opcode; may be out of range for hostile
    /// input, the caller checks). 0 otherwise.
    int64_t jumpTarget = 0;
    uint8_t extra = 0; ///< the extra byte of MAKE_CLOSURE* (cell count) and UNWIND_JUMP (unwind count)
};

/// Decodes the instruction at `offset` in `opcodes` (the bytes from Prelude::opcodeOffset to the end of
/// the code). Throws MpyFormatError for an unused opcode byte or an operand that runs off the end; the
/// message names the opcode and its offset.
Instruction decodeInstruction(std::span<const uint8_t> opcodes, size_t offset);

/// True for the multi-opcode ranges 0xb0..0xbf / 0xc0..0xcf and the *_FAST_N / *_DEREF / DELETE_FAST
/// opcodes, whose operand is a local-variable number.
bool isLocalNumberOpcode(uint8_t opcode);

} // namespace mpyseal::mpy
