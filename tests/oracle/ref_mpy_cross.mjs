// The reference mpy-cross from npm (@pybricks/mpy-cross-v6: MicroPython 1.19's mpy-cross, .mpy v6, compiled to
// WebAssembly). Used by the benchmark (bench/) and to build reference app trees. NOT the byte oracle: the
// goldens come from 1.29 and 1.19's bytes differ slightly.
//
// The package's own compile(fileName, contents, options, wasmPath) loads the wasm through fetch() on Node >= 18,
// which rejects plain paths; this wrapper drives the same Emscripten factory with the wasm bytes compiled once
// (WebAssembly.Module cached), so each compile only instantiates a fresh instance: that is mpy-cross's real
// work plus a ~1 ms instantiation, comparable to calling a compiler in-process.
//
//   import { refCompile } from './ref_mpy_cross.mjs';
//   const { status, mpy, out, err } = await refCompile('m.py', sourceText, ['-O0']);
//
// CLI: node tests/oracle/ref_mpy_cross.mjs [-o OUT.mpy] [mpy-cross options] FILE.py
//      (compiles FILE.py with the name as given, like `mpy-cross`; stderr and exit status as mpy-cross's)
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const PKG_BUILD = path.dirname(require.resolve('@pybricks/mpy-cross-v6'));
export const WASM_PATH = path.join(PKG_BUILD, 'mpy-cross-v6.wasm');
const factory = require(path.join(PKG_BUILD, 'mpy-cross-v6.js'));

let wasmModule = null;

function compiledWasm() {
    if (!wasmModule) wasmModule = new WebAssembly.Module(fs.readFileSync(WASM_PATH));
    return wasmModule;
}

/**
 * Compiles one file. fileName is the name stored in the .mpy (as mpy-cross's command-line argument);
 * options are mpy-cross options placed before it (e.g. ['-O1', '-msmall-int-bits=31']).
 * Resolves to { status, mpy (Uint8Array or undefined), out: string[], err: string[] }.
 */
export function refCompile(fileName, contents, options = []) {
    const module = compiledWasm();
    // Every instance of this Emscripten build adds process-wide handlers; take them off again.
    const events = ['uncaughtException', 'unhandledRejection'];
    const before = events.map((e) => new Set(process.listeners(e)));
    const cleanup = () => events.forEach((e, i) => {
        for (const l of process.listeners(e)) if (!before[i].has(l)) process.removeListener(e, l);
    });
    return new Promise((resolve, reject) => {
        try {
            factory({
                arguments: [...options, fileName],
                inputFileContents: contents,
                callback: (status, mpy, out, err) => {
                    cleanup();
                    resolve({ status, mpy: mpy && new Uint8Array(mpy), out, err });
                },
                instantiateWasm: (imports, receiveInstance) => {
                    const instance = new WebAssembly.Instance(module, imports);
                    receiveInstance(instance, module);
                    return instance.exports;
                },
            });
        } catch (e) {
            cleanup();
            reject(e);
        }
    });
}

async function cli(argv) {
    const options = [];
    let out = null;
    let file = null;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '-o') out = argv[++i];
        else if (argv[i].startsWith('-')) options.push(argv[i]);
        else file = argv[i];
    }
    if (!file) {
        process.stderr.write('usage: node ref_mpy_cross.mjs [-o OUT.mpy] [options] FILE.py\n');
        return 2;
    }
    const r = await refCompile(file, fs.readFileSync(file, 'utf8'), options);
    for (const line of r.out) process.stdout.write(line + '\n');
    for (const line of r.err) process.stderr.write(line + '\n');
    if (r.status === 0) fs.writeFileSync(out ?? file.replace(/\.py$/, '.mpy'), r.mpy);
    return r.status;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    process.exitCode = await cli(process.argv.slice(2));
}
