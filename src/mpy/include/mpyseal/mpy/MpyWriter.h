// .mpy writer: serialises an MpyFile. Source: ../shared/reference/mpy-format.md §1.
#pragma once

#include "mpyseal/mpy/MpyModel.h"

#include <cstdint>
#include <vector>

namespace mpyseal::mpy {

/// Serialises `file` as a v6 .mpy: header, qstr table (static qstrs spelled (id<<1)|1), constant table,
/// then the raw-code tree. Raw code bytes are written as given. Throws std::invalid_argument if the
/// model cannot be represented (e.g. an unknown constant kind).
std::vector<uint8_t> writeMpy(const MpyFile& file);

} // namespace mpyseal::mpy
