#!/usr/bin/env node
// Randomized differential test of mpyseal's compiler, in one node process.
//
// gen_programs.py writes N programs from seed S (g<S>_<index>.py); each is compiled by `mpyseal compile`
// (cwd = the programs' directory, bare file name, so the stored source name is g<S>_<index>.py), then our .mpy
// and the source both run in fresh WebAssembly MicroPython instances (1.27; the source goes through its own
// compiler). They must print the same stdout and end the same way (same traceback if any). A program that our
// compiler rejects while MicroPython's accepts is a mismatch too.
//
//   node tests/oracle/differential.mjs --mpyseal build/src/cli/mpyseal [--count 300] [--seed 1] [--start 0]
//        [--workers 1] [--keep DIR] [--verbose]
//   node tests/oracle/differential.mjs --cpython [--count 300] [--seed 1] [--min-agree 0.95]
//        validates the generator instead: the source in WebAssembly MicroPython vs CPython (python3); no compiler
//        needed. Exceptions compare by type only (messages differ between the implementations).
//
// Exit status: 0 all equal (or agreement above --min-agree), 1 mismatches, 77 skipped (`mpyseal compile` does not
// work on a trivial file yet, or the WebAssembly MicroPython is not installed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NOT_INSTALLED, compareRuns, firstDifference, isInstalled, mpyJob, runJobs, sourceJob } from './mpy_runner.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SKIP = 77;

function parseArgs(argv) {
    const a = { mpyseal: null, cpython: false, count: 300, seed: 1, start: 0, workers: 1, keep: null,
                verbose: false, python: process.env.PYTHON || 'python3', minAgree: 0.95, timeoutMs: 10000,
                maxReports: 10 };
    for (let i = 0; i < argv.length; i++) {
        const x = argv[i];
        const next = () => argv[++i];
        if (x === '--mpyseal') a.mpyseal = path.resolve(next());
        else if (x === '--cpython') a.cpython = true;
        else if (x === '--count') a.count = Number(next());
        else if (x === '--seed') a.seed = Number(next());
        else if (x === '--start') a.start = Number(next());
        else if (x === '--workers') a.workers = Number(next());
        else if (x === '--keep') a.keep = path.resolve(next());
        else if (x === '--python') a.python = next();
        else if (x === '--min-agree') a.minAgree = Number(next());
        else if (x === '--timeout') a.timeoutMs = Number(next());
        else if (x === '--max-reports') a.maxReports = Number(next());
        else if (x === '-v' || x === '--verbose') a.verbose = true;
        else throw new Error(`unknown argument ${x}`);
    }
    if (!a.cpython && !a.mpyseal) throw new Error('give --mpyseal BIN (or --cpython to validate the generator)');
    return a;
}

/** Runs a command asynchronously; resolves to { status, stdout, stderr, timedOut }. */
function run(cmd, args, options = {}) {
    return new Promise((resolve) => {
        const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeout ?? 60000);
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => err.push(d));
        child.on('error', (e) => err.push(Buffer.from(String(e))));
        child.on('close', (status) => {
            clearTimeout(timer);
            resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
                      timedOut });
        });
    });
}

/** Maps items through an async function with at most `limit` in flight, keeping the order. */
async function mapLimit(items, limit, fn) {
    const out = new Array(items.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.max(1, limit) }, async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i], i);
        }
    }));
    return out;
}

function lastTwo(s) {
    return (s || '').trimEnd().split('\n').slice(-2).map((l) => l.trim()).join(' | ');
}

function lastLine(s) {
    return (s || '').trimEnd().split('\n').pop();
}

