// Key generation, PKCS#8/SPKI round trips, RSA and ECDSA round trips, key error messages.
// (Reading keys made by another implementation is covered by OpensslInteropTest and the Wycheproof tests.)
#include "mpyseal/crypto/Keys.h"
#include "Vectors.h"
#include "mpyseal/crypto/Error.h"

#include <gtest/gtest.h>

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
