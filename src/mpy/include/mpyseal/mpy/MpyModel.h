// In-memory model of a .mpy file: the contract between compiler, writer, reader and (later) the VM.
// Source of the format: ../shared/reference/mpy-format.md §1 (v6) and mpy-v5.md (v5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mpyseal::mpy {

/// One entry of the constant table (§1.5). Text payloads are stored exactly as written in the file:
/// Str/Bytes hold the raw bytes, Int the decimal text ("-12345678901234567890"), Float the repr text
/// ("2.5", "inf"), Complex the imaginary text with 'j' ("1.5j").
struct Constant {
    enum class Kind : uint8_t { None, False, True, Ellipsis, Str, Bytes, Int, Float, Complex, Tuple };
    Kind kind = Kind::None;
    std::string text;            ///< Str, Bytes, Int, Float, Complex
    std::vector<Constant> items; ///< Tuple

    /// Strict equality used for de-duplication: same kind, same text, items equal recursively.
    friend bool operator==(const Constant&, const Constant&) = default;
};

/// Kind of a raw code as stored in the file (§1.6; in-memory MP_CODE_* minus 2).
enum class RawCodeKind : uint8_t { Bytecode = 0, NativePython = 1, NativeViper = 2, NativeAsm = 3 };

/// One function body (module, def, lambda, class body, comprehension) and its nested children.
/// For bytecode, `code` holds signature + prelude size + code info + cells + opcodes (§1.7).
/// `children` are in MAKE_FUNCTION/MAKE_CLOSURE index order.
///
/// Version 5 (mpy-v5.md): `code` is the **in-memory** layout of MicroPython 1.13 (what the v5 raw-code
/// header's mem_len measures): the prelude's simple_name and source_file and every qstr operand are 2-byte
/// little-endian indices into MpyFile::qstrs (a cached LOAD_NAME/LOAD_GLOBAL/LOAD_ATTR/STORE_ATTR keeps its
/// extra 00 byte after them), jump operands are 2 bytes, and the line table ends with its 00 terminator.
/// The writer turns each qstr index into the file's move-to-front window encoding (§1.4); the reader does the
/// reverse, numbering qstrs in order of first appearance. LOAD_CONST_OBJ / MAKE_* operands are the
/// per-function table indices of mpy-v5.md §1.7.5 (argument names, then v5Constants, then children).
struct RawCode {
    RawCodeKind kind = RawCodeKind::Bytecode;
    std::vector<uint8_t> code;
    std::vector<RawCode> children;
    /// v5 only: the per-function constant objects, in LOAD_CONST_OBJ emission order (never de-duplicated);
    /// kinds Str, Bytes, Int, Float, Complex, Ellipsis.
    std::vector<Constant> v5Constants;
    /// v5 only: the n_pos_args + n_kwonly_args argument names ("*" for unnamed slots), as stored at the start
    /// of the function's constant table.
    std::vector<std::string> v5ArgNames;
};

/// A whole .mpy file.
struct MpyFile {
    uint8_t version = 6;             ///< header byte 1: 6 (or 5)
    uint8_t flags = 0;               ///< header byte 2 (v6: arch/sub-version; v5: feature flags)
    uint8_t smallIntBits = 31;       ///< header byte 3
    std::vector<std::string> qstrs;  ///< v6 module qstr table (entry 0 is the source name); v5: the id space
                                     ///< of the 2-byte qstr operands of in-memory code (any order)
    std::vector<Constant> constants; ///< v6 module constant table
    RawCode root;                    ///< top-level module code
    /// v6 only: the architecture-flags vuint that follows the header when bit 6 of `flags` is set (§1.3;
    /// only RV32 native code uses it). Ignored otherwise.
    uint64_t archFlags = 0;
    /// v5 only: the qstr-window-size vuint after the header (mpy-v5.md §1.3). mpy-cross writes 32; loaders
    /// accept <= 32 and always use a 32-entry window, so it does not change the encoding. Kept so that
    /// readMpy/writeMpy round-trip files with a smaller value.
    uint32_t v5QstrWindowSize = 32;
};

} // namespace mpyseal::mpy
