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
MpyFile readMpy(std::span<const uint8_t> bytes, const ReadLimits& limits = {});

} // namespace mpyseal::mpy
