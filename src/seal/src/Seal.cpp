// Sealing and opening (docs/sealed-format.md §4–§8). The order of checks on opening is the security
// argument: nothing key-dependent runs before the signature over header ‖ ciphertext has verified, and
// plaintext leaves openImage only after GCM authentication and the entry-table checks have passed.
#include "Format.h"
#include "mpyseal/crypto/Aes.h"
#include "mpyseal/crypto/Error.h"
#include "mpyseal/crypto/Hash.h"
#include "mpyseal/crypto/Random.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace mpyseal::seal {
using namespace detail;
namespace {

[[noreturn]] void fail(ErrorCode code, const std::string& message) {
    throw Error(code, message);
}

template <class Buffer> void append(Buffer& out, ByteView bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}
ByteView label(const char* text) {
    return crypto::asBytes(std::string_view(text));
}

KeyId toKeyId(ByteView digest) {
    KeyId id{};
    std::copy_n(digest.begin(), id.size(), id.begin());
    return id;
}

/// "mpyseal wrap v1" ‖ record prefix: binds each wrapped key to its record (kind, length, key id).
Bytes wrapAad(ByteView prefix) {
    Bytes aad(label(kWrapLabel).begin(), label(kWrapLabel).end());
    append(aad, prefix);
    return aad;
}

/// KEK ‖ IV for ECIES: HKDF-SHA-256(Z, salt = E ‖ Q, info = "mpyseal ecies v1", 44).
SecretBytes eciesKeys(ByteView sharedX, ByteView ephemeralPoint, ByteView recipientPoint) {
    Bytes salt(ephemeralPoint.begin(), ephemeralPoint.end());
    append(salt, recipientPoint);
    return crypto::hkdfSha256(sharedX, salt, label(kEciesInfo), kCekSize + kNonceSize);
}

SignatureAlgorithm signatureAlgorithmFor(const crypto::PrivateKey& signer) {
    if (signer.type() == crypto::KeyType::EcP256) return SignatureAlgorithm::Es256;
    if (signer.bits() == 2048 || signer.bits() == 3072) return SignatureAlgorithm::Rs256;
    fail(ErrorCode::Usage, "the signer must be an EC P-256 key or an RSA key of 2048 or 3072 bits");
}

/// One recipient record (prefix ‖ body) wrapping `cek`.
Bytes wrapFor(const RecipientKey& recipient, const SecretBytes& cek) {
    Bytes record;
    auto prefix = [&](RecipientKind kind, std::size_t bodySize, const KeyId& id) {
        record.push_back(static_cast<std::uint8_t>(kind));
        record.push_back(0);
        appendU16(record, static_cast<std::uint16_t>(bodySize));
        append(record, id);
    };
    if (const auto* product = std::get_if<const ProductKey*>(&recipient)) {
        if (*product == nullptr) fail(ErrorCode::Usage, "null recipient key");
        prefix(RecipientKind::ProductKey, kProductBodySize, (*product)->keyId());
        const SecretBytes nonce = crypto::randomBytes(kNonceSize);
        const Bytes aad = wrapAad(record); // the prefix only, before the body is appended
        append(record, nonce);
        append(record, crypto::AesGcm((*product)->bytes()).seal(nonce, aad, cek));
        return record;
    }
    const crypto::PublicKey* key = std::get<const crypto::PublicKey*>(recipient);
    if (key == nullptr) fail(ErrorCode::Usage, "null recipient key");
    if (key->type() == crypto::KeyType::EcP256) {
        prefix(RecipientKind::EciesP256, kEciesBodySize, keyIdOf(*key));
        const crypto::PrivateKey ephemeral = crypto::PrivateKey::generateEcP256();
        const Bytes ephemeralPoint = ephemeral.publicKey().ecPoint();
        const SecretBytes keys = eciesKeys(ephemeral.ecdhP256(*key), ephemeralPoint, key->ecPoint());
        const ByteView kek = ByteView(keys).first(kCekSize), iv = ByteView(keys).subspan(kCekSize);
        const Bytes aad = wrapAad(record);
        append(record, ephemeralPoint);
        append(record, crypto::AesGcm(kek).seal(iv, aad, cek));
        return record;
    }
    const std::size_t bits = key->bits();
    if (bits != 2048 && bits != 3072 && bits != 4096)
        fail(ErrorCode::Usage, "an RSA recipient key must have 2048, 3072 or 4096 bits");
    prefix(RecipientKind::RsaOaepSha256, key->rsaSize(), keyIdOf(*key));
    append(record, key->encryptOaepSha256(cek));
    return record;
}

void checkName(const std::string& name) {
    if (name.empty() || name.size() > kMaxNameLength)
        fail(ErrorCode::Usage, "the image name must have 1..64 characters");
    if (!std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c <= 0x7e; }))
        fail(ErrorCode::Usage, "the image name must be printable ASCII");
}

