#!/usr/bin/env python3
"""Compile throughput of mpyseal against the reference mpy-cross (not run in CI; see bench/README.md).

(a) One file at a time, over every conformance program, REPEAT times each:
    - mpyseal:          one `mpyseal compile -o OUT NAME.py` process per file (what a build tool calling
                        mpy-cross does); wall-clock time of the process.
    - reference, process:    one `node tests/oracle/ref_mpy_cross.mjs -o OUT NAME.py` process per file (node
                        start-up + wasm compile + mpy-cross): the per-process cost of the npm mpy-cross.
    - reference, in-process: the npm mpy-cross (MicroPython 1.19's mpy-cross in WebAssembly) called in one
                        node process; per call: a fresh wasm instance (the module is compiled once) + the compile.
    Reported: ms/file (mean and median), files/s and source KiB/s, and the ratios. The honest comparison for
    a command-line tool is process vs process; in-process is the floor of the reference's own compile time.
(b) `mpyseal build` of a tree (the corpus copied COPIES times, plus a main.py) against a loop of single-file
    `mpyseal compile` processes over the same files.

    python3 bench/compile_throughput.py [--mpyseal build/src/cli/mpyseal] [--repeat 3] [--copies 10] [--jobs 2]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORACLE = os.path.join(ROOT, 'tests', 'oracle')


def timed(cmd, cwd=None):
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t, p.returncode, p.stderr.decode('utf-8', 'replace')


def summary(label, times_s, n_files, n_bytes):
    """times_s: one wall time per compile."""
    total = sum(times_s)
    mean_ms = 1000 * total / len(times_s)
    med_ms = 1000 * statistics.median(times_s)
    files_s = len(times_s) / total
    kib_s = (n_bytes * len(times_s) / n_files) / 1024 / total
    print('  %-34s %8.2f ms/file (median %7.2f)  %8.1f files/s  %9.1f KiB/s' % (label, mean_ms, med_ms, files_s, kib_s))
    return mean_ms


def ref_in_process(programs_dir, names, repeat):
    """Per-call times (s) of the npm mpy-cross inside one node process."""
    script = r'''
import { refCompile } from %s;
import fs from 'node:fs';
const [dir, repeat, ...names] = process.argv.slice(1);
const srcs = names.map((n) => fs.readFileSync(dir + '/' + n, 'utf8'));
await refCompile(names[0], srcs[0]);            // warm-up: compiles the wasm module once
const times = [];
let failed = 0;
for (let r = 0; r < Number(repeat); r++) {
    for (let i = 0; i < names.length; i++) {
        const t = performance.now();
        const res = await refCompile(names[i], srcs[i]);
        times.push((performance.now() - t) / 1000);
        if (res.status !== 0) failed++;
    }
}
process.stdout.write(JSON.stringify({ times, failed }));
''' % json.dumps(os.path.join(ORACLE, 'ref_mpy_cross.mjs'))
    p = subprocess.run(['node', '--input-type=module', '-e', script, programs_dir, str(repeat)] + names,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    data = json.loads(p.stdout)
    return data['times'], data['failed']


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--mpyseal', default=os.path.join(ROOT, 'build', 'src', 'cli', 'mpyseal'))
    ap.add_argument('--corpus', default=os.path.join(os.path.dirname(ROOT), 'shared', 'conformance'))
    ap.add_argument('--repeat', type=int, default=3, help='compiles of each file in (a)')
    ap.add_argument('--copies', type=int, default=10, help='copies of the corpus in the tree of (b)')
    ap.add_argument('--jobs', '-j', type=int, default=2, help='mpyseal build -j')
    ap.add_argument('--skip-reference', action='store_true')
    args = ap.parse_args()

    programs = os.path.join(args.corpus, 'programs')
    names = sorted(f for f in os.listdir(programs) if f.endswith('.py'))
    n_bytes = sum(os.path.getsize(os.path.join(programs, n)) for n in names)
    mpyseal = os.path.abspath(args.mpyseal)
    print('corpus: %d programs, %.1f KiB of source; %d repetitions; machine: %d cores'
          % (len(names), n_bytes / 1024, args.repeat, os.cpu_count() or 0))

    tmp = tempfile.mkdtemp(prefix='mpyseal-bench-')
    try:
        ok = os.access(mpyseal, os.X_OK)
        if ok:
            _, rc, err = timed([mpyseal, 'compile', '-o', os.path.join(tmp, 'probe.mpy'), names[0]], programs)
            ok = rc == 0
            if not ok:
                print('mpyseal compile is not working yet (%s): its rows are skipped' % err.strip().split('\n')[0])
        else:
            print('no mpyseal binary at %s: its rows are skipped' % mpyseal)

        print('\n(a) one file at a time')
        ours_ms = ref_proc_ms = ref_inproc_ms = None
        if ok:
            times = []
            failed = 0
            for _ in range(args.repeat):
                for n in names:
                    t, rc, _ = timed([mpyseal, 'compile', '-o', os.path.join(tmp, 'out.mpy'), n], programs)
                    times.append(t)
                    failed += rc != 0
            ours_ms = summary('mpyseal compile (process)', times, len(names), n_bytes)
            if failed:
                print('    (%d compiles failed)' % failed)
        if not args.skip_reference:
            ref = os.path.join(ORACLE, 'ref_mpy_cross.mjs')
            if not os.path.exists(os.path.join(ORACLE, 'node_modules', '@pybricks', 'mpy-cross-v6')):
                print('  reference: tests/oracle/node_modules missing (cd tests/oracle && npm ci)')
            else:
                times = []
                for _ in range(args.repeat):
                    for n in names:
                        t, rc, _ = timed(['node', ref, '-o', os.path.join(tmp, 'ref.mpy'), n], programs)
                        times.append(t)
                ref_proc_ms = summary('npm mpy-cross 1.19 (node process)', times, len(names), n_bytes)
                times, failed = ref_in_process(programs, names, args.repeat)
                ref_inproc_ms = summary('npm mpy-cross 1.19 (in-process)', times, len(names), n_bytes)
                if failed:
                    print('    (%d reference compiles failed: 1.19 rejects some 1.29 syntax)' % (failed // args.repeat))
        if ours_ms and ref_proc_ms:
            print('  ratio: mpyseal is %.1fx faster than the npm mpy-cross per process, %.1fx vs its in-process compile'
                  % (ref_proc_ms / ours_ms, ref_inproc_ms / ours_ms))

        print('\n(b) a tree: the corpus copied %d times (%d files)' % (args.copies, args.copies * len(names)))
        if not ok:
            print('  skipped: mpyseal compile is not available')
            return 0
        tree = os.path.join(tmp, 'tree')
        files = []
        for c in range(args.copies):
            pkg = os.path.join(tree, 'pkg%d' % c)
            os.makedirs(pkg)
            open(os.path.join(pkg, '__init__.py'), 'w').close()
            for n in names:
                shutil.copy(os.path.join(programs, n), pkg)
                files.append(os.path.join('pkg%d' % c, n))
        with open(os.path.join(tree, 'main.py'), 'w') as f:
            f.write('import pkg0\n')
        out = os.path.join(tmp, 'build-out')
        t_build, rc, err = timed([mpyseal, 'build', tree, '-o', out, '-j', str(args.jobs)])
        if rc != 0:
            print('  mpyseal build failed (%s)' % err.strip().split('\n')[0])
            t_build = None
        else:
            print('  mpyseal build -j %d:            %8.3f s  (%6.2f ms/file, %7.1f files/s)'
                  % (args.jobs, t_build, 1000 * t_build / len(files), len(files) / t_build))
        t_loop = 0.0
        for rel in files:
            t, rc, _ = timed([mpyseal, 'compile', '-o', os.path.join(tmp, 'loop.mpy'), rel], tree)
            t_loop += t
        print('  loop of mpyseal compile:        %8.3f s  (%6.2f ms/file, %7.1f files/s)'
              % (t_loop, 1000 * t_loop / len(files), len(files) / t_loop))
        if t_build:
            print('  ratio: build is %.1fx faster than the loop of single-file compiles' % (t_loop / t_build))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
