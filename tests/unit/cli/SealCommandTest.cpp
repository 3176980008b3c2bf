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

TEST_F(SealCommandTest, OpenNeverWritesThroughALinkInTheOutputDirectory) {
    const std::string img = (tmp_ / "app.img").string();
    ASSERT_EQ(
        mpyseal({"build", src_.string(), "-o", img, "--sign", key("signer.pem"), "--to", key("product.key")})
            .status,
        0);
    // out/app -> elsewhere: the entry app/core.mpy must not land in `elsewhere`
    const fs::path out = tmp_ / "out", elsewhere = tmp_ / "elsewhere";
    fs::create_directories(out);
    fs::create_directories(elsewhere);
    fs::create_directory_symlink(elsewhere, out / "app");
    RunResult r = mpyseal(
        {"open", img, "--trust", key("signer.pub.pem"), "--key", key("product.key"), "-o", out.string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_empty(elsewhere));

    // a link at a file's own name is replaced by the file, and its target is left alone
    fs::remove(out / "app");
    writeText(tmp_ / "victim.txt", "unchanged");
    fs::create_symlink(tmp_ / "victim.txt", out / "main.py");
    r = mpyseal(
        {"open", img, "--trust", key("signer.pub.pem"), "--key", key("product.key"), "-o", out.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(readAll(tmp_ / "victim.txt"), "unchanged");
    EXPECT_FALSE(fs::is_symlink(out / "main.py"));
    EXPECT_EQ(readAll(out / "main.py"), "import app.core\napp.core.run()\n");
    struct stat st {};
    ASSERT_EQ(stat((out / "app/core.mpy").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat((out / "app").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(SealCommandTest, SealRefusesModulesNoDeviceWouldLoad) {
    const fs::path mpyDir = tmp_ / "compiled";
    fs::create_directories(mpyDir);
    ASSERT_EQ(runMpyseal({"compile", "-o", (mpyDir / "core.mpy").string(), "app/core.py"}, src_).status, 0);
    const std::string img = (tmp_ / "c.img").string();
    // a v6 module is fine by itself, but not for a QuecPython (v5) device
    EXPECT_EQ(
        mpyseal({"seal", mpyDir.string(), "-o", img, "--sign", key("signer.pem"), "--no-encrypt"}).status, 0);
    fs::remove(img);
    RunResult r = mpyseal({"seal", mpyDir.string(), "-o", img, "--sign", key("signer.pem"), "--no-encrypt",
                           "--target", "quecpython"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("a quecpython device would refuse it"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(".mpy version 6"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(img));
    ASSERT_EQ(
        runMpyseal({"compile", "--target", "quecpython", "-o", (mpyDir / "core.mpy").string(), "app/core.py"},
                   src_)
            .status,
        0);
    r = mpyseal({"seal", mpyDir.string(), "-o", img, "--sign", key("signer.pem"), "--no-encrypt", "--target",
                 "quecpython"});
    EXPECT_EQ(r.status, 0) << r.err;
    fs::remove(img);
    // an unknown target is a usage error
    EXPECT_EQ(mpyseal({"seal", mpyDir.string(), "-o", img, "--sign", key("signer.pem"), "--no-encrypt",
                       "--target", "esp8266-1.0"})
                  .status,
              2);
    // a truncated module is refused with the reader's reason, before anything is signed
    const std::string bytes = readAll(mpyDir / "core.mpy");
    std::ofstream(mpyDir / "core.mpy", std::ios::binary | std::ios::trunc)
        << bytes.substr(0, bytes.size() - 3);
    r = mpyseal({"seal", mpyDir.string(), "-o", img, "--sign", key("signer.pem"), "--no-encrypt"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("core.mpy: not a valid .mpy file"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(img));
}

TEST_F(SealCommandTest, SealingOptionsWithoutSignAreUsageErrors) {
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{"--to", key("product.key")}, {"--counter", "3"}, {"--no-encrypt"}}) {
        std::vector<std::string> args{"build", src_.string(), "-o", (tmp_ / "plain").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const RunResult r = mpyseal(args);
        EXPECT_EQ(r.status, 2) << extra[0];
        EXPECT_NE(r.err.find("needs --sign"), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(tmp_ / "plain"));
    }
}

TEST_F(SealCommandTest, PassphraseProtectedSignerKey) {
    writeText(tmp_ / "pass.txt", "correct horse battery staple\n");
    writeText(tmp_ / "wrong.txt", "correct horse battery stable\n");
    ASSERT_EQ(mpyseal({"keygen", "signer", "--type", "ec-p256", "-o", key("locked.pem"), "--pub",
                       key("locked.pub.pem"), "--passphrase-file", key("pass.txt")})
                  .status,
              0);
    EXPECT_EQ(readAll(tmp_ / "locked.pem").rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u);
    // openssl, an independent reader, decrypts it with the same passphrase to the public key we wrote
    const std::string derived = (tmp_ / "derived.pub.pem").string();
    const std::string cmd = "openssl pkey -in '" + key("locked.pem") + "' -passin 'file:" + key("pass.txt") +
                            "' -pubout -out '" + derived + "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_EQ(readAll(derived), readAll(tmp_ / "locked.pub.pem"));

    const std::string img = (tmp_ / "locked.img").string();
    RunResult r = mpyseal({"build", src_.string(), "-o", img, "--sign", key("locked.pem"), "--no-encrypt"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("--passphrase-file"), std::string::npos) << r.err;
    r = mpyseal({"build", src_.string(), "-o", img, "--sign", key("locked.pem"), "--no-encrypt",
                 "--passphrase-file", key("wrong.txt")});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("stable"), std::string::npos) << "the passphrase must not be echoed";
    EXPECT_FALSE(fs::exists(img));
    r = mpyseal({"build", src_.string(), "-o", img, "--sign", key("locked.pem"), "--no-encrypt",
                 "--passphrase-file", key("pass.txt")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(mpyseal({"verify", img, "--trust", key("locked.pub.pem")}).status, 0);
}

TEST_F(SealCommandTest, PassphraseProtectedDeviceKeyOpens) {
    writeText(tmp_ / "pass.txt", "device secret\r\n");
    ASSERT_EQ(mpyseal({"keygen", "device", "--type", "ec-p256", "-o", key("dev-locked.pem"), "--pub",
                       key("dev-locked.pub.pem"), "--passphrase-file", key("pass.txt")})
                  .status,
              0);
    const std::string img = (tmp_ / "d.img").string();
    ASSERT_EQ(mpyseal({"build", src_.string(), "-o", img, "--sign", key("signer.pem"), "--to",
                       key("dev-locked.pub.pem")})
                  .status,
              0);
    const fs::path out = tmp_ / "opened";
    RunResult r = mpyseal(
        {"open", img, "--trust", key("signer.pub.pem"), "--key", key("dev-locked.pem"), "-o", out.string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("passphrase is required"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out / "main.py"));
    r = mpyseal({"open", img, "--trust", key("signer.pub.pem"), "--key", key("dev-locked.pem"),
                 "--passphrase-file", key("pass.txt"), "-o", out.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(readAll(out / "data/config.json"), "{\"rate\": 5}\n");
    // a product key file has no passphrase form
    r = mpyseal(
        {"keygen", "device", "--type", "aes-256", "-o", key("p2.key"), "--passphrase-file", key("pass.txt")});
    EXPECT_EQ(r.status, 2);
    EXPECT_FALSE(fs::exists(tmp_ / "p2.key"));
}