Bytes sealTable(const SecretBytes& table, const crypto::PrivateKey& signer,
                std::span<const RecipientKey> recipients, const SealOptions& options) {
    checkName(options.name);
    const SignatureAlgorithm signatureAlg = signatureAlgorithmFor(signer);
    if (options.encrypt && (recipients.empty() || recipients.size() > kMaxRecipients))
        fail(ErrorCode::Usage, "an encrypted image needs 1..16 recipients");
    if (!options.encrypt && !recipients.empty())
        fail(ErrorCode::Usage, "an unencrypted (signed-only) image cannot have recipients");
    const std::size_t payloadSize = table.size() + (options.encrypt ? kTagSize : 0);
    if (payloadSize > kMaxPayload) fail(ErrorCode::Limit, "the entries exceed the 256 MiB payload limit");

    SecretBytes cek;
    std::vector<Bytes> records;
    std::set<std::pair<int, KeyId>> seen;
    if (options.encrypt) {
        cek = crypto::randomBytes(kCekSize);
        for (const RecipientKey& recipient : recipients) {
            records.push_back(wrapFor(recipient, cek));
            KeyId id{};
            std::copy_n(records.back().begin() + 4, id.size(), id.begin());
            if (!seen.insert({records.back()[0], id}).second)
                fail(ErrorCode::Usage, "the same recipient key is given twice");
        }
        // The format stores records by ascending (kind, key id): bytes 0 and 4..36 of each record.
        std::sort(records.begin(), records.end(), [](const Bytes& a, const Bytes& b) {
            if (a[0] != b[0]) return a[0] < b[0];
            return std::lexicographical_compare(a.begin() + 4, a.begin() + 36, b.begin() + 4, b.begin() + 36);
        });
    }
    std::size_t headerSize = kFixedHeaderSize + options.name.size();
    for (const Bytes& r : records) headerSize += r.size();
    if (headerSize > 0xffff) fail(ErrorCode::Limit, "the header exceeds 65535 bytes");

    Bytes image;
    image.reserve(headerSize + payloadSize + 2 + 512);
    append(image, ByteView(kMagic));
    appendU16(image, kFormatVersion);
    appendU16(image, static_cast<std::uint16_t>(headerSize));
    appendU32(image, static_cast<std::uint32_t>(payloadSize));
    appendU32(image, options.counter);
    image.push_back(options.encrypt ? 1 : 0);
    image.push_back(static_cast<std::uint8_t>(signatureAlg));
    image.push_back(static_cast<std::uint8_t>(records.size()));
    image.push_back(static_cast<std::uint8_t>(options.name.size()));
    append(image, keyIdOf(signer.publicKey()));
    if (options.encrypt) {
        append(image, crypto::randomBytes(kNonceSize));
    } else {
        image.insert(image.end(), kNonceSize, 0);
    }
    image.insert(image.end(), 4, 0); // reserved
    append(image, crypto::asBytes(options.name));
    for (const Bytes& r : records) append(image, r);

    if (options.encrypt) {
        const Bytes nonce(image.begin() + kOffNonce, image.begin() + kOffNonce + kNonceSize);
        // The AAD is the whole header, so every header byte is bound to the ciphertext as well as signed.
        const Bytes header(image.begin(), image.end());
        append(image, crypto::AesGcm(cek).seal(nonce, header, table));
    } else {
        append(image, table);
    }
    const Bytes signature =
        signatureAlg == SignatureAlgorithm::Es256 ? signer.signEs256(image) : signer.signRs256(image);
    appendU16(image, static_cast<std::uint16_t>(signature.size()));
    append(image, signature);
    return image;
}

