#!/usr/bin/env node
// The conformance corpus in the WebAssembly MicroPython (1.27, 32-bit), two modes.
//
// --harness: checks the harness and the oracle themselves. Each golden .mpy (real mpy-cross 1.29) runs in a fresh
//   instance and its stdout must equal expected/NAME.exp (the 64-bit unix port's output), up to the documented
//   differences of the WebAssembly build (KNOWN_VM_DIFFERENCES below). Not gated: it passes today. It also reports,
//   for information, how many programs print the same when run from source (README: 67/70).
//
// --mpyseal BIN: the oracle test of our compiler. Each program is compiled by `BIN compile` exactly like its golden
//   (cwd = programs/, bare file name, -o into a temp dir); our .mpy and the golden .mpy run in fresh instances and
//   must print the same stdout and raise the same exception (traceback text included: line numbers matter). Gated:
//   fails only when a program listed in --expected-pass (default tests/oracle/expected_pass.txt; `*` = all) differs.
//
//   node tests/oracle/corpus_oracle.mjs --harness --corpus ../shared/conformance [--only NAME[,NAME]]
//   node tests/oracle/corpus_oracle.mjs --mpyseal build/src/cli/mpyseal --corpus ../shared/conformance [--strict]
// Exit status: 0 ok, 1 failure, 77 skipped (corpus or node_modules missing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NOT_INSTALLED, compareRuns, describe, firstDifference, indent, isInstalled, mpyJob, readNames, runJobs,
         sourceJob } from './mpy_runner.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SKIP = 77;

// Differences between the WebAssembly MicroPython 1.27 (32-bit) and the 64-bit unix port 1.29 that produced
// expected/*.exp. They are properties of the VM, not of the .mpy: the harness check tolerates exactly these.
export const KNOWN_VM_DIFFERENCES = {
    // Every program: repr() of a str escapes non-ASCII characters ('A\xe9' instead of 'Aé'). Applied to both
    // sides by normalizeReprEscapes().
    '49_iteration_builtins': {
        why: 'a machine word is 32 bits: a large range() raises OverflowError',
        stopsWith: { errorType: 'OverflowError', message: 'overflow converting long int to machine word' },
    },
    '68_print_and_sys': {
        why: 'sys.exc_info is missing in the WebAssembly build',
        stopsWith: { errorType: 'AttributeError', message: "no attribute 'exc_info'" },
    },
    '61_protocol_state_machine': {
        why: "1.27's bytes.hex() of an empty bytes returns b'' instead of ''",
        replace: [["('unknown', 127, b'')", "('unknown', 127, '')"]],
    },
};

/** Turns \xNN (NN >= 0x80), \uNNNN and \UNNNNNNNN escapes back into the characters. */
export function normalizeReprEscapes(s) {
    return s.replace(/\\x([89a-f][0-9a-f])|\\u([0-9a-f]{4})|\\U([0-9a-f]{8})/g,
                     (m, x, u, U) => String.fromCodePoint(parseInt(x || u || U, 16)));
}

function parseArgs(argv) {
    const a = { harness: false, mpyseal: null, corpus: null, only: null, expectedPass: null, strict: false,
                workers: 1, verbose: false, keep: null };
    for (let i = 0; i < argv.length; i++) {
        const x = argv[i];
        if (x === '--harness') a.harness = true;
        else if (x === '--mpyseal') a.mpyseal = argv[++i];
        else if (x === '--corpus') a.corpus = argv[++i];
        else if (x === '--only') a.only = (a.only || []).concat(argv[++i].split(',').map((n) => n.replace(/\.py$/, '')));
        else if (x === '--expected-pass') a.expectedPass = argv[++i];
        else if (x === '--strict') a.strict = true;
        else if (x === '--workers') a.workers = Number(argv[++i]);
        else if (x === '--keep') a.keep = argv[++i];
        else if (x === '-v' || x === '--verbose') a.verbose = true;
        else throw new Error(`unknown argument ${x}`);
    }
    if (!a.corpus) a.corpus = path.resolve(HERE, '..', '..', '..', 'shared', 'conformance');
    if (!a.harness && !a.mpyseal) throw new Error('give --harness or --mpyseal BIN');
    return a;
}

/** The harness check of one golden run against expected/NAME.exp. */
function checkAgainstExpected(name, run, expected) {
    const known = KNOWN_VM_DIFFERENCES[name];
    let stdout = normalizeReprEscapes(run.stdout);
    const exp = normalizeReprEscapes(expected);
    if (known && known.replace) for (const [from, to] of known.replace) stdout = stdout.split(from).join(to);
    if (known && known.stopsWith) {
        const s = known.stopsWith;
        if (run.status === 'exception' && run.errorType === s.errorType && run.error.includes(s.message)) {
            if (exp.startsWith(stdout)) return { ok: true, note: `known: ${known.why}` };
            const d = firstDifference(stdout, exp);
            return { ok: false, report: `stdout differs at line ${d.line} before the known stop:\n` +
                                        `    wasm:     ${JSON.stringify(d.a)}\n    expected: ${JSON.stringify(d.b)}` };
        }
    }
    if (run.status !== 'ok') return { ok: false, report: `${describe(run)}\n${indent(run.error || '')}` };
    if (stdout !== exp) {
        const d = firstDifference(stdout, exp);
        return { ok: false, report: `stdout differs at line ${d.line}:\n    wasm:     ${JSON.stringify(d.a)}\n` +
                                    `    expected: ${JSON.stringify(d.b)}` };
    }
    return { ok: true, note: known ? `known: ${known.why}` : '' };
}

