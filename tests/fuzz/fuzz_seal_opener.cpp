// libFuzzer target for the sealed-image opener (docs/sealed-format.md).
//
// Input: one selector byte, then data.
//   selector even: the data is an image, given to inspectImage and to openImage with the fixed trusted
//                  signer and device keys below (so seeds made with these keys reach every step).
//   selector odd:  the data is an entry table; it is sealed with testing::sealRawPayload and then opened,
//                  so the fuzzer reaches the entry-table parser behind a valid signature and GCM tag
//                  (slower: one ECDSA signature per run).
// Every failure must be a seal::Error; anything else (a crash, a sanitizer report, another exception)
// is a finding. Keys are fixed (test-only keys, not secret) so that seed images stay valid across runs.
#include "mpyseal/seal/Seal.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {
using namespace mpyseal;

constexpr const char* kSignerPem = "-----BEGIN PRIVATE KEY-----\n"
                                   "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRP3rpfA3MHkoPSHF\n"
                                   "IeMHiP11KIpfbSriSPZ2xhEVPJGhRANCAAS9pA4LkbxgpAQ4A0lAtii8oehKG+KR\n"
                                   "CqMi0Ex/A6uSX3bdDVF5rGLqfontGKO+DhAJvFgT8r7kR8+7VPvXy01h\n"
                                   "-----END PRIVATE KEY-----\n";
constexpr const char* kDevicePem = "-----BEGIN PRIVATE KEY-----\n"
                                   "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgDsYrvZ4a+hakTAbY\n"
                                   "XoDjAqoCH9yv2Tts/tP7gUGMqc2hRANCAATOeN8s/qqy25M1Us9H//4h1TL9lDr8\n"
                                   "ngaiQM2k9bOlw9gQQGHi701abAUF8MFPV/fqzMouk+GFqhuCdmwWzNS5\n"
                                   "-----END PRIVATE KEY-----\n";
constexpr const char* kProductKey = "mpyseal-product-key-v1:"
                                    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

struct Fixture {
    crypto::PrivateKey signer = crypto::PrivateKey::parse(crypto::asBytes(kSignerPem));
    crypto::PublicKey signerPub = signer.publicKey();
    crypto::PrivateKey device = crypto::PrivateKey::parse(crypto::asBytes(kDevicePem));
    crypto::PublicKey devicePub = device.publicKey();
    seal::ProductKey product = seal::ProductKey::parseFile(crypto::asBytes(kProductKey));
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void openAll(crypto::ByteView image) {
    Fixture& f = fixture();
    const seal::DeviceKey keys[] = {&f.product, &f.device};
    seal::OpenedImage opened = seal::openImage(image, std::span(&f.signerPub, 1), keys, 0);
    std::size_t total = 0;
    for (const seal::Entry& e : opened.entries()) total += e.data.size() + e.path.size();
    if (total > image.size()) std::abort(); // entries can never be larger than the image
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const crypto::ByteView body(data + 1, size - 1);
    try {
        if ((data[0] & 1) == 0) {
            try {
                (void)seal::inspectImage(body);
            } catch (const seal::Error&) {}
            openAll(body);
        } else {
            if (body.size() > 4096) return 0; // sealing is the slow part; small tables find the bugs
            Fixture& f = fixture();
            const seal::RecipientKey to[] = {&f.devicePub};
            openAll(seal::testing::sealRawPayload(body, f.signer, to, {}));
        }
    } catch (const seal::Error&) {}
    return 0;
}
