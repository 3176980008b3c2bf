// Human-readable listing of a .mpy file: header, qstr table, constants, raw-code tree with prelude
// fields, and bytecode with offsets, opcode names, operands and source lines.
//
// Listing format (stable; compiler unit tests compare it verbatim):
//
//   Opcode line:  "  <offset> <OPNAME>[ <operand>][  ; line <n>]"
//     offset   decimal, relative to the first opcode, at least two digits ("00", "07", "123")
//     OPNAME   OpcodeInfo::name; the multi-opcodes print as LOAD_CONST_SMALL_INT, LOAD_FAST, STORE_FAST,
//              UNARY_OP, BINARY_OP
//     operand  qstr ops: the string, bare (LOAD_NAME print) except LOAD_CONST_STRING, which quotes it
//              ('hello'); LOAD_CONST_OBJ: the constant's repr ('abc', b'\x00', 12345678901, 2.5, 1j,
//              (1, 'a'), None/True/False/Ellipsis); small ints, local numbers, counts: decimal; jumps: the
//              absolute target offset (JUMP 33); UNWIND_JUMP: "38 unwind=1" (+ " pop_iter" if bit 7 is set);
//              MAKE_FUNCTION*: child index; MAKE_CLOSURE*: "0 cells=2"; CALL_*: "pos=1 kw=0";
//              UNPACK_EX: "before=1 after=2"; STORE_COMP: "list distance=5" (list/dict/set);
//              UNARY_OP / BINARY_OP: the operator name (NOT, ADD, INPLACE_ADD, LESS, ...).
//              Non-printable bytes are escaped Python-style (\n, \x01); operand text is cut after 80 bytes
//              with "..." (hostile files cannot blow the listing up). Indices out of range (possible only
//              for a model that did not come from readMpy) print as "<bad qstr 9>" / "<bad constant 3>" /
//              "<bad child 2>".
//     line     printed on the first opcode whose source line (line-table lookup of §1.8, functions start at
//              line 1) differs from the previous opcode's; the first opcode shows it only if it is not 1.
//
//   disassembleCode: for every raw code in pre-order (children after their parent, in child-index order),
//   a header line "<path>:" where path is the simple names joined with '/' ("<module>/f/<lambda>"),
//   followed by its opcode lines.
//
//   disassemble: "mpy version 6, flags 0x00 (arch 0, sub-version 0), small int bits 31", then
//   "arch flags 0x.." (only if header bit 6 is set), "qstrs (N):" with one "  <i> '<text>'[ (static <id>)]"
//   line each, "constants (N):" with one "  <i> <kind> <repr>" line each (kind: None False True Ellipsis str
//   bytes int float complex tuple), then the raw-code tree, each raw code indented by two spaces per
//   nesting level:
//     raw code <path>: bytecode, <n> code bytes, <k> child|children
//       n_state 5, n_exc_stack 0, flags 0x05 (generator, *args), n_pos_args 2, n_kwonly_args 0,
//         n_def_pos_args 1      (one line in the listing)
//       simple name: <name> (qstr <i>)
//       arg names: a b          (only if there are any)
//       cells: 2 3              (only if there are any; local numbers)
//       line table: 20 24 -> 0:2 4:3     (raw bytes, then offset:line after each entry)
//       <opcode lines>
//   Scope flag names: generator, **kwargs, *args, kw defaults.
//
//   Version 5 (mpy-v5.md): the code is the in-memory layout (2-byte qstr and jump operands, cache bytes),
//   offsets and line numbers are in-memory ones; opcode lines as above, with LOAD_CONST_OBJ showing the
//   object of the function's own table and MAKE_* the child index (operand minus A+K+n_obj), or
//   "<bad constant N>" / "<bad child N>" with the raw table index; cache bytes are not shown. disassemble
//   prints "mpy version 5, flags 0x02 (unicode), small int bits 31" (flag names: cache-lookup-bc, unicode;
//   "no unicode, no cache" when neither is set) and "qstr window size 32" instead of the module tables, and
//   per raw code "simple name: <name>, source file: <file>" (no qstr numbers: they are not in the file),
//   "arg names: ..." (RawCode::v5ArgNames) and, if any, "objects (N):" with one "  <table index> <kind>
//   <repr>" line each, before the cells and the line table (without its 00 terminator).
#pragma once

#include "mpyseal/mpy/MpyModel.h"

#include <string>

namespace mpyseal::mpy {

/// Disassembles a whole file. Throws MpyFormatError if a raw code's bytes are malformed (truncated prelude or
/// operand, unused opcode, native raw code); never throws for a file that readMpy accepted.
std::string disassemble(const MpyFile& file);

/// Disassembles only the bytecode of every raw code (no header/table dump): stable text for tests that
/// compare compiler output, e.g. "<module>:\n  00 LOAD_NAME print\n". Same errors as disassemble.
std::string disassembleCode(const MpyFile& file);

} // namespace mpyseal::mpy
