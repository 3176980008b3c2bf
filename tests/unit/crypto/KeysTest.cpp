// Key generation, PKCS#8/SPKI round trips, RSA and ECDSA round trips, key error messages, and encrypted
// PKCS#8 writing (PBES2) checked against the `openssl` CLI.
// (Reading keys made by another implementation is covered by OpensslInteropTest and the Wycheproof tests.)
#include "mpyseal/crypto/Keys.h"
#include "ErrorExpect.h"
#include "OpensslWorkspace.h"
#include "Vectors.h"
#include "mpyseal/crypto/Error.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;

namespace {

void expectSameKey(const PrivateKey& a, const PrivateKey& b) {
    EXPECT_EQ(a.type(), b.type());
    EXPECT_EQ(a.bits(), b.bits());
    EXPECT_EQ(a.publicKey().toDer(), b.publicKey().toDer());
}

void expectRsaRoundTrips(const PrivateKey& key) {
    const PublicKey pub = key.publicKey();
    const Bytes sig = key.signRs256(asBytes("payload"));
    EXPECT_EQ(sig.size(), key.rsaSize());
    EXPECT_TRUE(pub.verifyRs256(asBytes("payload"), sig));
    EXPECT_FALSE(pub.verifyRs256(asBytes("payloaD"), sig));
    const Bytes ct = pub.encryptOaepSha256(asBytes("secret"), asBytes("label"));
    const SecretBytes pt = key.decryptOaepSha256(ct, asBytes("label"));
    EXPECT_EQ(asText(pt), "secret");
    EXPECT_THROW(key.decryptOaepSha256(ct, asBytes("other label")), Error);
    const Bytes ct1 = pub.encryptPkcs1v15(asBytes("secret"));
    EXPECT_EQ(asText(key.decryptPkcs1v15(ct1)), "secret");
}

} // namespace

TEST(KeysRsa, Generate2048AndRoundTrip) {
    const PrivateKey key = PrivateKey::generateRsa(2048);
    EXPECT_EQ(key.type(), KeyType::Rsa);
    EXPECT_EQ(key.bits(), 2048u);
    EXPECT_EQ(key.rsaSize(), 256u);
    expectRsaRoundTrips(key);

    const SecretBytes pem = key.toPkcs8Pem();
    EXPECT_EQ(asText(pem).substr(0, 28), "-----BEGIN PRIVATE KEY-----\n");
    expectSameKey(PrivateKey::parse(pem), key);
    expectSameKey(PrivateKey::parse(key.toPkcs8Der()), key);

    const PublicKey pub = key.publicKey();
    EXPECT_EQ(pub.toPem().substr(0, 27), "-----BEGIN PUBLIC KEY-----\n");
    EXPECT_EQ(PublicKey::parse(asBytes(pub.toPem())).toDer(), pub.toDer());
    EXPECT_EQ(PublicKey::parse(pub.toDer()).bits(), 2048u);
}

// The slow sizes, each generated exactly once in the whole suite.
TEST(KeysRsa, Generate3072And4096) {
    for (unsigned bits : {3072u, 4096u}) {
        const PrivateKey key = PrivateKey::generateRsa(bits);
        EXPECT_EQ(key.bits(), bits);
        expectRsaRoundTrips(key);
        expectSameKey(PrivateKey::parse(key.toPkcs8Pem()), key);
    }
}

TEST(KeysRsa, SizeLimits) {
    EXPECT_THROW(PrivateKey::generateRsa(1024), Error);
    const auto doc = readJson(wycheproofFile("rsa_pkcs1_2048_test.json"));
    const PrivateKey key =
        PrivateKey::parse(asBytes(doc["testGroups"][0]["privateKeyPem"].get<std::string>()));
    const PublicKey pub = key.publicKey();
    EXPECT_NO_THROW(pub.encryptPkcs1v15(Bytes(256 - 11)));
    EXPECT_THROW(pub.encryptPkcs1v15(Bytes(256 - 10)), Error);
    EXPECT_NO_THROW(pub.encryptOaepSha256(Bytes(256 - 66)));
    EXPECT_THROW(pub.encryptOaepSha256(Bytes(256 - 65)), Error);
    EXPECT_FALSE(pub.verifyRs256(asBytes("m"), Bytes(255)));
    EXPECT_THROW(key.decryptPkcs1v15(Bytes(255)), Error);
}

TEST(KeysEc, GenerateP256AndRoundTrip) {
    const PrivateKey key = PrivateKey::generateEcP256();
    EXPECT_EQ(key.type(), KeyType::EcP256);
    EXPECT_EQ(key.bits(), 256u);
    expectSameKey(PrivateKey::parse(key.toPkcs8Pem()), key);
    expectSameKey(PrivateKey::parse(key.toPkcs8Der()), key);
    const PublicKey pub = PublicKey::parse(asBytes(key.publicKey().toPem()));
    EXPECT_TRUE(pub.verifyEs256(asBytes("m"), key.signEs256(asBytes("m"))));
    EXPECT_THROW(pub.encryptPkcs1v15(asBytes("m")), Error);
    EXPECT_THROW(pub.rsaSize(), Error);
}