const crypto::PublicKey& trustedSigner(const ParsedImage& parsed,
                                       std::span<const crypto::PublicKey> trusted) {
    const ImageInfo& info = parsed.info;
    for (const crypto::PublicKey& key : trusted) {
        if (keyIdOf(key) != info.signerKeyId) continue;
        const bool fits = info.signatureAlgorithm == SignatureAlgorithm::Es256
                              ? key.type() == crypto::KeyType::EcP256
                              : key.type() == crypto::KeyType::Rsa &&
                                    key.rsaSize() == parsed.signature.size() &&
                                    (key.bits() == 2048 || key.bits() == 3072);
        if (!fits)
            fail(ErrorCode::Signature,
                 "the trusted signer key does not fit the image's signature algorithm (" +
                     std::string(toString(info.signatureAlgorithm)) + ")");
        return key;
    }
    fail(ErrorCode::UntrustedSigner,
         "the image is signed by key " + toHex(info.signerKeyId) + ", which is not among the trusted keys");
}

/// Steps 1–3 of docs/sealed-format.md §8.
ParsedImage parseAndVerify(ByteView image, std::span<const crypto::PublicKey> trusted,
                           std::uint32_t minimum) {
    ParsedImage parsed = parseImage(image);
    if (parsed.info.counter < minimum)
        fail(ErrorCode::Counter, "security counter " + std::to_string(parsed.info.counter) +
                                     " is below the device minimum " + std::to_string(minimum) +
                                     " (rollback refused)");
    const crypto::PublicKey& key = trustedSigner(parsed, trusted);
    const bool ok = parsed.info.signatureAlgorithm == SignatureAlgorithm::Es256
                        ? key.verifyEs256(parsed.signed_, parsed.signature)
                        : key.verifyRs256(parsed.signed_, parsed.signature);
    if (!ok) fail(ErrorCode::Signature, "signature verification failed");
    return parsed;
}

/// Unwraps the CEK from `record` with `key`, or throws Error{Unwrap}. Crypto errors are folded into one
/// message so that the failure mode (tag, padding, point) is not revealed.
SecretBytes unwrap(const RecipientRecord& record, const DeviceKey& key, std::size_t index) {
    const std::string failure = "could not unwrap the content key for recipient #" +
                                std::to_string(index + 1) + " (" + std::string(toString(record.kind)) + ")";
    try {
        const Bytes aad = wrapAad(record.prefix);
        SecretBytes cek;
        if (record.kind == RecipientKind::ProductKey) {
            const ByteView body = record.body;
            cek = crypto::AesGcm(std::get<const ProductKey*>(key)->bytes())
                      .decrypt(body.first(kNonceSize), aad, body.subspan(kNonceSize, kCekSize),
                               body.last(kTagSize));
        } else if (record.kind == RecipientKind::EciesP256) {
            const crypto::PrivateKey& device = *std::get<const crypto::PrivateKey*>(key);
            const ByteView ephemeralPoint = record.body.first(kPointSize);
            const crypto::PublicKey ephemeral = crypto::PublicKey::fromEcP256Point(ephemeralPoint);
            const SecretBytes keys =
                eciesKeys(device.ecdhP256(ephemeral), ephemeralPoint, device.publicKey().ecPoint());
            cek = crypto::AesGcm(ByteView(keys).first(kCekSize))
                      .decrypt(ByteView(keys).subspan(kCekSize), aad,
                               record.body.subspan(kPointSize, kCekSize), record.body.last(kTagSize));
        } else {
            cek = std::get<const crypto::PrivateKey*>(key)->decryptOaepSha256(record.body);
        }
        if (cek.size() != kCekSize) fail(ErrorCode::Unwrap, failure);
        return cek;
    } catch (const crypto::Error&) {
        fail(ErrorCode::Unwrap, failure);
    }
}

/// Whether `key` is the recipient of `record` (same kind and key id).
bool matches(const RecipientRecord& record, const DeviceKey& key) {
    if (const auto* product = std::get_if<const ProductKey*>(&key))
        return *product && record.kind == RecipientKind::ProductKey && (*product)->keyId() == record.keyId;
    const crypto::PrivateKey* privateKey = std::get<const crypto::PrivateKey*>(key);
    if (!privateKey) return false;
    const RecipientKind kind = privateKey->type() == crypto::KeyType::EcP256 ? RecipientKind::EciesP256
                                                                             : RecipientKind::RsaOaepSha256;
    return record.kind == kind && keyIdOf(privateKey->publicKey()) == record.keyId;
}

