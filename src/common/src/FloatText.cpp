// MicroPython's x86-64 float parser and repr (../shared/reference/mpy-format.md §5.9, Appendix C).
//
// Every step that MicroPython performs in its 80-bit x87 `long double` must be rounded exactly as the x87
// rounds it (64-bit significand, round-half-even). The algorithm is written once, as templates over an
// "extended arithmetic" policy:
//   - NativeExtended uses `long double`, which on x86-64 with g++/clang IS the x87 type;
//   - SoftExtended emulates it with integers, for hosts whose long double is something else (aarch64
//     has a 128-bit quad, MSVC a plain double) and as an independent cross-check in the unit tests.
// Both have an unbounded exponent for our purposes: x87 overflow/underflow only happens where the final
// double is inf or 0 anyway, as in the reference emulation.
#include "mpyseal/common/FloatText.h"

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <math.h> // ::pow, whose address is taken (std::pow is an overload set)
#include <string>
#include <utility>

#if defined(__FAST_MATH__)
#error "FloatText.cpp must not be built with -ffast-math: it relies on exact IEEE/x87 rounding"
#endif

namespace mpyseal::common {
namespace {

__extension__ typedef unsigned __int128 U128;

// ---------------------------------------------------------------------------------------------------
// Arithmetic policies.

#if defined(__x86_64__) && LDBL_MANT_DIG == 64
#define MPYSEAL_NATIVE_X87 1
struct NativeExtended {
    using Value = long double;
    static Value fromU64(uint64_t v) { return static_cast<long double>(v); } // exact: 64-bit significand
    static Value fromDouble(double v) { return v; }
    static Value ten() { return 10.0L; }
    static bool isZero(Value v) { return v == 0.0L; }
    static Value mul(Value a, Value b) { return a * b; }
    static Value div(Value a, Value b) { return a / b; }
    static Value addHalf(Value a) { return a + 0.5L; }
    static double toDouble(Value v) { return static_cast<double>(v); }
    static uint64_t truncToU64(Value v) { return static_cast<uint64_t>(v); }
};

// The x87 precision-control field could have been lowered (some runtimes set 53-bit precision); then
// long double arithmetic is not the 64-bit-significand arithmetic MicroPython gets, so use the soft one.
bool nativeExtendedWorks() {
    volatile long double big = 9223372036854775808.0L; // 2^63
    volatile long double one = 1.0L;
    long double sum = big + one;
    return sum - big == 1.0L;
}
#endif

/// x87 extended precision in integers: value = sig * 2^exp, sig has bit 63 set (or is 0 for zero).
struct SoftExtended {
    struct Value {
        uint64_t sig = 0;
        int64_t exp = 0;
    };

    static int bitLength(U128 v) {
        const auto hi = static_cast<uint64_t>(v >> 64);
        if (hi != 0) return 128 - std::countl_zero(hi);
        return 64 - std::countl_zero(static_cast<uint64_t>(v));
    }

    /// Rounds m * 2^exp to a 64-bit significand, half to even.
    static Value round(U128 m, int64_t exp) {
        if (m == 0) return {};
        const int n = bitLength(m);
        if (n <= 64) return {static_cast<uint64_t>(m << (64 - n)), exp - (64 - n)};
        const int shift = n - 64;
        U128 q = m >> shift;
        const U128 rem = m & ((U128(1) << shift) - 1);
        const U128 half = U128(1) << (shift - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) ++q;
        int64_t e = exp + shift;
        if (q >> 64 != 0) { // rounding carried into a 65th bit
            q >>= 1;
            ++e;
        }
        return {static_cast<uint64_t>(q), e};
    }

    static Value fromU64(uint64_t v) { return round(v, 0); }
    static Value fromDouble(double v) {
        if (v == 0.0) return {};
        int e = 0;
        const double m = std::frexp(v, &e); // m in [0.5, 1) with at most 53 bits: m * 2^64 is exact
        return {static_cast<uint64_t>(std::ldexp(m, 64)), int64_t(e) - 64};
    }
    static Value ten() { return fromU64(10); }
    static bool isZero(Value v) { return v.sig == 0; }