async function main() {
    let args;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`corpus_oracle: ${e.message}\n`);
        return 2;
    }
    const programsDir = path.join(args.corpus, 'programs');
    if (!fs.existsSync(programsDir)) {
        console.log(`SKIPPED: no conformance corpus at ${args.corpus}`);
        return SKIP;
    }
    if (!isInstalled()) {
        console.log(NOT_INSTALLED);
        return SKIP;
    }

    let names = fs.readdirSync(programsDir).filter((f) => f.endsWith('.py')).map((f) => f.slice(0, -3)).sort();
    const all = names;
    if (args.only) {
        names = names.filter((n) => args.only.includes(n));
        if (!names.length) {
            console.log('ERROR: --only matched no program');
            return 1;
        }
    }
    const golden = (n) => fs.readFileSync(path.join(args.corpus, 'golden', `${n}.mpy`));
    const t0 = performance.now();

    if (args.harness) {
        const jobs = [];
        for (const n of names) {
            jobs.push(mpyJob(`${n}:golden`, golden(n), n));
            jobs.push(sourceJob(`${n}:source`, fs.readFileSync(path.join(programsDir, `${n}.py`), 'utf8'), n));
        }
        const results = await runJobs(jobs, { workers: args.workers });
        let pass = 0;
        let sameAsSource = 0;
        const failures = [];
        const notSame = [];
        for (let i = 0; i < names.length; i++) {
            const n = names[i];
            const g = results[2 * i];
            const s = results[2 * i + 1];
            const expected = fs.readFileSync(path.join(args.corpus, 'expected', `${n}.exp`), 'utf8');
            const c = checkAgainstExpected(n, g, expected);
            if (c.ok) {
                pass++;
                if (args.verbose && c.note) console.log(`--- ${n}: ok (${c.note})`);
            } else {
                failures.push(n);
                console.log(`--- ${n}: FAIL (golden .mpy in WebAssembly vs expected/${n}.exp)\n${c.report}`);
            }
            const d = compareRuns(s, g, ['source', 'golden']);
            if (d) {
                notSame.push(n);
                if (args.verbose) console.log(`--- ${n}: source and golden .mpy differ in WebAssembly (information)\n${d}`);
            } else sameAsSource++;
        }
        console.log(`information: the source and the golden .mpy print the same in WebAssembly for ` +
                    `${sameAsSource}/${names.length} programs${notSame.length ? ` (not: ${notSame.join(' ')})` : ''}`);
        console.log(`harness: ${pass}/${names.length} golden .mpy match expected output ` +
                    `(${Object.keys(KNOWN_VM_DIFFERENCES).length} documented VM differences tolerated) ` +
                    `in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        return failures.length ? 1 : 0;
    }

    // --mpyseal: our .mpy vs the golden .mpy.
    const bin = path.resolve(args.mpyseal);
    const expectedFile = args.expectedPass ?? path.join(HERE, 'expected_pass.txt');
    let must = readNames(expectedFile);
    if (must.has('*')) must = new Set(all);
    if (args.strict) must = new Set(all);
    const unknown = [...must].filter((n) => !all.includes(n));
    const tmp = args.keep ? path.resolve(args.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'mpyseal-oracle-'));
    fs.mkdirSync(tmp, { recursive: true });
    const compileFailures = new Map();
    const jobs = [];
    const runnable = [];
    for (const n of names) {
        const out = path.join(tmp, `${n}.mpy`);
        const p = spawnSync(bin, ['compile', '-o', out, `${n}.py`], { cwd: programsDir, timeout: 60000 });
        if (p.status !== 0 || !fs.existsSync(out)) {
            const err = (p.stderr || '').toString().trim() || (p.error ? String(p.error) : '');
            compileFailures.set(n, `compile failed (exit ${p.status}): ${err.split('\n')[0]}`);
            continue;
        }
        runnable.push(n);
        jobs.push(mpyJob(`${n}:ours`, fs.readFileSync(out), n));
        jobs.push(mpyJob(`${n}:golden`, golden(n), n));
    }
    const results = await runJobs(jobs, { workers: args.workers });
    if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
    const reports = new Map(compileFailures);
    runnable.forEach((n, i) => {
        const d = compareRuns(results[2 * i], results[2 * i + 1]);
        if (d) reports.set(n, d);
    });
    const passed = names.filter((n) => !reports.has(n));
    const regressions = names.filter((n) => reports.has(n) && must.has(n));
    for (const n of names) {
        if (!reports.has(n)) continue;
        const listed = must.has(n);
        const report = reports.get(n);
        let lines = report.split('\n');
        if (!listed && !args.verbose && lines.length > 8) lines = lines.slice(0, 8).concat(['    [...]']);
        console.log(`--- ${n}: ${listed ? 'FAIL' : 'fail (not yet expected to pass)'}\n${lines.join('\n')}`);
    }
    const newly = passed.filter((n) => !must.has(n));
    if (newly.length && !args.only) {
        console.log(`passing but not listed in ${path.basename(expectedFile)} (add them to keep them passing): ` +
                    newly.join(' '));
    }
    if (unknown.length) console.log(`ERROR: ${expectedFile} lists names that are not in the corpus: ${unknown.join(' ')}`);
    console.log(`oracle: ${passed.length}/${names.length} behave like the golden .mpy in WebAssembly ` +
                `(${compileFailures.size} did not compile) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (regressions.length) console.log(`oracle: ${regressions.length} expected to pass but failed: ${regressions.join(' ')}`);
    return regressions.length || unknown.length ? 1 : 0;
}

process.exitCode = await main();
