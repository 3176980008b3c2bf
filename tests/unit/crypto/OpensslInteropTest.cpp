// Interoperability with the `openssl` command line, both ways: keys, RS256/ES256 signatures, RSA encryption
// (PKCS#1 v1.5 and OAEP), AES modes against `openssl enc -nopad`, and the JWT example of Pycom's docs.
#include "ErrorExpect.h"
#include "OpensslWorkspace.h"
#include "Vectors.h"
#include "mpyseal/crypto/Aes.h"
#include "mpyseal/crypto/Keys.h"
#include "mpyseal/crypto/Pycom.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;
namespace fs = std::filesystem;

namespace {

class OpensslInterop : public OpensslWorkspace {
  protected:
    /// An openssl RSA-2048 key in PKCS#8 PEM at rsa.pem and its SPKI at rsa.pub.pem.
    void makeOpensslRsaKey() {
        mustRun("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem");
        mustRun("pkey -in rsa.pem -pubout -out rsa.pub.pem");
    }
};

Bytes bytesOf(std::string_view text) {
    return Bytes(text.begin(), text.end());
}
using namespace std::string_view_literals;
const Bytes kMessage = bytesOf("interop message \0 with a NUL byte"sv); // a NUL byte is data, not an end

} // namespace

TEST_F(OpensslInterop, OpensslRsaKeysLoadInEveryEncoding) {
    makeOpensslRsaKey();
    mustRun("pkey -in rsa.pub.pem -pubin -outform DER -out rsa.pub.der");
    const Bytes expected = read("rsa.pub.der");
    mustRun("pkey -in rsa.pem -outform DER -out rsa.p8.der");
    mustRun("pkey -in rsa.pem -traditional -out rsa.p1.pem"); // "RSA PRIVATE KEY"
    mustRun("pkey -in rsa.pem -traditional -outform DER -out rsa.p1.der");
    mustRun("rsa -in rsa.pem -RSAPublicKey_out -out rsa.pub.p1.pem"); // "RSA PUBLIC KEY"
    mustRun("rsa -in rsa.pem -RSAPublicKey_out -outform DER -out rsa.pub.p1.der");
    EXPECT_NE(readText("rsa.p1.pem").find("BEGIN RSA PRIVATE KEY"), std::string::npos);
    EXPECT_NE(readText("rsa.pub.p1.pem").find("BEGIN RSA PUBLIC KEY"), std::string::npos);
    for (const char* name : {"rsa.pem", "rsa.p8.der", "rsa.p1.pem", "rsa.p1.der"}) {
        const PrivateKey key = PrivateKey::parse(read(name));
        EXPECT_EQ(key.type(), KeyType::Rsa) << name;
        EXPECT_EQ(key.publicKey().toDer(), expected) << name;
    }
    for (const char* name : {"rsa.pub.pem", "rsa.pub.der", "rsa.pub.p1.pem", "rsa.pub.p1.der"})
        EXPECT_EQ(PublicKey::parse(read(name)).toDer(), expected) << name;
}

TEST_F(OpensslInterop, OpensslEcKeysLoadInEveryEncoding) {
    mustRun("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem");
    mustRun("pkey -in ec.pem -pubout -outform DER -out ec.pub.der");
    mustRun("pkey -in ec.pem -pubout -out ec.pub.pem");
    mustRun("ec -in ec.pem -out ec.sec1.pem"); // "EC PRIVATE KEY"
    mustRun("ec -in ec.pem -outform DER -out ec.sec1.der");
    mustRun("pkey -in ec.pem -outform DER -out ec.p8.der");
    EXPECT_NE(readText("ec.sec1.pem").find("BEGIN EC PRIVATE KEY"), std::string::npos);
    const Bytes expected = read("ec.pub.der");
    for (const char* name : {"ec.pem", "ec.sec1.pem", "ec.sec1.der", "ec.p8.der"}) {
        const PrivateKey key = PrivateKey::parse(read(name));
        EXPECT_EQ(key.type(), KeyType::EcP256) << name;
        EXPECT_EQ(key.publicKey().toDer(), expected) << name;
    }
    EXPECT_EQ(PublicKey::parse(read("ec.pub.pem")).toDer(), expected);
    // Other curves are refused with a clear message.
    mustRun("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem");
    expectError([&] { PrivateKey::parse(read("p384.pem")); }, ErrorKind::Value,
                "unsupported key type: only RSA and EC P-256 keys are supported");
}

