// MicroPython `cryptolib.aes` semantics and every error message.
#include "mpyseal/crypto/Cryptolib.h"
#include "ErrorExpect.h"
#include "Vectors.h"

#include <gtest/gtest.h>

using namespace mpyseal::crypto;
using namespace mpyseal::crypto::test;
namespace cryptolib = mpyseal::crypto::cryptolib;

// Known answers for the 256-bit modes from the NIST CAVP MMT files and RFC 3686 (first records).
TEST(Cryptolib, KnownAnswersAes256) {
    const CavpRecord ecb = readCavp(cavpFile("ciphers/AES/ECB/ECBMMT256.rsp")).at(0);
    EXPECT_EQ(cryptolib::Aes(ecb.bytes("KEY"), cryptolib::kModeEcb).encrypt(ecb.bytes("PLAINTEXT")),
              ecb.bytes("CIPHERTEXT"));
    const CavpRecord cbc = readCavp(cavpFile("ciphers/AES/CBC/CBCMMT256.rsp")).at(1);
    EXPECT_EQ(cryptolib::Aes(cbc.bytes("KEY"), cryptolib::kModeCbc, cbc.bytes("IV"))
                  .encrypt(cbc.bytes("PLAINTEXT")),
              cbc.bytes("CIPHERTEXT"));
    const CavpRecord ctr = readCavp(cavpFile("ciphers/AES/CTR/aes-256-ctr.txt")).at(1);
    cryptolib::Aes ctrAes(ctr.bytes("KEY"), cryptolib::kModeCtr, ctr.bytes("IV"));
    const Bytes pt = ctr.bytes("PLAINTEXT");
    Bytes out = ctrAes.encrypt(ByteView(pt).first(5)); // the counter state carries over between calls
    const Bytes rest = ctrAes.encrypt(ByteView(pt).subspan(5));
    out.insert(out.end(), rest.begin(), rest.end());
    EXPECT_EQ(out, ctr.bytes("CIPHERTEXT"));
    const SecretBytes back =
        cryptolib::Aes(ctr.bytes("KEY"), cryptolib::kModeCtr, ctr.bytes("IV")).decrypt(out);
    EXPECT_EQ(Bytes(back.begin(), back.end()), pt);
}

TEST(Cryptolib, IntoBufferInPlaceAndCtrState) {
    const Bytes key(16, 7), iv(16, 9);
    Bytes buf(40, 0x33);
    const Bytes expected = cryptolib::Aes(key, cryptolib::kModeCtr, iv).encrypt(buf);
    cryptolib::Aes ctr(key, cryptolib::kModeCtr, iv);
    ctr.encrypt(ByteView(buf).first(13), std::span(buf).first(13)); // in place, then the rest
    ctr.encrypt(ByteView(buf).subspan(13), std::span(buf).subspan(13));
    EXPECT_EQ(buf, expected);
    Bytes bigger(64, 0);
    cryptolib::Aes(key, cryptolib::kModeEcb).encrypt(Bytes(32, 1), bigger); // a larger out buffer is fine
    EXPECT_EQ(Bytes(bigger.begin(), bigger.begin() + 32),
              cryptolib::Aes(key, cryptolib::kModeEcb).encrypt(Bytes(32, 1)));
    EXPECT_NO_THROW(
        cryptolib::Aes(key, cryptolib::kModeEcb, Bytes(16))); // an IV is accepted and ignored in ECB
}

TEST(Cryptolib, EveryErrorMessage) {
    const Bytes key(16, 1), iv(16, 2);
    expectError([&] { cryptolib::Aes(key, 3, iv); }, ErrorKind::Value, "mode");
    expectError([&] { cryptolib::Aes(key, 0); }, ErrorKind::Value, "mode");
    expectError([&] { cryptolib::Aes(Bytes(24), cryptolib::kModeEcb); }, ErrorKind::Value, "key");
    expectError([&] { cryptolib::Aes(Bytes(15), cryptolib::kModeEcb); }, ErrorKind::Value, "key");
    expectError([&] { cryptolib::Aes(key, cryptolib::kModeCbc); }, ErrorKind::Value, "IV");
    expectError([&] { cryptolib::Aes(key, cryptolib::kModeCtr); }, ErrorKind::Value, "IV");
    expectError([&] { cryptolib::Aes(key, cryptolib::kModeCbc, Bytes(8)); }, ErrorKind::Value, "IV");
    expectError([&] { cryptolib::Aes(key, cryptolib::kModeEcb, Bytes(8)); }, ErrorKind::Value, "IV");
    expectError([&] { cryptolib::Aes(key, cryptolib::kModeEcb).encrypt(Bytes(15)); }, ErrorKind::Value,
                "blksize % 16");
    expectError([&] { cryptolib::Aes(key, cryptolib::kModeCbc, iv).decrypt(Bytes(17)); }, ErrorKind::Value,
                "blksize % 16");
    expectError(
        [&] {
            Bytes out(16);
            cryptolib::Aes(key, cryptolib::kModeEcb).encrypt(Bytes(32), out);
        },
        ErrorKind::Value, "output too small");
    for (int mode : {cryptolib::kModeEcb, cryptolib::kModeCbc, cryptolib::kModeCtr}) {
        cryptolib::Aes a(key, mode, iv);
        a.encrypt(Bytes(16));
        expectError([&] { a.decrypt(Bytes(16)); }, ErrorKind::Value, "can't encrypt & decrypt");
        cryptolib::Aes b(key, mode, iv);
        b.decrypt(Bytes(16));
        expectError([&] { b.encrypt(Bytes(16)); }, ErrorKind::Value, "can't encrypt & decrypt");
    }
    EXPECT_NO_THROW(cryptolib::Aes(key, cryptolib::kModeCtr, iv).encrypt(Bytes(5))); // CTR: any length
}
