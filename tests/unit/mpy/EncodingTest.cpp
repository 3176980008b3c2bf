// Encodings of mpy-format.md §1.2, §1.7.1, §1.7.2, §1.8 and §2.2, checked against the spec's examples.
#include "TestSupport.h"

#include "mpyseal/mpy/Encoding.h"
#include "mpyseal/mpy/MpyReader.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace mpyseal::mpy {
namespace {

using test::hex;
using test::toHex;

std::vector<uint8_t> vuint(uint64_t v) {
    std::vector<uint8_t> out;
    appendVuint(out, v);
    return out;
}

std::vector<uint8_t> svarint(int64_t v) {
    std::vector<uint8_t> out;
    appendSignedVarint(out, v);
    return out;
}

uint64_t decodeVuint(const std::vector<uint8_t>& bytes) {
    ByteCursor c(bytes);
    uint64_t v = c.readVuint("test");
    EXPECT_TRUE(c.atEnd());
    return v;
}

int64_t decodeSvarint(const std::vector<uint8_t>& bytes) {
    ByteCursor c(bytes);
    int64_t v = c.readSignedVarint("test");
    EXPECT_TRUE(c.atEnd());
    return v;
}

TEST(Vuint, SpecExamples) {
    EXPECT_EQ(toHex(vuint(303)), "82 2f"); // §1.2: most significant group first
    EXPECT_EQ(toHex(vuint(0)), "00");
    EXPECT_EQ(toHex(vuint(127)), "7f");
    EXPECT_EQ(toHex(vuint(128)), "81 00");
    EXPECT_EQ(toHex(vuint(247)), "81 77"); // static qstr 'print' entry (123 << 1 | 1)
    EXPECT_EQ(toHex(vuint(496)), "83 70"); // worked example 3 child header
}

TEST(Vuint, RoundTripAndSize) {
    std::mt19937_64 rng(1);
    std::vector<uint64_t> values = {0, 1, 127, 128, 16383, 16384, std::numeric_limits<uint64_t>::max()};
    for (int i = 0; i < 2000; ++i) values.push_back(rng() >> (rng() % 64));
    for (uint64_t v : values) {
        auto bytes = vuint(v);
        EXPECT_EQ(bytes.size(), vuintSize(v)) << v;
        EXPECT_EQ(decodeVuint(bytes), v);
        EXPECT_NE(bytes[0], 0x80) << "non-minimal encoding of " << v;
    }
}

TEST(Vuint, RejectsMalformed) {
    EXPECT_THROW(decodeVuint(hex("80 01")), MpyFormatError); // leading zero group (non-canonical)
    EXPECT_THROW(decodeVuint(hex("81")), MpyFormatError);    // truncated
    EXPECT_THROW(decodeVuint({}), MpyFormatError);
    EXPECT_THROW(decodeVuint(hex("82 ff ff ff ff ff ff ff ff 7f")), MpyFormatError); // > 64 bits
    EXPECT_EQ(decodeVuint(hex("81 ff ff ff ff ff ff ff ff 7f")), std::numeric_limits<uint64_t>::max());
}

TEST(Vuint, TruncationMessageHasOffsetAndContext) {
    auto bytes = hex("00 00 81");
    ByteCursor c(bytes, 2);
    try {
        c.readVuint("qstr count");
        FAIL() << "no exception";
    } catch (const MpyFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("qstr count"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("offset 2"), std::string::npos) << e.what();
    }
}

TEST(SignedVarint, SpecExamples) {
    EXPECT_EQ(toHex(svarint(48)), "30");
    EXPECT_EQ(toHex(svarint(64)), "80 40");
    EXPECT_EQ(toHex(svarint(-17)), "6f");
    EXPECT_EQ(toHex(svarint(-65)), "ff 3f");
    EXPECT_EQ(toHex(svarint((int64_t(1) << 30) - 1)), "83 ff ff ff 7f");
    EXPECT_EQ(toHex(svarint(-(int64_t(1) << 30))), "fc 80 80 80 00");
    EXPECT_EQ(toHex(svarint(0)), "00");
    EXPECT_EQ(toHex(svarint(-1)), "7f");
    EXPECT_EQ(toHex(svarint(63)), "3f");
    EXPECT_EQ(toHex(svarint(-64)), "40");
}

TEST(SignedVarint, DecodesSpecExamples) {
    EXPECT_EQ(decodeSvarint(hex("30")), 48);
    EXPECT_EQ(decodeSvarint(hex("80 40")), 64);
    EXPECT_EQ(decodeSvarint(hex("6f")), -17);
    EXPECT_EQ(decodeSvarint(hex("ff 3f")), -65);
    EXPECT_EQ(decodeSvarint(hex("83 ff ff ff 7f")), (int64_t(1) << 30) - 1);
    EXPECT_EQ(decodeSvarint(hex("fc 80 80 80 00")), -(int64_t(1) << 30));
}

TEST(SignedVarint, RoundTrip) {
    std::mt19937_64 rng(2);
    std::vector<int64_t> values = {
        0, 1, -1, 63, 64, -64, -65, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};
    for (int i = 0; i < 2000; ++i) values.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
    for (int64_t v : values) EXPECT_EQ(decodeSvarint(svarint(v)), v);
}

TEST(SignedVarint, RejectsOverflowAndTruncation) {
    EXPECT_THROW(decodeSvarint(hex("80")), MpyFormatError);
    EXPECT_THROW(decodeSvarint({}), MpyFormatError);
    // 11 groups cannot be a 64-bit value.
    EXPECT_THROW(decodeSvarint(hex("80 80 80 80 80 80 80 80 80 80 00")), MpyFormatError);
    // 2^63 does not fit in int64.
    EXPECT_THROW(decodeSvarint(hex("81 80 80 80 80 80 80 80 80 00")), MpyFormatError);
    EXPECT_THROW(decodeSvarint(hex("bf ff ff ff ff ff ff ff ff 7f")), MpyFormatError);
}

Signature sig(uint32_t nState, uint32_t e, uint32_t f, uint32_t a, uint32_t k, uint32_t d) {
    Signature s;
    s.nState = nState;
    s.nExcStack = e;
    s.scopeFlags = f;
    s.nPosArgs = a;
    s.nKwonlyArgs = k;
    s.nDefPosArgs = d;
    return s;
}

std::vector<uint8_t> encodeSig(const Signature& s) {
    std::vector<uint8_t> out;
    appendSignature(out, s);
    return out;
}

Signature decodeSig(const std::vector<uint8_t>& bytes) {
    ByteCursor c(bytes);
    Signature s = readSignature(c);
    EXPECT_TRUE(c.atEnd());
    return s;
}

TEST(Signature, WorkedExamples) {
    EXPECT_EQ(toHex(encodeSig(sig(2, 0, 0, 0, 0, 0))), "08");    // example 1 module
    EXPECT_EQ(toHex(encodeSig(sig(3, 0, 0, 0, 0, 0))), "10");    // example 2 module
    EXPECT_EQ(toHex(encodeSig(sig(5, 0, 0, 2, 0, 1))), "a2 01"); // example 2 add(a, b=10)
    EXPECT_EQ(toHex(encodeSig(sig(11, 1, 0, 1, 0, 0))), "55");   // example 3 f(n)
    EXPECT_EQ(decodeSig(hex("a2 01")), sig(5, 0, 0, 2, 0, 1));
    EXPECT_EQ(decodeSig(hex("55")), sig(11, 1, 0, 1, 0, 0));
    EXPECT_EQ(decodeSig(hex("08")), sig(2, 0, 0, 0, 0, 0));
}

TEST(Signature, OneByteBoundary) {
    // §1.7.1: n_state <= 16, E <= 1, A <= 3, F = K = D = 0 fits one byte.
    EXPECT_EQ(encodeSig(sig(16, 1, 0, 3, 0, 0)).size(), 1u);
    EXPECT_EQ(encodeSig(sig(17, 0, 0, 0, 0, 0)).size(), 2u);
    EXPECT_EQ(encodeSig(sig(1, 0, 1, 0, 0, 0)).size(), 2u);
}

TEST(Signature, RoundTrip) {
    std::mt19937 rng(3);
    for (int i = 0; i < 5000; ++i) {
        Signature s = sig(1 + rng() % 5000, rng() % 40, rng() % 16, rng() % 300, rng() % 300, 0);
        s.nDefPosArgs = rng() % (s.nPosArgs + 1);
        EXPECT_EQ(decodeSig(encodeSig(s)), s);
    }
}

TEST(Signature, RejectsTruncatedOrEndless) {
    EXPECT_THROW(decodeSig(hex("a2")), MpyFormatError);
    EXPECT_THROW(decodeSig(std::vector<uint8_t>(64, 0xff)), MpyFormatError);
}

std::vector<uint8_t> encodeSize(uint32_t i, uint32_t c) {
    std::vector<uint8_t> out;
    appendPreludeSize(out, i, c);
    return out;
}

TEST(PreludeSize, WorkedExamples) {
    EXPECT_EQ(toHex(encodeSize(1, 0)), "02");
    EXPECT_EQ(toHex(encodeSize(3, 0)), "06");
    EXPECT_EQ(toHex(encodeSize(5, 0)), "0a");
    EXPECT_EQ(toHex(encodeSize(8, 0)), "10");
    EXPECT_EQ(toHex(encodeSize(0, 1)), "01");
    EXPECT_EQ(toHex(encodeSize(64, 0)), "80 02");
    EXPECT_EQ(toHex(encodeSize(0, 2)), "80 01");
    EXPECT_EQ(toHex(encodeSize(0, 255)), "81 81 81 81 81 81 81 01");
}

TEST(PreludeSize, RoundTrip) {
    std::mt19937 rng(4);
    for (int i = 0; i < 5000; ++i) {
        uint32_t nInfo = rng() % 100000, nCell = rng() % 256;
        auto bytes = encodeSize(nInfo, nCell);
        ByteCursor c(bytes);
        uint32_t gotInfo = 0, gotCell = 0;
        readPreludeSize(c, gotInfo, gotCell);
        EXPECT_TRUE(c.atEnd());
        EXPECT_EQ(gotInfo, nInfo);
        EXPECT_EQ(gotCell, nCell);
    }
    auto endless = std::vector<uint8_t>(16, 0xff);
    ByteCursor c(endless);
    uint32_t a, b;
    EXPECT_THROW(readPreludeSize(c, a, b), MpyFormatError);
}

std::string lineEntries(std::initializer_list<std::pair<uint32_t, uint32_t>> steps) {
    std::vector<uint8_t> out;
    for (auto [bytes, lines] : steps) appendLineTableEntry(out, bytes, lines);
    return toHex(out);
}

TEST(LineTable, WorkedExamples) {
    EXPECT_EQ(lineEntries({{8, 4}}), "68 20");         // example 2 module: 4-line step split 3+1
    EXPECT_EQ(lineEntries({{0, 1}, {4, 1}}), "20 24"); // example 2 add
    EXPECT_EQ(lineEntries({{0, 1}, {2, 1}, {6, 1}, {2, 1}, {17, 2}, {13, 1}}),
              "20 22 26 22 51 2d"); // example 3
}

TEST(LineTable, ShortAndLongForms) {
    EXPECT_EQ(lineEntries({{0, 6}}), "60 60");          // 6 lines: two one-byte entries, not the long form
    EXPECT_EQ(lineEntries({{0, 7}}), "80 07");          // 7 lines: long form
    EXPECT_EQ(lineEntries({{40, 0}}), "1f 09");         // bytes only
    EXPECT_EQ(lineEntries({{40, 2}}), "1f 49");         // lines go with the last chunk of bytes
    EXPECT_EQ(lineEntries({{20, 100}}), "74 80 61");    // bytes > 15: short form first
    EXPECT_EQ(lineEntries({{5, 300}}), "95 2c");        // long form with bytes
    EXPECT_EQ(lineEntries({{0, 3000}}), "f0 ff b0 b9"); // 2047 + 953
    EXPECT_EQ(lineEntries({{0, 0}}), "");
}

TEST(LineTable, Decode) {
    auto table = decodeLineTable(hex("20 22 26 22 51 2d"));
    std::vector<std::pair<uint32_t, uint32_t>> got;
    for (auto m : table) got.emplace_back(m.offset, m.line);
    std::vector<std::pair<uint32_t, uint32_t>> want = {{0, 2}, {2, 3}, {8, 4}, {10, 5}, {27, 7}, {40, 8}};
    EXPECT_EQ(got, want);

    auto longForm = decodeLineTable(hex("95 2c f0 ff"));
    ASSERT_EQ(longForm.size(), 2u);
    EXPECT_EQ(longForm[0].offset, 5u);
    EXPECT_EQ(longForm[0].line, 301u);
    EXPECT_EQ(longForm[1].line, 301u + 2047u);
    EXPECT_TRUE(decodeLineTable({}).empty());
    EXPECT_THROW(decodeLineTable(hex("20 95")), MpyFormatError);
}

TEST(LineTable, EncodeDecodeRoundTrip) {
    std::mt19937 rng(5);
    for (int round = 0; round < 200; ++round) {
        std::vector<uint8_t> out;
        uint32_t offset = 0, line = 1;
        for (int i = 0; i < 20; ++i) {
            uint32_t b = rng() % 3 ? rng() % 20 : rng() % 300, l = rng() % 3 ? rng() % 8 : rng() % 5000;
            appendLineTableEntry(out, b, l);
            offset += b;
            line += l;
        }
        auto decoded = decodeLineTable(out);
        if (offset == 0 && line == 1) {
            EXPECT_TRUE(decoded.empty());
        } else {
            ASSERT_FALSE(decoded.empty());
            EXPECT_EQ(decoded.back().offset, offset);
            EXPECT_EQ(decoded.back().line, line);
        }
    }
}

} // namespace
} // namespace mpyseal::mpy
