// Strict, canonical parsing of sealed images (docs/sealed-format.md §3–§7, §9). Every length is checked
// against the bytes present before use, and sums are formed in 64 bits, so no claim (4 GB payloads, huge
// entries) can make the reader read out of bounds or allocate.
#include "Format.h"

#include <algorithm>
#include <map>
#include <string>

namespace mpyseal::seal::detail {
namespace {

[[noreturn]] void fail(ErrorCode code, const std::string& message) {
    throw Error(code, message);
}

bool allZero(ByteView bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::size_t expectedBodySize(RecipientKind kind, std::size_t claimed) {
    switch (kind) {
    case RecipientKind::ProductKey: return kProductBodySize;
    case RecipientKind::EciesP256: return kEciesBodySize;
    case RecipientKind::RsaOaepSha256:
        return (claimed == 256 || claimed == 384 || claimed == 512) ? claimed : 0;
    }
    return 0;
}

} // namespace

ParsedImage parseImage(ByteView image) {
    const std::uint64_t size = image.size();
    if (size < kFixedHeaderSize)
        fail(ErrorCode::Format, "truncated image: " + std::to_string(size) +
                                    " bytes, the fixed header alone is " + std::to_string(kFixedHeaderSize));
    const std::uint8_t* p = image.data();
    if (!std::equal(std::begin(kMagic), std::end(kMagic), p))
        fail(ErrorCode::Format, "not a sealed image (bad magic)");
    ParsedImage out;
    ImageInfo& info = out.info;
    info.version = readU16(p + kOffVersion);
    if (info.version != kFormatVersion)
        fail(ErrorCode::Unsupported, "unsupported sealed-image format version " +
                                         std::to_string(info.version) + " (this reader knows version 1)");
    const std::uint64_t h = readU16(p + kOffHeaderLength);
    const std::uint64_t payloadLength = readU32(p + kOffPayloadLength);
    info.counter = readU32(p + kOffCounter);
    const std::uint8_t payloadAlg = p[kOffPayloadAlg];
    const std::uint8_t signatureAlg = p[kOffSignatureAlg];
    const std::size_t recipientCount = p[kOffRecipientCount];
    const std::size_t nameLength = p[kOffNameLength];

    if (payloadAlg > 1)
        fail(ErrorCode::Unsupported, "unknown payload algorithm id " + std::to_string(payloadAlg));
    if (signatureAlg != 1 && signatureAlg != 2)
        fail(ErrorCode::Unsupported, "unknown signature algorithm id " + std::to_string(signatureAlg));
    info.payloadAlgorithm = static_cast<PayloadAlgorithm>(payloadAlg);
    info.signatureAlgorithm = static_cast<SignatureAlgorithm>(signatureAlg);
    if (!allZero(image.subspan(kOffReserved, 4)))
        fail(ErrorCode::Format, "reserved header bytes are not zero");
    if (payloadLength > kMaxPayload)
        fail(ErrorCode::Limit, "payload length " + std::to_string(payloadLength) + " exceeds the limit of " +
                                   std::to_string(kMaxPayload) + " bytes");
    if (nameLength == 0 || nameLength > kMaxNameLength)
        fail(ErrorCode::Format, "image name length " + std::to_string(nameLength) + " is not in 1..64");
    out.nonce = image.subspan(kOffNonce, kNonceSize);
    if (info.payloadAlgorithm == PayloadAlgorithm::None) {
        if (recipientCount != 0) fail(ErrorCode::Format, "an unencrypted image cannot have recipients");
        if (!allZero(out.nonce)) fail(ErrorCode::Format, "an unencrypted image must have a zero nonce");
    } else if (recipientCount == 0 || recipientCount > kMaxRecipients) {
        fail(ErrorCode::Format, "recipient count " + std::to_string(recipientCount) + " is not in 1..16");
    }
    if (h < kFixedHeaderSize + nameLength)
        fail(ErrorCode::Format, "header length " + std::to_string(h) + " is too small for its contents");
    if (h > size)
        fail(ErrorCode::Format, "truncated image: the header claims " + std::to_string(h) + " bytes");
    std::copy_n(p + kOffSignerId, info.signerKeyId.size(), info.signerKeyId.begin());

    const ByteView name = image.subspan(kFixedHeaderSize, nameLength);
    if (!std::all_of(name.begin(), name.end(), [](std::uint8_t c) { return c >= 0x20 && c <= 0x7e; }))
        fail(ErrorCode::Format, "image name is not printable ASCII");
    info.name.assign(name.begin(), name.end());

    std::uint64_t offset = kFixedHeaderSize + nameLength;
    for (std::size_t i = 0; i < recipientCount; ++i) {
        const std::string which = "recipient #" + std::to_string(i + 1);
        if (offset + kRecipientPrefixSize > h)
            fail(ErrorCode::Format, which + " runs past the header length");
        const std::uint8_t* r = p + offset;
        if (r[0] < 1 || r[0] > 3)
            fail(ErrorCode::Unsupported, which + ": unknown recipient kind " + std::to_string(r[0]));
        if (r[1] != 0) fail(ErrorCode::Format, which + ": reserved byte is not zero");
        RecipientRecord record{
            static_cast<RecipientKind>(r[0]), {}, image.subspan(offset, kRecipientPrefixSize), {}};
        const std::size_t bodySize = readU16(r + 2);
        if (expectedBodySize(record.kind, bodySize) != bodySize)
            fail(ErrorCode::Format,
                 which + ": body length " + std::to_string(bodySize) + " is invalid for its kind");
        std::copy_n(r + 4, record.keyId.size(), record.keyId.begin());
        if (offset + kRecipientPrefixSize + bodySize > h)
            fail(ErrorCode::Format, which + " runs past the header length");
        record.body = image.subspan(offset + kRecipientPrefixSize, bodySize);
        // Records are in strictly ascending (kind, key id) order, so each image has one encoding.
        if (!out.recipients.empty()) {
            const RecipientRecord& previous = out.recipients.back();
            const auto order =
                std::tie(previous.kind, previous.keyId) <=> std::tie(record.kind, record.keyId);
            if (order == 0) fail(ErrorCode::Format, which + " duplicates an earlier recipient");
            if (order > 0)
                fail(ErrorCode::Format, which + " is out of order (records are sorted by kind, then key id)");
        }
        info.recipients.push_back({record.kind, record.keyId, bodySize});
        out.recipients.push_back(record);
        offset += kRecipientPrefixSize + bodySize;
    }
    if (offset != h)
        fail(ErrorCode::Format, "header length " + std::to_string(h) + " does not match its contents (" +
                                    std::to_string(offset) + " bytes)");

    const std::uint64_t minPayload =
        kMinEntryTable + (info.payloadAlgorithm == PayloadAlgorithm::Aes256Gcm ? kTagSize : 0);
    if (payloadLength < minPayload)
        fail(ErrorCode::Format, "payload length " + std::to_string(payloadLength) + " is too small");
    if (h + payloadLength + 2 > size)
        fail(ErrorCode::Format, "truncated image: " + std::to_string(size) +
                                    " bytes, the header claims at least " +
                                    std::to_string(h + payloadLength + 2));
    const std::uint64_t signatureSize = readU16(p + h + payloadLength);
    if (info.signatureAlgorithm == SignatureAlgorithm::Es256 ? (signatureSize < 8 || signatureSize > 72)
                                                             : (signatureSize != 256 && signatureSize != 384))
        fail(ErrorCode::Format, "signature length " + std::to_string(signatureSize) + " is invalid for " +
                                    std::string(toString(info.signatureAlgorithm)));
    const std::uint64_t end = h + payloadLength + 2 + signatureSize;
    if (size < end)
        fail(ErrorCode::Format,
             "truncated image: " + std::to_string(size) + " bytes, expected " + std::to_string(end));
    if (size > end)
        fail(ErrorCode::Format, std::to_string(size - end) + " trailing bytes after the signature");

    out.header = image.first(h);
    out.payload = image.subspan(h, payloadLength);
    out.signed_ = image.first(h + payloadLength);
    out.signature = image.subspan(h + payloadLength + 2, signatureSize);
    info.headerSize = h;
    info.payloadSize = payloadLength;
    info.signatureSize = signatureSize;
    info.imageSize = size;
    return out;
}

void checkPathSet(const std::vector<std::string_view>& paths, ErrorCode code) {
    // Compared with ASCII case folded: on a FAT or other case-insensitive device file system, 'A.py' and
    // 'a.py' are one file, and 'Lib/x' puts a file inside the directory 'lib'.
    auto folded = [](std::string_view path) {
        std::string out(path);
        for (char& c : out)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        return out;
    };
    std::map<std::string, std::string_view> all;
    for (std::string_view path : paths) {
        const auto [it, inserted] = all.emplace(folded(path), path);
        if (inserted) continue;
        if (it->second == path) throw Error(code, "duplicate entry path '" + std::string(path) + "'");
        throw Error(code, "entry paths '" + std::string(it->second) + "' and '" + std::string(path) +
                              "' differ only in case");
    }
    for (std::string_view path : paths) {
        const std::string key = folded(path);
        for (std::size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1))
            if (const auto it = all.find(key.substr(0, slash)); it != all.end())
                throw Error(code,
                            "entry path '" + std::string(it->second) + "' is both a file and a directory");
    }
}

std::vector<Entry> parseEntryTable(ByteView table) {
    const std::uint64_t size = table.size();
    if (size < 4) fail(ErrorCode::Entries, "entry table is truncated");
    const std::uint64_t count = readU32(table.data());
    if (count == 0 || count > kMaxEntries)
        fail(ErrorCode::Entries, "entry count " + std::to_string(count) + " is not in 1..4096");
    // Each entry takes at least 9 bytes, so a count the table cannot hold is refused before reserving.
    if (count * (kEntryRecordSize + 1) > size - 4) fail(ErrorCode::Entries, "entry table is truncated");
    std::vector<Entry> entries;
    entries.reserve(count);
    std::vector<std::string_view> paths;
    std::uint64_t offset = 4;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::string which = "entry #" + std::to_string(i + 1);
        if (offset + kEntryRecordSize > size) fail(ErrorCode::Entries, which + " is truncated");
        const std::uint8_t* r = table.data() + offset;
        if (r[0] != 1 && r[0] != 2)
            fail(ErrorCode::Entries, which + ": unknown entry kind " + std::to_string(r[0]));
        if (r[1] != 0) fail(ErrorCode::Entries, which + ": reserved byte is not zero");
        const std::uint64_t pathLength = readU16(r + 2);
        const std::uint64_t dataLength = readU32(r + 4);
        offset += kEntryRecordSize;
        if (pathLength == 0 || pathLength > kMaxPathLength)
            fail(ErrorCode::Entries,
                 which + ": path length " + std::to_string(pathLength) + " is not in 1..255");
        if (offset + pathLength + dataLength > size)
            fail(ErrorCode::Entries,
                 which + " claims " + std::to_string(dataLength) + " data bytes, more than the table holds");
        const std::string_view path(reinterpret_cast<const char*>(table.data() + offset), pathLength);
        if (const std::string problem = pathProblem(path); !problem.empty())
            fail(ErrorCode::Entries, which + ": " + problem);
        if (const std::string problem = kindProblem(static_cast<EntryKind>(r[0]), path); !problem.empty())
            fail(ErrorCode::Entries, which + ": " + problem);
        // Entries are in strictly ascending bytewise path order, so each image has one encoding.
        if (!paths.empty() && path <= paths.back())
            fail(ErrorCode::Entries, path == paths.back()
                                         ? "duplicate entry path '" + std::string(path) + "'"
                                         : which + ": path '" + std::string(path) +
                                               "' is out of order (entries are sorted by path)");
        offset += pathLength;
        entries.push_back(
            {std::string(path), static_cast<EntryKind>(r[0]), table.subspan(offset, dataLength)});
        paths.push_back(path);
        offset += dataLength;
    }
    if (offset != size)
        fail(ErrorCode::Entries, std::to_string(size - offset) + " trailing bytes after the last entry");
    checkPathSet(paths, ErrorCode::Entries);
    return entries;
}

} // namespace mpyseal::seal::detail
