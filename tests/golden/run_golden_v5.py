#!/usr/bin/env python3
"""Golden test for .mpy v5: every corpus program compiled with --mpy-version 5 (and -mno-unicode for the
no-unicode variant) must equal MicroPython 1.13's mpy-cross output in conformance/golden-v5/<variant>/ byte
for byte; where the golden is NAME.err, our stderr and exit status must equal it. On a mismatch the two
disassemblies are diffed. Prints 'golden-v5: N passed, M failed'; exit 1 on any failure."""
import argparse
import os
import sys
import tempfile

import run_golden as rg  # beside this script: the same run/diff helpers as the v6 golden test


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mpyseal', required=True)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--variant', choices=['unicode', 'no-unicode'], required=True)
    ap.add_argument('--diff-lines', type=int, default=150, help='cap on the lines of each diff')
    args = ap.parse_args()
    args.mpyseal = os.path.abspath(args.mpyseal)
    programs = os.path.join(args.corpus, 'programs')
    golden = os.path.join(args.corpus, 'golden-v5', args.variant)
    if not os.path.isdir(golden):
        print('SKIPPED: no %s' % golden)
        return rg.SKIP
    flags = ['--mpy-version', '5'] + (['-mno-unicode'] if args.variant == 'no-unicode' else [])
    passed, failed = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in rg.corpus_names(programs):
            out = os.path.join(tmp, name + '.mpy')
            rc, _, err = rg.run([args.mpyseal, 'compile'] + flags + ['-o', out, name + '.py'], programs,
                                rg.COMPILE_TIMEOUT)
            err_file = os.path.join(golden, name + '.err')
            if os.path.exists(err_file):
                with open(err_file, 'rb') as f:
                    want = f.read()
                got = err + b'exit: %d' % rc if rc is not None else err
                ok = got == want and not os.path.exists(out)
                if not ok:
                    failed.append(name)
                    print('--- %s: expected error output differs\n%r\n%r' % (name, want, got))
            else:
                want_path = os.path.join(golden, name + '.mpy')
                with open(want_path, 'rb') as f:
                    want = f.read()
                ours = None
                if rc == 0 and os.path.exists(out):
                    with open(out, 'rb') as f:
                        ours = f.read()
                ok = ours == want
                if not ok:
                    failed.append(name)
                    print('--- %s: not byte-identical (exit %s) %s' % (name, rc, rg.text(err)))
                    if ours is not None:
                        print(rg.dis_diff(args, out, want_path, ours, want))
            passed += ok
    print('golden-v5 %s: %d passed, %d failed' % (args.variant, passed, len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
