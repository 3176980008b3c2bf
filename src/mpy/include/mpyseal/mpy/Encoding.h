// Low-level encodings of the .mpy format: vuints, signed var-ints, the prelude signature, the prelude
// size and the line-number table. Source: ../shared/reference/mpy-format.md §1.2, §1.7.1, §1.7.2, §1.8,
// §2.2. All decoders are bounds-checked and throw MpyFormatError (MpyReader.h) on truncated input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mpyseal::mpy {

/// Appends `value` as a vuint (7-bit groups, most significant group first, minimal length).
void appendVuint(std::vector<uint8_t>& out, uint64_t value);
/// Number of bytes appendVuint would write for `value`.
size_t vuintSize(uint64_t value);

/// Appends `value` as the signed var-int of LOAD_CONST_SMALL_INT (§2.2).
void appendSignedVarint(std::vector<uint8_t>& out, int64_t value);

/// Cursor over untrusted bytes. Every read checks bounds and throws MpyFormatError with `what` context.
class ByteCursor {
  public:
    /// `bytes` must outlive the cursor. An `offset` past the end is allowed: every read then throws.
    explicit ByteCursor(std::span<const uint8_t> bytes, size_t offset = 0) : bytes_(bytes), pos_(offset) {}
    size_t position() const { return pos_; }
    size_t remaining() const { return pos_ < bytes_.size() ? bytes_.size() - pos_ : 0; }
    bool atEnd() const { return pos_ >= bytes_.size(); }
    uint8_t readByte(const char* what);
    /// Reads a vuint; rejects values that do not fit in 64 bits.
    uint64_t readVuint(const char* what);
    int64_t readSignedVarint(const char* what);
    std::span<const uint8_t> readBytes(size_t n, const char* what);

  private:
    std::span<const uint8_t> bytes_;
    size_t pos_;
};

/// The six values of a bytecode function's signature (§1.7.1).
struct Signature {
    uint32_t nState = 1;     ///< n_state (>= 1)
    uint32_t nExcStack = 0;  ///< n_exc_stack
    uint32_t scopeFlags = 0; ///< low 4 bits: 1 generator, 2 **kwargs, 4 *args, 8 kw-only defaults dict
    uint32_t nPosArgs = 0;
    uint32_t nKwonlyArgs = 0;
    uint32_t nDefPosArgs = 0;
    friend bool operator==(const Signature&, const Signature&) = default;
};
inline constexpr uint32_t kScopeFlagGenerator = 0x01;
inline constexpr uint32_t kScopeFlagVarKeywords = 0x02;
inline constexpr uint32_t kScopeFlagVarArgs = 0x04;
inline constexpr uint32_t kScopeFlagDefKwArgs = 0x08;

void appendSignature(std::vector<uint8_t>& out, const Signature& sig);
Signature readSignature(ByteCursor& cursor);

/// Prelude size: n_info (bytes of code info) and n_cell (bytes of the closure section), §1.7.2.
void appendPreludeSize(std::vector<uint8_t>& out, uint32_t nInfo, uint32_t nCell);
void readPreludeSize(ByteCursor& cursor, uint32_t& nInfo, uint32_t& nCell);

/// Appends line-table entries for advancing `bytes` bytecode bytes and `lines` source lines (§1.8).
void appendLineTableEntry(std::vector<uint8_t>& out, uint32_t bytes, uint32_t lines);

/// One decoded line-table entry: code offset `offset` (relative to the first opcode) starts line `line`.
struct LineMapping {
    uint32_t offset;
    uint32_t line;
};
/// Decodes a whole line table; throws MpyFormatError if an entry is truncated.
std::vector<LineMapping> decodeLineTable(std::span<const uint8_t> table);

} // namespace mpyseal::mpy
