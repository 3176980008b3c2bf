// AesCipher against NIST CAVP (SP 800-38A modes), RFC 3686 CTR and Wycheproof AES-CBC-PKCS5.
#include "mpyseal/crypto/Aes.h"
#include "Vectors.h"
#include "mpyseal/crypto/Backend.h"
#include "mpyseal/crypto/Error.h"

#include <gtest/gtest.h>

#include <iostream>
#include <string>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;

namespace {

struct ModeFiles {
    AesMode mode;
    const char* dir;
    const char* prefix;
};

/// Runs every record of the KAT (GFSbox, KeySbox, VarKey, VarTxt) and MMT files of one mode, both
/// directions, each with a fresh cipher object.
void runCavpMode(const ModeFiles& m, Tally& tally) {
    for (const char* kind : {"GFSbox", "KeySbox", "VarKey", "VarTxt", "MMT"}) {
        for (int bits : {128, 192, 256}) {
            const std::string name =
                std::string(m.dir) + "/" + m.prefix + kind + std::to_string(bits) + ".rsp";
            for (const CavpRecord& r : readCavp(cavpFile("ciphers/AES/" + name))) {
                const bool encrypt = r.section.count("ENCRYPT") != 0;
                const Bytes key = r.bytes("KEY");
                const Bytes iv = m.mode == AesMode::Ecb ? Bytes{} : r.bytes("IV");
                const Bytes pt = r.bytes("PLAINTEXT"), ct = r.bytes("CIPHERTEXT");
                const std::string where = name + ":" + std::to_string(r.line);
                try {
                    AesCipher cipher(key, m.mode, iv);
                    if (encrypt) {
                        tally.check(cipher.encrypt(pt) == ct, where + " encrypt");
                    } else {
                        const SecretBytes out = cipher.decrypt(ct);
                        tally.check(Bytes(out.begin(), out.end()) == pt, where + " decrypt");
                    }
                } catch (const Error& e) {
                    tally.fail(where + " threw " + e.what());
                }
            }
        }
    }
}

} // namespace

TEST(AesCavp, Ecb) {
    Tally tally("CAVP AES-ECB KAT+MMT");
    runCavpMode({AesMode::Ecb, "ECB", "ECB"}, tally);
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_GT(tally.total(), 1000u);
}

TEST(AesCavp, Cbc) {
    Tally tally("CAVP AES-CBC KAT+MMT");
    runCavpMode({AesMode::Cbc, "CBC", "CBC"}, tally);
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_GT(tally.total(), 1000u);
}

TEST(AesCavp, Cfb8) {
    Tally tally("CAVP AES-CFB8 KAT+MMT");
    runCavpMode({AesMode::Cfb8, "CFB", "CFB8"}, tally);
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_GT(tally.total(), 1000u);
}

TEST(AesCavp, Cfb128) {
    Tally tally("CAVP AES-CFB128 KAT+MMT");
    runCavpMode({AesMode::Cfb128, "CFB", "CFB128"}, tally);
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_GT(tally.total(), 1000u);
}

TEST(AesCavp, CtrRfc3686) {
    Tally tally("RFC 3686 AES-CTR");
    for (int bits : {128, 192, 256}) {
        const std::string name = "aes-" + std::to_string(bits) + "-ctr.txt";
        for (const CavpRecord& r : readCavp(cavpFile("ciphers/AES/CTR/" + name))) {
            const Bytes key = r.bytes("KEY"), iv = r.bytes("IV");
            const Bytes pt = r.bytes("PLAINTEXT"), ct = r.bytes("CIPHERTEXT");
            AesCipher enc(key, AesMode::Ctr, iv), dec(key, AesMode::Ctr, iv);
            const SecretBytes back = dec.decrypt(ct);
            tally.check(enc.encrypt(pt) == ct && Bytes(back.begin(), back.end()) == pt,
                        name + ":" + std::to_string(r.line));
        }
    }
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total(), 9u);
}

// The chaining state carries over between calls: any split of a message gives the one-call result.
TEST(AesCipherState, SplitCallsMatchOneCall) {
    const Bytes key = hex("000102030405060708090a0b0c0d0e0f1011121314151617");
    const Bytes iv = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    Bytes message(16 * 13);
    for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::uint8_t>(i * 7 + 3);
    for (AesMode mode : {AesMode::Ecb, AesMode::Cbc, AesMode::Cfb8, AesMode::Cfb128, AesMode::Ctr}) {
        const bool block = mode == AesMode::Ecb || mode == AesMode::Cbc;
        const Bytes ivUsed = mode == AesMode::Ecb ? Bytes{} : iv;
        const Bytes whole = AesCipher(key, mode, ivUsed).encrypt(message);
        AesCipher enc(key, mode, ivUsed), dec(key, mode, ivUsed);
        Bytes pieces;
        SecretBytes back;
        std::size_t pos = 0;
        for (std::size_t step : {1u, 5u, 16u, 17u, 32u, 3u, 64u}) {
            std::size_t n = block ? (step + 15) / 16 * 16 : step;
            n = std::min(n, message.size() - pos);
            const Bytes part = enc.encrypt(ByteView(message).subspan(pos, n));
            pieces.insert(pieces.end(), part.begin(), part.end());
            const SecretBytes plain = dec.decrypt(part);
            back.insert(back.end(), plain.begin(), plain.end());
            pos += n;
        }
        const Bytes rest = enc.encrypt(ByteView(message).subspan(pos));
        pieces.insert(pieces.end(), rest.begin(), rest.end());
        const SecretBytes plainRest = dec.decrypt(rest);
        back.insert(back.end(), plainRest.begin(), plainRest.end());
        EXPECT_EQ(pieces, whole) << "mode " << int(mode);
        EXPECT_EQ(Bytes(back.begin(), back.end()), message) << "mode " << int(mode);
    }
}

