// Parse-time evaluation of numeric operators with MicroPython's runtime semantics (mpy-format.md §5.3.3):
// arbitrary-precision ints, Python floor division/modulo, int '/' giving float, floats folded too.
// An operation that would raise (division by zero, negative shift, '@' on numbers) or give a complex
// result is not folded.
#pragma once

#include "ParseNode.h"

#include "mpyseal/mpy/Opcodes.h"

#include <optional>

namespace mpyseal::compiler {

/// The numeric value of a node if it is an int or float constant (small-int leaf or constant object).
std::optional<ConstValue> numericValue(const Node* node);

/// Evaluates `lhs op rhs`. Returns false if MicroPython would raise or produce a complex number.
bool foldBinaryOp(mpy::BinaryOp op, const ConstValue& lhs, const ConstValue& rhs, ConstValue& result);

/// Evaluates a unary + - ~ (~ only on ints). Returns false if not foldable.
bool foldUnaryOp(mpy::UnaryOp op, const ConstValue& operand, ConstValue& result);

/// MicroPython's int-to-float conversion (exact for |v| < 2^64, digit-wise above, as mpz does).
double intToFloat(const mpz_class& value);

/// True if `value` fits the target's small int of `bits` bits (two's complement).
bool fitsSmallInt(const mpz_class& value, int bits);

/// Builds the node for a folded or literal number: a small-int leaf if it fits, else a constant object.
Node* makeNumberNode(ParseTree& tree, ConstValue value, uint32_t line, int smallIntBits);

/// Converts a constant-valued node (leaf or ConstObject) into a ConstValue (for tuples and const()).
ConstValue nodeToConstValue(const Node* node);

} // namespace mpyseal::compiler
