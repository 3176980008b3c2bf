#include "Commands.h"
#include <cstdio>
namespace mpyseal::cli {
int runBuild(const std::vector<std::string>&) { std::fputs("build: not implemented yet\n", stderr); return 1; }
}
