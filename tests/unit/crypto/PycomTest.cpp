// Pycom `crypto` semantics: AES argument rules, chaining, RSA helpers and every error message.
// The JWT example of Pycom's documentation is in OpensslInteropTest (openssl verifies it).
#include "mpyseal/crypto/Pycom.h"
#include "ErrorExpect.h"
#include "Vectors.h"
#include "mpyseal/crypto/Keys.h"

#include <gtest/gtest.h>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;
namespace pycom = mpyseal::crypto::pycom;

namespace {

/// A fixed RSA-2048 key in PKCS#8 PEM from the Wycheproof files (no key generation needed).
std::string wycheproofPrivatePem() {
    static const std::string pem =
        readJson(wycheproofFile("rsa_pkcs1_2048_test.json"))["testGroups"][0]["privateKeyPem"]
            .get<std::string>();
    return pem;
}

const Bytes kKey16 = hex("2b7e151628aed2a6abf7158809cf4f3c"); // SP 800-38A F.1 key
const Bytes kIv = hex("000102030405060708090a0b0c0d0e0f");

} // namespace

TEST(PycomAes, ConstantsAndTypeName) {
    EXPECT_EQ(pycom::kModeEcb, 1);
    EXPECT_EQ(pycom::kModeCbc, 2);
    EXPECT_EQ(pycom::kModeCfb, 3);
    EXPECT_EQ(pycom::kModeCtr, 6);
    EXPECT_EQ(pycom::kSegment8, 8);
    EXPECT_EQ(pycom::kSegment128, 128);
    EXPECT_STREQ(pycom::Aes::kTypeName, "AESCipher");
}

// SP 800-38A Appendix F known answers, first block of each mode.
TEST(PycomAes, Sp80038aFirstBlocks) {
    const Bytes pt = hex("6bc1bee22e409f96e93d7e117393172a");
    EXPECT_EQ(toHex(pycom::Aes(kKey16).encrypt(pt)), "3ad77bb40d7a3660a89ecaf32466ef97");
    EXPECT_EQ(toHex(pycom::Aes(kKey16, pycom::kModeCbc, kIv).encrypt(pt)),
              "7649abac8119b246cee98e9b12e9197d");
    EXPECT_EQ(toHex(pycom::Aes(kKey16, pycom::kModeCfb, kIv, std::nullopt, pycom::kSegment128).encrypt(pt)),
              "3b3fd92eb72dad20333449f8e83cfb4a");
    EXPECT_EQ(toHex(pycom::Aes(kKey16, pycom::kModeCfb, kIv).encrypt(ByteView(pt).first(2))), "3b79"); // CFB8
    const Bytes counter = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    EXPECT_EQ(toHex(pycom::Aes(kKey16, pycom::kModeCtr, std::nullopt, counter).encrypt(pt)),
              "874d6191b620e3261bef6864990db6ce");
}

// One object keeps one chaining state for both directions, as Pycom's AESCipher does.
TEST(PycomAes, StatePersistsAcrossCalls) {
    const Bytes counter(16, 0);
    const Bytes msg(50, 0x61);
    const Bytes whole = pycom::Aes(kKey16, pycom::kModeCtr, std::nullopt, counter).encrypt(msg);
    pycom::Aes split(kKey16, pycom::kModeCtr, std::nullopt, counter);
    Bytes joined = split.encrypt(ByteView(msg).first(7));
    const Bytes rest = split.encrypt(ByteView(msg).subspan(7));
    joined.insert(joined.end(), rest.begin(), rest.end());
    EXPECT_EQ(joined, whole);

    // CBC: encrypting then decrypting on the same object continues from the last ciphertext block.
    pycom::Aes cbc(kKey16, pycom::kModeCbc, kIv);
    const Bytes c1 = cbc.encrypt(Bytes(16, 1));
    const Bytes c2 = pycom::Aes(kKey16, pycom::kModeCbc, c1).encrypt(Bytes(16, 2));
    EXPECT_EQ(cbc.encrypt(Bytes(16, 2)), c2);
    EXPECT_EQ(pycom::Aes(kKey16, pycom::kModeCbc, kIv).decrypt(c1), SecretBytes(16, 1));
}

