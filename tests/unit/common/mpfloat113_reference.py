"""MicroPython 1.13 float parse and 16-digit repr: the reference emulation published in
../shared/reference/mpy-v5.md, Appendix B5 (see §5.9), copied unchanged below this docstring.

Used by gen_float113_vectors.py to produce the test vectors of the C++ port in FloatText.cpp
(parseMicroPython113Float, reprMicroPython113Float, reprMicroPython113Imaginary).
"""
import math, ctypes

try:
    _libm = ctypes.CDLL('libm.so.6')
    _libm.pow.restype = ctypes.c_double
    _libm.pow.argtypes = [ctypes.c_double, ctypes.c_double]
    def c_pow(x, y): return _libm.pow(x, y)
except OSError:
    def c_pow(x, y): return math.pow(x, y)

def parse_decimal(tok):
    """Value of a float/imaginary literal token ('_' removed). Returns (value, is_imag)."""
    dec_val = 0.0; exp_val = 0; exp_extra = 0; exp_neg = False; imag = False
    INTG, FRAC, EXP = 0, 1, 2
    st = INTG; i = 0; n = len(tok)
    while i < n:
        c = tok[i]; i += 1
        if '0' <= c <= '9':
            d = ord(c) - 48
            if st == EXP:
                if exp_val < ((2**31 - 1) // 2 - 9) // 10:
                    exp_val = 10 * exp_val + d
            elif dec_val < 1e200:
                dec_val = 10.0 * dec_val + d          # two roundings, as in C
                if st == FRAC:
                    exp_extra -= 1
            elif st == INTG:
                exp_extra += 1
        elif st == INTG and c == '.':
            st = FRAC
        elif st != EXP and c in 'eE':
            st = EXP
            if i < n and tok[i] in '+-':
                exp_neg = tok[i] == '-'; i += 1
        elif c in 'jJ':
            imag = True; break
        elif c == '_':
            continue
        else:
            break
    if exp_neg:
        exp_val = -exp_val
    exp_val += exp_extra
    if exp_val < -307:
        exp_val += 307
        dec_val *= 1e-307
    if -22 <= exp_val < 0:
        dec_val /= c_pow(10.0, float(-exp_val))
    else:
        p = c_pow(10.0, float(exp_val))
        dec_val = dec_val * p if not (dec_val == 0.0 and math.isinf(p)) else math.nan
    return dec_val, imag

_POS = [1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1]
_NEG = [1e-256, 1e-128, 1e-64, 1e-32, 1e-16, 1e-8, 1e-4, 1e-2, 1e-1]

def format_g16(f):
    """v1.13 float formatting, format 'g', 16 significant digits, 32-byte buffer."""
    buf = []
    if math.copysign(1.0, f) < 0 and not math.isnan(f):
        buf.append('-'); f = -f
    buf_remaining = 32 - 1 - len(buf)
    if math.isinf(f): return ''.join(buf) + 'inf'
    if math.isnan(f): return ''.join(buf) + 'nan'
    prec = 16; fmt = 'g'
    dec = 0; e_sign = ''; num_digits = 0; e = 0
    if f == 0.0:
        e = 0
    elif f < 1.0:
        first_dig = '1' if f >= 0.999999999995 else '0'
        e1 = 256
        for k in range(9):                     # scale up into [1, 10)
            if _NEG[k] > f:
                e += e1; f *= _POS[k]
            e1 >>= 1
        e_sign_char = '-'
        if 0.999999999995 <= f < 1.0:
            f = 1.0
            if e == 0: e_sign_char = '+'
        elif f < 1.0:
            e += 1; f *= 10.0
        if e <= 4:                             # fixed notation for small numbers
            fmt = 'f'; dec = -1; buf.append(first_dig)
            prec += e - 1
            if prec + 2 > buf_remaining: prec = buf_remaining - 2
            num_digits = prec
            if num_digits:
                buf.append('.')
                e -= 1
                while e and num_digits:
                    buf.append('0'); num_digits -= 1; e -= 1
        else:
            e_sign = e_sign_char; dec = 0
    else:
        e1 = 256
        for k in range(9):                     # scale down into [1, 10)
            if _POS[k] <= f:
                e += e1; f *= _NEG[k]
            e1 >>= 1
        if int(f) >= 10:
            e += 1; f *= 0.1
        if e < prec:                           # fixed notation below 1e16
            fmt = 'f'; prec -= e + 1
            dec = e; num_digits = prec + e + 1
        else:
            e_sign = '+'
    if prec < 0: prec = 0
    if fmt == 'g':
        if prec == 0: prec = 1
        num_digits = prec
    for _ in range(num_digits):                # digit generation by truncation
        d = int(f)
        buf.append('0' if d < 0 else chr(48 + d))
        if dec == 0 and prec > 0: buf.append('.')
        f -= d; f *= 10.0
        dec -= 1
    if f >= 5.0:                               # round the last digit up
        r = len(buf) - 1
        while True:
            ch = buf[r]
            if ch == '.':
                r -= 1; continue
            if ch < '0' or ch > '9':
                r += 1; break
            if ch < '9':
                buf[r] = chr(ord(ch) + 1); break
            buf[r] = '0'
            if r == 0: break
            r -= 1
        if buf[r] == '0':                      # carry out of the first digit
            if r + 1 < len(buf) and buf[r + 1] == '.' and fmt != 'f':
                buf[r] = '.'; buf[r + 1] = '0'
                if e_sign == '-':
                    e -= 1
                    if e == 0: e_sign = '+'
                else:
                    e += 1
                buf.insert(r, '1'); buf.pop()
            else:
                buf.insert(r, '1')
    if prec > 0:                               # strip trailing zeros and point
        while buf[-1] == '0': buf.pop()
        if buf[-1] == '.': buf.pop()
    s = ''.join(buf)
    if e_sign:
        s += 'e' + e_sign
        if e >= 100: s += chr(48 + e // 100)
        s += chr(48 + (e // 10) % 10) + chr(48 + e % 10)
    return s

def repr_float(f):
    """Text of a v5 'f' constant."""
    s = format_g16(f)
    if '.' not in s and 'e' not in s and 'n' not in s:
        s += '.0'
    return s

def repr_imag(im):
    """Text of a v5 'c' constant from an imaginary literal."""
    return format_g16(im) + 'j'

# Usage: v, is_imag = parse_decimal(token_text)
#        text = repr_imag(v) if is_imag else repr_float(v)
