// Entry points of the mpyseal subcommands. Each takes the arguments after the subcommand name and
// returns the process exit status.
#pragma once

#include "mpyseal/compiler/Compiler.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mpyseal::cli {

/// `mpyseal compile [mpy-cross options] FILE.py` and the `mpy-cross` personality (same options).
int runCompile(const std::vector<std::string>& args);
/// `mpy-cross ...` when the binary is invoked under that name: mpy-cross's exact command line.
int runMpyCross(const std::vector<std::string>& args);
/// `mpyseal dis FILE.mpy`
int runDis(const std::vector<std::string>& args);
/// One entry for sealing: a module (.mpy bytes) or a data file. `data` is not owned.
struct SealInput {
    std::string path;
    bool isModule = true;
    std::span<const unsigned char> data;
};
/// Signing and recipient options shared by `mpyseal seal` and `mpyseal build ... --sign`.
struct SealCliOptions {
    std::string signPath;
    std::vector<std::string> to; ///< device public keys (PEM) or product key files
    std::uint32_t counter = 0;
    std::string name = "app";
    bool noEncrypt = false;
    std::string passphraseFile; ///< the passphrase of an encrypted signer key (first line of the file)
};
/// Adds --to, --counter, --name, --no-encrypt and --passphrase-file (not --sign) to `app`, bound to `opts`;
/// `helpSuffix` ends each help text (`build` says " (with --sign)").
void addSealOptions(CLI::App& app, SealCliOptions& opts, const std::string& helpSuffix);
/// The rule shared by `seal` and `build --sign`: recipients (--to) or --no-encrypt, exactly one of them.
/// Prints the reason, prefixed "mpyseal VERB: ", and returns 2 when it is broken; else returns -1.
int checkRecipientOptions(const SealCliOptions& opts, const char* verb);
/// Seals `inputs` (loading the keys named in `opts`) and writes the image to `out` atomically. Returns the
/// exit status; throws seal/crypto errors and std::runtime_error with a message (never key material).
int sealToFile(const std::vector<SealInput>& inputs, const SealCliOptions& opts, const std::string& out);

/// `mpyseal targets`: the named targets and what each implies.
int runTargets(const std::vector<std::string>& args);
/// The reasons a device of the named target (see `mpyseal targets`) refuses the .mpy file `mpy`, one
/// sentence each; empty when it loads. Only the header is judged (the loader's checks). Throws
/// std::invalid_argument for an unknown target name.
std::vector<std::string> targetLoadProblems(std::span<const std::uint8_t> mpy, const std::string& target);
/// The names `--target` accepts, in the order `mpyseal targets` lists them.
std::vector<std::string> targetNames();
/// Sets the .mpy version of the named target in `options`, and for a v5 target its unicode flag (the
/// table `mpyseal targets` prints). Returns false, changing nothing, for an unknown name.
bool applyTarget(const std::string& name, compiler::CompileOptions& options);
/// `mpyseal check-target FILE.mpy --target NAME`: whether a device of that target loads the file.
int runCheckTarget(const std::vector<std::string>& args);
/// `mpyseal build SRC_DIR -o OUT_DIR [-j N] ...`
int runBuild(const std::vector<std::string>& args);
/// `mpyseal keygen signer|device --type T -o KEY [--pub PUB.pem]` (SealCommands.cpp)
int runKeygen(const std::vector<std::string>& args);
/// `mpyseal seal INPUT -o app.img --sign KEY.pem [--to RECIPIENT]... [--counter N] [--no-encrypt]`
int runSeal(const std::vector<std::string>& args);
/// `mpyseal verify app.img --trust PUB.pem [--min-counter N]`
int runVerify(const std::vector<std::string>& args);
/// `mpyseal inspect app.img`
int runInspect(const std::vector<std::string>& args);
/// `mpyseal open app.img --trust PUB.pem --key KEY -o DIR`
int runOpen(const std::vector<std::string>& args);

} // namespace mpyseal::cli
