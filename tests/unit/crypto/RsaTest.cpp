// RSA against Wycheproof: RS256 verification (2048, 3072), RSAES-PKCS1-v1_5 and RSAES-OAEP-SHA-256
// decryption.
#include "Vectors.h"
#include "mpyseal/crypto/Error.h"
#include "mpyseal/crypto/Keys.h"

#include <gtest/gtest.h>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;

namespace {

/// `acceptable` cases (a DigestInfo without the NULL parameter) are rejected: mbedTLS re-encodes the
/// expected DigestInfo and compares, which is what RFC 8017 §8.2.2 describes.
void runRs256File(const std::string& file, const std::string& family, std::size_t expectedTotal) {
    Tally tally(family);
    std::size_t acceptableRejected = 0, acceptableTotal = 0;
    const auto doc = readJson(wycheproofFile(file));
    bool pem = false;
    for (const auto& group : doc["testGroups"]) {
        // Alternate the key encoding between groups so both readers are exercised.
        pem = !pem;
        const PublicKey key = pem ? PublicKey::parse(asBytes(group["publicKeyPem"].get<std::string>()))
                                  : PublicKey::parse(hex(group["publicKeyDer"].get<std::string>()));
        for (const auto& t : group["tests"]) {
            const std::string result = t["result"];
            const bool ok =
                key.verifyRs256(hex(t["msg"].get<std::string>()), hex(t["sig"].get<std::string>()));
            if (result == "acceptable") {
                ++acceptableTotal;
                acceptableRejected += ok ? 0 : 1;
                continue;
            }
            tally.check(ok == (result == "valid"),
                        "tcId " + std::to_string(t["tcId"].get<int>()) + " " + result);
        }
    }
    std::cout << "[vectors] " << family << ": acceptable cases rejected " << acceptableRejected << "/"
              << acceptableTotal << "\n";
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total() + acceptableTotal, expectedTotal);
}

} // namespace

TEST(RsaWycheproof, Rs256Verify2048) {
    runRs256File("rsa_signature_2048_sha256_test.json", "Wycheproof RS256 verify 2048", 259);
}

TEST(RsaWycheproof, Rs256Verify3072) {
    runRs256File("rsa_signature_3072_sha256_test.json", "Wycheproof RS256 verify 3072", 259);
}

TEST(RsaWycheproof, Pkcs1v15Decrypt) {
    Tally tally("Wycheproof RSAES-PKCS1-v1_5 decrypt 2048");
    const auto doc = readJson(wycheproofFile("rsa_pkcs1_2048_test.json"));
    bool pem = false;
    for (const auto& group : doc["testGroups"]) {
        pem = !pem;
        const PrivateKey key = pem ? PrivateKey::parse(asBytes(group["privateKeyPem"].get<std::string>()))
                                   : PrivateKey::parse(hex(group["privateKeyPkcs8"].get<std::string>()));
        for (const auto& t : group["tests"]) {
            const bool valid = t["result"] == "valid";
            bool accepted = false;
            try {
                const SecretBytes m = key.decryptPkcs1v15(hex(t["ct"].get<std::string>()));
                accepted = Bytes(m.begin(), m.end()) == hex(t["msg"].get<std::string>());
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::Authentication);
                EXPECT_STREQ(e.what(), "RSA decryption failed");
            }
            tally.check(accepted == valid, "tcId " + std::to_string(t["tcId"].get<int>()));
        }
    }
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total(), 67u);
}

TEST(RsaWycheproof, OaepSha256Decrypt) {
    Tally tally("Wycheproof RSAES-OAEP-SHA-256 decrypt 2048");
    const auto doc = readJson(wycheproofFile("rsa_oaep_2048_sha256_mgf1sha256_test.json"));
    for (const auto& group : doc["testGroups"]) {
        const PrivateKey key = PrivateKey::parse(hex(group["privateKeyPkcs8"].get<std::string>()));
        for (const auto& t : group["tests"]) {
            const bool valid = t["result"] == "valid";
            bool accepted = false;
            try {
                const SecretBytes m = key.decryptOaepSha256(hex(t["ct"].get<std::string>()),
                                                            hex(t["label"].get<std::string>()));
                accepted = Bytes(m.begin(), m.end()) == hex(t["msg"].get<std::string>());
            } catch (const Error&) {}
            tally.check(accepted == valid, "tcId " + std::to_string(t["tcId"].get<int>()));
        }
    }
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total(), 37u);
}
