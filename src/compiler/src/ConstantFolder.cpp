#include "ConstantFolder.h"

#include "Lexer.h"

#include <cmath>

namespace mpyseal::compiler {

using mpy::BinaryOp;
using mpy::UnaryOp;

namespace {

// Folding must not try to build astronomically large ints (MicroPython would exhaust memory).
constexpr unsigned long kMaxFoldBits = 1ul << 20;

bool isInt(const ConstValue& v) {
    return v.kind == ConstValue::Kind::Int;
}

double toFloat(const ConstValue& v) {
    return isInt(v) ? intToFloat(v.intValue) : v.floatValue;
}

ConstValue makeInt(mpz_class v) {
    ConstValue c;
    c.kind = ConstValue::Kind::Int;
    c.intValue = std::move(v);
    return c;
}

ConstValue makeFloat(double v) {
    ConstValue c;
    c.kind = ConstValue::Kind::Float;
    c.floatValue = v;
    return c;
}

// Python's float floor division and modulo (the algorithm CPython's float_divmod uses).
void floatDivmod(double x, double y, double& div, double& mod) {
    mod = std::fmod(x, y);
    div = (x - mod) / y;
    if (mod != 0.0) {
        if ((y < 0) != (mod < 0)) {
            mod += y;
            div -= 1.0;
        }
    } else {
        mod = std::copysign(0.0, y);
    }
    if (div != 0.0) {
        double floordiv = std::floor(div);
        if (div - floordiv > 0.5) floordiv += 1.0;
        div = floordiv;
    } else {
        div = std::copysign(0.0, x / y);
    }
}

bool foldFloat(BinaryOp op, double lhs, double rhs, ConstValue& result) {
    switch (op) {
    case BinaryOp::Add: result = makeFloat(lhs + rhs); return true;
    case BinaryOp::Subtract: result = makeFloat(lhs - rhs); return true;
    case BinaryOp::Multiply: result = makeFloat(lhs * rhs); return true;
    case BinaryOp::TrueDivide:
        if (rhs == 0.0) return false;
        result = makeFloat(lhs / rhs);
        return true;
    case BinaryOp::FloorDivide: {
        if (rhs == 0.0) return false;
        double div, mod;
        floatDivmod(lhs, rhs, div, mod);
        result = makeFloat(div);
        return true;
    }
    case BinaryOp::Modulo: {
        if (rhs == 0.0) return false;
        double m = std::fmod(lhs, rhs);
        if (m == 0.0) {
            m = std::copysign(0.0, rhs);
        } else if ((m < 0.0) != (rhs < 0.0)) {
            m += rhs;
        }
        result = makeFloat(m);
        return true;
    }
    case BinaryOp::Power:
        if (lhs == 0.0 && rhs < 0.0 && !std::isinf(rhs)) return false;             // ZeroDivisionError
        if (lhs < 0.0 && rhs != std::floor(rhs) && !std::isnan(rhs)) return false; // complex result
        result = makeFloat((lhs == 1.0 || rhs == 0.0) ? 1.0 : std::pow(lhs, rhs));
        return true;
    default: return false; // bitwise ops and '@' raise TypeError on floats
    }
}

} // namespace

double intToFloat(const mpz_class& value) {
    if (value.fits_slong_p()) return static_cast<double>(value.get_si());
    // mpz_as_float: most significant 32-bit digit first, rounding at each step.
    mpz_class mag = abs(value);
    size_t nDigits = (mpz_sizeinbase(mag.get_mpz_t(), 2) + 31) / 32;
    double result = 0.0;
    for (size_t i = nDigits; i-- > 0;) {
        mpz_class digit;
        mpz_fdiv_q_2exp(digit.get_mpz_t(), mag.get_mpz_t(), static_cast<mp_bitcnt_t>(i * 32));
        mpz_fdiv_r_2exp(digit.get_mpz_t(), digit.get_mpz_t(), 32);
        result = result * 4294967296.0 + static_cast<double>(digit.get_ui());
    }
    return value < 0 ? -result : result;
}

bool fitsSmallInt(const mpz_class& value, int bits) {
    mpz_class limit;
    mpz_ui_pow_ui(limit.get_mpz_t(), 2, static_cast<unsigned long>(bits - 1));
    return value >= -limit && value < limit;
}

std::optional<ConstValue> numericValue(const Node* node) {
    if (node->kind == NodeKind::SmallInt) return makeInt(mpz_class(static_cast<long>(node->intValue)));
    if (node->kind == NodeKind::ConstObject &&
        (node->constant->kind == ConstValue::Kind::Int || node->constant->kind == ConstValue::Kind::Float))
        return *node->constant;
    return std::nullopt;
}

bool foldBinaryOp(BinaryOp op, const ConstValue& lhs, const ConstValue& rhs, ConstValue& result) {
    if (!isInt(lhs) || !isInt(rhs)) return foldFloat(op, toFloat(lhs), toFloat(rhs), result);
    const mpz_class& a = lhs.intValue;
    const mpz_class& b = rhs.intValue;
    mpz_class r;
    switch (op) {
    case BinaryOp::Or: r = a | b; break;
    case BinaryOp::Xor: r = a ^ b; break;
    case BinaryOp::And: r = a & b; break;
    case BinaryOp::Add: r = a + b; break;
    case BinaryOp::Subtract: r = a - b; break;
    case BinaryOp::Multiply:
        if (mpz_sizeinbase(a.get_mpz_t(), 2) + mpz_sizeinbase(b.get_mpz_t(), 2) > kMaxFoldBits) return false;
        r = a * b;
        break;
    case BinaryOp::FloorDivide:
        if (b == 0) return false;
        mpz_fdiv_q(r.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
        break;
    case BinaryOp::Modulo:
        if (b == 0) return false;
        mpz_fdiv_r(r.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
        break;
    case BinaryOp::TrueDivide: {
        if (b == 0) return false;
        result = makeFloat(intToFloat(a) / intToFloat(b));
        return true;
    }
    case BinaryOp::Lshift:
        if (b < 0) return false;
        if (a == 0) {
            r = 0;
            break;
        }
        if (b > kMaxFoldBits) return false;
        mpz_mul_2exp(r.get_mpz_t(), a.get_mpz_t(), b.get_ui());
        break;
    case BinaryOp::Rshift:
        if (b < 0) return false;
        if (!b.fits_ulong_p()) {
            r = a < 0 ? -1 : 0;
            break;
        }
        mpz_fdiv_q_2exp(r.get_mpz_t(), a.get_mpz_t(), b.get_ui());
        break;
    case BinaryOp::Power: {
        if (b < 0) return foldFloat(op, intToFloat(a), intToFloat(b), result);
        if (a == 0 || a == 1) {
            r = (b == 0) ? 1 : a;
            break;
        }
        if (a == -1) {
            r = mpz_odd_p(b.get_mpz_t()) ? -1 : 1;
            break;
        }
        if (!b.fits_ulong_p() || mpz_sizeinbase(a.get_mpz_t(), 2) * b.get_ui() > kMaxFoldBits) return false;
        mpz_pow_ui(r.get_mpz_t(), a.get_mpz_t(), b.get_ui());
        break;
    }
    default: return false;
    }
    result = makeInt(std::move(r));
    return true;
}

bool foldUnaryOp(UnaryOp op, const ConstValue& operand, ConstValue& result) {
    if (isInt(operand)) {
        switch (op) {
        case UnaryOp::Positive: result = operand; return true;
        case UnaryOp::Negative: result = makeInt(-operand.intValue); return true;
        case UnaryOp::Invert: result = makeInt(-operand.intValue - 1); return true;
        default: return false;
        }
    }
    switch (op) {
    case UnaryOp::Positive: result = operand; return true;
    case UnaryOp::Negative: result = makeFloat(-operand.floatValue); return true;
    default: return false;
    }
}

Node* makeNumberNode(ParseTree& tree, ConstValue value, uint32_t line, int smallIntBits) {
    if (value.kind == ConstValue::Kind::Int && fitsSmallInt(value.intValue, smallIntBits)) {
        Node* n = tree.make(NodeKind::SmallInt, 0);
        n->intValue = value.intValue.get_si();
        return n;
    }
    Node* n = tree.make(NodeKind::ConstObject, line);
    n->constant = tree.keep(std::move(value));
    return n;
}

ConstValue nodeToConstValue(const Node* node) {
    ConstValue v;
    switch (node->kind) {
    case NodeKind::SmallInt: return makeInt(mpz_class(static_cast<long>(node->intValue)));
    case NodeKind::String:
        v.kind = ConstValue::Kind::Str;
        v.bytes = node->text;
        return v;
    case NodeKind::Token:
        switch (static_cast<TokenKind>(node->intValue)) {
        case TokenKind::KwNone: v.kind = ConstValue::Kind::None; break;
        case TokenKind::KwTrue: v.kind = ConstValue::Kind::True; break;
        case TokenKind::KwFalse: v.kind = ConstValue::Kind::False; break;
        default: v.kind = ConstValue::Kind::Ellipsis; break;
        }
        return v;
    case NodeKind::ConstObject: return *node->constant;
    case NodeKind::AtomParen: v.kind = ConstValue::Kind::Tuple; return v; // ()
    default: return v;
    }
}

} // namespace mpyseal::compiler
