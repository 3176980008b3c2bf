// Sealed images: 1..N entries (path, kind, bytes), encrypted with AES-256-GCM under a fresh content key,
// signed over header ‖ ciphertext (encrypt-then-sign), with a security counter against rollback.
//
// The byte layout is docs/sealed-format.md; this header is the C++ API over it. Standards: AES-GCM NIST
// SP 800-38D, HKDF RFC 5869, RSA-OAEP and RSASSA-PKCS1-v1_5 RFC 8017, ECDH and ECIES SEC 1 v2, ECDSA
// FIPS 186-4. All primitives are mpyseal_crypto's (mbedTLS); nothing here includes mbedTLS.
//
// Buffers: inputs are views (crypto::ByteView) of caller memory, never kept after a call returns. Outputs
// are owned. Plaintext and keys live in crypto::SecretBytes, which wipes its memory whenever it is freed.
// Errors: every failure throws seal::Error, whose message says what is wrong without any key or plaintext
// bytes. Nothing is returned on failure. Functions are reentrant; keys are not safe for concurrent use.
#pragma once

#include "mpyseal/crypto/Bytes.h"
#include "mpyseal/crypto/Keys.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mpyseal::seal {

using crypto::Bytes;
using crypto::ByteView;
using crypto::SecretBytes;

inline constexpr std::uint16_t kFormatVersion = 1;
inline constexpr std::size_t kFixedHeaderSize = 72;
inline constexpr std::size_t kMaxPayload = std::size_t(1) << 28; // 256 MiB
inline constexpr std::size_t kMaxRecipients = 16;
inline constexpr std::size_t kMaxEntries = 4096;
inline constexpr std::size_t kMaxPathLength = 255;
inline constexpr std::size_t kMaxNameLength = 64;

/// What went wrong, for callers that react differently (the CLI's exit status, tests). The message of the
/// exception is the text for humans.
enum class ErrorCode {
    Format,          ///< not a well-formed image (truncated, trailing bytes, bad magic, reserved bits, ...)
    Unsupported,     ///< unknown format version or algorithm id
    Limit,           ///< a length beyond the limits of docs/sealed-format.md §9
    Counter,         ///< security counter below the device's minimum (rollback)
    UntrustedSigner, ///< the signer key id is not among the trusted keys
    Signature,       ///< the signature does not verify
    NoRecipient,     ///< none of the device keys is a recipient of the image
    Unwrap,          ///< a matching recipient record did not unwrap
    Decrypt,         ///< the payload failed GCM authentication
    Entries,         ///< the entry table is malformed (bad path, duplicate, lengths)
    Usage,           ///< bad arguments to sealImage or the key helpers
};

class Error : public std::runtime_error {
  public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

  private:
    ErrorCode code_;
};

enum class PayloadAlgorithm : std::uint8_t { None = 0, Aes256Gcm = 1 };
enum class SignatureAlgorithm : std::uint8_t { Es256 = 1, Rs256 = 2 };
enum class RecipientKind : std::uint8_t { ProductKey = 1, EciesP256 = 2, RsaOaepSha256 = 3 };
enum class EntryKind : std::uint8_t { Module = 1, Data = 2 };

using KeyId = std::array<std::uint8_t, 32>;

/// SHA-256 of the SubjectPublicKeyInfo DER: the id of a signer or of a device public key.
KeyId keyIdOf(const crypto::PublicKey& key);

/// Lowercase hex, two digits per byte (key ids in messages and listings). Not for secrets: the returned
/// std::string is not wiped.
std::string toHex(ByteView bytes);

/// A 256-bit symmetric product key (recipient kind 1). The bytes are wiped when the object dies.
class ProductKey {
  public:
    static constexpr std::size_t kSize = 32;
    /// Fresh random key from crypto::defaultDrbg().
    static ProductKey generate();
    /// From exactly 32 bytes, else Error{Usage}.
    static ProductKey fromBytes(ByteView key);
    /// Parses the key file of docs/sealed-format.md §10 ("mpyseal-product-key-v1:<64 hex>\n").
    /// Error{Format, "invalid product key file ..."} otherwise.
    static ProductKey parseFile(ByteView text);
    /// The key file text (secret: wipe it, write it with mode 0600).
    SecretBytes toFile() const;
    /// SHA-256("mpyseal product key id v1" ‖ key).
    KeyId keyId() const;
    ByteView bytes() const noexcept { return key_; }

  private:
    explicit ProductKey(SecretBytes key) : key_(std::move(key)) {}
    SecretBytes key_;
};

/// An entry to seal. `data` is plaintext and is only read.
struct InputEntry {
    std::string path;
    EntryKind kind = EntryKind::Module;
    ByteView data;
};

/// Who may open an image: a product key (kind 1), or a device public key — EC P-256 (kind 2, ECIES) or RSA
/// (kind 3, OAEP). The sealer only reads these.
using RecipientKey = std::variant<const ProductKey*, const crypto::PublicKey*>;

