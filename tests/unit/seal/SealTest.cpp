// Round trips: every recipient kind and signer type, several recipients, signed-only images, inspect and
// verify, product key files.
#include "TestKeys.h"

#include "mpyseal/crypto/Hash.h"

#include <algorithm>

namespace mpyseal::seal::test {
namespace {

struct Sample {
    crypto::Bytes mainMpy =
        bytesOf(std::string("M\x06\x00\x1f main module bytes ", 22) + std::string(300, 'x'));
    crypto::Bytes sensor = bytesOf("sensor module: secret algorithm 0123456789");
    crypto::Bytes config = bytesOf("{\"rate\": 5}");
    std::vector<InputEntry> entries() const {
        return {{"main.mpy", EntryKind::Module, mainMpy},
                {"lib/sensor.mpy", EntryKind::Module, sensor},
                {"config.json", EntryKind::Data, config},
                {"lib/empty.mpy", EntryKind::Module, {}}};
    }
};

/// The entries come back in the format's order, ascending by path (docs/sealed-format.md §6), whatever
/// order they were sealed in.
void expectSameEntries(const OpenedImage& opened, std::vector<InputEntry> expected) {
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    ASSERT_EQ(opened.entries().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(opened.entries()[i].path, expected[i].path);
        EXPECT_EQ(opened.entries()[i].kind, expected[i].kind);
        EXPECT_TRUE(std::ranges::equal(opened.entries()[i].data, expected[i].data)) << expected[i].path;
    }
}

bool contains(const crypto::Bytes& haystack, const crypto::Bytes& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

TEST(SealRoundTrip, ProductKeyRecipientEcSigner) {
    Keys& k = keys();
    Sample s;
    const auto entries = s.entries();
    const RecipientKey to[] = {&k.product};
    const crypto::Bytes image = sealImage(entries, k.ecSigner, to, {.name = "app", .counter = 7});
    EXPECT_FALSE(contains(image, s.sensor)) << "plaintext visible in an encrypted image";
    const DeviceKey device[] = {&k.product};
    const OpenedImage opened = openImage(image, std::span(&k.ecSignerPub, 1), device, 7);
    expectSameEntries(opened, entries);
    EXPECT_EQ(opened.info().counter, 7u);
    EXPECT_EQ(opened.info().name, "app");
}

TEST(SealRoundTrip, EciesRecipient) {
    Keys& k = keys();
    Sample s;
    const auto entries = s.entries();
    const RecipientKey to[] = {&k.ecDevicePub};
    const crypto::Bytes image = sealImage(entries, k.ecSigner, to);
    const DeviceKey device[] = {&k.ecDevice};
    expectSameEntries(openImage(image, std::span(&k.ecSignerPub, 1), device, 0), entries);
    EXPECT_EQ(inspectImage(image).recipients.at(0).kind, RecipientKind::EciesP256);
    EXPECT_EQ(inspectImage(image).recipients.at(0).keyId, keyIdOf(k.ecDevicePub));
}

TEST(SealRoundTrip, RsaOaepRecipientAndRs256Signers) {
    Keys& k = keys();
    RsaKeys& r = rsaKeys();
    Sample s;
    const auto entries = s.entries();
    const RecipientKey to[] = {&r.rsa2048Pub};
    const DeviceKey device[] = {&r.rsa2048};
    // RSA-OAEP recipient, ES256 signer.
    const crypto::Bytes a = sealImage(entries, k.ecSigner, to);
    expectSameEntries(openImage(a, std::span(&k.ecSignerPub, 1), device, 0), entries);
    // RS256 with 2048 and 3072-bit signers.
    for (auto* signer : {&r.rsa2048, &r.rsa3072}) {
        const crypto::PublicKey pub = signer->publicKey();
        const crypto::Bytes image = sealImage(entries, *signer, to);
        const ImageInfo info = verifyImage(image, std::span(&pub, 1), 0);
        EXPECT_EQ(info.signatureAlgorithm, SignatureAlgorithm::Rs256);
        EXPECT_EQ(info.signatureSize, signer->rsaSize());
        expectSameEntries(openImage(image, std::span(&pub, 1), device, 0), entries);
    }
}

TEST(SealRoundTrip, SeveralRecipientsEachOpens) {
    Keys& k = keys();
    RsaKeys& r = rsaKeys();
    Sample s;
    const auto entries = s.entries();
    const RecipientKey to[] = {&k.product, &k.ecDevicePub, &r.rsa2048Pub, &k.product2};
    const crypto::Bytes image = sealImage(entries, k.ecSigner, to);
    EXPECT_EQ(inspectImage(image).recipients.size(), 4u);
    const DeviceKey each[] = {&k.product, &k.ecDevice, &r.rsa2048, &k.product2};
    for (const DeviceKey& key : each)
        expectSameEntries(openImage(image, std::span(&k.ecSignerPub, 1), std::span(&key, 1), 0), entries);
    // A device holding a non-recipient key as well as a recipient key still opens it.
    const DeviceKey mixed[] = {&k.ecDevice2, &k.ecDevice};
    expectSameEntries(openImage(image, std::span(&k.ecSignerPub, 1), mixed, 0), entries);
}

TEST(SealRoundTrip, SignedOnly) {
    Keys& k = keys();
    Sample s;
    const auto entries = s.entries();
    const crypto::Bytes image = sealImage(entries, k.ecSigner, {}, {.name = "plain", .encrypt = false});
    EXPECT_TRUE(contains(image, s.sensor)); // authenticity only: the bytes are in clear
    const ImageInfo info = inspectImage(image);
    EXPECT_EQ(info.payloadAlgorithm, PayloadAlgorithm::None);
    EXPECT_TRUE(info.recipients.empty());
    expectSameEntries(openImage(image, std::span(&k.ecSignerPub, 1), {}, 0), entries);
}

TEST(SealRoundTrip, SingleModuleImage) {
    Keys& k = keys();
    const crypto::Bytes mpy = bytesOf("M\x06 tiny");
    const InputEntry one[] = {{"sensor.mpy", EntryKind::Module, mpy}};
    const RecipientKey to[] = {&k.product};
    const crypto::Bytes image = sealImage(one, k.ecSigner, to);
    EXPECT_LT(image.size(), 400u);
    const DeviceKey device[] = {&k.product};
    const OpenedImage opened = openImage(image, std::span(&k.ecSignerPub, 1), device, 0);
    ASSERT_EQ(opened.entries().size(), 1u);
    EXPECT_TRUE(std::ranges::equal(opened.entries()[0].data, mpy));
}

TEST(SealInspect, HeaderFieldsAndSizes) {
    Keys& k = keys();
    Sample s;
    const auto entries = s.entries();
    const RecipientKey to[] = {&k.product, &k.ecDevicePub};
    const crypto::Bytes image = sealImage(entries, k.ecSigner, to, {.name = "firmware-app", .counter = 42});
    const ImageInfo info = inspectImage(image);
    EXPECT_EQ(info.version, 1);
    EXPECT_EQ(info.name, "firmware-app");
    EXPECT_EQ(info.counter, 42u);
    EXPECT_EQ(info.payloadAlgorithm, PayloadAlgorithm::Aes256Gcm);
    EXPECT_EQ(info.signatureAlgorithm, SignatureAlgorithm::Es256);
    EXPECT_EQ(info.signerKeyId, keyIdOf(k.ecSignerPub));
    ASSERT_EQ(info.recipients.size(), 2u);
    EXPECT_EQ(info.recipients[0].kind, RecipientKind::ProductKey);
    EXPECT_EQ(info.recipients[0].keyId, k.product.keyId());
    EXPECT_EQ(info.recipients[0].bodySize, 60u);
    EXPECT_EQ(info.recipients[1].bodySize, 113u);
    EXPECT_EQ(info.headerSize, 72u + 12 + (36 + 60) + (36 + 113));
    EXPECT_EQ(info.imageSize, image.size());
    EXPECT_EQ(info.headerSize + info.payloadSize + 2 + info.signatureSize, image.size());
    // The signer key id is SHA-256 of the SPKI DER.
    const crypto::Bytes digest = crypto::sha256(k.ecSignerPub.toDer());
    EXPECT_TRUE(std::ranges::equal(info.signerKeyId, digest));
    // verify needs no decryption key
    EXPECT_EQ(verifyImage(image, std::span(&k.ecSignerPub, 1), 42).counter, 42u);
}

TEST(SealInspect, CounterAtMinimumIsAccepted) {
    Keys& k = keys();
    Sample s;
    const auto entries = s.entries();
    const RecipientKey to[] = {&k.product};
    const crypto::Bytes image = sealImage(entries, k.ecSigner, to, {.counter = 0xffffffffu});
    EXPECT_NO_THROW(verifyImage(image, std::span(&k.ecSignerPub, 1), 0xffffffffu));
}

TEST(ProductKeyFile, RoundTripAndStrictParse) {
    const ProductKey key = ProductKey::generate();
    const SecretBytes file = key.toFile();
    const std::string_view text = crypto::asText(file);
    EXPECT_TRUE(text.starts_with("mpyseal-product-key-v1:"));
    EXPECT_EQ(text.size(), 23u + 64 + 1);
    const ProductKey back = ProductKey::parseFile(file);
    EXPECT_TRUE(std::ranges::equal(back.bytes(), key.bytes()));
    EXPECT_EQ(back.keyId(), key.keyId());
    std::string upper(text);
    std::transform(upper.begin() + 23, upper.end(), upper.begin() + 23, ::toupper);
    EXPECT_NO_THROW(ProductKey::parseFile(bytesOf(upper)));
    std::string crlf(text.substr(0, text.size() - 1));
    EXPECT_NO_THROW(ProductKey::parseFile(bytesOf(crlf + "\r\n")));
    EXPECT_NO_THROW(ProductKey::parseFile(bytesOf(crlf)));
    for (const std::string& bad :
         {std::string(), crlf + "\n\n", crlf.substr(0, crlf.size() - 1), "x" + crlf.substr(1),
          crlf.substr(0, 30) + "g" + crlf.substr(31), crlf + "00"})
        expectError(ErrorCode::Format, [&] { ProductKey::parseFile(bytesOf(bad)); });
}

TEST(SealPaths, Rules) {
    for (const char* good : {"main.mpy", "lib/sensor.mpy", "a/b/c d.mpy", "x..y", ".hidden"})
        EXPECT_EQ(pathProblem(good), "") << good;
    for (const char* bad : {"", "/etc/passwd", "../x", "lib/../x", "./x", "lib/.", "a//b", "a/", "a\\b",
                            "c:x", "tab\there", "a./b", "lib /x", "x.", "..."})
        EXPECT_NE(pathProblem(bad), "") << bad;
    EXPECT_NE(pathProblem(std::string(256, 'a')), "");
    EXPECT_EQ(kindProblem(EntryKind::Module, "lib/x.mpy"), "");
    EXPECT_NE(kindProblem(EntryKind::Module, "main.py"), "");
    EXPECT_EQ(kindProblem(EntryKind::Data, "main.py"), "");
}

} // namespace
} // namespace mpyseal::seal::test