TEST(PycomAes, EveryErrorMessage) {
    expectError([] { pycom::Aes(Bytes(15)); }, ErrorKind::Value,
                "AES key must be either 16, 24, or 32 bytes long");
    expectError([] { pycom::Aes(kKey16, 4); }, ErrorKind::Value, "Unknown cipher feedback mode 4");
    expectError([] { pycom::Aes(kKey16, pycom::kModeCbc, Bytes(15)); }, ErrorKind::Value,
                "IV must be 16 bytes long");
    expectError([] { pycom::Aes(kKey16, pycom::kModeCfb); }, ErrorKind::Value, "IV must be 16 bytes long");
    expectError([] { pycom::Aes(kKey16, pycom::kModeCtr); }, ErrorKind::Type,
                "object with buffer protocol required");
    expectError([] { pycom::Aes(kKey16, pycom::kModeCtr, std::nullopt, Bytes(8)); }, ErrorKind::Value,
                "Initial counter value must be 16 bytes long");
    expectError([] { pycom::Aes(kKey16, pycom::kModeEcb, std::nullopt, Bytes(16)); }, ErrorKind::Value,
                "'counter' parameter only useful with CTR mode");
    expectError([] { pycom::Aes(kKey16, pycom::kModeCfb, kIv, std::nullopt, 16); }, ErrorKind::Value,
                "segment_size must be 8 or 128");
    expectError([] { pycom::Aes(kKey16).encrypt(Bytes(17)); }, ErrorKind::Value,
                "Input strings must be a multiple of 16 in length");
    expectError([] { pycom::Aes(kKey16, pycom::kModeCbc, kIv).decrypt(Bytes(8)); }, ErrorKind::Value,
                "Input strings must be a multiple of 16 in length");
    // Accepted: IV ignored in ECB/CTR, segment_size ignored outside CFB, 24-byte keys.
    EXPECT_NO_THROW(pycom::Aes(Bytes(24), pycom::kModeEcb, Bytes(3), std::nullopt, 77));
    EXPECT_NO_THROW(pycom::Aes(Bytes(32), pycom::kModeCtr, Bytes(3), Bytes(16)));
}

TEST(PycomRsa, SignatureIsRs256OverAllBytes) {
    const std::string pem = wycheproofPrivatePem();
    const PrivateKey key = PrivateKey::parse(asBytes(pem));
    const PublicKey pub = key.publicKey();
    const std::string withNul("head\0tail", 9);
    const Bytes sig = pycom::generateRsaSignature(asBytes(withNul), asBytes(pem));
    EXPECT_TRUE(pub.verifyRs256(asBytes(withNul), sig));
    // Pycom would have signed "head" only; mpyseal signs every byte.
    EXPECT_FALSE(pub.verifyRs256(asBytes("head"), sig));
    // PKCS#1 v1.5 is deterministic: pers changes the blinding only, not the signature.
    EXPECT_EQ(pycom::generateRsaSignature(asBytes(withNul), asBytes(pem), asBytes("other")), sig);
    EXPECT_EQ(key.signRs256(asBytes(withNul)), sig);
}

TEST(PycomRsa, EncryptDecrypt) {
    const std::string pem = wycheproofPrivatePem();
    const std::string pubPem = PrivateKey::parse(asBytes(pem)).publicKey().toPem();
    const std::string message("bytes\0are bytes", 15);
    const Bytes ct = pycom::rsaEncrypt(asBytes(message), asBytes(pubPem));
    EXPECT_EQ(ct.size(), 256u);
    EXPECT_EQ(asText(pycom::rsaDecrypt(ct, asBytes(pem))), message);
    EXPECT_NE(pycom::rsaEncrypt(asBytes(message), asBytes(pubPem)), ct); // random padding
    EXPECT_NO_THROW(pycom::rsaEncrypt(Bytes(245), asBytes(pubPem)));
}

TEST(PycomRsa, EveryErrorMessage) {
    const std::string pem = wycheproofPrivatePem();
    const std::string pubPem = PrivateKey::parse(asBytes(pem)).publicKey().toPem();
    const std::string ecPem(asText(PrivateKey::generateEcP256().toPkcs8Pem()));
    expectError([] { pycom::generateRsaSignature(asBytes("m"), asBytes("not a key")); }, ErrorKind::Value,
                "Invalid Private Key, error code: -", true);
    expectError([&] { pycom::generateRsaSignature(asBytes("m"), asBytes(ecPem)); }, ErrorKind::Value,
                "Invalid Private Key, error code: -16128"); // MBEDTLS_ERR_PK_TYPE_MISMATCH
    expectError([] { pycom::rsaEncrypt(asBytes("m"), asBytes("not a key")); }, ErrorKind::Value,
                "Invalid public key, mbedtls error code: 0x", true);
    expectError([&] { pycom::rsaEncrypt(asBytes("m"), asBytes(pem)); }, ErrorKind::Value,
                "Invalid public key, mbedtls error code: 0x", true); // a private key is not a public key
    expectError([] { pycom::rsaDecrypt(Bytes(256), asBytes("not a key")); }, ErrorKind::Value,
                "Invalid private key, mbedtls error code: 0x", true);
    expectError([&] { pycom::rsaEncrypt(Bytes(246), asBytes(pubPem)); }, ErrorKind::Runtime,
                "Encrypt failed, mbedtls error code: 0x4080!"); // MBEDTLS_ERR_RSA_BAD_INPUT_DATA
    expectError([&] { pycom::rsaDecrypt(Bytes(256, 1), asBytes(pem)); }, ErrorKind::Runtime,
                "Decrypt failed, mbedtls error code: 0x", true);
    expectError([&] { pycom::rsaDecrypt(Bytes(10), asBytes(pem)); }, ErrorKind::Runtime,
                "Decrypt failed, mbedtls error code: 0x4080!");
}

TEST(PycomRandom, Getrandbits) {
    EXPECT_TRUE(pycom::getrandbits(0).empty());
    EXPECT_EQ(pycom::getrandbits(1).size(), 4u);
    EXPECT_EQ(pycom::getrandbits(128).size(), 16u);
}
