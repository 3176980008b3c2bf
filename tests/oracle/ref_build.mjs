#!/usr/bin/env node
// Builds an app tree with the reference mpy-cross (npm @pybricks/mpy-cross-v6, MicroPython 1.19), the way
// `mpyseal build` lays it out: every .py under SRC becomes a .mpy at the same relative path (the relative path
// is the source name stored in it), main.py (the entry point) and non-.py files are copied as they are.
//
//   node tests/oracle/ref_build.mjs SRC_DIR OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { refCompile } from './ref_mpy_cross.mjs';

function walk(root, rel = '') {
    const out = [];
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        if (entry.name === '__pycache__') continue;
        const r = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) out.push(...walk(root, r));
        else if (entry.isFile()) out.push(r);
    }
    return out.sort();
}

export async function refBuild(src, out, { entry = 'main.py' } = {}) {
    let compiled = 0;
    for (const rel of walk(src)) {
        const from = path.join(src, rel);
        fs.mkdirSync(path.join(out, path.dirname(rel)), { recursive: true });
        if (rel === entry || !rel.endsWith('.py')) {
            fs.copyFileSync(from, path.join(out, rel));
            continue;
        }
        // The wasm mpy-cross has a flat filesystem: compile a flat name and store the path through -s.
        const r = await refCompile(path.basename(rel), fs.readFileSync(from, 'utf8'), ['-s', rel]);
        if (r.status !== 0) throw new Error(`${rel}: mpy-cross failed\n${r.err.join('\n')}`);
        fs.writeFileSync(path.join(out, rel.replace(/\.py$/, '.mpy')), r.mpy);
        compiled++;
    }
    return compiled;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
    const [src, out] = process.argv.slice(2);
    if (!src || !out) {
        process.stderr.write('usage: node tests/oracle/ref_build.mjs SRC_DIR OUT_DIR\n');
        process.exit(2);
    }
    try {
        const n = await refBuild(src, out);
        process.stdout.write(`ref_build: ${n} files compiled into ${out}\n`);
    } catch (e) {
        process.stderr.write(`ref_build: ${e.message}\n`);
        process.exit(1);
    }
}
