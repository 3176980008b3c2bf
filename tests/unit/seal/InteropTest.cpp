// Interop with the openssl CLI: the signed region is cut out by the offsets documented in
// docs/sealed-format.md §2/§3.1 (not through the library) and verified with `openssl dgst`; an RSA-OAEP
// recipient body is decrypted with `openssl pkeyutl`; keys made by openssl are used for sealing and opening.
#include "TestKeys.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace mpyseal::seal::test {
namespace {
namespace fs = std::filesystem;

class SealInterop : public ::testing::Test {
  protected:
    fs::path dir;
    void SetUp() override {
        dir = fs::temp_directory_path() / ("mpyseal-seal-interop-" + std::to_string(::getpid()));
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    void write(const fs::path& p, crypto::ByteView bytes) {
        std::ofstream out(p, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    crypto::Bytes read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return crypto::Bytes(std::istreambuf_iterator<char>(in), {});
    }
    int run(const std::string& command) {
        return std::system((command + " >" + (dir / "log").string() + " 2>&1").c_str());
    }

    /// Verifies `image` with openssl using only the documented offsets.
    void verifyWithOpenssl(const crypto::Bytes& image, const crypto::PublicKey& signer) {
        ASSERT_GE(image.size(), 72u);
        const std::size_t h = image[10] | (image[11] << 8);
        const std::size_t p = std::size_t(image[12]) | (std::size_t(image[13]) << 8) |
                              (std::size_t(image[14]) << 16) | (std::size_t(image[15]) << 24);
        const std::size_t s = image[h + p] | (image[h + p + 1] << 8);
        ASSERT_EQ(h + p + 2 + s, image.size());
        write(dir / "region.bin", crypto::ByteView(image).first(h + p));
        write(dir / "sig.bin", crypto::ByteView(image).subspan(h + p + 2, s));
        write(dir / "pub.pem", crypto::asBytes(signer.toPem()));
        const std::string openssl = MPYSEAL_OPENSSL;
        EXPECT_EQ(run(openssl + " dgst -sha256 -verify " + (dir / "pub.pem").string() + " -signature " +
                      (dir / "sig.bin").string() + " " + (dir / "region.bin").string()),
                  0);
        // And a flipped region byte must fail openssl's check too.
        crypto::Bytes region(image.begin(), image.begin() + h + p);
        region[h] ^= 1;
        write(dir / "region.bin", region);
        EXPECT_NE(run(openssl + " dgst -sha256 -verify " + (dir / "pub.pem").string() + " -signature " +
                      (dir / "sig.bin").string() + " " + (dir / "region.bin").string()),
                  0);
    }
};

TEST_F(SealInterop, OpensslVerifiesEs256AndRs256Images) {
    Keys& k = keys();
    const crypto::Bytes data = bytesOf("module");
    const InputEntry one[] = {{"m.mpy", EntryKind::Module, data}};
    const RecipientKey to[] = {&k.product};
    verifyWithOpenssl(sealImage(one, k.ecSigner, to), k.ecSignerPub);
    verifyWithOpenssl(sealImage(one, k.ecSigner, {}, {.encrypt = false}), k.ecSignerPub);
    verifyWithOpenssl(sealImage(one, rsaKeys().rsa2048, to), rsaKeys().rsa2048Pub);
    verifyWithOpenssl(sealImage(one, rsaKeys().rsa3072, to), rsaKeys().rsa3072Pub);
}

TEST_F(SealInterop, OpensslKeysSealAndOpen) {
    const std::string openssl = MPYSEAL_OPENSSL;
    ASSERT_EQ(run(openssl + " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                  (dir / "signer.pem").string()),
              0);
    ASSERT_EQ(run(openssl + " pkey -in " + (dir / "signer.pem").string() + " -pubout -out " +
                  (dir / "signer.pub").string()),
              0);
    ASSERT_EQ(run(openssl + " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                  (dir / "device.pem").string()),
              0);
    ASSERT_EQ(run(openssl + " pkey -in " + (dir / "device.pem").string() + " -pubout -out " +
                  (dir / "device.pub").string()),
              0);
    const crypto::PrivateKey signer = crypto::PrivateKey::parse(read(dir / "signer.pem"));
    const crypto::PublicKey signerPub = crypto::PublicKey::parse(read(dir / "signer.pub"));
    const crypto::PrivateKey device = crypto::PrivateKey::parse(read(dir / "device.pem"));
    const crypto::PublicKey devicePub = crypto::PublicKey::parse(read(dir / "device.pub"));
    const crypto::Bytes data = bytesOf("module bytes");
    const InputEntry one[] = {{"m.mpy", EntryKind::Module, data}};
    const RecipientKey to[] = {&devicePub};
    const crypto::Bytes image = sealImage(one, signer, to);
    const DeviceKey keys[] = {&device};
    const OpenedImage opened = openImage(image, std::span(&signerPub, 1), keys, 0);
    EXPECT_TRUE(std::ranges::equal(opened.entries().at(0).data, data));
}

TEST_F(SealInterop, OpensslDecryptsTheRsaOaepRecipient) {
    RsaKeys& r = rsaKeys();
    const crypto::Bytes data = bytesOf("module");
    const InputEntry one[] = {{"m.mpy", EntryKind::Module, data}};
    const RecipientKey to[] = {&r.rsa2048Pub};
    const crypto::Bytes image = sealImage(one, keys().ecSigner, to, {.name = "x"});
    // One-byte name, so the single recipient record starts at 73; its body at 73 + 36.
    ASSERT_EQ(image[73], 3);
    const std::size_t bodySize = image[75] | (image[76] << 8);
    ASSERT_EQ(bodySize, 256u);
    write(dir / "wrapped.bin", crypto::ByteView(image).subspan(73 + 36, bodySize));
    write(dir / "device.pem", r.rsa2048.toPkcs8Pem());
    const std::string openssl = MPYSEAL_OPENSSL;
    ASSERT_EQ(
        run(openssl + " pkeyutl -decrypt -inkey " + (dir / "device.pem").string() +
            " -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -in " +
            (dir / "wrapped.bin").string() + " -out " + (dir / "cek.bin").string()),
        0);
    EXPECT_EQ(read(dir / "cek.bin").size(), 32u);
}

} // namespace
} // namespace mpyseal::seal::test
