// The sealing verbs (keygen, seal, verify, inspect, open) and `mpyseal build --sign`, run as processes.
// Expected values are the inputs themselves (what was sealed must come back) and openssl's view of our keys.
#include "CliTestUtil.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace mpyseal::cli::test;

namespace {

class SealCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        writeText(src_ / "main.py", "import app.core\napp.core.run()\n");
        writeText(src_ / "app/__init__.py", "");
        writeText(src_ / "app/core.py", "def run():\n    print('sealed', 6 * 7)\n");
        writeText(src_ / "data/config.json", "{\"rate\": 5}\n");
        ASSERT_EQ(mpyseal({"keygen", "signer", "--type", "ec-p256", "-o", key("signer.pem"), "--pub",
                           key("signer.pub.pem")})
                      .status,
                  0);
        ASSERT_EQ(mpyseal({"keygen", "device", "--type", "ec-p256", "-o", key("device.pem"), "--pub",
                           key("device.pub.pem")})
                      .status,
                  0);
        ASSERT_EQ(mpyseal({"keygen", "device", "--type", "aes-256", "-o", key("product.key")}).status, 0);
    }

    RunResult mpyseal(std::vector<std::string> args) { return runMpyseal(args); }
    std::string key(const std::string& name) { return (tmp_ / name).string(); }

    TempDir tmp_;
    fs::path src_ = tmp_ / "app";
};

} // namespace

TEST_F(SealCommandTest, KeysAreOpensslReadableAndPrivate) {
    struct stat st {};
    ASSERT_EQ(stat(key("signer.pem").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat(key("product.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::string cmd = "openssl pkey -in '" + key("signer.pem") + "' -noout >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    cmd = "openssl pkey -pubin -in '" + key("device.pub.pem") + "' -noout >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST_F(SealCommandTest, BuildAndSealOpensToTheSameModules) {
    const std::string img = (tmp_ / "app.img").string();
    RunResult r = mpyseal({"build", src_.string(), "-o", img, "--sign", key("signer.pem"), "--to",
                           key("device.pub.pem"), "--to", key("product.key"), "--counter", "7"});
    ASSERT_EQ(r.status, 0) << r.err;
    // no compiled plaintext next to the image
    EXPECT_FALSE(fs::exists(tmp_ / "app" / "app" / "core.mpy"));
    r = mpyseal({"verify", img, "--trust", key("signer.pub.pem")});
    EXPECT_EQ(r.status, 0) << r.err;
    r = mpyseal({"inspect", img});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("counter:     7"), std::string::npos) << r.out;
    // each recipient's key opens it, and the module equals a direct compile
    for (const std::string& k : {key("device.pem"), key("product.key")}) {
        const fs::path dir = tmp_ / ("opened-" + fs::path(k).filename().string());
        r = mpyseal({"open", img, "--trust", key("signer.pub.pem"), "--key", k, "-o", dir.string()});
        ASSERT_EQ(r.status, 0) << r.err;
        const fs::path alone = tmp_ / "core.mpy";
        ASSERT_EQ(runMpyseal({"compile", "-o", alone.string(), "app/core.py"}, src_).status, 0);
        EXPECT_EQ(readAll(dir / "app/core.mpy"), readAll(alone));
        EXPECT_EQ(readAll(dir / "main.py"), "import app.core\napp.core.run()\n");
        EXPECT_EQ(readAll(dir / "data/config.json"), "{\"rate\": 5}\n");
    }
}

TEST_F(SealCommandTest, WrongKeysAndCountersAreRefused) {
    const std::string img = (tmp_ / "app.img").string();
    ASSERT_EQ(mpyseal({"build", src_.string(), "-o", img, "--sign", key("signer.pem"), "--to",
                       key("device.pub.pem"), "--counter", "3"})
                  .status,
              0);
    // a signer that is not trusted
    ASSERT_EQ(mpyseal({"keygen", "signer", "--type", "ec-p256", "-o", key("other.pem"), "--pub",
                       key("other.pub.pem")})
                  .status,
              0);
    RunResult r = mpyseal({"verify", img, "--trust", key("other.pub.pem")});
    EXPECT_NE(r.status, 0);
    EXPECT_FALSE(r.err.empty());
    // rollback: the image's counter 3 is below the device's minimum 4, but not below 3
    r = mpyseal({"verify", img, "--trust", key("signer.pub.pem"), "--min-counter", "4"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("counter"), std::string::npos) << r.err;
    EXPECT_EQ(mpyseal({"verify", img, "--trust", key("signer.pub.pem"), "--min-counter", "3"}).status, 0);
    // a device key that is not a recipient
    r = mpyseal({"open", img, "--trust", key("signer.pub.pem"), "--key", key("product.key"), "-o",
                 (tmp_ / "nope").string()});
    EXPECT_NE(r.status, 0);
    EXPECT_FALSE(fs::exists(tmp_ / "nope" / "app" / "core.mpy"));
}

TEST_F(SealCommandTest, FailingBuildWritesNoImage) {
    writeText(src_ / "app/broken.py", "x = (\n");
    const std::string img = (tmp_ / "bad.img").string();
    RunResult r = mpyseal(
        {"build", src_.string(), "-o", img, "--sign", key("signer.pem"), "--to", key("device.pub.pem")});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("SyntaxError: invalid syntax"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(img));
}
