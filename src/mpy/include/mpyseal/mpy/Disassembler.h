// Human-readable listing of a .mpy file: header, qstr table, constants, raw-code tree with prelude
// fields, and bytecode with offsets, opcode names, operands and source lines.
#pragma once

#include "mpyseal/mpy/MpyModel.h"

#include <string>

namespace mpyseal::mpy {

/// Disassembles a whole file. Throws MpyFormatError if a raw code's bytes are malformed.
std::string disassemble(const MpyFile& file);

/// Disassembles only the bytecode of every raw code (no header/table dump): stable text for tests that
/// compare compiler output, e.g. "  00 LOAD_NAME print\n".
std::string disassembleCode(const MpyFile& file);

} // namespace mpyseal::mpy
