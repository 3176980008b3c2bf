// Private to src/seal: the byte-level reader of docs/sealed-format.md, shared by opening and inspecting.
#pragma once

#include "mpyseal/seal/Seal.h"

#include <cstdint>
#include <vector>

namespace mpyseal::seal::detail {

inline constexpr std::uint8_t kMagic[8] = {0x4d, 0x50, 0x59, 0x53, 0x45, 0x41, 0x4c, 0x00}; // "MPYSEAL\0"
inline constexpr std::size_t kRecipientPrefixSize = 36;
inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kCekSize = 32;
inline constexpr std::size_t kProductBodySize = kNonceSize + kCekSize + kTagSize; // 60
inline constexpr std::size_t kPointSize = 65;
inline constexpr std::size_t kEciesBodySize = kPointSize + kCekSize + kTagSize; // 113
inline constexpr std::size_t kEntryRecordSize = 8;
inline constexpr std::size_t kMinEntryTable = 4 + kEntryRecordSize + 1; // one entry, 1-byte path, no data
inline constexpr char kWrapLabel[] = "mpyseal wrap v1";
inline constexpr char kEciesInfo[] = "mpyseal ecies v1";
inline constexpr char kProductKeyIdLabel[] = "mpyseal product key id v1";

// Header field offsets (docs/sealed-format.md §3.1).
inline constexpr std::size_t kOffVersion = 8, kOffHeaderLength = 10, kOffPayloadLength = 12, kOffCounter = 16,
                             kOffPayloadAlg = 20, kOffSignatureAlg = 21, kOffRecipientCount = 22,
                             kOffNameLength = 23, kOffSignerId = 24, kOffNonce = 56, kOffReserved = 68;

inline std::uint16_t readU16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t readU32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
           (std::uint32_t(p[3]) << 24);
}
template <class Buffer> void appendU16(Buffer& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
template <class Buffer> void appendU32(Buffer& out, std::uint32_t v) {
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

struct RecipientRecord {
    RecipientKind kind;
    KeyId keyId;
    ByteView prefix; ///< the 36-byte record prefix (part of the wrap AAD)
    ByteView body;
};

/// The result of the strict parse (step 1): views into the caller's image.
struct ParsedImage {
    ImageInfo info;
    ByteView header;    ///< [0, H): signed, and the AAD of the payload
    ByteView payload;   ///< [H, H+P)
    ByteView signed_;   ///< [0, H+P)
    ByteView signature; ///< [H+P+2, end)
    ByteView nonce;
    std::vector<RecipientRecord> recipients;
};

ParsedImage parseImage(ByteView image);

/// Parses the entry table (docs/sealed-format.md §6); entries view into `table`.
std::vector<Entry> parseEntryTable(ByteView table);

/// Checks paths for duplicates and file/directory clashes; throws Error{code}.
void checkPathSet(const std::vector<std::string_view>& paths, ErrorCode code);

/// Appends the lowercase hex digits of `bytes` (two per byte) to a std::string or a SecretBytes.
template <class Buffer> void appendHex(Buffer& out, ByteView bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (std::uint8_t b : bytes) {
        out.push_back(static_cast<typename Buffer::value_type>(kDigits[b >> 4]));
        out.push_back(static_cast<typename Buffer::value_type>(kDigits[b & 15]));
    }
}

} // namespace mpyseal::seal::detail