TEST_F(OpensslInterop, EncryptedPkcs8WithPassphrase) {
    mustRun("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out plain.pem");
    mustRun("pkey -in plain.pem -pubout -outform DER -out pub.der");
    const Bytes expected = read("pub.der");
    // OpenSSL 3 default (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), other AES sizes and PRFs, 3DES (read by
    // mbedTLS itself), PKCS#12 PBE, and DER.
    const std::pair<const char*, const char*> variants[] = {
        {"enc-default.pem", "pkcs8 -topk8 -in plain.pem -passout pass:hunter22 -out enc-default.pem"},
        {"enc-aes128-sha1.pem", "pkcs8 -topk8 -in plain.pem -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout "
                                "pass:hunter22 -out enc-aes128-sha1.pem"},
        {"enc-aes192-sha512.pem", "pkcs8 -topk8 -in plain.pem -v2 aes-192-cbc -v2prf hmacWithSHA512 -passout "
                                  "pass:hunter22 -out enc-aes192-sha512.pem"},
        {"enc-des3.pem", "pkcs8 -topk8 -in plain.pem -v2 des3 -passout pass:hunter22 -out enc-des3.pem"},
        {"enc-pkcs12.pem",
         "pkcs8 -topk8 -in plain.pem -v1 PBE-SHA1-3DES -passout pass:hunter22 -out enc-pkcs12.pem"},
        {"enc.der", "pkcs8 -topk8 -in plain.pem -outform DER -passout pass:hunter22 -out enc.der"},
    };
    for (const auto& variant : variants) {
        const std::string name = variant.first, command = variant.second; // lambdas below capture these
        mustRun(command);
        EXPECT_EQ(PrivateKey::parse(read(name), "hunter22").publicKey().toDer(), expected) << name;
        expectError([&] { PrivateKey::parse(read(name), "wrong pass"); }, ErrorKind::Value,
                    "wrong passphrase for the private key");
        expectError([&] { PrivateKey::parse(read(name)); }, ErrorKind::Value,
                    "private key is encrypted: a passphrase is required");
    }
    // Hostile input: every truncation of the encrypted DER is rejected with an Error, and every single-byte
    // change either throws Error or parses; nothing else (run under ASan in the sanitizer build). PBES2
    // carries no integrity check, so a changed ciphertext may well decrypt to another well-formed key.
    const Bytes der = read("enc.der");
    for (std::size_t n = 0; n < der.size(); ++n)
        EXPECT_THROW(PrivateKey::parse(ByteView(der).first(n), "hunter22"), Error) << "prefix " << n;
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < der.size(); ++i) {
        Bytes mutated = der;
        mutated[i] ^= 0x55;
        try {
            (void)PrivateKey::parse(mutated, "hunter22");
        } catch (const Error&) {
            ++rejected;
        }
    }
    EXPECT_GT(rejected, der.size() / 2);
    // RSA through genpkey's own encryption option.
    mustRun("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass pass:hunter22 -out "
            "rsa-enc.pem");
    mustRun("pkey -in rsa-enc.pem -passin pass:hunter22 -pubout -outform DER -out rsa-pub.der");
    EXPECT_EQ(PrivateKey::parse(read("rsa-enc.pem"), "hunter22").publicKey().toDer(), read("rsa-pub.der"));
}

TEST_F(OpensslInterop, OurKeysLoadInOpenssl) {
    const PrivateKey rsa = PrivateKey::generateRsa(2048);
    const PrivateKey ec = PrivateKey::generateEcP256();
    for (const auto* key : {&rsa, &ec}) {
        write("ours.pem", asText(key->toPkcs8Pem()));
        write("ours.der", key->toPkcs8Der());
        write("ours.pub.pem", key->publicKey().toPem());
        mustRun("pkey -in ours.pem -check -noout");
        mustRun("pkey -in ours.der -inform DER -check -noout");
        mustRun("pkey -in ours.pem -pubout -outform DER -out from-private.der");
        mustRun("pkey -in ours.pub.pem -pubin -outform DER -out from-public.der");
        EXPECT_EQ(read("from-private.der"), key->publicKey().toDer());
        EXPECT_EQ(read("from-public.der"), key->publicKey().toDer());
        // openssl reads it as PKCS#8 (it rewrites the same structure byte for byte for RSA).
        mustRun("pkcs8 -in ours.pem -nocrypt -topk8 -outform DER -out rewritten.der");
        if (key == &rsa) {
            const SecretBytes der = key->toPkcs8Der();
            EXPECT_EQ(read("rewritten.der"), Bytes(der.begin(), der.end()));
        }
    }
}

