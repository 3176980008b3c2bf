#!/usr/bin/env python3
"""Emits MicroPython 1.13 float test vectors computed with the specification's reference emulation
(mpfloat113_reference.py = ../shared/reference/mpy-v5.md Appendix B5).

Output, one vector per line (fields separated by one space; texts never contain spaces):
    P <literal text> <16 hex digits: bits of the parsed double>
    R <16 hex digits: bits of a double> <'f' constant text>
    J <16 hex digits: bits of a double> <'c' constant text of that imaginary part, e.g. 3j>
    G <golden .mpy path relative to golden-v5/> <literal as written in the program> <constant text>
      <that text parsed and printed again>
The G lines come from the float and imaginary literals of the conformance programs (with --programs):
each occurrence of a literal in NAME.py must give one constant `66|63 <len> <text>` in the golden
golden-v5/{unicode,no-unicode}/NAME.mpy (1.13 neither folds float expressions nor de-duplicates
constants, §1.5, §5.3.3). Programs 1.13 rejects have no .mpy and are skipped.
The selection is deterministic (fixed seed), so a failure reproduces.
"""
import argparse
import glob
import io
import math
import os
import random
import struct
import sys
import tokenize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mpfloat113_reference as ref  # noqa: E402


def bits(f):
    return struct.unpack('<Q', struct.pack('<d', f))[0]


def from_bits(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


def parse(text):
    return ref.parse_decimal(text)[0]


def repr_values(rng, count):
    values = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 0.1, 0.5, 2.5, 3.0, 1e22, 1e23, 1e16, 1e15,
              9999999999999998.0, 1e-4, 1e-5, 123456789.0, 603652.733992967, 5e-324, 1e-323,
              2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, 1 / 3, 2 / 3, math.pi,
              math.e, 1e300, 1e-300, 4.35, 0.3, 0.30000000000000004, 1.1, 100.0, 1e100, 1e-100,
              0.999999999995, 0.99999999999499, 0.9999999999950001, 9.999999999999999, 99999.99999999999,
              0.00009999999999999999, 1000000000000000.375, 1000000000000000.25, 123456789.123456789]
    # The spec's examples (§0 pitfall 21, §5.9 table) as the 1.13 parser reads them.
    for t in ['1.7976931348623157e308', '9007199254740992.0', '1000000000000000.3', '0.30000000000000004',
              '5e-324', '123456789.123456789', '1e16', '1e-5', '1e22']:
        values.append(parse(t))
    # Powers of ten and their neighbours: the scaling steps, the fixed/exponent switch points, the carry.
    for k in range(-323, 309):
        p = float('1e%d' % k)
        values += [p, math.nextafter(p, math.inf), math.nextafter(p, -math.inf)]
    # Around 2^53 (where digits past the 16th show up) and other powers of two.
    for k in range(-40, 41):
        values.append(2.0 ** 53 + 2 * k if abs(k) > 20 else 2.0 ** 53 + k)
    for k in range(-1074, 1024, 7):
        values.append(2.0 ** k)
    # Subnormals and the smallest normals.
    for i in range(1, 40):
        values.append(from_bits(i))
    values += [from_bits(rng.randrange(1, 1 << 52)) for _ in range(150)]
    values += [from_bits((1 << 52) + rng.randrange(0, 1 << 52)) for _ in range(50)]
    # Large exponents.
    values += [from_bits((rng.randrange(0x7c0, 0x7ff) << 52) | rng.getrandbits(52)) for _ in range(150)]
    # Uniformly random bit patterns over the whole finite range (both signs).
    target = len(values) + (count - len(values)) // 2
    while len(values) < target:
        b = rng.getrandbits(64)
        if (b >> 52) & 0x7ff != 0x7ff:
            values.append(from_bits(b))
    # "Human" values: short decimals and random doubles of ordinary magnitude.
    while len(values) < count:
        kind = rng.randrange(3)
        if kind == 0:
            v = float('%d.%d' % (rng.randrange(0, 10 ** rng.randrange(1, 9)), rng.randrange(0, 10 ** rng.randrange(1, 8))))
        elif kind == 1:
            v = rng.uniform(-1e6, 1e6)
        else:
            v = float('%de%d' % (rng.randrange(1, 10 ** rng.randrange(1, 18)), rng.randrange(-40, 40)))
        values.append(v)
    return values