struct SealOptions {
    std::string name = "app";  ///< image name, 1..64 printable ASCII bytes
    std::uint32_t counter = 0; ///< security counter (rollback protection)
    bool encrypt = true;       ///< false: signed but not encrypted (no recipients allowed)
};

/// Seals `entries` (1..4096, paths as in docs/sealed-format.md §6) for `recipients` (1..16 when
/// encrypting, none otherwise), signed with `signer` (EC P-256 → ES256, RSA 2048/3072 → RS256).
/// Throws Error{Usage} for argument problems, Error{Entries} for bad paths, Error{Limit} when too big.
Bytes sealImage(std::span<const InputEntry> entries, const crypto::PrivateKey& signer,
                std::span<const RecipientKey> recipients, const SealOptions& options = {});

struct RecipientInfo {
    RecipientKind kind;
    KeyId keyId;
    std::size_t bodySize;
};

/// The header of an image, as parsed (unauthenticated when it comes from inspectImage).
struct ImageInfo {
    std::uint16_t version = 0;
    std::string name;
    std::uint32_t counter = 0;
    PayloadAlgorithm payloadAlgorithm = PayloadAlgorithm::None;
    SignatureAlgorithm signatureAlgorithm = SignatureAlgorithm::Es256;
    KeyId signerKeyId{};
    std::vector<RecipientInfo> recipients;
    std::size_t headerSize = 0;
    std::size_t payloadSize = 0;
    std::size_t signatureSize = 0;
    std::size_t imageSize = 0;
};

/// An opened entry: a view into OpenedImage's plaintext buffer.
struct Entry {
    std::string path;
    EntryKind kind;
    ByteView data;
};

/// The result of openImage: owns the plaintext (wiped when destroyed); `entries` view into it. Movable,
/// not copyable (moving keeps the views valid: the buffer does not move).
class OpenedImage {
  public:
    OpenedImage(ImageInfo info, SecretBytes plaintext, std::vector<Entry> entries)
        : info_(std::move(info)), plaintext_(std::move(plaintext)), entries_(std::move(entries)) {}
    OpenedImage(OpenedImage&&) noexcept = default;
    OpenedImage& operator=(OpenedImage&&) noexcept = default;
    OpenedImage(const OpenedImage&) = delete;
    OpenedImage& operator=(const OpenedImage&) = delete;

    const ImageInfo& info() const noexcept { return info_; }
    const std::vector<Entry>& entries() const noexcept { return entries_; }

  private:
    ImageInfo info_;
    SecretBytes plaintext_;
    std::vector<Entry> entries_;
};

/// A key the device holds: a product key or a private key (EC P-256 or RSA).
using DeviceKey = std::variant<const ProductKey*, const crypto::PrivateKey*>;

/// Device-side opening, all in memory (docs/sealed-format.md §8): parse strictly, check the counter, verify
/// the signature with one of `trusted`, unwrap the content key with one of `deviceKeys`, decrypt and
/// authenticate, parse the entries. Signed-only images need no device key. Peak memory: the image (caller's)
/// plus one plaintext buffer of the payload's size.
OpenedImage openImage(ByteView image, std::span<const crypto::PublicKey> trusted,
                      std::span<const DeviceKey> deviceKeys, std::uint32_t minimumCounter);

/// Steps 1–3 only: parse, counter, signature. Needs no decryption key.
ImageInfo verifyImage(ByteView image, std::span<const crypto::PublicKey> trusted,
                      std::uint32_t minimumCounter);

/// Step 1 only: strict parse of the header and framing, no keys, nothing authenticated.
ImageInfo inspectImage(ByteView image);

/// Offsets of the signed region [0, end) and of the signature, from a strict parse (for interop tools).
struct SignedRegion {
    std::size_t end;             ///< H + P
    std::size_t signatureOffset; ///< H + P + 2
    std::size_t signatureSize;
};
SignedRegion signedRegion(ByteView image);

/// Checks an entry path against docs/sealed-format.md §6 (one path; duplicates are checked per image).
/// Returns an empty string when valid, else the reason.
std::string pathProblem(std::string_view path);

/// Checks that an entry's kind suits its path: a module's path ends in ".mpy" (§6). Returns an empty string
/// when it does, else the reason.
std::string kindProblem(EntryKind kind, std::string_view path);

std::string_view toString(PayloadAlgorithm);
std::string_view toString(SignatureAlgorithm);
std::string_view toString(RecipientKind);
std::string_view toString(EntryKind);

namespace testing {
/// Seals an arbitrary entry-table plaintext without checking it, so that tests and the fuzzer can build
/// correctly signed and encrypted images whose entry tables are malformed. Not for production use.
Bytes sealRawPayload(ByteView entryTable, const crypto::PrivateKey& signer,
                     std::span<const RecipientKey> recipients, const SealOptions& options);
} // namespace testing

} // namespace mpyseal::seal