TEST_F(OpensslInterop, Rs256BothWays) {
    makeOpensslRsaKey();
    write("msg.bin", kMessage);
    const PrivateKey key = PrivateKey::parse(read("rsa.pem"));
    write("ours.sig", key.signRs256(kMessage));
    mustRun("dgst -sha256 -verify rsa.pub.pem -signature ours.sig msg.bin");
    mustRun("dgst -sha256 -sign rsa.pem -out theirs.sig msg.bin");
    const PublicKey pub = PublicKey::parse(read("rsa.pub.pem"));
    EXPECT_TRUE(pub.verifyRs256(kMessage, read("theirs.sig")));
    EXPECT_EQ(read("theirs.sig"), read("ours.sig")); // RSASSA-PKCS1-v1_5 is deterministic
    write("tampered.bin", asBytes("interop message"));
    EXPECT_NE(openssl("dgst -sha256 -verify rsa.pub.pem -signature ours.sig tampered.bin"), 0);
}

TEST_F(OpensslInterop, Es256BothWays) {
    mustRun("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem");
    mustRun("pkey -in ec.pem -pubout -out ec.pub.pem");
    write("msg.bin", kMessage);
    write("ours.sig", PrivateKey::parse(read("ec.pem")).signEs256(kMessage));
    mustRun("dgst -sha256 -verify ec.pub.pem -signature ours.sig msg.bin");
    mustRun("dgst -sha256 -sign ec.pem -out theirs.sig msg.bin");
    EXPECT_TRUE(PublicKey::parse(read("ec.pub.pem")).verifyEs256(kMessage, read("theirs.sig")));
}

TEST_F(OpensslInterop, RsaEncryptionBothWays) {
    makeOpensslRsaKey();
    write("msg.bin", kMessage);
    const PrivateKey key = PrivateKey::parse(read("rsa.pem"));
    const PublicKey pub = PublicKey::parse(read("rsa.pub.pem"));

    // PKCS#1 v1.5 (openssl's default padding), through the generic API and Pycom's.
    mustRun("pkeyutl -encrypt -pubin -inkey rsa.pub.pem -in msg.bin -out theirs.ct");
    EXPECT_EQ(asText(key.decryptPkcs1v15(read("theirs.ct"))), asText(kMessage));
    EXPECT_EQ(asText(pycom::rsaDecrypt(read("theirs.ct"), read("rsa.pem"))), asText(kMessage));
    write("ours.ct", pycom::rsaEncrypt(kMessage, read("rsa.pub.pem")));
    mustRun("pkeyutl -decrypt -inkey rsa.pem -in ours.ct -out ours.pt");
    EXPECT_EQ(read("ours.pt"), kMessage);

    // OAEP with SHA-256 and MGF1-SHA-256, with and without a label.
    const std::string oaep =
        "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256";
    mustRun("pkeyutl -encrypt -pubin -inkey rsa.pub.pem " + oaep + " -in msg.bin -out theirs-oaep.ct");
    EXPECT_EQ(asText(key.decryptOaepSha256(read("theirs-oaep.ct"))), asText(kMessage));
    mustRun("pkeyutl -encrypt -pubin -inkey rsa.pub.pem " + oaep +
            " -pkeyopt rsa_oaep_label:6c6162656c -in msg.bin -out theirs-label.ct");
    EXPECT_EQ(asText(key.decryptOaepSha256(read("theirs-label.ct"), asBytes("label"))), asText(kMessage));
    write("ours-oaep.ct", pub.encryptOaepSha256(kMessage, asBytes("label")));
    mustRun("pkeyutl -decrypt -inkey rsa.pem " + oaep +
            " -pkeyopt rsa_oaep_label:6c6162656c -in ours-oaep.ct -out ours-oaep.pt");
    EXPECT_EQ(read("ours-oaep.pt"), kMessage);
}

TEST_F(OpensslInterop, AesModesMatchOpensslEnc) {
    Bytes message(16 * 7);
    for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::uint8_t>(i * 31 + 5);
    write("pt.bin", message);
    const Bytes iv = hex("8ea2b7ca516745bfeafc49904b496089");
    struct Case {
        AesMode mode;
        const char* name;
    };
    const Case cases[] = {{AesMode::Ecb, "ecb"},
                          {AesMode::Cbc, "cbc"},
                          {AesMode::Ctr, "ctr"},
                          {AesMode::Cfb8, "cfb8"},
                          {AesMode::Cfb128, "cfb"}};
    for (int bits : {128, 192, 256}) {
        Bytes key(static_cast<std::size_t>(bits / 8));
        for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0xa0 + i);
        for (const Case& c : cases) {
            const std::string cipher = "aes-" + std::to_string(bits) + "-" + c.name;
            const std::string ivArg = c.mode == AesMode::Ecb ? "" : " -iv " + toHex(iv);
            mustRun("enc -" + cipher + " -nopad -K " + toHex(key) + ivArg + " -in pt.bin -out ct.bin");
            const Bytes ours = AesCipher(key, c.mode, c.mode == AesMode::Ecb ? Bytes{} : iv).encrypt(message);
            EXPECT_EQ(ours, read("ct.bin")) << cipher;
            // And openssl decrypts ours (odd length for the stream modes).
            const std::size_t n =
                c.mode == AesMode::Ecb || c.mode == AesMode::Cbc ? ours.size() : ours.size() - 5;
            write("ours.bin", ByteView(ours).first(n));
            mustRun("enc -d -" + cipher + " -nopad -K " + toHex(key) + ivArg + " -in ours.bin -out back.bin");
            EXPECT_EQ(read("back.bin"), Bytes(message.begin(), message.begin() + std::ptrdiff_t(n)))
                << cipher;
        }
    }
}

