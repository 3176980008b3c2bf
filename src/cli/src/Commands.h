// Entry points of the mpyseal subcommands. Each takes the arguments after the subcommand name and
// returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace mpyseal::cli {

/// `mpyseal compile [mpy-cross options] FILE.py` and the `mpy-cross` personality (same options).
int runCompile(const std::vector<std::string>& args);
/// `mpy-cross ...` when the binary is invoked under that name: mpy-cross's exact command line.
int runMpyCross(const std::vector<std::string>& args);
/// `mpyseal dis FILE.mpy`
int runDis(const std::vector<std::string>& args);
/// `mpyseal targets`: the named targets and what each implies.
int runTargets(const std::vector<std::string>& args);
/// `mpyseal check-target FILE.mpy --target NAME`: whether a device of that target loads the file.
int runCheckTarget(const std::vector<std::string>& args);
/// `mpyseal build SRC_DIR -o OUT_DIR [-j N] ...`
int runBuild(const std::vector<std::string>& args);

} // namespace mpyseal::cli