    static Value mul(Value a, Value b) {
        if (a.sig == 0 || b.sig == 0) return {};
        return round(U128(a.sig) * b.sig, a.exp + b.exp);
    }

    static Value div(Value a, Value b) {
        if (a.sig == 0) return {};
        // a.sig, b.sig in [2^63, 2^64): the quotient of (a.sig << 64) / b.sig lies in (2^63, 2^65).
        const U128 num = U128(a.sig) << 64;
        U128 q = num / b.sig;
        const U128 r = num % b.sig;
        int64_t e = a.exp - b.exp - 64;
        bool up;
        if (q >> 64 != 0) { // 65 bits: the dropped bit is the rounding bit, the remainder is sticky
            const bool roundBit = (q & 1) != 0;
            q >>= 1;
            ++e;
            up = roundBit && (r != 0 || (q & 1) != 0);
        } else {
            const U128 twice = r * 2;
            up = twice > b.sig || (twice == b.sig && (q & 1) != 0);
        }
        if (up) ++q;
        if (q >> 64 != 0) {
            q >>= 1;
            ++e;
        }
        return {static_cast<uint64_t>(q), e};
    }

    /// a + 0.5 for a >= 0, rounded once.
    static Value addHalf(Value a) {
        const Value half{uint64_t(1) << 63, -64};
        if (a.sig == 0) return half;
        Value big = a, small = half;
        if (big.exp < small.exp) std::swap(big, small);
        const int64_t d = big.exp - small.exp;
        if (d <= 63) return round((U128(big.sig) << d) + small.sig, small.exp); // exact sum fits
        // Far apart: keep 63 guard bits and fold the rest of `small` into a sticky bit below them.
        const int64_t drop = d - 63;
        U128 tail = drop >= 64 ? 0 : U128(small.sig >> drop);
        const bool sticky = drop >= 64 || (small.sig & ((uint64_t(1) << drop) - 1)) != 0;
        return round(((U128(big.sig) << 63) + tail) | U128(sticky), big.exp - 63);
    }

    /// Rounds to an IEEE double (53 bits, with subnormals, overflow to inf), half to even.
    static double toDouble(Value v) {
        if (v.sig == 0) return 0.0;
        const int64_t lead = v.exp + 63; // exponent of the leading bit
        int64_t shift = 11;
        if (lead < -1022) shift += -1022 - lead; // subnormal: fewer significant bits remain
        if (shift > 127) return 0.0;
        const U128 sig = v.sig;
        const U128 q0 = sig >> shift;
        const U128 rem = sig - (q0 << shift);
        const U128 half = U128(1) << (shift - 1);
        U128 q = q0;
        if (rem > half || (rem == half && (q & 1) != 0)) ++q;
        const int64_t e = v.exp + shift;
        if (e > 2000) return HUGE_VAL;
        return std::ldexp(static_cast<double>(static_cast<uint64_t>(q)), static_cast<int>(e));
    }