def parse_texts(rng, count):
    texts = ['0', '0.0', '00000.000', '.5', '5.', '1e', '1e+', '1e-', '1.5e-3', '1_000.5', '1__0', '1.5x', '2.5.3',
             '1e5e6', '0e10', '0e400', '0.1', '1e-300', '1e300', '1e308', '1e309', '1.7976931348623157e308',
             '1.7976931348623159e308', '9007199254740992.0', '9007199254740993', '1000000000000000.3',
             '0.30000000000000004', '123456789.123456789', '123456789012345678901234567890.0', '1e-323', '5e-324',
             '2.4703282292062327e-324', '1e-400', '1e5000', '1e-5000', '1e20000', '1e-20000', '1e99999999999',
             '1e-99999999999', '0e99999999999', '0.000000000000000000000000000001234', '18446744073709551616',
             '1' + '0' * 400, '0.' + '0' * 400 + '1', '1' * 60, '1' * 250 + '.5', '9' * 30 + 'e-30',
             '1.' + '0' * 30 + '1', '12345678901234567890123e-330', '2.2250738585072011e-308', '1E5', '1e+05',
             '1e-05', '1e22', '1e23', '1e210', '3j', '1.5J', '1e+100j', '0j', '2.5e-3j', '3.14159_26535', '1_e5']
    for k in range(-330, 320):
        texts.append('1e%d' % k)
    while len(texts) < count:
        n = rng.randrange(1, 30)
        digits = ''.join(rng.choice('0123456789') for _ in range(n))
        point = rng.randrange(0, n + 1)
        t = digits[:point] + '.' + digits[point:] if rng.random() < 0.8 else digits
        if rng.random() < 0.5:
            t += rng.choice('eE') + rng.choice(['', '+', '-']) + str(rng.randrange(0, 350))
        if rng.random() < 0.05:
            i = rng.randrange(1, len(t) + 1)
            t = t[:i] + '_' + t[i:]
        if rng.random() < 0.05:
            t += 'j'
        texts.append(t)
    return texts


def float_literals(path):
    """Float and imaginary number tokens of a program, in source order."""
    with open(path, 'rb') as f:
        tokens = list(tokenize.tokenize(f.readline))
    out = []
    for tok in tokens:
        if tok.type != tokenize.NUMBER or tok.string[:2].lower() in ('0x', '0o', '0b'):
            continue
        if any(c in tok.string for c in '.eEjJ'):
            out.append(tok.string)
    return out


def reread(text):
    """repr(parse(text)) of a constant text. 1.13's repr does not always read back to itself (e.g.
    '89.95000000000001' -> '89.95000000000003', '1.797693134862316e+308' -> 'inf'), so the C++ test
    compares this with the emulation instead of expecting the text itself."""
    imag = text.endswith('j')
    body = text[:-1] if imag else text
    neg = body.startswith('-')
    body = body[1:] if neg else body
    value = math.inf if body == 'inf' else math.nan if body == 'nan' else parse(body)
    value = -value if neg else value
    return ref.repr_imag(value) if imag else ref.repr_float(value)


def golden_lines(programs, golden):
    lines = []
    for path in sorted(glob.glob(os.path.join(programs, '*.py'))):
        name = os.path.splitext(os.path.basename(path))[0]
        literals = None
        for variant in ('unicode', 'no-unicode'):
            if not os.path.exists(os.path.join(golden, variant, name + '.mpy')):
                continue
            if literals is None:
                literals = float_literals(path)
            for lit in literals:
                value, imag = ref.parse_decimal(lit)
                text = ref.repr_imag(value) if imag else ref.repr_float(value)
                lines.append('G %s/%s.mpy %s %s %s\n' % (variant, name, lit, text, reread(text)))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--repr-count', type=int, default=6000)
    parser.add_argument('--parse-count', type=int, default=3000)
    parser.add_argument('--seed', type=int, default=20240601)
    parser.add_argument('--programs', help='conformance/programs directory')
    parser.add_argument('--golden', help='conformance/golden-v5 directory')
    args = parser.parse_args()
    rng = random.Random(args.seed)

    out = sys.stdout
    values = repr_values(rng, args.repr_count)
    for v in values:
        text = ref.repr_float(v)
        out.write('R %016x %s\n' % (bits(v), text))
        if not math.isnan(v) and not math.isinf(v) and not text.startswith('-'):
            out.write('P %s %016x\n' % (text, bits(parse(text))))  # our own text read back
    for v in values[:80] + values[::25]:
        out.write('J %016x %s\n' % (bits(v), ref.repr_imag(v)))
    for t in parse_texts(rng, args.parse_count):
        out.write('P %s %016x\n' % (t, bits(parse(t))))
    if args.programs and args.golden and os.path.isdir(args.programs) and os.path.isdir(args.golden):
        out.writelines(golden_lines(args.programs, args.golden))


if __name__ == '__main__':
    main()
