# Reference emulation of MicroPython float parse/repr, copied verbatim from the specification
# ../shared/reference/mpy-format.md, Appendix C (the independent oracle for FloatTextTest).
# Bit-exact emulation (in exact rational arithmetic) of MicroPython's float parse/repr
# as built on x86-64 (mp_float_t = double, mp_large_float_t = 80-bit x87 long double,
# MICROPY_FLOAT_FORMAT_IMPL_EXACT).  Written for the spec; not derived from MicroPython code text.
from fractions import Fraction
import math, struct

def round_to_bits(x, bits, emin):
    """Round Fraction x (>0) to a binary float with `bits` significand bits, round-half-even.
    emin: minimum exponent of the leading bit (for subnormal handling)."""
    if x == 0: return Fraction(0)
    neg = x < 0; x = abs(x)
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2)**e > x: e -= 1          # now 2^e <= x < 2^(e+1)
    e = max(e, emin)
    scale = bits - 1 - e                   # x * 2^scale has `bits` integer bits
    y = x * (Fraction(2)**scale)
    n, r = divmod(y.numerator, y.denominator)
    twice = 2 * r
    if twice > y.denominator or (twice == y.denominator and n & 1): n += 1
    res = Fraction(n) / (Fraction(2)**scale)
    return -res if neg else res

def LD(x):  # round to x87 extended (64-bit significand); exponent range effectively unbounded here
    return round_to_bits(Fraction(x), 64, -16382 - 63 + 63)  # emin for normal numbers; subnormals irrelevant here

def DBL(x):  # round to IEEE double (53-bit, with subnormals); returns Python float
    x = Fraction(x)
    if x == 0: return 0.0
    r = round_to_bits(x, 53, -1022)
    try:
        return float(r)
    except OverflowError:
        return math.inf if r > 0 else -math.inf

def decimal_exp(num, dec_exp):
    """num * 10**dec_exp computed by square-and-multiply in long double."""
    num = Fraction(num)
    if dec_exp == 0 or num == 0: return num
    neg = dec_exp < 0; dec_exp = abs(dec_exp)
    res = num; expo = Fraction(10)
    while dec_exp:
        if dec_exp & 1:
            res = LD(res / expo) if neg else LD(res * expo)
        dec_exp >>= 1
        if dec_exp:
            expo = LD(expo * expo)
    return res

MANTISSA_MAX = 0x1999999999999998

def parse_float(s):
    """MicroPython's unsigned decimal float parser (digits, '.', exponent, '_')."""
    INTG, FRAC, EXP = 0, 1, 2
    st = INTG; mant = 0; exp_val = 0; exp_extra = 0; exp_neg = False
    tz_i = tz_f = 0
    def accept(m, d, where):
        nonlocal exp_extra
        if m < MANTISSA_MAX:
            if where == FRAC: exp_extra -= 1
            return 10 * m + d
        if where == INTG: exp_extra += 1
        return m
    i = 0
    while i < len(s):
        c = s[i]; i += 1
        if c.isdigit():
            d = ord(c) - 48
            if st == EXP:
                if exp_val < (2**31 - 1) // 2 // 10 - 1: exp_val = 10 * exp_val + d
            elif d == 0 or mant >= MANTISSA_MAX:
                if st == INTG: tz_i += 1
                else: tz_f += 1
            else:
                while tz_i: mant = accept(mant, 0, INTG); tz_i -= 1
                while tz_f: mant = accept(mant, 0, FRAC); tz_f -= 1
                mant = accept(mant, d, st)
        elif st == INTG and c == '.': st = FRAC
        elif st != EXP and c in 'eE':
            st = EXP
            if i < len(s) and s[i] in '+-':
                exp_neg = s[i] == '-'; i += 1
        elif c == '_': continue
        else: break
    if exp_neg: exp_val = -exp_val
    exp_val += exp_extra + tz_i
    return DBL(decimal_exp(mant, exp_val))

def _fmt(mantissa, num_digits, e, always_decimal=True):
    """Render a num_digits-digit integer mantissa with decimal exponent e in MicroPython 'g'/repr style."""
    if mantissa >= 10 ** num_digits:      # rounding overflowed into an extra digit
        mantissa //= 10; e += 1
    digits = str(mantissa).rjust(num_digits, '0')
    if 0 <= e < 16:                        # expand positive exponent
        ip = digits[:e + 1]; fp = digits[e + 1:].rstrip('0')
        if fp: return ip + '.' + fp
        return ip + '.0' if always_decimal else ip
    if -4 <= e < 0:                        # expand small negative exponent
        return '0.' + '0' * (-e - 1) + (digits.rstrip('0') or '0')
    d = digits.rstrip('0')
    m = d[0] + ('.' + d[1:] if len(d) > 1 else '')
    return m + 'e' + ('+' if e >= 0 else '-') + '%02d' % abs(e)

def repr_float(f, always_decimal=True):
    if math.isnan(f): return 'nan'
    sign = '-' if math.copysign(1.0, f) < 0 else ''
    f = abs(f)
    if math.isinf(f): return sign + 'inf'
    if f == 0: return sign + ('0.0' if always_decimal else '0')
    # decimal exponent e with 10^e <= f < 10^(e+1), found with long-double powers of ten
    bexp = (struct.unpack('<Q', struct.pack('<d', f))[0] >> 52) - 1023
    e = int(bexp * 0.3010299956639812)
    pos = not (f < 1.0)
    while (f >= DBL(decimal_exp(1, e + pos))) == pos:
        e += 1 if pos else -1
    for nd in range(16, 20):
        mf = decimal_exp(Fraction(f), nd - e - 1)
        mant = int(LD(mf + Fraction(1, 2)))          # long-double add, then truncate
        s = _fmt(mant, nd, e, always_decimal)
        if nd == 19 or parse_float(s) == f:
            return sign + s

def repr_complex_imag(im):
    """Text stored in .mpy for a complex constant whose real part is 0 (the only kind the compiler makes)."""
    return repr_float(im, always_decimal=False) + 'j'
