#!/usr/bin/env node
// Runs a compiled app tree (the output of `mpyseal build`: .mpy files mirroring the packages, main.py kept as
// source) in the WebAssembly MicroPython: every file of DIR is copied under /app in the virtual filesystem,
// /app goes first on sys.path (and is the current directory), then main.py's source is executed as __main__.
// The app's stdout is printed as it was produced; an uncaught exception prints MicroPython's traceback on
// stderr and makes the exit status 1 (2 for a timeout or a VM crash, 3 for a usage error).
//
//   node tests/oracle/run_app.mjs DIR [--main main.py] [--timeout MS] [--heapsize BYTES]
import fs from 'node:fs';
import path from 'node:path';
import { runJob } from './mpy_runner.mjs';

function usage(message) {
    if (message) process.stderr.write(`run_app: ${message}\n`);
    process.stderr.write('usage: node tests/oracle/run_app.mjs DIR [--main main.py] [--timeout MS] [--heapsize BYTES]\n');
    process.exit(3);
}

const args = process.argv.slice(2);
let dir = null;
let mainName = 'main.py';
const options = { timeoutMs: 30000 };
for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--main') mainName = args[++i];
    else if (a === '--timeout') options.timeoutMs = Number(args[++i]);
    else if (a === '--heapsize') options.heapsize = Number(args[++i]);
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (dir === null) dir = a;
    else usage('only one DIR');
}
if (dir === null) usage('missing DIR');
if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) usage(`${dir} is not a directory`);
const mainPath = path.join(dir, mainName);
if (!fs.existsSync(mainPath)) usage(`${mainPath} not found (the app's entry point, kept as source)`);

/** Every regular file under root, as paths relative to it with '/' separators. */
function walk(root, rel = '') {
    const out = [];
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) out.push(...walk(root, r));
        else if (entry.isFile()) out.push(r);
    }
    return out.sort();
}

const files = {};
for (const rel of walk(dir)) files[rel] = new Uint8Array(fs.readFileSync(path.join(dir, rel)));

const result = await runJob({
    name: dir,
    files,
    setup: "import sys\nsys.path.insert(0, '/app')\n",
    run: { exec: fs.readFileSync(mainPath, 'utf8') },
}, options);

process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
if (result.status === 'ok') process.exitCode = 0;
else if (result.status === 'exception') {
    if (result.errorType !== 'SystemExit') process.stderr.write(result.error);
    if (result.errorType === 'SystemExit') {
        // sys.exit(): MicroPython's exit status rules (None -> 0, an int -> itself, anything else -> 1).
        const m = /SystemExit(?:: (.*))?\n?$/.exec(result.error.trimEnd().split('\n').pop());
        const arg = m && m[1];
        process.exitCode = arg === undefined || arg === null ? 0 : /^-?\d+$/.test(arg) ? Number(arg) & 255 : 1;
    } else {
        process.exitCode = 1;
    }
} else {
    process.stderr.write(`run_app: ${result.status}: ${result.error}\n`);
    process.exitCode = 2;
}
