// mpyseal: one binary, several personalities chosen by argv[0] or the first argument.
#include "Commands.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace {

void printUsage() {
    std::fputs(
        "usage: mpyseal <command> [options]\n"
        "\n"
        "commands:\n"
        "  compile [mpy-cross options] FILE.py   compile one file to .mpy (mpy-cross compatible)\n"
        "  build SRC_DIR -o OUT_DIR [-j N]       compile a whole app tree\n"
        "  dis FILE.mpy                          disassemble a .mpy file\n"
        "  targets                               list the named targets (--target NAME)\n"
        "  check-target FILE.mpy --target NAME   tell whether a device of that target loads FILE\n"
        "  keygen signer|device --type T -o KEY  make a signer or device key (see docs/sealed-format.md)\n"
        "  seal INPUT -o IMG --sign KEY --to R   seal .mpy files into a signed, encrypted image\n"
        "  verify IMG --trust PUB.pem            check an image's signature and counter\n"
        "  inspect IMG                           print an image's header (no keys)\n"
        "  open IMG --trust PUB --key KEY -o DIR verify, decrypt and extract an image\n"
        "\n"
        "Invoked as 'mpy-cross' (e.g. through a symlink) it takes mpy-cross's command line.\n",
        stdout);
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const std::string self = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "mpyseal";
    try {
        if (self.starts_with("mpy-cross")) return mpyseal::cli::runMpyCross(args);
        if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
            printUsage();
            return args.empty() ? 1 : 0;
        }
        const std::string command = args[0];
        args.erase(args.begin());
        if (command == "compile") return mpyseal::cli::runCompile(args);
        if (command == "mpy-cross") return mpyseal::cli::runMpyCross(args);
        if (command == "dis") return mpyseal::cli::runDis(args);
        if (command == "build") return mpyseal::cli::runBuild(args);
        if (command == "targets") return mpyseal::cli::runTargets(args);
        if (command == "check-target") return mpyseal::cli::runCheckTarget(args);
        if (command == "keygen") return mpyseal::cli::runKeygen(args);
        if (command == "seal") return mpyseal::cli::runSeal(args);
        if (command == "verify") return mpyseal::cli::runVerify(args);
        if (command == "inspect") return mpyseal::cli::runInspect(args);
        if (command == "open") return mpyseal::cli::runOpen(args);
        std::fprintf(stderr, "mpyseal: unknown command '%s' (see 'mpyseal --help')\n", command.c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mpyseal: %s\n", e.what());
        return 1;
    }
}
