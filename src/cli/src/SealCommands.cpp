// `mpyseal keygen | seal | verify | inspect | open`: the sealed-image verbs (docs/sealed-format.md).
//
// Private keys and product keys are read into wiped buffers and written with mode 0600 and fsync
// (common::Durability::PowerLoss): losing a fresh signing key to a power cut is worse than 20 ms.
// Exit status: 0 success, 1 failure (bad image, wrong key, I/O), 2 usage errors (CLI11).
#include "Commands.h"

#include "mpyseal/common/AtomicFile.h"
#include "mpyseal/crypto/Error.h"
#include "mpyseal/crypto/Keys.h"
#include "mpyseal/mpy/MpyReader.h"
#include "mpyseal/seal/Seal.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <variant>
#include <vector>

namespace mpyseal::cli {
namespace fs = std::filesystem;
namespace {

using crypto::Bytes;
using crypto::SecretBytes;

constexpr std::uintmax_t kMaxKeyFile = 1 << 20;
constexpr std::uintmax_t kMaxImageFile = (std::uintmax_t(1) << 28) + (1 << 17);
constexpr std::string_view kProductKeyPrefix = "mpyseal-product-key-v1:";

/// Reads a file into a buffer that is wiped when freed (key files).
SecretBytes readSecretFile(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || std::uintmax_t(st.st_size) > kMaxKeyFile) {
        ::close(fd);
        throw std::runtime_error(path.string() + ": not a regular file of at most 1 MiB");
    }
    SecretBytes data(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            throw std::runtime_error("cannot read " + path.string());
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return data;
}

Bytes readPublicFile(const fs::path& path, std::uintmax_t limit) {
    const std::string text = common::readFile(path, limit);
    return Bytes(text.begin(), text.end());
}

bool isProductKeyFile(const SecretBytes& data) {
    return crypto::asText(data).starts_with(kProductKeyPrefix);
}

/// Keys the user names on the command line, owned here; seal:: APIs take pointers into these.
struct KeyRing {
    std::vector<std::unique_ptr<seal::ProductKey>> products;
    std::vector<std::unique_ptr<crypto::PrivateKey>> privates;
    std::vector<std::unique_ptr<crypto::PublicKey>> publics;
};

crypto::PublicKey loadPublic(const std::string& path) {
    try {
        return crypto::PublicKey::parse(readPublicFile(path, kMaxKeyFile));
    } catch (const crypto::Error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

/// The passphrase in the first line of `path` (like openssl's `-passin file:`), in a wiped buffer.
SecretBytes readPassphrase(const std::string& path) {
    SecretBytes data = readSecretFile(path);
    const std::string_view text = crypto::asText(data);
    const std::size_t end = std::min(text.find('\n'), text.size());
    SecretBytes line(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(end));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw std::runtime_error(path + ": the passphrase file's first line is empty");
    return line;
}

/// Parses a private key file, encrypted PKCS#8 included when `passphraseFile` is given.
crypto::PrivateKey loadPrivate(const std::string& path, const std::string& passphraseFile = {}) {
    std::optional<SecretBytes> passphrase;
    if (!passphraseFile.empty()) passphrase = readPassphrase(passphraseFile);
    try {
        const SecretBytes data = readSecretFile(path);
        if (passphrase) return crypto::PrivateKey::parse(data, crypto::asText(*passphrase));
        return crypto::PrivateKey::parse(data);
    } catch (const crypto::Error& e) {
        const bool needsPassphrase =
            std::string_view(e.what()).find("passphrase is required") != std::string_view::npos;
        throw std::runtime_error(path + ": " + e.what() +
                                 (needsPassphrase ? " (give --passphrase-file)" : ""));
    }
}

int parse(CLI::App& app, const std::vector<std::string>& args) {
    std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 takes a vector in reverse order
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    return -1;
}

void writeSecret(const std::string& path, const SecretBytes& data) {
    common::writeFileAtomically(path, data, 0600, common::Durability::PowerLoss);
}
void writePublic(const std::string& path, std::string_view text) {
    common::writeFileAtomically(path, crypto::asBytes(text), 0644, common::Durability::PowerLoss);
}

// --- keygen ---------------------------------------------------------------------------------------

int keygen(const std::vector<std::string>& args) {
    CLI::App app{"Generate a signer key or a device key.", "mpyseal keygen"};
    std::string role, type, out, pub;
    app.add_option("ROLE", role, "signer | device")->required()->check(CLI::IsMember({"signer", "device"}));
    app.add_option("--type", type, "signer: ec-p256|rsa-2048|rsa-3072; device: aes-256|ec-p256|rsa-2048")
        ->required();
    app.add_option("-o,--output", out, "Private key file (PEM PKCS#8, or the product key file), mode 0600")
        ->required();
    app.add_option("--pub", pub, "Also write the public key (PEM SubjectPublicKeyInfo)");
    std::string passphraseFile;
    app.add_option("--passphrase-file", passphraseFile,
                   "Encrypt the private key (PKCS#8 PBES2, AES-256-CBC) with the first line of this file");
    if (const int rc = parse(app, args); rc >= 0) return rc;

    const bool signer = role == "signer";
    const std::vector<std::string> allowed = signer
                                                 ? std::vector<std::string>{"ec-p256", "rsa-2048", "rsa-3072"}
                                                 : std::vector<std::string>{"aes-256", "ec-p256", "rsa-2048"};
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
        std::fprintf(stderr, "mpyseal keygen: --type %s is not valid for a %s key\n", type.c_str(),
                     role.c_str());
        return 2;
    }
    if (type == "aes-256") {
        if (!pub.empty() || !passphraseFile.empty()) {
            std::fputs(!pub.empty() ? "mpyseal keygen: an aes-256 product key has no public key (--pub)\n"
                                    : "mpyseal keygen: an aes-256 product key file is not encrypted; keep it "
                                      "in a protected store (--passphrase-file is for PEM keys)\n",
                       stderr);
            return 2;
        }
        const seal::ProductKey product = seal::ProductKey::generate();
        writeSecret(out, product.toFile());
        std::fprintf(stderr, "wrote product key %s (key id %s)\n", out.c_str(),
                     seal::toHex(product.keyId()).c_str());
        return 0;
    }
    std::optional<SecretBytes> passphrase; // read first: a typo should not cost an RSA key generation
    if (!passphraseFile.empty()) passphrase = readPassphrase(passphraseFile);
    const crypto::PrivateKey key = type == "ec-p256"    ? crypto::PrivateKey::generateEcP256()
                                   : type == "rsa-2048" ? crypto::PrivateKey::generateRsa(2048)
                                                        : crypto::PrivateKey::generateRsa(3072);
    if (!passphrase)
        writeSecret(out, key.toPkcs8Pem());
    else
        writeSecret(out, key.toEncryptedPkcs8Pem(crypto::asText(*passphrase)));
    const crypto::PublicKey publicKey = key.publicKey();
    if (!pub.empty()) writePublic(pub, publicKey.toPem());
    std::fprintf(stderr, "wrote %s%s key %s (key id %s)\n", passphrase ? "encrypted " : "", type.c_str(),
                 out.c_str(), seal::toHex(seal::keyIdOf(publicKey)).c_str());
    return 0;
}

// --- seal -----------------------------------------------------------------------------------------

struct InputFile {
    std::string path; // inside the image
    seal::EntryKind kind;
    Bytes data;
};

/// INPUT is one .mpy file (one entry, named by its file name) or a directory — a tree of .mpy files or the
/// output of `mpyseal build` — whose regular files become entries (.mpy as modules, the rest as data).
/// Names starting with '.' (.mpyseal-build.json, .git) and __pycache__ are left out, as `build` does.
std::vector<InputFile> collectInput(const fs::path& input) {
    std::vector<InputFile> files;
    auto kindOf = [](const fs::path& p) {
        return p.extension() == ".mpy" ? seal::EntryKind::Module : seal::EntryKind::Data;
    };
    if (fs::is_regular_file(input)) {
        files.push_back({input.filename().string(), kindOf(input), readPublicFile(input, kMaxImageFile)});
        return files;
    }
    if (!fs::is_directory(input)) throw std::runtime_error(input.string() + ": no such file or directory");
    for (auto it = fs::recursive_directory_iterator(input); it != fs::recursive_directory_iterator(); ++it) {
        const std::string name = it->path().filename().string();
        if (name.starts_with(".") || name == "__pycache__") {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file()) continue;
        const std::string rel = it->path().lexically_relative(input).generic_string();
        files.push_back({rel, kindOf(it->path()), readPublicFile(it->path(), kMaxImageFile)});
    }
    if (files.empty()) throw std::runtime_error(input.string() + ": no files to seal");
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

/// Refuses, before anything is signed, a module that no device would load: every .mpy entry must pass the
/// validating reader (v5 or v6), and with a target its header must suit that firmware.
void checkModules(const std::vector<InputFile>& files, const std::string& input, const std::string& target) {
    for (const InputFile& f : files) {
        if (f.kind != seal::EntryKind::Module) continue;
        const std::string where = fs::is_directory(input) ? (fs::path(input) / f.path).string() : input;
        try {
            (void)mpy::readMpy(f.data);
        } catch (const mpy::MpyFormatError& e) {
            throw std::runtime_error(where + ": not a valid .mpy file: " + e.what());
        }
        if (target.empty()) continue;
        const std::vector<std::string> problems = targetLoadProblems(f.data, target);
        if (!problems.empty()) {
            std::string message = where + ": a " + target + " device would refuse it:";
            for (const std::string& p : problems) message += "\n  - " + p;
            throw std::runtime_error(message);
        }
    }
}

int sealCommand(const std::vector<std::string>& args) {
    CLI::App app{"Seal .mpy files into a signed (and encrypted) image.", "mpyseal seal"};
    std::string input, out;
    SealCliOptions opts;
    app.add_option("INPUT", input, "A .mpy file, a directory of .mpy files, or the output of 'mpyseal build'")
        ->required();
    app.add_option("-o,--output", out, "The sealed image to write")->required();
    app.add_option("--sign", opts.signPath, "Signer private key (PEM; EC P-256 or RSA 2048/3072)")
        ->required();
    addSealOptions(app, opts, "");
    std::string target;
    app.add_option("--target", target, "Check that every .mpy loads on this target (see 'mpyseal targets')")
        ->check(CLI::IsMember(targetNames()));
    if (const int rc = parse(app, args); rc >= 0) return rc;
    if (const int rc = checkRecipientOptions(opts, "seal"); rc >= 0) return rc;

    const std::vector<InputFile> files = collectInput(input);
    checkModules(files, input, target);
    std::vector<SealInput> inputs;
    for (const InputFile& f : files) inputs.push_back({f.path, f.kind == seal::EntryKind::Module, f.data});
    return sealToFile(inputs, opts, out);
}

// --- verify / inspect / open -----------------------------------------------------------------------

std::vector<crypto::PublicKey> loadTrusted(const std::vector<std::string>& paths) {
    std::vector<crypto::PublicKey> keys;
    for (const std::string& p : paths) keys.push_back(loadPublic(p));
    return keys;
}

int verifyCommand(const std::vector<std::string>& args) {
    CLI::App app{"Check an image's signature and counter (no decryption key needed).", "mpyseal verify"};
    std::string image;
    std::vector<std::string> trust;
    std::uint32_t minimum = 0;
    app.add_option("IMAGE", image, "Sealed image")->required();
    app.add_option("--trust", trust, "Trusted signer public key (PEM, repeatable)")->required();
    app.add_option("--min-counter", minimum, "Refuse images whose security counter is below N (default 0)");
    if (const int rc = parse(app, args); rc >= 0) return rc;
    const std::vector<crypto::PublicKey> trusted = loadTrusted(trust);
    const Bytes bytes = readPublicFile(image, kMaxImageFile);
    try {
        const seal::ImageInfo info = seal::verifyImage(bytes, trusted, minimum);
        std::printf("%s: OK (%s signature by %s, counter %u)\n", image.c_str(),
                    std::string(seal::toString(info.signatureAlgorithm)).c_str(),
                    seal::toHex(info.signerKeyId).c_str(), info.counter);
        return 0;
    } catch (const seal::Error& e) {
        std::fprintf(stderr, "%s: REJECTED: %s\n", image.c_str(), e.what());
        return 1;
    }
}

int inspectCommand(const std::vector<std::string>& args) {
    CLI::App app{"Print an image's header (needs no keys; nothing is verified).", "mpyseal inspect"};
    std::string image;
    app.add_option("IMAGE", image, "Sealed image")->required();
    if (const int rc = parse(app, args); rc >= 0) return rc;
    const Bytes bytes = readPublicFile(image, kMaxImageFile);
    const seal::ImageInfo info = seal::inspectImage(bytes);
    std::printf("image:       %s (unverified header)\n", image.c_str());
    std::printf("format:      version %u\n", info.version);
    std::printf("name:        %s\n", info.name.c_str());
    std::printf("counter:     %u\n", info.counter);
    std::printf("payload:     %s, %zu bytes\n", std::string(seal::toString(info.payloadAlgorithm)).c_str(),
                info.payloadSize);
    std::printf("signature:   %s, %zu bytes\n", std::string(seal::toString(info.signatureAlgorithm)).c_str(),
                info.signatureSize);
    std::printf("signer id:   %s\n", seal::toHex(info.signerKeyId).c_str());
    std::printf("recipients:  %zu\n", info.recipients.size());
    for (const seal::RecipientInfo& r : info.recipients)
        std::printf("  - %s, key id %s\n", std::string(seal::toString(r.kind)).c_str(),
                    seal::toHex(r.keyId).c_str());
    std::printf("sizes:       header %zu + payload %zu + signature 2+%zu = %zu bytes\n", info.headerSize,
                info.payloadSize, info.signatureSize, info.imageSize);
    return 0;
}

/// Writes entries below a directory without ever following a symbolic link beneath it: openImage already
/// refused '..' and absolute paths, but a link planted in the output directory (lib -> /etc) would still
/// redirect a plain path-based write. Each directory is opened relative to its parent with O_NOFOLLOW, and
/// each file is written atomically inside it (common::writeFileAtomicallyAt), so a link at the final name is
/// replaced, not followed. Files are 0600 and new directories 0700: this is the plaintext the image
/// protected.
class ExtractionRoot {
  public:
    explicit ExtractionRoot(const std::string& dir) : name_(dir) {
        fs::create_directories(dir);
        fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + dir);
    }
    ExtractionRoot(const ExtractionRoot&) = delete;
    ExtractionRoot& operator=(const ExtractionRoot&) = delete;
    ~ExtractionRoot() { ::close(fd_); }

    void write(std::string_view path, seal::ByteView data) {
        int dirFd = ::dup(fd_);
        if (dirFd < 0) throw std::system_error(errno, std::generic_category(), "dup");
        std::size_t start = 0;
        try {
            for (std::size_t slash; (slash = path.find('/', start)) != std::string_view::npos;
                 start = slash + 1) {
                const std::string component(path.substr(start, slash - start));
                const std::string shown = name_ + "/" + std::string(path.substr(0, slash));
                int next =
                    ::openat(dirFd, component.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0 && errno == ENOENT) {
                    if (::mkdirat(dirFd, component.c_str(), 0700) != 0 && errno != EEXIST)
                        throw std::system_error(errno, std::generic_category(), "cannot create " + shown);
                    next =
                        ::openat(dirFd, component.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (next < 0) {
                    if (errno == ELOOP || errno == ENOTDIR)
                        throw std::runtime_error(shown +
                                                 " is a symbolic link or not a directory; refusing to "
                                                 "write through it");
                    throw std::system_error(errno, std::generic_category(), "cannot open " + shown);
                }
                ::close(dirFd);
                dirFd = next;
            }
            common::writeFileAtomicallyAt(dirFd, std::string(path.substr(start)), data, 0600,
                                          common::Durability::ProcessCrash, name_ + "/" + std::string(path));
        } catch (...) {
            ::close(dirFd);
            throw;
        }
        ::close(dirFd);
    }

  private:
    std::string name_;
    int fd_ = -1;
};

int openCommand(const std::vector<std::string>& args) {
    CLI::App app{"Verify, decrypt and extract an image (for the key holder's debugging).", "mpyseal open"};
    std::string image, outDir;
    std::vector<std::string> trust, keyPaths;
    std::uint32_t minimum = 0;
    app.add_option("IMAGE", image, "Sealed image")->required();
    app.add_option("--trust", trust, "Trusted signer public key (PEM, repeatable)")->required();
    app.add_option("--key", keyPaths, "Device private key (PEM) or product key file (repeatable)");
    app.add_option("--min-counter", minimum, "Refuse images whose security counter is below N (default 0)");
    app.add_option("-o,--output", outDir, "Directory to extract the entries into")->required();
    std::string passphraseFile;
    app.add_option("--passphrase-file", passphraseFile, "Passphrase of encrypted --key files (first line)");
    if (const int rc = parse(app, args); rc >= 0) return rc;

    const std::vector<crypto::PublicKey> trusted = loadTrusted(trust);
    KeyRing ring;
    std::vector<seal::DeviceKey> keys;
    for (const std::string& path : keyPaths) {
        SecretBytes data = readSecretFile(path);
        if (isProductKeyFile(data)) {
            ring.products.push_back(std::make_unique<seal::ProductKey>(seal::ProductKey::parseFile(data)));
            keys.push_back(ring.products.back().get());
        } else {
            ring.privates.push_back(std::make_unique<crypto::PrivateKey>(loadPrivate(path, passphraseFile)));
            keys.push_back(ring.privates.back().get());
        }
    }
    const Bytes bytes = readPublicFile(image, kMaxImageFile);
    const seal::OpenedImage opened = seal::openImage(bytes, trusted, keys, minimum);
    ExtractionRoot root(outDir);
    for (const seal::Entry& e : opened.entries()) root.write(e.path, e.data);
    std::fprintf(stderr, "opened %s: %zu entr%s written to %s\n", image.c_str(), opened.entries().size(),
                 opened.entries().size() == 1 ? "y" : "ies", outDir.c_str());
    return 0;
}

template <class F> int guarded(const char* verb, F&& f) {
    try {
        return f();
    } catch (const seal::Error& e) {
        std::fprintf(stderr, "mpyseal %s: %s\n", verb, e.what());
        return 1;
    } catch (const crypto::Error& e) {
        std::fprintf(stderr, "mpyseal %s: %s\n", verb, e.what());
        return 1;
    }
}

} // namespace

void addSealOptions(CLI::App& app, SealCliOptions& opts, const std::string& helpSuffix) {
    app.add_option("--to", opts.to,
                   "Recipient: a device public key (PEM) or a product key file (repeatable)" + helpSuffix);
    app.add_option("--counter", opts.counter,
                   "Security counter (rollback protection), default 0" + helpSuffix);
    app.add_option("--name", opts.name, "Image name (1..64 printable ASCII), default 'app'" + helpSuffix);
    app.add_flag("--no-encrypt", opts.noEncrypt, "Sign only: the entries stay readable" + helpSuffix);
    app.add_option("--passphrase-file", opts.passphraseFile,
                   "Passphrase of an encrypted signer key (first line of the file)" + helpSuffix);
}

int checkRecipientOptions(const SealCliOptions& opts, const char* verb) {
    if (opts.noEncrypt == opts.to.empty()) return -1;
    std::fprintf(stderr,
                 opts.noEncrypt ? "mpyseal %s: --no-encrypt takes no --to recipients\n"
                                : "mpyseal %s: give at least one --to recipient, or --no-encrypt\n",
                 verb);
    return 2;
}

int sealToFile(const std::vector<SealInput>& inputs, const SealCliOptions& opts, const std::string& out) {
    const crypto::PrivateKey signer = loadPrivate(opts.signPath, opts.passphraseFile);
    KeyRing ring;
    std::vector<seal::RecipientKey> recipients;
    for (const std::string& path : opts.to) {
        SecretBytes data = readSecretFile(path);
        if (isProductKeyFile(data)) {
            ring.products.push_back(std::make_unique<seal::ProductKey>(seal::ProductKey::parseFile(data)));
            recipients.push_back(ring.products.back().get());
        } else {
            ring.publics.push_back(std::make_unique<crypto::PublicKey>(loadPublic(path)));
            recipients.push_back(ring.publics.back().get());
        }
    }
    std::vector<seal::InputEntry> entries;
    for (const SealInput& in : inputs)
        entries.push_back({in.path, in.isModule ? seal::EntryKind::Module : seal::EntryKind::Data, in.data});
    const Bytes image =
        seal::sealImage(entries, signer, recipients,
                        {.name = opts.name, .counter = opts.counter, .encrypt = !opts.noEncrypt});
    common::writeFileAtomically(out, image, 0644, common::Durability::PowerLoss);
    std::fprintf(stderr, "sealed %zu entr%s into %s (%zu bytes, %s, counter %u)\n", entries.size(),
                 entries.size() == 1 ? "y" : "ies", out.c_str(), image.size(),
                 opts.noEncrypt ? "signed only" : "encrypted and signed", opts.counter);
    return 0;
}

int runKeygen(const std::vector<std::string>& args) {
    return guarded("keygen", [&] { return keygen(args); });
}
int runSeal(const std::vector<std::string>& args) {
    return guarded("seal", [&] { return sealCommand(args); });
}
int runVerify(const std::vector<std::string>& args) {
    return guarded("verify", [&] { return verifyCommand(args); });
}
int runInspect(const std::vector<std::string>& args) {
    return guarded("inspect", [&] { return inspectCommand(args); });
}
int runOpen(const std::vector<std::string>& args) {
    return guarded("open", [&] { return openCommand(args); });
}

} // namespace mpyseal::cli
