// Keys shared by the seal tests, generated once per process (RSA generation is slow).
#pragma once

#include "mpyseal/seal/Seal.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace mpyseal::seal::test {

struct Keys {
    crypto::PrivateKey ecSigner = crypto::PrivateKey::generateEcP256();
    crypto::PrivateKey ecSigner2 = crypto::PrivateKey::generateEcP256();
    crypto::PrivateKey ecDevice = crypto::PrivateKey::generateEcP256();
    crypto::PrivateKey ecDevice2 = crypto::PrivateKey::generateEcP256();
    ProductKey product = ProductKey::generate();
    ProductKey product2 = ProductKey::generate();

    crypto::PublicKey ecSignerPub = ecSigner.publicKey();
    crypto::PublicKey ecSigner2Pub = ecSigner2.publicKey();
    crypto::PublicKey ecDevicePub = ecDevice.publicKey();
    crypto::PublicKey ecDevice2Pub = ecDevice2.publicKey();
};

inline Keys& keys() {
    static Keys k;
    return k;
}

struct RsaKeys {
    crypto::PrivateKey rsa2048 = crypto::PrivateKey::generateRsa(2048);
    crypto::PrivateKey rsa3072 = crypto::PrivateKey::generateRsa(3072);
    crypto::PublicKey rsa2048Pub = rsa2048.publicKey();
    crypto::PublicKey rsa3072Pub = rsa3072.publicKey();
};

inline RsaKeys& rsaKeys() {
    static RsaKeys k;
    return k;
}

inline crypto::Bytes bytesOf(const std::string& s) {
    return crypto::Bytes(s.begin(), s.end());
}

/// Runs `f` and checks it throws seal::Error with `code`.
inline void expectError(ErrorCode code, const std::function<void()>& f, const std::string& context = {}) {
    try {
        f();
        ADD_FAILURE() << "no error thrown " << context;
    } catch (const Error& e) {
        EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what() << " " << context;
        EXPECT_FALSE(std::string(e.what()).empty());
    }
}

} // namespace mpyseal::seal::test
