// .mpy writer: serialises an MpyFile. Source: ../shared/reference/mpy-format.md §1.
#pragma once

#include "mpyseal/mpy/MpyModel.h"

#include <cstdint>
#include <vector>

namespace mpyseal::mpy {

/// Serialises `file` as a v6 .mpy: header, qstr table (static qstrs spelled (id<<1)|1), constant table,
/// then the raw-code tree. Raw code bytes are written as given. Throws std::invalid_argument if the
/// model cannot be represented (e.g. an unknown constant kind).
///
/// Header bytes 2 and 3 are MpyFile::flags and ::smallIntBits as given, followed by the archFlags vuint
/// when flags bit 6 is set. Nothing is validated beyond representability: the code bytes, qstr/constant
/// texts and indices are the caller's responsibility (readMpy validates). std::invalid_argument also for
/// version != 6 (v5 comes later), a non-bytecode raw code, or a raw code with v5Constants.
std::vector<uint8_t> writeMpy(const MpyFile& file);

} // namespace mpyseal::mpy
