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
    uint64_t sourceFile = 0;            ///< v5 only: qstr index of the source file name (v6: 0)
    std::vector<uint64_t> argNames;     ///< qstr-table index per argument slot (n_pos_args + n_kwonly_args);
                                        ///< v5: always empty (the names are RawCode::v5ArgNames)
    std::span<const uint8_t> lineTable; ///< raw line-number table (§1.8); v5: without its 00 terminator
    std::span<const uint8_t> cells;     ///< one local number per cell (§1.7.4)
    size_t codeInfoOffset = 0;          ///< offset of simple_name
    size_t opcodeOffset = 0;            ///< offset of the first opcode (== code.size() if there are none)
};

/// Decodes the prelude of `code` (the RawCode::code bytes of a bytecode raw code). Throws MpyFormatError
/// (offsets relative to `code`) if a field is truncated, the code-info or closure section runs past the
/// end, or the argument names do not fit in the code-info section.
Prelude decodePrelude(std::span<const uint8_t> code);

/// Decodes the prelude of a **v5 in-memory** bytecode raw code (RawCode::code of a version 5 file;
/// mpy-v5.md §1.7): signature, prelude size, then the code-info section of n_info >= 5 bytes holding the
/// 2-byte little-endian simple_name and source_file qstr indices, the line table and its 00 terminator,
/// then n_cell cell bytes. Throws MpyFormatError (offsets relative to `code`) if a field is truncated, a
/// section runs past the end, n_info < 5, or the last code-info byte is not 00. Indices are not checked.
Prelude decodePreludeV5(std::span<const uint8_t> code);

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
    uint8_t extra = 0; ///< the extra byte of MAKE_CLOSURE* (cell count) and UNWIND_JUMP (unwind count); v5
                       ///< with map caching: the cache byte of LOAD_NAME/LOAD_GLOBAL/LOAD_ATTR/STORE_ATTR
};

/// Decodes the instruction at `offset` in `opcodes` (the bytes from Prelude::opcodeOffset to the end of
/// the code). Throws MpyFormatError for an unused opcode byte or an operand that runs off the end; the
/// message names the opcode and its offset.
Instruction decodeInstruction(std::span<const uint8_t> opcodes, size_t offset);

/// Decodes the instruction at `offset` of **v5 in-memory** opcodes (mpy-v5.md §2.2–§2.3): qstr operands
/// are 2-byte little-endian indices (Instruction::arg), followed by one cache byte (Instruction::extra) for
/// LOAD_NAME/LOAD_GLOBAL/LOAD_ATTR/STORE_ATTR when `cacheLookup` (header flag bit 0) is set; jumps are 2
/// bytes little-endian, excess-0x8000 for UNWIND_JUMP, JUMP, POP_JUMP_IF_*, JUMP_IF_*_OR_POP, unsigned for
/// SETUP_*, POP_EXCEPT_JUMP, FOR_ITER, relative to the end of the 2-byte field. Other operands as v6.
/// Same errors as decodeInstruction.
Instruction decodeInstructionV5(std::span<const uint8_t> opcodes, size_t offset, bool cacheLookup);

/// True for the four opcodes that carry a map-lookup cache byte in v5 under -mcache-lookup-bc (§7.2).
bool isV5CachedOpcode(uint8_t opcode);

/// True for the multi-opcode ranges 0xb0..0xbf / 0xc0..0xcf and the *_FAST_N / *_DEREF / DELETE_FAST
/// opcodes, whose operand is a local-variable number.
bool isLocalNumberOpcode(uint8_t opcode);

} // namespace mpyseal::mpy