async function main() {
    let args;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`differential: ${e.message}\n`);
        return 2;
    }
    if (!isInstalled()) {
        console.log(NOT_INSTALLED);
        return SKIP;
    }
    const t0 = performance.now();
    const tmp = args.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mpyseal-differential-'));
    fs.mkdirSync(tmp, { recursive: true });
    try {
        // 0. Gate: does `mpyseal compile` work at all?
        if (!args.cpython) {
            const probe = path.join(tmp, 'probe_trivial.py');
            fs.writeFileSync(probe, "x = 1\nprint('ok', x + 1)\n");
            const p = spawnSync(args.mpyseal, ['compile', '-o', path.join(tmp, 'probe_trivial.mpy'), 'probe_trivial.py'],
                                { cwd: tmp, timeout: 30000 });
            if (p.status !== 0 || !fs.existsSync(path.join(tmp, 'probe_trivial.mpy'))) {
                const why = String(p.stderr || p.error || '').trim().split('\n')[0];
                console.log(`SKIPPED: compiler not available (mpyseal compile of a trivial file: exit ${p.status}: ${why})`);
                return SKIP;
            }
        }

        // 1. Generate the programs in one go.
        const gen = spawnSync(args.python, [path.join(HERE, 'gen_programs.py'), '--seed', String(args.seed),
                                            '--start', String(args.start), '--count', String(args.count), '--out', tmp],
                              { encoding: 'utf8' });
        if (gen.status !== 0) {
            console.log(`ERROR: gen_programs.py failed (exit ${gen.status}):\n${gen.stderr}`);
            return 1;
        }
        const names = [];
        for (let i = args.start; i < args.start + args.count; i++) names.push(`g${args.seed}_${String(i).padStart(4, '0')}`);
        const sources = names.map((n) => fs.readFileSync(path.join(tmp, `${n}.py`), 'utf8'));
        const reproduce = (n) => `python3 tests/oracle/gen_programs.py --seed ${args.seed} --index ${Number(n.split('_')[1])} > ${n}.py`;

        if (args.cpython) return await validateGenerator(args, names, sources, tmp, t0, reproduce);

        // 2. Compile with mpyseal (2 processes at a time).
        const compiled = await mapLimit(names, 2, (n) =>
            run(args.mpyseal, ['compile', '-o', `${n}.mpy`, `${n}.py`], { cwd: tmp, timeout: 60000 }));

        // 3. Run ours and the source in WebAssembly MicroPython.
        const jobs = [];
        const index = [];
        names.forEach((n, i) => {
            const mpyPath = path.join(tmp, `${n}.mpy`);
            if (compiled[i].status === 0 && fs.existsSync(mpyPath)) {
                jobs.push(mpyJob(`${n}:ours`, fs.readFileSync(mpyPath), n, { timeoutMs: args.timeoutMs }));
                index.push([i, 'ours']);
            }
            jobs.push(sourceJob(`${n}:source`, sources[i], n, { timeoutMs: args.timeoutMs }));
            index.push([i, 'source']);
        });
        const results = await runJobs(jobs, { workers: args.workers });
        const byProgram = names.map(() => ({}));
        results.forEach((r, k) => { byProgram[index[k][0]][index[k][1]] = r; });

        // 4. Compare.
        const mismatches = [];
        let sourceTrouble = 0;
        names.forEach((n, i) => {
            const { ours, source } = byProgram[i];
            if (source.status !== 'ok') sourceTrouble++;
            let report = null;
            if (ours) {
                report = compareRuns(ours, source, ['ours', 'source']);
            } else if (!(source.status === 'exception' && source.errorType === 'SyntaxError')) {
                const c = compiled[i];
                report = `mpyseal compile failed (exit ${c.status}${c.timedOut ? ', timeout' : ''}): ` +
                         `${lastTwo(c.stderr)}; the source runs in MicroPython (${source.status})`;
            }
            if (report) mismatches.push([n, report]);
        });
        for (const [n, report] of mismatches.slice(0, args.verbose ? mismatches.length : args.maxReports)) {
            console.log(`--- ${n}: MISMATCH (reproduce: ${reproduce(n)})\n${report}`);
        }
        if (mismatches.length > args.maxReports && !args.verbose) {
            console.log(`[... ${mismatches.length - args.maxReports} more: ${mismatches.slice(args.maxReports).map((m) => m[0]).join(' ')}]`);
        }
        if (sourceTrouble) console.log(`note: ${sourceTrouble} programs did not run cleanly from source (compared anyway)`);
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        console.log(`differential: ${names.length - mismatches.length}/${names.length} programs behave the same ` +
                    `compiled by mpyseal and from source (seed ${args.seed}, start ${args.start}) in ${secs} s`);
        return mismatches.length ? 1 : 0;
    } finally {
        if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** --cpython: the same programs from source in WebAssembly MicroPython and in CPython. */
async function validateGenerator(args, names, sources, tmp, t0, reproduce) {
    const wasm = await runJobs(names.map((n, i) => sourceJob(n, sources[i], n, { timeoutMs: args.timeoutMs })),
                               { workers: args.workers });
    const cpy = await mapLimit(names, 2, (n) => run(args.python, [`${n}.py`], { cwd: tmp, timeout: 30000 }));
    const disagree = [];
    names.forEach((n, i) => {
        const w = wasm[i];
        const c = cpy[i];
        const cType = c.status === 0 ? null : (lastLine(c.stderr).match(/^(\w+)/) || [null, 'error'])[1];
        const wType = w.status === 'ok' ? null : (w.errorType || w.status);
        const problems = [];
        if (cType !== wType) {
            problems.push(`outcome: MicroPython ${wType ? lastTwo(w.error || w.status) : 'ok'} / ` +
                          `CPython ${cType ? lastTwo(c.stderr) : 'ok'}`);
        }
        if (w.stdout !== c.stdout) {
            const d = firstDifference(w.stdout, c.stdout);
            problems.push(`stdout differs at line ${d.line}:\n    micropython: ${JSON.stringify(d.a)}\n` +
                          `    cpython:     ${JSON.stringify(d.b)}`);
        }
        if (problems.length) disagree.push([n, problems.join('\n')]);
    });
    for (const [n, report] of disagree.slice(0, args.verbose ? disagree.length : args.maxReports)) {
        console.log(`--- ${n}: MicroPython and CPython disagree (reproduce: ${reproduce(n)})\n${report}`);
    }
    const agree = names.length - disagree.length;
    const rate = agree / names.length;
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`generator: ${agree}/${names.length} programs (${(100 * rate).toFixed(1)}%) print the same in ` +
                `WebAssembly MicroPython and CPython (seed ${args.seed}; minimum ${(100 * args.minAgree).toFixed(0)}%) in ${secs} s`);
    return rate >= args.minAgree ? 0 : 1;
}

process.exitCode = await main();