// docs.pycom.io, crypto.generate_rsa_signature: sign a JWT's "header.payload" with a PKCS#8 key.
TEST_F(OpensslInterop, PycomJwtExampleVerifiesInOpenssl) {
    makeOpensslRsaKey();
    const std::string headerPayload =
        "eyJhbGciOiJSUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
        "cnVlfQ";
    const Bytes signature =
        pycom::generateRsaSignature(asBytes(headerPayload), read("rsa.pem"), asBytes("my_pers_string"));
    EXPECT_EQ(signature.size(), 256u);
    write("jwt.txt", headerPayload);
    write("jwt.sig", signature);
    mustRun("dgst -sha256 -verify rsa.pub.pem -signature jwt.sig jwt.txt");
}

// ECDH P-256 (SEC 1 §3.3.1): our shared secret equals `openssl pkeyutl -derive`, both ways round, and the
// public point survives fromEcP256Point; a point off the curve is refused.
TEST_F(OpensslInterop, EcdhP256MatchesOpensslDerive) {
    mustRun("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out a.pem");
    mustRun("pkey -in a.pem -pubout -out a.pub.pem");
    const PrivateKey ours = PrivateKey::generateEcP256();
    const SecretBytes oursPem = ours.toPkcs8Pem();
    write("b.pem", ByteView(oursPem.data(), oursPem.size()));
    mustRun("pkey -in b.pem -pubout -out b.pub.pem");
    mustRun("pkeyutl -derive -inkey a.pem -peerkey b.pub.pem -out ab.bin");
    const PrivateKey theirs = PrivateKey::parse(read("a.pem"));
    const PublicKey theirPublic = PublicKey::parse(read("a.pub.pem"));
    const SecretBytes fromOurs = ours.ecdhP256(theirPublic);
    const SecretBytes fromTheirs = theirs.ecdhP256(ours.publicKey());
    const Bytes expected = read("ab.bin");
    ASSERT_EQ(expected.size(), 32u);
    EXPECT_EQ(Bytes(fromOurs.begin(), fromOurs.end()), expected);
    EXPECT_EQ(Bytes(fromTheirs.begin(), fromTheirs.end()), expected);

    const Bytes point = theirPublic.ecPoint();
    ASSERT_EQ(point.size(), 65u); // uncompressed 04 || X || Y
    const PublicKey rebuilt = PublicKey::fromEcP256Point(point);
    const SecretBytes again = ours.ecdhP256(rebuilt);
    EXPECT_EQ(Bytes(again.begin(), again.end()), expected);
    Bytes offCurve = point;
    offCurve[64] ^= 0x01;
    EXPECT_ANY_THROW(PublicKey::fromEcP256Point(offCurve));
}

TEST_F(OpensslInterop, CompressedAndExplicitCurveEcKeysAreRefusedWithAReason) {
    mustRun("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem");
    mustRun("ec -in ec.pem -pubout -conv_form compressed -out compressed.pem");
    mustRun("ec -in ec.pem -pubout -param_enc explicit -out explicit.pem");
    mustRun("ec -in ec.pem -pubout -out plain.pem");
    EXPECT_EQ(PublicKey::parse(read("plain.pem")).type(), KeyType::EcP256);
    expectError(
        [&] { PublicKey::parse(read("compressed.pem")); }, ErrorKind::Value,
        "invalid public key: a compressed EC point is not supported; convert it with 'openssl ec -pubin "
        "-in KEY -conv_form uncompressed -pubout'");
    try {
        PublicKey::parse(read("explicit.pem"));
        ADD_FAILURE() << "explicit curve parameters were accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("EC keys naming the curve P-256"), std::string::npos)
            << e.what();
    }
    // the advice works: openssl's conversion of the compressed file reads back as the same key
    mustRun("ec -pubin -in compressed.pem -conv_form uncompressed -pubout -out converted.pem");
    EXPECT_EQ(PublicKey::parse(read("converted.pem")).toDer(), PublicKey::parse(read("plain.pem")).toDer());
}