TEST(AesCipherState, InPlace) {
    const Bytes key(32, 0x42), iv(16, 0x24);
    for (AesMode mode : {AesMode::Ecb, AesMode::Cbc, AesMode::Cfb8, AesMode::Cfb128, AesMode::Ctr}) {
        const Bytes ivUsed = mode == AesMode::Ecb ? Bytes{} : iv;
        Bytes data(64, 0x5a);
        const Bytes expected = AesCipher(key, mode, ivUsed).encrypt(data);
        AesCipher(key, mode, ivUsed).encrypt(data, data);
        EXPECT_EQ(data, expected);
        AesCipher(key, mode, ivUsed).decrypt(data, data);
        EXPECT_EQ(data, Bytes(64, 0x5a));
    }
}

TEST(AesCipherErrors, Messages) {
    auto expectValue = [](auto&& f, const std::string& message) {
        try {
            f();
            ADD_FAILURE() << "no error, expected " << message;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Value);
            EXPECT_EQ(std::string(e.what()), message);
        }
    };
    expectValue([] { AesCipher(Bytes(15), AesMode::Ecb); },
                "AES key must be either 16, 24, or 32 bytes long");
    expectValue([] { AesCipher(Bytes(16), AesMode::Cbc, Bytes(8)); }, "IV must be 16 bytes long");
    expectValue([] { AesCipher(Bytes(16), AesMode::Ctr); }, "IV must be 16 bytes long");
    expectValue([] { AesCipher(Bytes(16), AesMode::Ecb).encrypt(Bytes(17)); },
                "Input strings must be a multiple of 16 in length");
    expectValue([] { AesCipher(Bytes(16), AesMode::Cbc, Bytes(16)).decrypt(Bytes(15)); },
                "Input strings must be a multiple of 16 in length");
    expectValue(
        [] {
            Bytes out(3);
            AesCipher(Bytes(16), AesMode::Ctr, Bytes(16)).encrypt(Bytes(4), out);
        },
        "output too small");
}

// Wycheproof AES-CBC-PKCS5: the cipher has no padding, the harness adds and checks PKCS#5 itself.
TEST(AesWycheproof, CbcPkcs5) {
    Tally tally("Wycheproof AES-CBC-PKCS5");
    const auto doc = readJson(wycheproofFile("aes_cbc_pkcs5_test.json"));
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            const Bytes key = hex(t["key"].get<std::string>()), iv = hex(t["iv"].get<std::string>());
            const Bytes msg = hex(t["msg"].get<std::string>()), ct = hex(t["ct"].get<std::string>());
            const std::string result = t["result"];
            const std::string where = "tcId " + std::to_string(t["tcId"].get<int>());
            bool accepted = false;
            try {
                const SecretBytes padded = AesCipher(key, AesMode::Cbc, iv).decrypt(ct);
                const std::size_t pad = padded.empty() ? 0 : padded.back();
                bool padOk = pad >= 1 && pad <= 16 && pad <= padded.size();
                for (std::size_t i = 0; padOk && i < pad; ++i) padOk = padded[padded.size() - 1 - i] == pad;
                accepted = padOk && Bytes(padded.begin(), padded.end() - pad) == msg;
                if (result == "valid") { // and the other direction
                    Bytes input = msg;
                    input.insert(input.end(), 16 - msg.size() % 16,
                                 static_cast<std::uint8_t>(16 - msg.size() % 16));
                    accepted = accepted && AesCipher(key, AesMode::Cbc, iv).encrypt(input) == ct;
                }
            } catch (const Error&) {
                accepted = false;
            }
            tally.check(accepted == (result == "valid"), where + " " + result);
        }
    }
    const std::string failures = tally.finish();
    EXPECT_EQ(tally.passed(), tally.total()) << failures;
    EXPECT_EQ(tally.total(), 216u);
}

// On x86-64 CPUs with AES-NI, mbedTLS must take its AES-NI (and PCLMULQDQ for GHASH) code; run.sh also
// shows it under gdb.
TEST(AesBackend, UsesCpuInstructionsOnX86) {
#if defined(__x86_64__)
    std::cout << "mbedTLS " << backendVersion() << ", AES instructions: " << aesHardwareAccelerated()
              << ", GHASH clmul: " << ghashHardwareAccelerated() << "\n";
    if (!__builtin_cpu_supports("aes")) GTEST_SKIP() << "this CPU has no AES-NI";
    EXPECT_TRUE(aesHardwareAccelerated());
    if (__builtin_cpu_supports("pclmul")) {
        EXPECT_TRUE(ghashHardwareAccelerated());
    }
#else
    GTEST_SKIP() << "not x86-64";
#endif
}