    static uint64_t truncToU64(Value v) {
        if (v.exp >= 0) return v.exp == 0 ? v.sig : UINT64_MAX; // >= 2^64 never occurs here
        if (v.exp <= -64) return 0;
        return v.sig >> -v.exp;
    }
};

// ---------------------------------------------------------------------------------------------------
// The algorithm (Appendix C), generic over the arithmetic.

/// num * 10^decExp by square-and-multiply: one rounding per `res *= x` / `res /= x` and per `x *= x`.
template <class A> typename A::Value scaleByPowerOfTen(typename A::Value num, int64_t decExp) {
    if (decExp == 0 || A::isZero(num)) return num;
    const bool negative = decExp < 0;
    uint64_t n = negative ? 0 - static_cast<uint64_t>(decExp) : static_cast<uint64_t>(decExp);
    typename A::Value res = num;
    typename A::Value x = A::ten();
    while (n != 0) {
        if ((n & 1) != 0) res = negative ? A::div(res, x) : A::mul(res, x);
        n >>= 1;
        if (n != 0) x = A::mul(x, x);
    }
    return res;
}

constexpr uint64_t kMantissaMax = 0x1999999999999998; // beyond this another digit could overflow uint64
constexpr int64_t kExponentDigitsLimit = (INT32_MAX / 2) / 10 - 1;

template <class A> double parseImpl(std::string_view text) {
    enum class State { Integer, Fraction, Exponent };
    State state = State::Integer;
    uint64_t mantissa = 0;
    int64_t expValue = 0;
    int64_t expExtra = 0;
    bool expNegative = false;
    // Zeros (and digits past the mantissa limit) are held back: trailing ones never enter the mantissa.
    int64_t pendingIntegerZeros = 0;
    int64_t pendingFractionZeros = 0;

    auto accept = [&](uint64_t digit, State where) {
        if (mantissa < kMantissaMax) {
            if (where == State::Fraction) --expExtra;
            mantissa = 10 * mantissa + digit;
        } else if (where == State::Integer) {
            ++expExtra;
        }
    };
    auto flushZeros = [&]() {
        for (; pendingIntegerZeros > 0 && mantissa < kMantissaMax; --pendingIntegerZeros)
            accept(0, State::Integer);
        expExtra += pendingIntegerZeros; // the mantissa is full: each further integer digit scales by 10
        pendingIntegerZeros = 0;
        for (; pendingFractionZeros > 0 && mantissa < kMantissaMax; --pendingFractionZeros)
            accept(0, State::Fraction);
        pendingFractionZeros = 0; // a full mantissa ignores fraction digits
    };

    for (size_t i = 0; i < text.size();) {
        const char c = text[i++];
        if (c >= '0' && c <= '9') {
            const auto digit = static_cast<uint64_t>(c - '0');
            if (state == State::Exponent) {
                if (expValue < kExponentDigitsLimit) expValue = 10 * expValue + int64_t(digit);
            } else if (digit == 0 || mantissa >= kMantissaMax) {
                ++(state == State::Integer ? pendingIntegerZeros : pendingFractionZeros);
            } else {
                flushZeros();
                accept(digit, state);
            }
        } else if (state == State::Integer && c == '.') {
            state = State::Fraction;
        } else if (state != State::Exponent && (c == 'e' || c == 'E')) {
            state = State::Exponent;
            if (i < text.size() && (text[i] == '+' || text[i] == '-')) expNegative = text[i++] == '-';
        } else if (c != '_') {
            break;
        }
    }
    if (expNegative) expValue = -expValue;
    const int64_t exponent = expValue + expExtra + pendingIntegerZeros;
    if (mantissa == 0) return 0.0;
    return A::toDouble(scaleByPowerOfTen<A>(A::fromU64(mantissa), exponent));
}

/// Renders an `digits`-digit mantissa with decimal exponent `e` (value = 0.ddd * 10^(e+1)) in repr style.
std::string formatDigits(uint64_t mantissa, int digits, int e, bool alwaysDecimal) {
    uint64_t limit = 1;
    for (int i = 0; i < digits; ++i) limit *= 10; // digits <= 19: 10^19 < 2^64
    if (mantissa >= limit) {                      // rounding carried into one more digit
        mantissa /= 10;
        ++e;
    }
    std::string d = std::to_string(mantissa);
    if (d.size() < size_t(digits)) d.insert(0, size_t(digits) - d.size(), '0');
    auto stripZeros = [](std::string s) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        return s;
    };
    if (e >= 0 && e < 16) {
        std::string out = d.substr(0, size_t(e) + 1);
        const std::string frac = stripZeros(d.substr(size_t(e) + 1));
        if (!frac.empty()) return out + '.' + frac;
        return alwaysDecimal ? out + ".0" : out;
    }
    if (e >= -4 && e < 0) {
        std::string frac = stripZeros(d);
        return "0." + std::string(size_t(-e - 1), '0') + (frac.empty() ? "0" : frac);
    }
    const std::string s = stripZeros(d);
    std::string out = s.empty() ? "0" : s.substr(0, 1);
    if (s.size() > 1) out += '.' + s.substr(1);
    const int absE = e < 0 ? -e : e;
    out += e < 0 ? "e-" : "e+";
    if (absE < 10) out += '0';
    out += std::to_string(absE);
    return out;
}

template <class A> std::string reprImpl(double value, bool alwaysDecimal) {
    if (std::isnan(value)) return "nan";
    const std::string sign = std::signbit(value) ? "-" : "";
    const double f = std::fabs(value);
    if (std::isinf(f)) return sign + "inf";
    if (f == 0.0) return sign + (alwaysDecimal ? "0.0" : "0");

    // Decimal exponent e with 10^e <= f < 10^(e+1), the powers of ten rounded as MicroPython gets them.
    const int binaryExp = static_cast<int>(std::bit_cast<uint64_t>(f) >> 52) - 1023;
    int e = static_cast<int>(binaryExp * 0.3010299956639812);
    const bool atLeastOne = !(f < 1.0);
    auto powerOfTen = [](int k) { return A::toDouble(scaleByPowerOfTen<A>(A::fromU64(1), k)); };
    while ((f >= powerOfTen(e + (atLeastOne ? 1 : 0))) == atLeastOne) e += atLeastOne ? 1 : -1;

    for (int digits = 16; digits <= 19; ++digits) {
        const auto scaled = scaleByPowerOfTen<A>(A::fromDouble(f), int64_t(digits) - e - 1);
        const uint64_t mantissa = A::truncToU64(A::addHalf(scaled));
        std::string text = formatDigits(mantissa, digits, e, alwaysDecimal);
        if (digits == 19 || parseImpl<A>(text) == f) return sign + text;
    }
    return {}; // unreachable: 19 digits are always accepted
}

#if defined(MPYSEAL_NATIVE_X87)
bool useNative() {
    static const bool works = nativeExtendedWorks();
    return works;
}
#endif

} // namespace

