// Drbg and getrandbits.
#include "mpyseal/crypto/Random.h"
#include "mpyseal/crypto/Error.h"

#include <gtest/gtest.h>

#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace mpyseal::crypto;

TEST(Random, GetrandbitsRoundsUpToWords) {
    EXPECT_EQ(getrandbits(0).size(), 0u);
    EXPECT_EQ(getrandbits(1).size(), 4u);
    EXPECT_EQ(getrandbits(32).size(), 4u);
    EXPECT_EQ(getrandbits(33).size(), 8u);
    EXPECT_EQ(getrandbits(128).size(), 16u);
    EXPECT_EQ(getrandbits(1000).size(), 128u);
    EXPECT_THROW(getrandbits((std::size_t(1) << 20) + 1), Error);
}

TEST(Random, OutputsDiffer) {
    std::set<Bytes> seen;
    for (int i = 0; i < 100; ++i) seen.insert(getrandbits(128));
    EXPECT_EQ(seen.size(), 100u);
    Drbg a(asBytes("one")), b(asBytes("one"));
    EXPECT_NE(a.generate(32), b.generate(32)); // same personalization, fresh OS entropy each
}

TEST(Random, LargeRequestsAndReseed) {
    Drbg drbg;
    const SecretBytes big = drbg.generate(5000); // more than mbedTLS's 1024-byte request limit
    EXPECT_EQ(big.size(), 5000u);
    std::size_t zeros = 0;
    for (auto b : big) zeros += b == 0;
    EXPECT_LT(zeros, 60u); // about 20 expected
    drbg.reseed(asBytes("extra"));
    EXPECT_EQ(drbg.generate(16).size(), 16u);
    EXPECT_THROW(Drbg(Bytes(Drbg::kMaxPersonalization + 1)), Error);
    EXPECT_NO_THROW(Drbg(Bytes(Drbg::kMaxPersonalization)));
}

// A child process must not produce the bytes its parent will produce next.
TEST(Random, ForkedChildGetsItsOwnStream) {
    Drbg& drbg = defaultDrbg();
    (void)drbg.generate(1);
    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const SecretBytes child = defaultDrbg().generate(32);
        ssize_t written = write(pipeFds[1], child.data(), child.size());
        _exit(written == 32 ? 0 : 1);
    }
    const SecretBytes parent = drbg.generate(32);
    SecretBytes child(32);
    ASSERT_EQ(read(pipeFds[0], child.data(), child.size()), 32);
    int status = 0;
    waitpid(pid, &status, 0);
    close(pipeFds[0]);
    close(pipeFds[1]);
    EXPECT_NE(parent, child);
}