TEST(KeysErrors, MessagesCarryNoKeyMaterial) {
    const auto doc = readJson(wycheproofFile("rsa_pkcs1_2048_test.json"));
    std::string pem = doc["testGroups"][0]["privateKeyPem"].get<std::string>();
    // Corrupt one base64 character in the middle of the key.
    const std::size_t middle = pem.size() / 2;
    pem[middle] = pem[middle] == 'A' ? 'B' : 'A';
    try {
        PrivateKey::parse(asBytes(pem));
        FAIL() << "corrupted key parsed";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Value);
        const std::string message = e.what();
        EXPECT_EQ(message.rfind("invalid private key (mbedtls error -0x", 0), 0u) << message;
        EXPECT_NE(e.backendCode(), 0);
        EXPECT_EQ(message.find(pem.substr(middle - 8, 16)), std::string::npos);
        EXPECT_LT(message.size(), 64u);
    }
    try {
        PublicKey::parse(asBytes("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("invalid public key (mbedtls error -0x", 0), 0u) << e.what();
    }
    EXPECT_THROW(PrivateKey::parse({}), Error);
    EXPECT_THROW(PublicKey::parse(Bytes(10, 0x30)), Error);
}

// --- Encrypted PKCS#8 writing (PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC) ------------------------
//
// Each PBKDF2 run takes about 0.4 s (PrivateKey::kEncryptedPkcs8Iterations); parsing with a wrong passphrase
// costs one too. So the keys are made once per process and each one's encrypted PEM on first use.

namespace {

namespace fs = std::filesystem;

// Spaces and a non-ASCII character (U+2713 / U+2717 in UTF-8): PBES2 uses the passphrase's bytes as they
// are, in openssl as here.
constexpr std::string_view kPassphrase = "correct horse battery staple \xe2\x9c\x93";
constexpr std::string_view kWrongPassphrase = "correct horse battery staple \xe2\x9c\x97";
constexpr const char* kWrongPassphraseMessage = "wrong passphrase for the private key";
constexpr const char* kPassphraseRequiredMessage = "private key is encrypted: a passphrase is required";

Bytes bytesOf(const SecretBytes& secret) {
    return Bytes(secret.begin(), secret.end());
}

/// One line of `openssl asn1parse` output reduced to depth, type and value, e.g. "d=2 OBJECT :PBES2";
/// OCTET STRINGs become "d=5 OCTET STRING l=16", their hex dump kept apart.
struct Asn1Line {
    std::string shape;
    std::string hex;
};

std::vector<Asn1Line> parseAsn1Dump(const std::string& dump) {
    static const std::regex line(R"(^\s*\d+:d=(\d+)\s+hl=\s*\d+\s+l=\s*(\d+)\s+(?:prim|cons):\s*(.*?)\s*$)");
    static const std::regex spaces(R"(\s+)");
    std::vector<Asn1Line> out;
    std::istringstream in(dump);
    std::string text;
    while (std::getline(in, text)) {
        std::smatch m;
        if (!std::regex_match(text, m, line)) {
            out.push_back({"unparsed: " + text, ""});
            continue;
        }
        const std::string depth = "d=" + m[1].str() + " ";
        const std::string rest = m[3].str();
        const std::size_t hexDump = rest.find("[HEX DUMP]:");
        if (hexDump != std::string::npos) {
            out.push_back({depth + "OCTET STRING l=" + m[2].str(), rest.substr(hexDump + 11)});
        } else {
            // "OBJECT            :PBES2" → "OBJECT :PBES2"
            out.push_back({depth + std::regex_replace(rest, spaces, " "), ""});
        }
    }
    return out;
}

/// How `openssl asn1parse` prints a small positive INTEGER: its DER content octets in upper-case hex.
std::string asn1IntegerHex(unsigned value) {
    char text[16];
    std::snprintf(text, sizeof text, "%X", value);
    std::string hex = text;
    if (hex.size() % 2 != 0) hex.insert(0, "0");
    if (hex[0] >= '8') hex.insert(0, "00"); // DER keeps a positive integer's top bit clear
    return hex;
}

/// The EncryptedPrivateKeyInfo that RFC 5958 §3 and RFC 8018 §6.2, A.2, A.4, B.2.5 prescribe, as
/// parseAsn1Dump() shows it, for a PKCS#8 plaintext of `plainSize` bytes (PKCS#7 padding adds 1 to 16).
std::vector<std::string> expectedEncryptedPkcs8Shape(std::size_t plainSize) {
    const std::string iterationCount = asn1IntegerHex(PrivateKey::kEncryptedPkcs8Iterations);
    const std::string ciphertextSize = std::to_string((plainSize / 16 + 1) * 16);
    return {
        "d=0 SEQUENCE",                         // EncryptedPrivateKeyInfo
        "d=1 SEQUENCE",                         //   encryptionAlgorithm
        "d=2 OBJECT :PBES2",                    //     1.2.840.113549.1.5.13
        "d=2 SEQUENCE",                         //     PBES2-params
        "d=3 SEQUENCE",                         //       keyDerivationFunc
        "d=4 OBJECT :PBKDF2",                   //         1.2.840.113549.1.5.12
        "d=4 SEQUENCE",                         //         PBKDF2-params
        "d=5 OCTET STRING l=16",                //           salt
        "d=5 INTEGER :" + iterationCount,       //           iterationCount
        "d=5 SEQUENCE",                         //           prf
        "d=6 OBJECT :hmacWithSHA256",           //             1.2.840.113549.2.9
        "d=6 NULL",                             //             parameters
        "d=3 SEQUENCE",                         //       encryptionScheme
        "d=4 OBJECT :aes-256-cbc",              //         2.16.840.1.101.3.4.1.42
        "d=4 OCTET STRING l=16",                //         IV
        "d=1 OCTET STRING l=" + ciphertextSize, //   encryptedData
    };
}

std::vector<std::string> shapesOf(const std::vector<Asn1Line>& lines) {
    std::vector<std::string> shapes;
    for (const Asn1Line& l : lines) shapes.push_back(l.shape);
    return shapes;
}

class EncryptedPkcs8 : public OpensslWorkspace {
  protected:
    /// A key and, made on first use (ctest runs every test in its own process), its encrypted PEM.
    struct Sample {
        Sample(std::string name, PrivateKey key) : name(std::move(name)), key(std::move(key)) {}
        std::string name;
        PrivateKey key;
        const SecretBytes& pem() const {
            if (!pem_) pem_ = key.toEncryptedPkcs8Pem(kPassphrase);
            return *pem_;
        }

      private:
        mutable std::optional<SecretBytes> pem_;
    };

    static void SetUpTestSuite() {
        samples_ = std::make_unique<std::vector<Sample>>();
        samples_->emplace_back("EC P-256", PrivateKey::generateEcP256());
        // A fixed RSA key: generating one costs 0.1-2 s in every test process.
        const auto doc = readJson(wycheproofFile("rsa_pkcs1_2048_test.json"));
        samples_->emplace_back(
            "RSA-2048", PrivateKey::parse(asBytes(doc["testGroups"][0]["privateKeyPem"].get<std::string>())));
    }
    static void TearDownTestSuite() { samples_.reset(); }
    static const std::vector<Sample>& samples() { return *samples_; }

    void SetUp() override {
        OpensslWorkspace::SetUp();
        write("pass.txt", asBytes(kPassphrase)); // -passin file: reads the first line, no newline needed
        write("wrong.txt", asBytes(kWrongPassphrase));
    }

  private:
    static inline std::unique_ptr<std::vector<Sample>> samples_;
};

} // namespace

TEST(KeysEncryptedPkcs8, EmptyPassphraseIsRefused) {
    const PrivateKey key = PrivateKey::generateEcP256();
    const std::string message = "the passphrase of an encrypted private key must not be empty";
    expectError([&] { key.toEncryptedPkcs8Pem(""); }, ErrorKind::Value, message);
    expectError([&] { key.toEncryptedPkcs8Der(""); }, ErrorKind::Value, message);
}

TEST_F(EncryptedPkcs8, RoundTripWithRightWrongAndMissingPassphrase) {
    for (const Sample& s : samples()) {
        SCOPED_TRACE(s.name);
        const std::string_view text = asText(s.pem());
        EXPECT_TRUE(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")) << text;
        EXPECT_TRUE(text.ends_with("\n-----END ENCRYPTED PRIVATE KEY-----\n")) << text;

        const PrivateKey back = PrivateKey::parse(s.pem(), kPassphrase);
        expectSameKey(back, s.key);
        EXPECT_EQ(bytesOf(back.toPkcs8Der()), bytesOf(s.key.toPkcs8Der())); // the private part too

        // The messages are exact, so they cannot carry the passphrase.
        expectError([&] { PrivateKey::parse(s.pem(), kWrongPassphrase); }, ErrorKind::Value,
                    kWrongPassphraseMessage);
        expectError([&] { PrivateKey::parse(s.pem()); }, ErrorKind::Value, kPassphraseRequiredMessage);
        expectError([&] { PrivateKey::parse(s.pem(), ""); }, ErrorKind::Value, kPassphraseRequiredMessage);
    }
}

// Independent oracle: openssl decrypts our files with the passphrase from a file and derives the same public
// key and the same private key; with the wrong passphrase it fails.
TEST_F(EncryptedPkcs8, OpensslReadsOurs) {
    for (const Sample& s : samples()) {
        SCOPED_TRACE(s.name);
        write("ours.pem", s.pem());
        write("plain.pem", s.key.toPkcs8Pem());
        mustRun("pkey -in ours.pem -passin file:pass.txt -pubout -out pub.pem");
        EXPECT_EQ(readText("pub.pem"), s.key.publicKey().toPem());
        // The decrypted key, re-encoded by openssl, equals openssl's re-encoding of our plain PKCS#8.
        mustRun("pkcs8 -topk8 -nocrypt -in ours.pem -passin file:pass.txt -outform DER -out decrypted.der");
        mustRun("pkcs8 -topk8 -nocrypt -in plain.pem -outform DER -out plain.der");
        EXPECT_FALSE(read("plain.der").empty());
        EXPECT_EQ(read("decrypted.der"), read("plain.der"));
        EXPECT_NE(openssl("pkey -in ours.pem -passin file:wrong.txt -pubout -out bad.pem"), 0);
    }
}

// `openssl asn1parse` shows exactly the structure and algorithms documented (PBES2, PBKDF2, hmacWithSHA256,
// aes-256-cbc, 16-byte salt and IV, kEncryptedPkcs8Iterations), for the PEM and for the DER form; two
// encryptions of the same key draw different salts and IVs.
TEST_F(EncryptedPkcs8, Asn1ParseShowsPbes2WithPbkdf2HmacSha256AndAes256Cbc) {
    for (const Sample& s : samples()) {
        SCOPED_TRACE(s.name);
        write("ours.pem", s.pem());
        const std::vector<Asn1Line> lines = parseAsn1Dump(output("asn1parse -in ours.pem"));
        EXPECT_EQ(shapesOf(lines), expectedEncryptedPkcs8Shape(s.key.toPkcs8Der().size()));
    }

    const Sample& ec = samples().front();
    const SecretBytes der = ec.key.toEncryptedPkcs8Der(kPassphrase);
    write("ours.der", der);
    write("ours.pem", ec.pem());
    const std::vector<Asn1Line> fromDer = parseAsn1Dump(output("asn1parse -inform DER -in ours.der"));
    const std::vector<Asn1Line> fromPem = parseAsn1Dump(output("asn1parse -in ours.pem"));
    ASSERT_EQ(shapesOf(fromDer), expectedEncryptedPkcs8Shape(ec.key.toPkcs8Der().size()));
    ASSERT_EQ(shapesOf(fromPem), shapesOf(fromDer));
    constexpr std::size_t kSalt = 7, kIv = 14, kCiphertext = 15; // indexes in the expected shape
    for (std::size_t i : {kSalt, kIv}) {
        EXPECT_EQ(fromDer[i].hex.size(), 32u) << i;
        EXPECT_NE(fromDer[i].hex, fromPem[i].hex) << i;
    }
    EXPECT_NE(fromDer[kCiphertext].hex, fromPem[kCiphertext].hex);
    // The DER form reads back here and in openssl.
    EXPECT_EQ(bytesOf(PrivateKey::parse(der, kPassphrase).toPkcs8Der()), bytesOf(ec.key.toPkcs8Der()));
    mustRun("pkey -inform DER -in ours.der -passin file:pass.txt -pubout -out pub.pem");
    EXPECT_EQ(readText("pub.pem"), ec.key.publicKey().toPem());
}

// The reverse direction with our exact parameters: openssl encrypts our keys with PBES2, hmacWithSHA256,
// aes-256-cbc and the same iteration count and passphrase file, and we read them. (OpenSSL's defaults and
// other PBES2 variants are in OpensslInteropTest.EncryptedPkcs8WithPassphrase.)
TEST_F(EncryptedPkcs8, WeReadOpensslsWithTheSameParameters) {
    for (const Sample& s : samples()) {
        SCOPED_TRACE(s.name);
        write("plain.pem", s.key.toPkcs8Pem());
        mustRun("pkcs8 -topk8 -in plain.pem -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter " +
                std::to_string(PrivateKey::kEncryptedPkcs8Iterations) +
                " -passout file:pass.txt -out theirs.pem");
        EXPECT_TRUE(readText("theirs.pem").starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        const PrivateKey back = PrivateKey::parse(read("theirs.pem"), kPassphrase);
        EXPECT_EQ(bytesOf(back.toPkcs8Der()), bytesOf(s.key.toPkcs8Der()));
    }
}
