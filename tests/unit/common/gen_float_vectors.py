#!/usr/bin/env python3
"""Emits float test vectors computed with the specification's reference emulation (mpfloat_reference.py).

Output, one vector per line (fields separated by one space; texts never contain spaces):
    P <literal text> <16 hex digits: bits of the parsed double>
    R <16 hex digits: bits of a double> <repr text (always_decimal=True)>
    J <16 hex digits: bits of a double> <imaginary constant text, e.g. 2j>
The selection is deterministic (fixed seed), so a failure reproduces. Exponents far beyond the double
range (|e| > 20000) are left to the C++ test: the exact-rational emulation needs minutes for them.
"""
import argparse
import math
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mpfloat_reference as ref  # noqa: E402


def bits(f):
    return struct.unpack('<Q', struct.pack('<d', f))[0]


def from_bits(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


def next_up(f):
    return math.nextafter(f, math.inf)


def next_down(f):
    return math.nextafter(f, -math.inf)


def repr_values(rng, count):
    values = [0.0, -0.0, math.inf, -math.inf, 1.0, -1.0, 0.1, 0.5, 2.5, 1e22, 1e23, 1e16, 1e15, 9999999999999998.0,
              1e-4, 1e-5, 0.0001, 0.00001, 123456789.0, 603652.733992967, 5e-324, 1e-323, 2.2250738585072014e-308,
              2.225073858507201e-308, 1.7976931348623157e308, 2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 63, 2.0 ** 64,
              1 / 3, 2 / 3, math.pi, math.e, 1e300, 1e-300, 4.35, 0.3, 1.1, 100.0, 1e100, 1e-100]
    # Powers of ten and their neighbours: the decimal-exponent search and the digit-count overflow.
    for k in range(-323, 309):
        p = float('1e%d' % k)
        values += [p, next_up(p), next_down(p)]
    # Subnormals, smallest normals.
    for i in range(1, 40):
        values.append(from_bits(i))
    values += [from_bits(rng.randrange(1, 1 << 52)) for _ in range(150)]
    values += [from_bits((1 << 52) + rng.randrange(0, 1 << 52)) for _ in range(50)]
    # Uniformly random bit patterns over the whole finite range.
    while len(values) < count // 2:
        b = rng.getrandbits(64)
        if (b >> 52) & 0x7ff != 0x7ff:
            values.append(from_bits(b))
    # "Human" values: short decimals and their neighbours, and random doubles of ordinary magnitude.
    while len(values) < count:
        kind = rng.randrange(4)
        if kind == 0:
            v = float('%d.%d' % (rng.randrange(0, 10 ** rng.randrange(1, 9)), rng.randrange(0, 10 ** rng.randrange(1, 8))))
        elif kind == 1:
            v = rng.uniform(-1e6, 1e6)
        elif kind == 2:
            v = float('%de%d' % (rng.randrange(1, 10 ** rng.randrange(1, 18)), rng.randrange(-40, 40)))
        else:
            v = next_up(float('%d.%d' % (rng.randrange(1000), rng.randrange(1000))))
        values.append(v)
    return values


def parse_texts(rng, count):
    texts = ['0', '0.0', '00000.000', '.5', '5.', '1e', '1e+', '1e-', '1.5e-3', '1_000.5', '1__0', '1.5x', '2.5.3',
             '1e5e6', '0e10', '0.1', '1e-300', '1e300', '1e308', '1.7976931348623157e308', '1.7976931348623159e308',
             '1e309', '1e-323', '5e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '1e-400',
             '1e5000', '1e-5000', '1e20000', '1e-20000', '0e99999999999', '123456789012345678901234567890.0',
             '0.000000000000000000000000000001234', '1844674407370955161', '18446744073709551615',
             '18446744073709551616', '1844674407370955161.6', '9007199254740993', '9007199254740992.5',
             '1' + '0' * 400, '0.' + '0' * 400 + '1', '1' * 60, '9' * 30 + 'e-30', '1.' + '0' * 30 + '1',
             '12345678901234567890123e-330', '2.2250738585072011e-308', '2.2250738585072012e-308', '1E5',
             '1e+05', '1e-05', '100000000000000000000000000000000000000000e-40', '4.940656458412465e-324',
             '1' + '0' * 30 + '.' + '0' * 30, '00000000000000000000000000000000001.5', '3.14159_26535', '1_e5']
    for k in range(-330, 320):
        texts.append('1e%d' % k)
    while len(texts) < count:
        n = rng.randrange(1, 30)
        digits = ''.join(rng.choice('0123456789') for _ in range(n))
        point = rng.randrange(0, n + 1)
        t = digits[:point] + '.' + digits[point:] if rng.random() < 0.8 else digits
        r = rng.random()
        if r < 0.5:
            t += rng.choice('eE') + rng.choice(['', '+', '-']) + str(rng.randrange(0, 350))
        if rng.random() < 0.05:
            i = rng.randrange(1, len(t) + 1)
            t = t[:i] + '_' + t[i:]
        texts.append(t)
    return texts


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--repr-count', type=int, default=5000)
    parser.add_argument('--parse-count', type=int, default=2000)
    parser.add_argument('--seed', type=int, default=20240529)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    out = sys.stdout
    for v in repr_values(rng, args.repr_count):
        text = ref.repr_float(v)
        out.write('R %016x %s\n' % (bits(v), text))
        out.write('P %s %016x\n' % (text, bits(ref.parse_float(text))))  # round trip of our own text
    for v in [0.0, 1.0, 2.0, 1.5, 1e100, 1e16, 1e15, 0.1, 1e-5, 123.0, 5e-324, -0.0, math.inf]:
        out.write('J %016x %s\n' % (bits(v), ref.repr_complex_imag(v)))
    for t in parse_texts(rng, args.parse_count):
        out.write('P %s %016x\n' % (t, bits(ref.parse_float(t))))


if __name__ == '__main__':
    main()
