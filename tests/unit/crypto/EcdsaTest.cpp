// ES256 verification against Wycheproof ECDSA P-256 SHA-256 (DER signatures).
#include "Vectors.h"
#include "mpyseal/crypto/Error.h"
#include "mpyseal/crypto/Keys.h"

#include <gtest/gtest.h>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;

TEST(EcdsaWycheproof, P256Sha256Verify) {
    Tally tally("Wycheproof ECDSA P-256 SHA-256 verify");
    const auto doc = readJson(wycheproofFile("ecdsa_secp256r1_sha256_test.json"));
    for (const auto& group : doc["testGroups"]) {
        const PublicKey key = PublicKey::parse(hex(group["publicKeyDer"].get<std::string>()));
        ASSERT_EQ(key.type(), KeyType::EcP256);
        for (const auto& t : group["tests"]) {
            const bool valid = t["result"] == "valid";
            const bool ok =
                key.verifyEs256(hex(t["msg"].get<std::string>()), hex(t["sig"].get<std::string>()));
            std::string flags;
            for (const auto& f : t["flags"]) flags += " " + f.get<std::string>();
            tally.check(ok == valid, "tcId " + std::to_string(t["tcId"].get<int>()) +
                                         (valid ? " valid" : " invalid") + flags);
        }
    }
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total(), 484u);
}

TEST(EcdsaRoundTrip, SignVerify) {
    const PrivateKey key = PrivateKey::generateEcP256();
    const PublicKey pub = key.publicKey();
    const Bytes sig = key.signEs256(asBytes("hello"));
    EXPECT_LE(sig.size(), 72u);
    EXPECT_TRUE(pub.verifyEs256(asBytes("hello"), sig));
    EXPECT_FALSE(pub.verifyEs256(asBytes("hellO"), sig));
    Bytes padded = sig; // BER long-form length: same numbers, not DER
    padded.insert(padded.begin() + 1, 0x81);
    EXPECT_FALSE(pub.verifyEs256(asBytes("hello"), padded));
    EXPECT_FALSE(pub.verifyRs256(asBytes("hello"), sig));
    EXPECT_THROW(key.signRs256(asBytes("hello")), Error);
}
