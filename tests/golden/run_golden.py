#!/usr/bin/env python3
"""Golden tests: mpyseal against the real mpy-cross 1.29, byte for byte.

programs suite: every conformance/programs/NAME.py is compiled exactly as its golden was produced
(cwd = programs/, bare file name, `-o` into a temporary directory) and the output must equal
golden/NAME.mpy byte for byte. On a mismatch a unified diff of `mpyseal dis` (ours vs golden) is
printed, or a hex diff when `dis` fails.

errors suite: every conformance/errors/NAME.py is compiled the same way (cwd = errors/); stderr must
equal errors/expected/NAME.err byte for byte (the file ends with a line `exit: N`: the exit status),
stdout must be empty and no output file may be written.

Gating: a suite fails only when a program listed in its expected-pass file (one name per line, `#`
comments, `*` for all) does not pass, so the corpus can be turned on program by program while the
compiler is written. --strict requires every program to pass. The summary always covers them all:
    golden: 45/70 byte-identical
    errors: 10/16 identical

Examples:
    run_golden.py --mpyseal build/src/cli/mpyseal --corpus ../shared/conformance
    run_golden.py --mpyseal build/src/cli/mpyseal --corpus ../shared/conformance --only 07_fstrings
    run_golden.py ... --suite errors --only e01_bad_indent --keep /tmp/ours
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

SKIP = 77  # CTest SKIP_RETURN_CODE
COMPILE_TIMEOUT = 60
DIS_TIMEOUT = 60


def read_names(path):
    """Names from an expected-pass file; '*' means every program."""
    if path is None or not os.path.exists(path):
        return set()
    names = set()
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.add(line[:-3] if line.endswith('.py') else line)
    return names


def corpus_names(directory):
    return sorted(f[:-3] for f in os.listdir(directory) if f.endswith('.py'))


def run(cmd, cwd, timeout):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b'', (e.stderr or b'') + b'\n[timeout after %d s]\n' % timeout
    except OSError as e:
        return None, b'', ('[cannot run %s: %s]\n' % (cmd[0], e)).encode()


def compile_cmd(args, out_path, file_name):
    if args.personality == 'mpy-cross':
        return [args.mpy_cross, '-o', out_path, file_name]
    return [args.mpyseal, 'compile', '-o', out_path, file_name]


def text(b, limit=4000):
    s = b.decode('utf-8', 'replace')
    return s if len(s) <= limit else s[:limit] + '\n[... %d more characters]' % (len(s) - limit)


def indent(s, prefix='    '):
    return ''.join(prefix + line + '\n' for line in s.rstrip('\n').split('\n'))


# ---------------------------------------------------------------------------------------------------------
# Diffs

def hex_rows(data, start, end):
    rows = []
    for off in range(start - start % 16, min(end, len(data)), 16):
        chunk = data[off:off + 16]
        rows.append('%06x  %-47s  %s' % (off, ' '.join('%02x' % b for b in chunk),
                                         ''.join(chr(b) if 32 <= b < 127 else '.' for b in chunk)))
    return rows


def hex_diff(ours, golden, max_lines):
    """Row-wise diff of 16-byte hex rows (with offsets), in unified-diff form."""
    a = hex_rows(ours, 0, len(ours))
    b = hex_rows(golden, 0, len(golden))
    lines = list(difflib.unified_diff(b, a, 'golden (hex)', 'ours (hex)', n=2, lineterm=''))
    if len(lines) > max_lines:
        lines = lines[:max_lines] + ['[... %d more diff lines]' % (len(lines) - max_lines)]
    return '\n'.join(lines)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def dis_diff(args, ours_path, golden_path, ours, golden):
    """Unified diff of `mpyseal dis` listings, or a hex diff when dis fails."""
    rc1, out1, err1 = run([args.mpyseal, 'dis', ours_path], None, DIS_TIMEOUT)
    rc2, out2, err2 = run([args.mpyseal, 'dis', golden_path], None, DIS_TIMEOUT)
    if rc1 == 0 and rc2 == 0 and out2.strip():
        a = out1.decode('utf-8', 'replace').splitlines()
        b = out2.decode('utf-8', 'replace').splitlines()
        lines = list(difflib.unified_diff(b, a, 'golden (mpyseal dis)', 'ours (mpyseal dis)', n=3, lineterm=''))
        if lines:
            if len(lines) > args.diff_lines:
                lines = lines[:args.diff_lines] + ['[... %d more diff lines]' % (len(lines) - args.diff_lines)]
            return '\n'.join(lines)
        note = '(the dis listings are identical; the bytes differ)\n'
    else:
        why = text(err1 if rc1 != 0 else err2, 300).strip() or 'exit %s' % (rc1 if rc1 != 0 else rc2)
        note = '(mpyseal dis unavailable: %s; hex diff)\n' % why.splitlines()[0] if why else ''
    return note + hex_diff(ours, golden, args.diff_lines)


# ---------------------------------------------------------------------------------------------------------
# Suites

def check_program(args, name, tmp):
    programs = os.path.join(args.corpus, 'programs')
    golden_path = os.path.join(args.corpus, 'golden', name + '.mpy')
    out_path = os.path.join(tmp, name + '.mpy')
    rc, out, err = run(compile_cmd(args, out_path, name + '.py'), programs, COMPILE_TIMEOUT)
    with open(golden_path, 'rb') as f:
        golden = f.read()
    if rc != 0:
        return False, 'compile failed (exit %s):\n%s' % (rc, indent(text(err) or '(no stderr)'))
    if not os.path.exists(out_path):
        return False, 'exit 0 but no output file %s' % out_path
    with open(out_path, 'rb') as f:
        ours = f.read()
    if ours == golden:
        return True, ''
    off = first_difference(ours, golden)
    report = 'differs: ours %d bytes, golden %d bytes, first difference at offset 0x%x\n' % (
        len(ours), len(golden), off)
    if not args.no_diff:
        report += dis_diff(args, out_path, golden_path, ours, golden)
    return False, report


def parse_err_file(path):
    with open(path, 'rb') as f:
        data = f.read()
    cut = data.rfind(b'exit: ')
    if cut < 0 or (cut > 0 and data[cut - 1:cut] != b'\n'):
        raise ValueError('%s: no final "exit: N" line' % path)
    return data[:cut], int(data[cut + 6:].strip())


def check_error(args, name, tmp):
    errors = os.path.join(args.corpus, 'errors')
    want_err, want_rc = parse_err_file(os.path.join(errors, 'expected', name + '.err'))
    outdir = os.path.join(tmp, name)
    os.makedirs(outdir)
    out_path = os.path.join(outdir, name + '.mpy')
    rc, out, err = run(compile_cmd(args, out_path, name + '.py'), errors, COMPILE_TIMEOUT)
    problems = []
    if rc != want_rc:
        problems.append('exit status %s, expected %d' % (rc, want_rc))
    if err != want_err:
        diff = difflib.unified_diff(want_err.decode('utf-8', 'replace').splitlines(True),
                                    err.decode('utf-8', 'replace').splitlines(True),
                                    'expected stderr', 'our stderr')
        d = ''.join(line if line.endswith('\n') else line + '\n\\ No newline at end of file\n' for line in diff)
        wl, gl = want_err.splitlines(), err.splitlines()
        i = next((k for k in range(max(len(wl), len(gl)))
                  if (wl[k] if k < len(wl) else None) != (gl[k] if k < len(gl) else None)), 0)
        first = 'line %d: expected %r, got %r' % (i + 1, (wl[i] if i < len(wl) else b'').decode('utf-8', 'replace'),
                                                 (gl[i] if i < len(gl) else b'').decode('utf-8', 'replace'))
        problems.append('stderr differs (%s):\n' % first + indent(d or '(only in bytes that do not decode)'))
    if out:
        problems.append('stdout should be empty, got:\n' + indent(text(out, 1000)))
    left = sorted(os.listdir(outdir))
    if left:
        problems.append('files were written: %s' % ', '.join(left))
    return not problems, '\n'.join(problems)


SUITES = {
    'programs': dict(dir='programs', check=check_program, label='golden', what='byte-identical'),
    'errors': dict(dir='errors', check=check_error, label='errors', what='identical'),
}


def run_suite(args, suite, expected_file):
    conf = SUITES[suite]
    names = corpus_names(os.path.join(args.corpus, conf['dir']))
    expected = read_names(expected_file)
    if '*' in expected:
        expected = set(names)
    unknown = sorted(expected - set(names))
    selected = names
    if args.only:
        wanted = set(n[:-3] if n.endswith('.py') else n for item in args.only for n in item.split(','))
        selected = [n for n in names if n in wanted]
        if not selected:
            return None
    tmp = args.keep or tempfile.mkdtemp(prefix='mpyseal-golden-')
    os.makedirs(tmp, exist_ok=True)
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda n: (n,) + conf['check'](args, n, tmp), selected))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    passed = [n for n, ok, _ in results if ok]
    failed = [(n, report) for n, ok, report in results if not ok]
    must = set(names) if args.strict else expected
    regressions = [n for n, _ in failed if n in must]
    newly = [n for n in passed if n not in must]

    for n, report in failed:
        tag = 'FAIL' if n in must else 'fail (not yet expected to pass)'
        if args.verbose or n in must or len(selected) <= args.detail_below:
            print('--- %s: %s' % (n, tag))
            print(report.rstrip('\n'))
        else:
            first = report.split('\n', 1)[0]
            print('--- %s: %s: %s' % (n, tag, first))
    if newly and not args.only:
        print('passing but not listed in %s (add them to keep them passing): %s'
              % (os.path.basename(expected_file or '-'), ' '.join(newly)))
    if unknown:
        print('ERROR: %s lists names that are not in the corpus: %s' % (expected_file, ' '.join(unknown)))
    print('%s: %d/%d %s' % (conf['label'], len(passed), len(selected), conf['what']))
    if regressions:
        print('%s: %d expected to pass but failed: %s' % (conf['label'], len(regressions), ' '.join(regressions)))
    return not regressions and not unknown


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--mpyseal', required=True, help='the mpyseal binary')
    ap.add_argument('--corpus', required=True, help='the conformance directory (shared/conformance)')
    ap.add_argument('--suite', choices=['programs', 'errors', 'all'], default='all')
    ap.add_argument('--only', action='append', help='only these programs (NAME or NAME.py; repeat or comma-separate)')
    ap.add_argument('--expected-pass', help='programs suite gating list (default: beside this script)')
    ap.add_argument('--expected-errors-pass', help='errors suite gating list (default: beside this script)')
    ap.add_argument('--strict', action='store_true', help='every program must pass (ignore the gating lists)')
    ap.add_argument('--personality', choices=['compile', 'mpy-cross'], default='compile',
                    help="run 'mpyseal compile' (default) or the mpy-cross symlink beside the binary")
    ap.add_argument('--keep', help='write our outputs into this directory and keep them')
    ap.add_argument('--jobs', '-j', type=int, default=1)
    ap.add_argument('--no-diff', action='store_true', help='do not print dis/hex diffs')
    ap.add_argument('--diff-lines', type=int, default=150, help='cap on the lines of each diff')
    ap.add_argument('--detail-below', type=int, default=4,
                    help='print full reports for non-gated failures when at most this many programs are run')
    ap.add_argument('--verbose', '-v', action='store_true', help='full report for every failure')
    args = ap.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    args.mpyseal = os.path.abspath(args.mpyseal)
    args.mpy_cross = os.path.join(os.path.dirname(args.mpyseal), 'mpy-cross')
    args.corpus = os.path.abspath(args.corpus)
    if args.keep:
        args.keep = os.path.abspath(args.keep)
    expected = {
        'programs': args.expected_pass or os.path.join(here, 'expected_pass.txt'),
        'errors': args.expected_errors_pass or os.path.join(here, 'expected_errors_pass.txt'),
    }
    if not os.path.isdir(os.path.join(args.corpus, 'programs')):
        print('SKIPPED: no conformance corpus at %s' % args.corpus)
        return SKIP
    if not os.access(args.mpyseal, os.X_OK):
        print('ERROR: %s is not an executable' % args.mpyseal)
        return 1

    ok = True
    ran = False
    for suite in (['programs', 'errors'] if args.suite == 'all' else [args.suite]):
        r = run_suite(args, suite, expected[suite])
        if r is None:
            continue
        ran = True
        ok = ok and r
    if not ran:
        print('ERROR: --only matched no program')
        return 1
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