double parseMicroPythonFloat(std::string_view text) {
#if defined(MPYSEAL_NATIVE_X87)
    if (useNative()) return parseImpl<NativeExtended>(text);
#endif
    return parseImpl<SoftExtended>(text);
}

std::string reprMicroPythonFloat(double value, bool alwaysDecimal) {
#if defined(MPYSEAL_NATIVE_X87)
    if (useNative()) return reprImpl<NativeExtended>(value, alwaysDecimal);
#endif
    return reprImpl<SoftExtended>(value, alwaysDecimal);
}

std::string reprMicroPythonImaginary(double imag) {
    return reprMicroPythonFloat(imag, false) + 'j';
}

namespace detail {

double parseMicroPythonFloatSoftware(std::string_view text) {
    return parseImpl<SoftExtended>(text);
}

std::string reprMicroPythonFloatSoftware(double value, bool alwaysDecimal) {
    return reprImpl<SoftExtended>(value, alwaysDecimal);
}

bool usesNativeExtended() {
#if defined(MPYSEAL_NATIVE_X87)
    return useNative();
#else
    return false;
#endif
}

} // namespace detail

// ---------------------------------------------------------------------------------------------------
// MicroPython 1.13 (.mpy v5): ../shared/reference/mpy-v5.md §5.9, ported from the reference
// emulation of Appendix B5 step by step. Everything is plain IEEE double arithmetic (SSE2 on x86-64, no
// x87 and no FMA: this file is built with -ffp-contract=off), one rounding per C operation, as in 1.13.

