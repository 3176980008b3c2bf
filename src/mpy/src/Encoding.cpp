// Low-level .mpy encodings (mpy-format.md §1.2, §1.7.1, §1.7.2, §1.8, §2.2).
#include "mpyseal/mpy/Encoding.h"

#include "mpyseal/mpy/MpyReader.h"

#include <fmt/format.h>

#include <limits>

namespace mpyseal::mpy {

namespace {

// A 64-bit value needs at most 10 groups of 7 bits.
constexpr int kMaxVuintBytes = 10;
// Bounds on the interleaved prelude encodings: more bytes than this cannot come from a sane compiler and
// would overflow the 32-bit fields (and the shifts below).
constexpr unsigned kMaxSignatureBytes = 14;
constexpr unsigned kMaxPreludeSizeBytes = 10;

[[noreturn]] void truncated(const char* what, size_t offset, size_t need, size_t remain) {
    throw MpyFormatError(fmt::format("truncated .mpy: {} needs {} byte{} at offset {}, {} remain", what, need,
                                     need == 1 ? "" : "s", offset, remain));
}

uint32_t checkedU32(uint64_t value, const char* what, size_t offset) {
    if (value > std::numeric_limits<uint32_t>::max())
        throw MpyFormatError(fmt::format("{} at offset {} is too large ({})", what, offset, value));
    return static_cast<uint32_t>(value);
}

} // namespace

void appendVuint(std::vector<uint8_t>& out, uint64_t value) {
    uint8_t groups[kMaxVuintBytes];
    int n = 0;
    groups[n++] = value & 0x7f;
    value >>= 7;
    while (value != 0) {
        groups[n++] = 0x80 | (value & 0x7f);
        value >>= 7;
    }
    // Groups were collected least significant first; the format wants the most significant first.
    while (n > 0) out.push_back(groups[--n]);
}

size_t vuintSize(uint64_t value) {
    size_t n = 1;
    while (value >>= 7) ++n;
    return n;
}

void appendSignedVarint(std::vector<uint8_t>& out, int64_t value) {
    uint8_t groups[kMaxVuintBytes];
    int n = 0;
    // Arithmetic shift keeps the sign; stop once the remaining value is all sign bits (0 or -1).
    int64_t v = value;
    do {
        groups[n++] = static_cast<uint8_t>(v & 0x7f);
        v >>= 7;
    } while (v != 0 && v != -1);
    // The first (most significant) group must carry the sign in bit 6.
    const bool negative = value < 0;
    if (bool(groups[n - 1] & 0x40) != negative) groups[n++] = negative ? 0x7f : 0x00;
    while (n > 1) out.push_back(0x80 | groups[--n]);
    out.push_back(groups[0]);
}

uint8_t ByteCursor::readByte(const char* what) {
    if (pos_ >= bytes_.size()) truncated(what, pos_, 1, 0);
    return bytes_[pos_++];
}

uint64_t ByteCursor::readVuint(const char* what) {
    const size_t start = pos_;
    uint64_t value = 0;
    for (int i = 0;; ++i) {
        if (pos_ >= bytes_.size())
            throw MpyFormatError(fmt::format(
                "truncated .mpy: {} (vuint) at offset {} runs past the end of the data", what, start));
        const uint8_t b = bytes_[pos_++];
        if (i == 0 && b == 0x80)
            throw MpyFormatError(
                fmt::format("non-canonical vuint for {} at offset {} (leading 0x80 group)", what, start));
        if (value >> 57)
            throw MpyFormatError(
                fmt::format("vuint for {} at offset {} does not fit in 64 bits", what, start));
        value = (value << 7) | (b & 0x7f);
        if (!(b & 0x80)) return value;
    }
}

int64_t ByteCursor::readSignedVarint(const char* what) {
    const size_t start = pos_;
    if (pos_ >= bytes_.size()) truncated(what, pos_, 1, 0);
    // Work in unsigned arithmetic so that shifting a negative value is well defined.
    const bool negative = bytes_[pos_] & 0x40;
    uint64_t value = negative ? ~uint64_t(0) : 0;
    for (int i = 0;; ++i) {
        if (pos_ >= bytes_.size())
            throw MpyFormatError(
                fmt::format("truncated .mpy: {} (signed var-int) at offset {} runs past the end of the data",
                            what, start));
        if (i >= kMaxVuintBytes)
            throw MpyFormatError(fmt::format("signed var-int for {} at offset {} is too long", what, start));
        const uint8_t b = bytes_[pos_++];
        // The top 7 bits must still be pure sign extension, or the shift would lose significant bits.
        if ((value >> 57) != (negative ? 0x7f : 0))
            throw MpyFormatError(
                fmt::format("signed var-int for {} at offset {} does not fit in 64 bits", what, start));
        value = (value << 7) | (b & 0x7f);
        if (!(b & 0x80)) break;
    }
    const int64_t result = static_cast<int64_t>(value);
    // A decoded value whose sign differs from the sign group overflowed 64 bits.
    if ((result < 0) != negative)
        throw MpyFormatError(
            fmt::format("signed var-int for {} at offset {} does not fit in 64 bits", what, start));
    return result;
}

std::span<const uint8_t> ByteCursor::readBytes(size_t n, const char* what) {
    if (n > remaining()) truncated(what, pos_, n, remaining());
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
}

void appendSignature(std::vector<uint8_t>& out, const Signature& sig) {
    uint64_t S = sig.nState == 0 ? 0 : sig.nState - 1;
    uint64_t E = sig.nExcStack;
    uint64_t F = sig.scopeFlags & 0x0f;
    uint64_t A = sig.nPosArgs;
    uint64_t K = sig.nKwonlyArgs;
    uint64_t D = sig.nDefPosArgs;
    uint8_t z = static_cast<uint8_t>(((S & 0xf) << 3) | ((E & 1) << 2) | (A & 3));
    S >>= 4;
    E >>= 1;
    A >>= 2;
    while (S | E | F | A | K | D) {
        out.push_back(0x80 | z);
        z = static_cast<uint8_t>(((F & 1) << 6) | ((S & 3) << 4) | ((K & 1) << 3) | ((A & 1) << 2) |
                                 ((E & 1) << 1) | (D & 1));
        S >>= 2;
        E >>= 1;
        F >>= 1;
        A >>= 1;
        K >>= 1;
        D >>= 1;
    }
    out.push_back(z);
}

Signature readSignature(ByteCursor& cursor) {
    const size_t start = cursor.position();
    uint8_t b = cursor.readByte("signature");
    uint64_t S = (b >> 3) & 0xf, E = (b >> 2) & 1, A = b & 3, F = 0, K = 0, D = 0;
    for (unsigned n = 0; b & 0x80; ++n) {
        if (n >= kMaxSignatureBytes)
            throw MpyFormatError(fmt::format("signature at offset {} is too long", start));
        b = cursor.readByte("signature");
        S |= uint64_t(b & 0x30) << (2 * n);
        E |= uint64_t(b & 0x02) << n;
        F |= uint64_t((b >> 6) & 1) << n;
        A |= uint64_t(b & 0x04) << n;
        K |= uint64_t((b >> 3) & 1) << n;
        D |= uint64_t(b & 0x01) << n;
    }
    Signature sig;
    sig.nState = checkedU32(S + 1, "signature n_state", start);
    sig.nExcStack = checkedU32(E, "signature n_exc_stack", start);
    sig.scopeFlags = checkedU32(F, "signature scope flags", start);
    sig.nPosArgs = checkedU32(A, "signature n_pos_args", start);
    sig.nKwonlyArgs = checkedU32(K, "signature n_kwonly_args", start);
    sig.nDefPosArgs = checkedU32(D, "signature n_def_pos_args", start);
    return sig;
}

void appendPreludeSize(std::vector<uint8_t>& out, uint32_t nInfo, uint32_t nCell) {
    uint32_t I = nInfo, C = nCell;
    do {
        uint8_t z = static_cast<uint8_t>(((I & 0x3f) << 1) | (C & 1));
        I >>= 6;
        C >>= 1;
        if (I | C) z |= 0x80;
        out.push_back(z);
    } while (I | C);
}

void readPreludeSize(ByteCursor& cursor, uint32_t& nInfo, uint32_t& nCell) {
    const size_t start = cursor.position();
    uint64_t I = 0, C = 0;
    for (unsigned n = 0;; ++n) {
        if (n >= kMaxPreludeSizeBytes)
            throw MpyFormatError(fmt::format("prelude size at offset {} is too long", start));
        const uint8_t b = cursor.readByte("prelude size");
        C |= uint64_t(b & 1) << n;
        I |= uint64_t((b >> 1) & 0x3f) << (6 * n);
        if (!(b & 0x80)) break;
    }
    nInfo = checkedU32(I, "prelude n_info", start);
    nCell = checkedU32(C, "prelude n_cell", start);
}

void appendLineTableEntry(std::vector<uint8_t>& out, uint32_t bytes, uint32_t lines) {
    // Exactly the reference encoder (§1.8): the short form is preferred unless a line step > 6 could use the
    // long form's 4-bit byte field; this choice decides byte identity.
    while (bytes > 0 || lines > 0) {
        uint32_t b, l;
        if (lines <= 6 || bytes > 15) {
            b = std::min<uint32_t>(bytes, 31);
            l = b < bytes ? 0 : std::min<uint32_t>(lines, 3);
            out.push_back(static_cast<uint8_t>(b | (l << 5)));
        } else {
            b = std::min<uint32_t>(bytes, 15);
            l = std::min<uint32_t>(lines, 2047);
            out.push_back(static_cast<uint8_t>(0x80 | b | ((l >> 4) & 0x70)));
            out.push_back(static_cast<uint8_t>(l & 0xff));
        }
        bytes -= b;
        lines -= l;
    }
}

std::vector<LineMapping> decodeLineTable(std::span<const uint8_t> table) {
    std::vector<LineMapping> out;
    out.reserve(table.size());
    uint64_t offset = 0, line = 1;
    for (size_t i = 0; i < table.size();) {
        const uint8_t b = table[i++];
        if (b & 0x80) {
            if (i >= table.size())
                throw MpyFormatError(fmt::format(
                    "truncated .mpy: line-table entry at offset {} needs 2 bytes, 1 remains", i - 1));
            offset += b & 0x0f;
            line += (uint64_t(b & 0x70) << 4) | table[i++];
        } else {
            offset += b & 0x1f;
            line += (b >> 5) & 3;
        }
        // Cannot overflow for tables below 2^21 bytes; guard anyway since the input is untrusted.
        if (offset > std::numeric_limits<uint32_t>::max() || line > std::numeric_limits<uint32_t>::max())
            throw MpyFormatError("line table overflows 32-bit offsets or line numbers");
        out.push_back({static_cast<uint32_t>(offset), static_cast<uint32_t>(line)});
    }
    return out;
}

} // namespace mpyseal::mpy
