#!/usr/bin/env python3
"""Golden test for .mpy v5: every corpus program compiled with --mpy-version 5 (and -mno-unicode for the
no-unicode variant) must equal MicroPython 1.13's mpy-cross output in conformance/golden-v5/<variant>/ byte
for byte; where the golden is NAME.err, our stderr and exit status must equal it. On a mismatch the two
disassemblies are diffed. Prints 'golden-v5: N passed, M failed'; exit 1 on any failure."""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile


def dis(mpyseal, path):
    r = subprocess.run([mpyseal, 'dis', path], capture_output=True, text=True, errors='replace')
    return (r.stdout or r.stderr).splitlines(keepends=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mpyseal', required=True)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--variant', choices=['unicode', 'no-unicode'], required=True)
    args = ap.parse_args()
    args.mpyseal = os.path.abspath(args.mpyseal)
    programs = os.path.join(args.corpus, 'programs')
    golden = os.path.join(args.corpus, 'golden-v5', args.variant)
    if not os.path.isdir(golden):
        print('SKIPPED: no %s' % golden)
        return 77
    flags = ['--mpy-version', '5'] + (['-mno-unicode'] if args.variant == 'no-unicode' else [])
    passed, failed = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(f[:-3] for f in os.listdir(programs) if f.endswith('.py')):
            out = os.path.join(tmp, name + '.mpy')
            r = subprocess.run([args.mpyseal, 'compile'] + flags + ['-o', out, name + '.py'], cwd=programs,
                               capture_output=True)
            err_file = os.path.join(golden, name + '.err')
            if os.path.exists(err_file):
                want = open(err_file, 'rb').read()
                got = r.stderr + b'exit: %d' % r.returncode
                ok = got == want and not os.path.exists(out)
                if not ok:
                    failed.append(name)
                    print('--- %s: expected error output differs\n%r\n%r' % (name, want, got))
            else:
                want_path = os.path.join(golden, name + '.mpy')
                ok = r.returncode == 0 and open(out, 'rb').read() == open(want_path, 'rb').read()
                if not ok:
                    failed.append(name)
                    print('--- %s: not byte-identical (exit %d) %s' % (name, r.returncode, r.stderr.decode(errors='replace')))
                    if r.returncode == 0:
                        sys.stdout.writelines(difflib.unified_diff(dis(args.mpyseal, want_path), dis(args.mpyseal, out),
                                                                   'golden', 'mpyseal', n=2))
            passed += ok
    print('golden-v5 %s: %d passed, %d failed' % (args.variant, passed, len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