namespace {

// glibc's pow is not correctly rounded (pow(10, 23) and pow(10, 210) are one ulp high, §5.9) and 1.13
// called it at run time. Calling through a volatile pointer keeps the compiler from ever folding a call
// with constant arguments into a correctly rounded value, or rewriting pow(10, y) as exp10(y).
double (*volatile libmPow)(double, double) = ::pow;

// Exponent digits stop accumulating at this value so the exponent cannot overflow 1.13's int (B5).
constexpr int64_t kV113ExponentLimit = ((INT32_MAX / 2) - 9) / 10;

// Powers of ten used to bring the value into [1, 10) in binary-search steps of 2^8 .. 2^0 (B5 _POS/_NEG).
constexpr double kV113PowUp[9] = {1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1};
constexpr double kV113PowDown[9] = {1e-256, 1e-128, 1e-64, 1e-32, 1e-16, 1e-8, 1e-4, 1e-2, 1e-1};

// 1.13 formats into a 32-byte buffer; this bounds the digits of the fixed notation of small numbers.
constexpr int kV113BufferSize = 32;

/// 1.13's float formatter with format 'g' and 16 significant digits (Appendix B5 `format_g16`). The
/// digits are produced by truncating the scaled value and multiplying the remainder by 10, then the last
/// one is rounded up by carrying through the text; this loses accuracy, which is exactly what has to be
/// reproduced. A digit can come out as 10 (':' in the text) when the remainder times 10 rounds up to
/// 10.0; the carry loop treats it as a non-digit, as the reference does.
std::string formatV113(double f) {
    std::string buf;
    if (std::signbit(f) && !std::isnan(f)) {
        buf += '-';
        f = -f;
    }
    const int bufRemaining = kV113BufferSize - 1 - static_cast<int>(buf.size());
    if (std::isinf(f)) return buf + "inf";
    if (std::isnan(f)) return buf + "nan";

    int prec = 16;
    bool fixed = false; // 'f' format chosen (else 'g' with an exponent)
    int dec = 0;        // digits left before the decimal point is written
    char eSign = 0;     // exponent sign, 0 when no exponent is printed
    int numDigits = 0;
    int e = 0;
    if (f == 0.0) {
        e = 0;
    } else if (f < 1.0) {
        const char firstDigit = f >= 0.999999999995 ? '1' : '0';
        int e1 = 256;
        for (int k = 0; k < 9; ++k) {
            if (kV113PowDown[k] > f) {
                e += e1;
                f *= kV113PowUp[k];
            }
            e1 >>= 1;
        }
        char eSignChar = '-';
        if (f >= 0.999999999995 && f < 1.0) {
            f = 1.0;
            if (e == 0) eSignChar = '+';
        } else if (f < 1.0) {
            e += 1;
            f *= 10.0;
        }
        if (e <= 4) { // fixed notation down to 1e-4: "0." and e-1 zeros, then the digits
            fixed = true;
            dec = -1;
            buf += firstDigit;
            prec += e - 1;
            if (prec + 2 > bufRemaining) prec = bufRemaining - 2;
            numDigits = prec;
            if (numDigits != 0) {
                buf += '.';
                e -= 1;
                while (e != 0 && numDigits != 0) {
                    buf += '0';
                    --numDigits;
                    --e;
                }
            }
        } else {
            eSign = eSignChar;
            dec = 0;
        }
    } else {
        int e1 = 256;
        for (int k = 0; k < 9; ++k) {
            if (kV113PowUp[k] <= f) {
                e += e1;
                f *= kV113PowDown[k];
            }
            e1 >>= 1;
        }
        if (static_cast<int>(f) >= 10) {
            e += 1;
            f *= 0.1;
        }
        if (e < prec) { // fixed notation below 1e16
            fixed = true;
            prec -= e + 1;
            dec = e;
            numDigits = prec + e + 1;
        } else {
            eSign = '+';
        }
    }
    if (prec < 0) prec = 0;
    if (!fixed) {
        if (prec == 0) prec = 1;
        numDigits = prec;
    }

    for (int i = 0; i < numDigits; ++i) {
        // f stays below ~10 here, so the truncation fits an int like 1.13's does.
        const int d = static_cast<int>(f);
        buf += d < 0 ? '0' : static_cast<char>('0' + d);
        if (dec == 0 && prec > 0) buf += '.';
        f -= d;
        f *= 10.0;
        --dec;
    }

    if (f >= 5.0) { // round the last digit up, carrying to the left over the point
        size_t r = buf.size() - 1;
        for (;;) {
            const char ch = buf[r];
            if (ch == '.') {
                --r; // a point is never the first character
                continue;
            }
            if (ch < '0' || ch > '9') { // sign, or a ':' digit: the carry stops after it
                ++r;
                break;
            }
            if (ch < '9') {
                buf[r] = static_cast<char>(ch + 1);
                break;
            }
            buf[r] = '0';
            if (r == 0) break;
            --r;
        }
        // r can only run past the end after a trailing ':' digit; the reference never reaches that case
        // (it would fail there), and then there is nothing to carry out of.
        if (r < buf.size() && buf[r] == '0') { // carry out of the first digit: one more digit in front
            if (r + 1 < buf.size() && buf[r + 1] == '.' && !fixed) {
                // "9.99e+05" became "0.00": write "1.000" keeping the digit count, adjust the exponent
                buf[r] = '.';
                buf[r + 1] = '0';
                if (eSign == '-') {
                    e -= 1;
                    if (e == 0) eSign = '+';
                } else {
                    e += 1;
                }
                buf.insert(r, 1, '1');
                buf.pop_back();
            } else {
                buf.insert(r, 1, '1');
            }
        }
    }

    if (prec > 0) { // strip trailing zeros, then a bare point
        while (!buf.empty() && buf.back() == '0') buf.pop_back();
        if (!buf.empty() && buf.back() == '.') buf.pop_back();
    }
    if (eSign != 0) {
        buf += 'e';
        buf += eSign;
        if (e >= 100) buf += static_cast<char>('0' + e / 100);
        buf += static_cast<char>('0' + (e / 10) % 10);
        buf += static_cast<char>('0' + e % 10);
    }
    return buf;
}

} // namespace

