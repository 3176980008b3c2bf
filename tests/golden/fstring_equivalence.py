#!/usr/bin/env python3
"""--modern-syntax for .mpy v5: an f-string is compiled as the equivalent str.format call, so a program whose
"...".format(...) calls are rewritten as f-strings must compile (v5, --modern-syntax) to exactly what
MicroPython 1.13's mpy-cross produced for the original program (conformance/golden-v5/unicode/).
The rewrites are explicit (old -> new) and must all apply. Prints 'fstring-equivalence: N passed, M failed'."""
import argparse
import os
import subprocess
import sys
import tempfile

# 44_str_methods.py: each auto-numbered .format call becomes an f-string with the same arguments.
REWRITES = {
    '44_str_methods': [
        ("'[{:*^8}]'.format('mid')", "f'[{\"mid\":*^8}]'"),
        ("'[{:<8}]'.format('left')", "f'[{\"left\":<8}]'"),
        ("'[{:>8}]'.format('right')", "f'[{\"right\":>8}]'"),
        ("'[{:0>5}]'.format('42')", "f'[{\"42\":0>5}]'"),
        ("'{} {} {}'.format('a', 1, 2.5)", "f'{\"a\"} {1} {2.5}'"),
        ("'{:>6.2f}|{:<4d}|{:^5s}'.format(3.14159, 7, 'ab')", "f'{3.14159:>6.2f}|{7:<4d}|{\"ab\":^5s}'"),
        ("'{:08b}'.format(0b1011)", "f'{0b1011:08b}'"),
        ("'{:>10}'.format('%.3f' % 2.5)", "f'{\"%.3f\" % 2.5:>10}'"),
        ("'{}'.format(1e-9)", "f'{1e-9}'"),
    ],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mpyseal', required=True)
    ap.add_argument('--corpus', required=True)
    args = ap.parse_args()
    passed, failed = 0, 0
    for name, rewrites in REWRITES.items():
        source = open(os.path.join(args.corpus, 'programs', name + '.py'), encoding='utf-8').read()
        for old, new in rewrites:
            if old not in source:
                print('--- %s: rewrite source not found: %s' % (name, old))
                failed += 1
                continue
            source = source.replace(old, new)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, name + '.py')
            open(src, 'w', encoding='utf-8').write(source)
            out = os.path.join(tmp, name + '.mpy')
            # plain v5 must reject the f-strings, as 1.13 does
            plain = subprocess.run([args.mpyseal, 'compile', '--mpy-version', '5', '-s', name + '.py', '-o', out, src],
                                   capture_output=True)
            if plain.returncode == 0 or b'SyntaxError' not in plain.stderr:
                print('--- %s: v5 without --modern-syntax accepted f-strings' % name)
                failed += 1
            r = subprocess.run([args.mpyseal, 'compile', '--mpy-version', '5', '--modern-syntax', '-s', name + '.py',
                                '-o', out, src], capture_output=True)
            golden = open(os.path.join(args.corpus, 'golden-v5', 'unicode', name + '.mpy'), 'rb').read()
            if r.returncode == 0 and open(out, 'rb').read() == golden:
                passed += 1
            else:
                print('--- %s: f-string version differs from 1.13 output of the .format version (exit %d) %s'
                      % (name, r.returncode, r.stderr.decode(errors='replace')))
                failed += 1
    print('fstring-equivalence: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
