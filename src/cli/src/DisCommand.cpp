#include "Commands.h"
#include <cstdio>
namespace mpyseal::cli {
int runDis(const std::vector<std::string>&) { std::fputs("dis: not implemented yet\n", stderr); return 1; }
}