double parseMicroPython113Float(std::string_view text) {
    enum class State { Integer, Fraction, Exponent };
    State state = State::Integer;
    double value = 0.0;
    int64_t exponent = 0;      // digits of the written exponent
    int64_t exponentExtra = 0; // fraction digits taken (negative) and integer digits dropped (positive)
    bool exponentNegative = false;
    for (size_t i = 0; i < text.size();) {
        const char c = text[i++];
        if (c >= '0' && c <= '9') {
            const int d = c - '0';
            if (state == State::Exponent) {
                if (exponent < kV113ExponentLimit) exponent = 10 * exponent + d;
            } else if (value < 1e200) {
                // Two roundings (multiply, then add): no FMA, see -ffp-contract=off.
                value = 10.0 * value + d;
                if (state == State::Fraction) --exponentExtra;
            } else if (state == State::Integer) {
                ++exponentExtra; // past 1e200 integer digits only scale; fraction digits are dropped
            }
        } else if (state == State::Integer && c == '.') {
            state = State::Fraction;
        } else if (state != State::Exponent && (c == 'e' || c == 'E')) {
            state = State::Exponent;
            if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponentNegative = text[i++] == '-';
        } else if (c == '_') {
            continue;
        } else {
            break; // 'j'/'J' (imaginary suffix) or the end of the literal
        }
    }
    if (exponentNegative) exponent = -exponent;
    exponent += exponentExtra;
    if (exponent < -307) { // keep pow(10, -e) finite; the two steps round twice, as in 1.13
        exponent += 307;
        value *= 1e-307;
    }
    if (exponent >= -22 && exponent < 0) return value / libmPow(10.0, static_cast<double>(-exponent));
    const double scale = libmPow(10.0, static_cast<double>(exponent));
    // 0 * inf is nan ("0e400" is stored as "nan"); spelled out so the NaN's sign does not depend on the
    // hardware's default NaN (x86 produces a negative one).
    if (value == 0.0 && std::isinf(scale)) return std::numeric_limits<double>::quiet_NaN();
    return value * scale;
}

std::string reprMicroPython113Float(double value) {
    std::string text = formatV113(value);
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return text;
}

std::string reprMicroPython113Imaginary(double imag) {
    return formatV113(imag) + 'j';
}

} // namespace mpyseal::common
