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
    uint32_t maxNestingDepth = 256;      ///< raw-code nesting
    uint32_t maxTupleDepth = 64;         ///< nested constant tuples
    uint64_t maxTableEntries = 1u << 20; ///< qstrs, constants, children
    /// v5: total bytes of argument names, which are copied out of the qstr window (a 1-byte window hit can
    /// name a long string, so without a bound the result could be far larger than the input).
    uint64_t maxV5ArgNameBytes = 64u << 20;
};

/// The fixed header of a .mpy file, as readMpyHeader returns it.
struct MpyHeader {
    uint8_t version = 6;       ///< byte 1: 5 or 6
    uint8_t flags = 0;         ///< byte 2. v6: arch << 2 | sub-version (bit 6: arch flags follow).
                               ///< v5: bit 0 map-lookup cache (-mcache-lookup-bc), bit 1 unicode; arch bits 0
    uint8_t smallIntBits = 31; ///< byte 3
    uint64_t archFlags = 0;    ///< v6 only: the arch-flags vuint when flags bit 6 is set
    uint32_t qstrWindowSize = 0; ///< v5 only: the qstr-window-size vuint after byte 3 (mpy-cross: 32)
    size_t size = 4;             ///< header bytes, including the v6 arch-flags / v5 window-size vuint
};

/// Reads and validates only the header of a .mpy file (cheap: looks at the first few bytes, so `bytes` may
/// be just a prefix of the file). Checks as readMpy: 'M'; version 5 or 6; v6: byte 2 bit 7 clear,
/// architecture 0..12 and, if non-zero, sub-version 3, the arch-flags vuint if bit 6 is set; v5
/// (mpy-v5.md §1.3): architecture bits 2..7 zero (bytecode-only files), the window-size vuint present and
/// <= 32. Throws MpyFormatError otherwise (including fewer than 4 bytes).
MpyHeader readMpyHeader(std::span<const uint8_t> bytes);

/// Parses a complete .mpy file, version 6 or version 5 (dispatching on byte 1). Validates every length, index
/// (qstr, constant and child indices inside bytecode, prelude fields) and that no bytes trail the top-level
/// raw code. Throws MpyFormatError on any violation; never reads out of bounds.
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
/// Version 5 (mpy-v5.md §1, §2): MpyFile::version 5, flags, smallIntBits and v5QstrWindowSize (<= 32) from
/// the header; each raw code's `code` rebuilt in the in-memory layout (see RawCode), its argument names in
/// v5ArgNames and objects in v5Constants; MpyFile::qstrs holds the strings referenced by the prelude names
/// and qstr operands, numbered in order of first appearance in the file (argument names are not in it).
/// Checks: header as readMpyHeader; every qstr (window index < window fill, static id 1..165, string length
/// within the input, no inline copy of a static string or of a string already in the window), bytecode kind
/// only, mem_len <= twice the bytes that remain, the rebuilt in-memory size equal to mem_len exactly (an
/// instruction crossing it is an error), cache bytes 00, counts against the remaining bytes and limits
/// (children need 9 bytes each), object tags s b i f c e with valid text, nesting depth, no trailing bytes;
/// then per raw code the same prelude and opcode checks as v6 on the in-memory code with 2-byte qstr and
/// jump operands (line-table terminator; LOAD_CONST_OBJ index in [A+K, A+K+n_obj); MAKE_* index in
/// [A+K+n_obj, A+K+n_obj+n_children); jump targets at opcode starts inside the code).
///
/// The reader accepts only the canonical encoding mpy-cross writes (minimal vuints, the 165 static strings
/// spelled by id), so writeMpy(readMpy(b)) == b for every accepted b.
/// Error messages name the place, e.g. "truncated .mpy: constant 3 (str) needs 120 bytes at offset 57, 12
/// remain" or "bytecode of raw code <module>/f at offset 12 (file offset 80): LOAD_CONST_OBJ index 9 out of
/// range (8 constants)".
MpyFile readMpy(std::span<const uint8_t> bytes, const ReadLimits& limits = {});

} // namespace mpyseal::mpy
