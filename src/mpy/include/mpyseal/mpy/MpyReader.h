// .mpy reader: parses and validates untrusted .mpy bytes into an MpyFile.
#pragma once

#include "mpyseal/mpy/MpyModel.h"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace mpyseal::mpy {

/// Raised for any malformed .mpy input. The message says what is wrong and at which byte offset.
class MpyFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Limits applied while reading untrusted input.
struct ReadLimits {
    uint32_t maxNestingDepth = 256;     ///< raw-code nesting
    uint32_t maxTupleDepth = 64;        ///< nested constant tuples
    uint64_t maxTableEntries = 1u << 20; ///< qstrs, constants, children
};

/// Parses a complete .mpy file (v6; v5 once supported). Validates every length, index (qstr, constant
/// and child indices inside bytecode, prelude fields) and that no bytes trail the top-level raw code.
/// Throws MpyFormatError on any violation; never reads out of bounds.
///
/// `bytes` is only read during the call; the result owns copies of everything. Checks, in order:
///  * header (§1.3): 'M', version 6, byte 2 bit 7 clear, architecture 0..12 and, if non-zero, sub-version 3;
///    the arch-flags vuint when bit 6 is set (kept in MpyFile::archFlags). Byte 3 is taken as is.
///  * table counts against the bytes that remain (each entry needs at least one byte) and
///    limits.maxTableEntries, before anything is allocated; qstr entries (static ids 1..165, inline
///    lengths, NUL terminators); constants (tags 1..10, NUL terminators of str/bytes, int/float/complex text
///    syntax, tuple nesting <= limits.maxTupleDepth).
///  * raw codes (§1.6): bytecode kind only (native kinds are rejected by name), code length within the
///    input, has_children => n_children >= 1, nesting <= limits.maxNestingDepth, no trailing bytes.
///  * each bytecode raw code (§1.7, §2), after the whole structure is read: signature and prelude size,
///    code-info and closure sections inside the code, simple name / argument names < n_qstr, line table
///    entries complete, n_state >= argument slots, n_def_pos_args <= n_pos_args, cell locals < n_state, at
///    least one opcode; then every instruction: no unused opcode bytes, operands inside the code, qstr
///    indices < n_qstr, LOAD_CONST_OBJ < n_const, MAKE_* child < n_children, local numbers < n_state,
///    LOAD_CONST_SMALL_INT within the header's small-int bits, counts that fit the stack (n_state),
///    BUILD_SLICE 2/3, STORE_COMP kind 0..2, UNWIND_JUMP depth <= n_exc_stack, SETUP_* only with
///    n_exc_stack >= 1, and every jump target the start of an opcode inside the code.
///
/// The reader accepts only the canonical encoding mpy-cross writes (minimal vuints, the 165 static strings
/// spelled by id), so writeMpy(readMpy(b)) == b for every accepted b.
/// Error messages name the place, e.g. "truncated .mpy: constant 3 (str) needs 120 bytes at offset 57, 12
/// remain" or "bytecode of raw code <module>/f at offset 12 (file offset 80): LOAD_CONST_OBJ index 9 out of
/// range (8 constants)".
MpyFile readMpy(std::span<const uint8_t> bytes, const ReadLimits& limits = {});

} // namespace mpyseal::mpy
