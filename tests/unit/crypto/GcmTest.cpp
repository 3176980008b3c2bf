// AesGcm against Wycheproof AES-GCM and NIST CAVP GCM (SP 800-38D) files.
#include "Vectors.h"
#include "mpyseal/crypto/Aes.h"
#include "mpyseal/crypto/Error.h"

#include <gtest/gtest.h>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;

namespace {
Bytes concat(const Bytes& a, const Bytes& b) {
    Bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}
} // namespace

TEST(GcmWycheproof, AllCases) {
    Tally tally("Wycheproof AES-GCM");
    const auto doc = readJson(wycheproofFile("aes_gcm_test.json"));
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            const Bytes key = hex(t["key"].get<std::string>()), iv = hex(t["iv"].get<std::string>());
            const Bytes aad = hex(t["aad"].get<std::string>()), msg = hex(t["msg"].get<std::string>());
            const Bytes ct = hex(t["ct"].get<std::string>()), tag = hex(t["tag"].get<std::string>());
            const bool valid = t["result"] == "valid";
            const std::string where = "tcId " + std::to_string(t["tcId"].get<int>());
            bool accepted = false;
            try {
                AesGcm gcm(key);
                const SecretBytes plain = gcm.decrypt(iv, aad, ct, tag);
                accepted = Bytes(plain.begin(), plain.end()) == msg;
                if (valid) accepted = accepted && gcm.seal(iv, aad, msg) == concat(ct, tag);
            } catch (const Error& e) {
                accepted = false;
                if (valid)
                    tally.fail(where + " threw " + e.what());
                else
                    tally.pass();
                continue;
            }
            tally.check(accepted == valid, where + (valid ? " valid rejected" : " invalid accepted"));
        }
    }
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total(), 316u);
}

TEST(GcmCavp, EncryptExtIv) {
    Tally tally("CAVP AES-GCM encrypt");
    for (int bits : {128, 192, 256}) {
        const std::string name = "gcmEncryptExtIV" + std::to_string(bits) + ".rsp";
        for (const CavpRecord& r : readCavp(cavpFile("ciphers/AES/GCM/" + name))) {
            const std::size_t tagBytes = std::stoul(r.section.at("TAGLEN")) / 8;
            const Bytes ct = r.bytes("CT"), tag = r.bytes("TAG");
            const Bytes sealed = AesGcm(r.bytes("KEY")).seal(r.bytes("IV"), r.bytes("AAD"), r.bytes("PT"));
            // A shorter tag is the leading bytes of the full one (SP 800-38D §7.1, MSB_t).
            const bool ok = sealed.size() == ct.size() + 16 &&
                            std::equal(ct.begin(), ct.end(), sealed.begin()) && tag.size() == tagBytes &&
                            std::equal(tag.begin(), tag.end(), sealed.begin() + std::ptrdiff_t(ct.size()));
            tally.check(ok, name + ":" + std::to_string(r.line));
        }
    }
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total(), 3u * 7875u);
}

// The API takes 128-bit tags only, so the decrypt files' records with shorter tags are counted as skipped.
TEST(GcmCavp, Decrypt128BitTags) {
    Tally tally("CAVP AES-GCM decrypt (128-bit tags)");
    std::size_t skipped = 0;
    for (int bits : {128, 192, 256}) {
        const std::string name = "gcmDecrypt" + std::to_string(bits) + ".rsp";
        for (const CavpRecord& r : readCavp(cavpFile("ciphers/AES/GCM/" + name))) {
            if (r.section.at("TAGLEN") != "128") {
                ++skipped;
                continue;
            }
            const std::string where = name + ":" + std::to_string(r.line);
            try {
                const SecretBytes pt =
                    AesGcm(r.bytes("KEY"))
                        .decrypt(r.bytes("IV"), r.bytes("AAD"), r.bytes("CT"), r.bytes("TAG"));
                tally.check(!r.fail && Bytes(pt.begin(), pt.end()) == r.bytes("PT"), where);
            } catch (const Error& e) {
                tally.check(r.fail && e.kind() == ErrorKind::Authentication, where + " threw " + e.what());
            }
        }
    }
    std::cout << "[vectors] CAVP AES-GCM decrypt: " << skipped << " records with 32..120-bit tags skipped\n";
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total() + skipped, 3u * 7875u);
}

TEST(GcmErrors, TagIvAndKey) {
    AesGcm gcm(Bytes(16, 1));
    const Bytes iv(12, 2);
    Bytes sealed = gcm.seal(iv, {}, Bytes(40, 3));
    EXPECT_EQ(sealed.size(), 56u);
    sealed[5] ^= 1;
    try {
        gcm.open(iv, {}, sealed);
        FAIL() << "tampered ciphertext accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Authentication);
        EXPECT_STREQ(e.what(), "authentication failed");
    }
    EXPECT_THROW(gcm.decrypt(iv, {}, Bytes(16), Bytes(12)), Error);
    EXPECT_THROW(gcm.seal({}, {}, Bytes(16)), Error);
    EXPECT_THROW(gcm.open(iv, {}, Bytes(15)), Error);
    EXPECT_THROW(AesGcm(Bytes(20)), Error);
}
