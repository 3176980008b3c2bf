// .mpy writer: serialises an MpyFile. Source: ../shared/reference/mpy-format.md §1 (v6), mpy-v5.md §1 (v5).
#pragma once

#include "mpyseal/mpy/MpyModel.h"

#include <cstdint>
#include <vector>

namespace mpyseal::mpy {

/// Serialises `file` as a .mpy of MpyFile::version. Version 6: header, qstr table (static qstrs spelled
/// (id<<1)|1), constant table, then the raw-code tree. Raw code bytes are written as given. Throws
/// std::invalid_argument if the model cannot be represented (e.g. an unknown constant kind).
///
/// Header bytes 2 and 3 are MpyFile::flags and ::smallIntBits as given, followed by the archFlags vuint
/// when flags bit 6 is set. Nothing is validated beyond representability: the code bytes, qstr/constant
/// texts and indices are the caller's responsibility (readMpy validates). std::invalid_argument also for
/// a version other than 5 and 6, a non-bytecode raw code, or (v6) a raw code with v5Constants.
///
/// Version 5 (mpy-v5.md §1.11): header `4d 05 flags smallIntBits` + vuint v5QstrWindowSize, then the raw
/// codes, each as vuint(code.size() << 2), the in-memory code with its 2-byte qstr indices (prelude names
/// and qstr operands) replaced by the §1.4 window encoding (static strings as `00 <id>`, the window shared
/// by the whole file and updated in write order: simple name, source file, operands in instruction order,
/// argument names, then children; objects hold no qstrs), every other byte copied verbatim; then vuint n_obj,
/// vuint n_children, the argument names (qstrs), the objects (ASCII tags s b i f c e) and the children.
/// std::invalid_argument if: flags has architecture bits (2..7) set, v5QstrWindowSize > 32, a non-bytecode
/// raw code, a module constant table (MpyFile::constants) is given, a raw code's code does not decode (the
/// in-memory prelude or an instruction is truncated or uses an unused opcode), a qstr index >= qstrs.size(),
/// v5ArgNames.size() != n_pos_args + n_kwonly_args, or a v5 constant of kind None/False/True/Tuple.
std::vector<uint8_t> writeMpy(const MpyFile& file);

} // namespace mpyseal::mpy