SecretBytes buildTable(std::span<const InputEntry> entries) {
    if (entries.empty() || entries.size() > kMaxEntries)
        fail(ErrorCode::Usage, "an image holds 1..4096 entries");
    std::vector<std::string_view> paths;
    std::size_t total = 4;
    for (const InputEntry& e : entries) {
        if (const std::string problem = pathProblem(e.path); !problem.empty())
            fail(ErrorCode::Entries, "entry '" + e.path + "': " + problem);
        if (e.kind != EntryKind::Module && e.kind != EntryKind::Data)
            fail(ErrorCode::Usage, "entry '" + e.path + "': unknown kind");
        if (const std::string problem = kindProblem(e.kind, e.path); !problem.empty())
            fail(ErrorCode::Entries, "entry '" + e.path + "': " + problem);
        if (e.data.size() > kMaxPayload || total > kMaxPayload)
            fail(ErrorCode::Limit, "the entries exceed the 256 MiB payload limit");
        total += kEntryRecordSize + e.path.size() + e.data.size();
        paths.push_back(e.path);
    }
    if (total + kTagSize > kMaxPayload)
        fail(ErrorCode::Limit, "the entries exceed the 256 MiB payload limit");
    checkPathSet(paths, ErrorCode::Entries);
    std::vector<const InputEntry*> sorted; // the format stores entries by ascending path
    for (const InputEntry& e : entries) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(),
              [](const InputEntry* a, const InputEntry* b) { return a->path < b->path; });
    SecretBytes table;
    table.reserve(total);
    appendU32(table, static_cast<std::uint32_t>(entries.size()));
    for (const InputEntry* entry : sorted) {
        const InputEntry& e = *entry;
        table.push_back(static_cast<std::uint8_t>(e.kind));
        table.push_back(0);
        appendU16(table, static_cast<std::uint16_t>(e.path.size()));
        appendU32(table, static_cast<std::uint32_t>(e.data.size()));
        append(table, crypto::asBytes(e.path));
        append(table, e.data);
    }
    return table;
}

} // namespace

std::string toHex(ByteView bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    appendHex(out, bytes);
    return out;
}

KeyId keyIdOf(const crypto::PublicKey& key) {
    return toKeyId(crypto::sha256(key.toDer()));
}

std::string pathProblem(std::string_view path) {
    if (path.empty() || path.size() > kMaxPathLength) return "path length must be 1..255 bytes";
    for (char c : path)
        if (c < 0x20 || c > 0x7e || c == '\\' || c == ':')
            return "path may only hold printable ASCII other than '\\' and ':'";
    if (path.front() == '/') return "absolute paths are not allowed";
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = path.find('/', start);
        const std::string_view part =
            path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
        if (part.empty()) return "empty path component";
        if (part == "." || part == "..") return "'.' and '..' are not allowed in paths";
        // FAT and Windows drop a trailing dot or space, so 'a.' would land on 'a'
        if (part.back() == '.' || part.back() == ' ') return "a path component may not end in '.' or ' '";
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return {};
}

std::string kindProblem(EntryKind kind, std::string_view path) {
    if (kind == EntryKind::Module && !path.ends_with(".mpy")) return "a module entry's path must end in .mpy";
    return {};
}

std::string_view toString(PayloadAlgorithm a) {
    return a == PayloadAlgorithm::Aes256Gcm ? "AES-256-GCM" : "none (signed only)";
}
std::string_view toString(SignatureAlgorithm a) {
    return a == SignatureAlgorithm::Es256 ? "ES256" : "RS256";
}
std::string_view toString(RecipientKind k) {
    switch (k) {
    case RecipientKind::ProductKey: return "product key (AES-256-GCM key wrap)";
    case RecipientKind::EciesP256: return "ECIES P-256";
    case RecipientKind::RsaOaepSha256: return "RSA-OAEP-SHA-256";
    }
    return "unknown";
}
std::string_view toString(EntryKind k) {
    return k == EntryKind::Module ? "module" : "data";
}

// --- ProductKey ------------------------------------------------------------------------------------

namespace {
constexpr std::string_view kKeyFilePrefix = "mpyseal-product-key-v1:";
}

ProductKey ProductKey::generate() {
    return ProductKey(crypto::randomBytes(kSize));
}

