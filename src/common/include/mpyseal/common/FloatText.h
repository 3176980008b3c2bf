// MicroPython-compatible float text: the parser and repr of MicroPython's x86-64 build.
//
// Source of the algorithm: ../shared/reference/mpy-format.md §5.9 and Appendix C. MicroPython parses
// decimal literals by accumulating up to ~19 digits into a 64-bit mantissa and scaling with an 80-bit
// x87 long double power of ten, which is not always correctly rounded; its repr tries 16..19 significant
// digits and keeps the first that its own parser maps back to the value. A .mpy float constant stores
// that repr text, so byte identity needs the exact same algorithm (CPython's shortest repr differs for
// about 4% of doubles).
#pragma once

#include <string>
#include <string_view>

namespace mpyseal::common {

/// Parses an unsigned decimal float literal as MicroPython's lexer/compiler does: digits, optional '.',
/// optional exponent ('e'/'E', optional sign), '_' ignored. Parsing stops at the first other character.
/// Never throws; overflow gives +inf, underflow 0.0.
double parseMicroPythonFloat(std::string_view text);

/// repr() of a float as MicroPython's x86-64 build prints it and as mpy-cross stores it in a tag-8
/// constant: "nan", "inf", "-inf", "0.0", "-0.0", "2.5", "1e+100", "1.0000000000000001e-05", ...
/// With `alwaysDecimal` false an integral value gets no ".0" (used for complex text: "2j").
std::string reprMicroPythonFloat(double value, bool alwaysDecimal = true);

/// Text of a pure-imaginary complex constant as stored in a tag-9 constant: the imaginary part formatted
/// with alwaysDecimal=false followed by 'j' ("2j", "1.5j", "1e+100j", "0j").
std::string reprMicroPythonImaginary(double imag);

namespace detail {
/// parseMicroPythonFloat computed with the portable integer emulation of x87 80-bit arithmetic. The
/// public functions use it automatically where `long double` is not the x87 type (e.g. aarch64); it is
/// exposed so that tests can cross-check it against the native `long double` path.
double parseMicroPythonFloatSoftware(std::string_view text);
/// reprMicroPythonFloat computed with the portable integer emulation (see parseMicroPythonFloatSoftware).
std::string reprMicroPythonFloatSoftware(double value, bool alwaysDecimal = true);
/// True when the public functions use native x87 `long double` arithmetic.
bool usesNativeExtended();
} // namespace detail

// ---------------------------------------------------------------------------------------------------
// MicroPython 1.13 (.mpy version 5). Source: ../shared/reference/mpy-v5.md §5.9 and its reference
// emulation in Appendix B5 (pitfall 21 of §0.1). 1.13 parses in plain double arithmetic with the C
// library's pow() and prints with a 16-digit formatter that generates digits by repeated multiplication
// and truncation, so neither is correctly rounded and both differ from the 1.29 functions above: e.g.
// "9007199254740992.0" is written "9007199254740993.0". The results are those of the reference build
// (x86-64 SSE2 doubles + glibc pow); on another libm the parse may differ by an ulp in rare cases.

/// Value of an unsigned decimal float literal as 1.13's lexer/compiler computes it (mpy-v5.md §5.9,
/// Appendix B5 `parse_decimal`): digits, optional '.', optional exponent, '_' ignored; parsing stops at
/// 'j'/'J' or any other character. Never throws; overflow gives inf, "0e400" gives nan (0 * inf).
double parseMicroPython113Float(std::string_view text);

/// Text of a v5 'f' (0x66) float constant (mpy-v5.md §5.9, Appendix B5 `repr_float`): 1.13's 'g'
/// formatting with 16 significant digits, plus ".0" when the text has no '.', 'e' or 'n' ("3.0",
/// "1e+16", "1.797693134862316e+308", "nan", "-inf", "-0.0").
std::string reprMicroPython113Float(double value);

/// Text of a v5 'c' (0x63) complex constant, i.e. a pure imaginary literal (mpy-v5.md §5.9, Appendix B5
/// `repr_imag`): the same 16-digit formatting without the ".0" rule, then 'j' ("3j", "1.5j", "0j",
/// "1e+100j").
std::string reprMicroPython113Imaginary(double imag);

} // namespace mpyseal::common
