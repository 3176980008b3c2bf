// Recursive-descent parser producing the MicroPython-shaped parse tree (ParseNode.h), with the parse-time
// transformations of MicroPython 1.29: numeric constant folding, `math.*` and `const()` substitution,
// logical folding, constant tuples, lonely-constant removal and string interning (mpy-format.md §5.3).
#pragma once

#include "Lexer.h"
#include "ParseNode.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mpyseal::compiler {

struct CompileOptions;

/// Longest name MicroPython can intern (its qstr length is one byte).
inline constexpr size_t kMaxQstrLength = 255;

struct ParserConfig {
    std::string sourceName;
    int smallIntBits =
        31; ///< range of small-int leaves (v5: the host's 63 bits; the target is checked later)
    int optimizeLevel = 0;
    bool v5 = false;      ///< MicroPython 1.13 parse-time rules (mpy-v5.md §5.2-§5.3)
    bool unicode = true;  ///< v5 -mno-unicode
    bool fstrings = true; ///< f-strings accepted (v5: only with --modern-syntax)
};

/// Parses a whole module. Throws CompileError (no scope) on a syntax error.
void parseModule(std::string_view source, const ParserConfig& config, ParseTree& tree);

/// Truthiness of a constant node (§5.3.4); only meaningful when isConstantNode(n).
/// With `narrow` (MicroPython 1.13) only True, False and small ints are constants (mpy-v5.md §5.3.4).
bool isConstantNode(const Node* n, bool narrow = false);
bool constantTruth(const Node* n);

} // namespace mpyseal::compiler