ProductKey ProductKey::fromBytes(ByteView key) {
    if (key.size() != kSize) fail(ErrorCode::Usage, "a product key is 32 bytes");
    return ProductKey(SecretBytes(key.begin(), key.end()));
}

ProductKey ProductKey::parseFile(ByteView text) {
    const std::string_view t = crypto::asText(text);
    const std::string_view bad =
        "invalid product key file (expected 'mpyseal-product-key-v1:' and 64 hex digits)";
    std::string_view rest = t;
    if (!rest.starts_with(kKeyFilePrefix)) fail(ErrorCode::Format, std::string(bad));
    rest.remove_prefix(kKeyFilePrefix.size());
    if (rest.ends_with("\r\n"))
        rest.remove_suffix(2);
    else if (rest.ends_with("\n"))
        rest.remove_suffix(1);
    if (rest.size() != 2 * kSize) fail(ErrorCode::Format, std::string(bad));
    SecretBytes key(kSize);
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < kSize; ++i) {
        const int hi = nibble(rest[2 * i]), lo = nibble(rest[2 * i + 1]);
        if (hi < 0 || lo < 0) fail(ErrorCode::Format, std::string(bad));
        key[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return ProductKey(std::move(key));
}

SecretBytes ProductKey::toFile() const {
    SecretBytes out(kKeyFilePrefix.begin(), kKeyFilePrefix.end());
    appendHex(out, key_);
    out.push_back('\n');
    return out;
}

KeyId ProductKey::keyId() const {
    SecretBytes input(label(kProductKeyIdLabel).begin(), label(kProductKeyIdLabel).end());
    append(input, key_);
    return toKeyId(crypto::sha256(input));
}

// --- Public entry points -----------------------------------------------------------------------------

Bytes sealImage(std::span<const InputEntry> entries, const crypto::PrivateKey& signer,
                std::span<const RecipientKey> recipients, const SealOptions& options) {
    return sealTable(buildTable(entries), signer, recipients, options);
}

Bytes testing::sealRawPayload(ByteView entryTable, const crypto::PrivateKey& signer,
                              std::span<const RecipientKey> recipients, const SealOptions& options) {
    return sealTable(SecretBytes(entryTable.begin(), entryTable.end()), signer, recipients, options);
}

ImageInfo inspectImage(ByteView image) {
    return parseImage(image).info;
}

SignedRegion signedRegion(ByteView image) {
    const ParsedImage parsed = parseImage(image);
    return {parsed.signed_.size(), parsed.signed_.size() + 2, parsed.signature.size()};
}

ImageInfo verifyImage(ByteView image, std::span<const crypto::PublicKey> trusted,
                      std::uint32_t minimumCounter) {
    return parseAndVerify(image, trusted, minimumCounter).info;
}

OpenedImage openImage(ByteView image, std::span<const crypto::PublicKey> trusted,
                      std::span<const DeviceKey> deviceKeys, std::uint32_t minimumCounter) {
    ParsedImage parsed = parseAndVerify(image, trusted, minimumCounter);
    SecretBytes plaintext;
    if (parsed.info.payloadAlgorithm == PayloadAlgorithm::None) {
        plaintext.assign(parsed.payload.begin(), parsed.payload.end());
    } else {
        SecretBytes cek;
        for (std::size_t i = 0; i < parsed.recipients.size() && cek.empty(); ++i)
            for (const DeviceKey& key : deviceKeys)
                if (matches(parsed.recipients[i], key)) {
                    cek = unwrap(parsed.recipients[i], key, i);
                    break;
                }
        if (cek.empty())
            fail(ErrorCode::NoRecipient, "none of the " + std::to_string(deviceKeys.size()) +
                                             " device key(s) is a recipient of this image");
        const ByteView payload = parsed.payload;
        try {
            plaintext =
                crypto::AesGcm(cek).decrypt(parsed.nonce, parsed.header,
                                            payload.first(payload.size() - kTagSize), payload.last(kTagSize));
        } catch (const crypto::Error&) {
            fail(ErrorCode::Decrypt, "payload authentication failed");
        }
    }
    // On an entry-table error `plaintext` is destroyed (and wiped) during unwinding; nothing escapes.
    std::vector<Entry> entries = parseEntryTable(plaintext);
    return OpenedImage(std::move(parsed.info), std::move(plaintext), std::move(entries));
}

} // namespace mpyseal::seal
