#!/usr/bin/env node
// The example app (examples/app) compiled to .mpy must print exactly what it prints from source, in the
// WebAssembly MicroPython (the README's demo runs the same thing through scripts/demo.sh).
//
//   --reference       build the tree with the reference mpy-cross (npm, MicroPython 1.19): checks the app, the
//                     runner and run_app's layout today; not gated.
//   --mpyseal BIN     build it with `BIN build APP -o OUT`. Gated: while `example_app` is not listed in
//                     --expected-pass (default tests/oracle/expected_pass.txt) a failure is reported as SKIPPED;
//                     once listed, a failed build or a different output fails the test.
//
//   node tests/oracle/check_example_app.mjs --reference [--app examples/app]
//   node tests/oracle/check_example_app.mjs --mpyseal build/src/cli/mpyseal
// Exit status: 0 ok, 1 failure, 77 skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NOT_INSTALLED, firstDifference, isInstalled, readNames } from './mpy_runner.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SKIP = 77;

const argv = process.argv.slice(2);
let mode = null;
let bin = null;
let app = path.resolve(HERE, '..', '..', 'examples', 'app');
let expectedFile = path.join(HERE, 'expected_pass.txt');
for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reference') mode = 'reference';
    else if (argv[i] === '--mpyseal') { mode = 'mpyseal'; bin = path.resolve(argv[++i]); }
    else if (argv[i] === '--app') app = path.resolve(argv[++i]);
    else if (argv[i] === '--expected-pass') expectedFile = argv[++i];
    else { console.error(`check_example_app: unknown argument ${argv[i]}`); process.exit(2); }
}
if (!mode) { console.error('check_example_app: give --reference or --mpyseal BIN'); process.exit(2); }

function required() {
    // explicit: `*` covers the corpus programs only
    return mode === 'reference' || readNames(expectedFile).has('example_app');
}

function notYet(message) {
    if (required()) {
        console.log(`FAIL: ${message}`);
        return 1;
    }
    console.log(`${message}\nSKIPPED: example_app is not listed in ${path.basename(expectedFile)} yet`);
    return SKIP;
}

async function main() {
    if (!isInstalled()) {
        console.log(NOT_INSTALLED);
        return SKIP;
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mpyseal-example-'));
    try {
        const tree = path.join(out, 'app');
        if (mode === 'reference') {
            const { refBuild } = await import('./ref_build.mjs');
            await refBuild(app, tree);
        } else {
            const p = spawnSync(bin, ['build', app, '-o', tree], { timeout: 120000 });
            if (p.status !== 0) {
                return notYet(`mpyseal build failed (exit ${p.status}): ${String(p.stderr || p.error || '').trim()}`);
            }
        }
        const mpys = [];
        const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
            const f = path.join(d, e.name);
            if (e.isDirectory()) walk(f);
            else if (f.endsWith('.mpy')) mpys.push(path.relative(tree, f));
            else if (f.endsWith('.py') && path.relative(tree, f) !== 'main.py') mpys.push(`(source!) ${path.relative(tree, f)}`);
        });
        walk(tree);
        console.log(`built ${mode === 'reference' ? 'with the reference mpy-cross 1.19' : 'with mpyseal build'}: ${mpys.join(', ')}`);
        if (!fs.existsSync(path.join(tree, 'main.py'))) return notYet('the build has no main.py (the entry point must be copied as source)');
        if (mpys.some((m) => m.startsWith('(source!)'))) return notYet('the build left .py modules besides main.py');

        const runApp = path.join(HERE, 'run_app.mjs');
        const fromMpy = spawnSync(process.execPath, [runApp, tree], { timeout: 120000 });
        const fromSource = spawnSync(process.execPath, [runApp, app], { timeout: 120000 });
        if (fromSource.status !== 0) {
            console.log(`FAIL: the example app does not run from source (exit ${fromSource.status}):\n${fromSource.stderr}`);
            return 1;
        }
        if (fromMpy.status !== 0 || String(fromMpy.stdout) !== String(fromSource.stdout)) {
            const d = firstDifference(String(fromMpy.stdout), String(fromSource.stdout));
            const where = d ? `; first different line ${d.line}: ${JSON.stringify(d.a)} vs source ${JSON.stringify(d.b)}` : '';
            return notYet(`the compiled app behaves differently (exit ${fromMpy.status}${where})\n${fromMpy.stderr}`);
        }
        const lines = String(fromMpy.stdout).trimEnd().split('\n');
        console.log(`example app: the .mpy build prints the same ${lines.length} lines as the source; last: ${lines.at(-1)}`);
        return 0;
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

process.exitCode = await main();
