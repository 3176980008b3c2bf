// Runs Python jobs (.mpy files or source) in the WebAssembly MicroPython from npm
// (@micropython/micropython-webassembly-pyscript, MicroPython 1.27), the behavioural oracle of mpyseal.
//
// Every job gets a FRESH MicroPython instance (a new WebAssembly instance: about 10 ms), so no state leaks
// from one job to the next. Instances run in worker threads: a job that loops forever is stopped by
// terminating its worker after the job's timeout, and a job that crashes the VM (wasm trap, JS stack
// overflow, runaway output) only loses its own instance. Stdout is written into shared memory as it is
// produced, so the output printed before a timeout is still reported.
//
// A job:
//   {
//     name:    'label',                       // optional, copied to the result
//     files:   { 'pkg/m.mpy': Uint8Array, 'main.py': 'text', ... },  // written under /app (dirs created)
//     setup:   'python source',                // optional, run first (e.g. to change sys.path)
//     run:     { import: 'm' }                 // __import__('m') with cwd /app ('' is on sys.path), or
//              { exec: 'python source' },      // run the text as __main__ (file name "<stdin>")
//     timeoutMs, heapsize, pystack             // optional, override the runner options
//   }
// Helpers build the common jobs: mpyJob(), sourceJob(), execJob().
//
// A result:
//   { name, status, stdout, stderr, error, errorType, ms }
//   status: 'ok'        the code ran to the end
//           'exception' an uncaught Python exception; error = the traceback text MicroPython prints,
//                       errorType = its class name (SystemExit included)
//           'timeout'   stopped after timeoutMs; stdout = what was printed until then
//           'crash'     the VM or the worker failed (error = the JS error), or the process grew past
//                       maxRssMb (the MicroPython heap of this build grows without bound)
//           'output-limit' more than maxOutput bytes were printed; stdout is cut there
//
// Usage:
//   import { runJobs, mpyJob } from './mpy_runner.mjs';
//   const [r] = await runJobs([mpyJob('demo', bytes, 'm')], { timeoutMs: 5000 });
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const MICROPYTHON_MJS = path.join(HERE, 'node_modules', '@micropython', 'micropython-webassembly-pyscript',
                                         'micropython.mjs');

export const DEFAULTS = Object.freeze({
    workers: 1,            // worker threads running jobs in parallel (the machine has 2 cores)
    timeoutMs: 10000,      // per job, including the instance start
    heapsize: 8 * 1024 * 1024,
    pystack: 2048,         // words of Python stack (the loader's default; recursion stops at ~150 frames)
    maxRssMb: 3072,        // a job whose process grows past this is stopped (the wasm heap grows on demand)
    maxOutput: 4 * 1024 * 1024,
    maxStderr: 256 * 1024,
});

/** A job that imports a .mpy file: written as /app/MODULE.mpy, then __import__(MODULE). */
export function mpyJob(name, mpyBytes, module = 'm', extra = {}) {
    return { name, files: { [`${module}.mpy`]: mpyBytes }, run: { import: module }, ...extra };
}

/** A job that imports a source file: written as /app/MODULE.py, then __import__(MODULE). */
export function sourceJob(name, sourceText, module = 'm', extra = {}) {
    return { name, files: { [`${module}.py`]: sourceText }, run: { import: module }, ...extra };
}

/** A job that runs source text as __main__ (like the MicroPython REPL's paste mode; file "<stdin>"). */
export function execJob(name, sourceText, extra = {}) {
    return { name, files: {}, run: { exec: sourceText }, ...extra };
}

/** Replaces the "/app/" directory prefix in traceback file names, so runs of the same code compare equal. */
export function normalizeTraceback(text) {
    return text == null ? text : text.replace(/File "\/app\//g, 'File "');
}

// ---------------------------------------------------------------------------------------------------------------
// Main thread: the pool.

class Slot {
    constructor(options) {
        this.options = options;
        this.spawn();
    }

    spawn() {
        this.outBuf = new SharedArrayBuffer(8 + this.options.maxOutput);
        this.errBuf = new SharedArrayBuffer(8 + this.options.maxStderr);
        this.worker = new Worker(fileURLToPath(import.meta.url), {
            workerData: { mpyRunnerWorker: true, outBuf: this.outBuf, errBuf: this.errBuf },
            argv: [],
            stdout: false,
            stderr: false,
        });
        this.worker.unref();
        this.pending = null;
        this.worker.on('message', (msg) => this.finish(msg));
        this.worker.on('error', (err) => this.finish({ status: 'crash', error: `worker error: ${err && err.stack || err}` }, true));
        this.worker.on('exit', (code) => {
            if (this.pending) this.finish({ status: 'crash', error: `worker exited with code ${code}` }, true);
        });
    }

    static readShared(buf) {
        const len = Atomics.load(new Int32Array(buf, 0, 2), 0);
        const bytes = new Uint8Array(buf, 8, len);
        return new TextDecoder('utf-8', { fatal: false }).decode(bytes.slice());
    }

    run(job) {
        return new Promise((resolve) => {
            Atomics.store(new Int32Array(this.outBuf, 0, 2), 0, 0);
            Atomics.store(new Int32Array(this.errBuf, 0, 2), 0, 0);
            const timeoutMs = job.timeoutMs ?? this.options.timeoutMs;
            const started = performance.now();
            this.pending = { resolve, started, job };
            this.timer = setTimeout(() => this.kill('timeout', `timeout after ${timeoutMs} ms`), timeoutMs);
            this.worker.postMessage({
                files: job.files || {}, run: job.run, setup: job.setup ?? null,
                heapsize: job.heapsize ?? this.options.heapsize,
                pystack: job.pystack ?? this.options.pystack,
            });
        });
    }

    /** Stops the running job (its worker is replaced by a new one). */
    kill(status, error) {
        this.finish({ status, error }, true);
    }

    /** Resolves the running job with `msg`; `replaceWorker` when its worker died or is being stopped. */
    finish(msg, replaceWorker = false) {
        if (!this.pending) return;
        clearTimeout(this.timer);
        const { resolve, started, job } = this.pending;
        this.pending = null;
        const stdout = Slot.readShared(this.outBuf);
        const stderr = Slot.readShared(this.errBuf);
        if (replaceWorker) {
            const old = this.worker;
            old.removeAllListeners();
            old.on('error', () => {});
            old.terminate().catch(() => {});
            this.spawn();
        }
        resolve({ name: job.name, status: msg.status, stdout, stderr, error: msg.error ?? null,
                  errorType: msg.errorType ?? null, ms: performance.now() - started });
    }

    async close() {
        clearTimeout(this.timer);
        this.worker.removeAllListeners();
        await this.worker.terminate().catch(() => {});
    }
}

/**
 * Runs the jobs, each in a fresh MicroPython instance, and returns their results in the same order.
 * options: workers, timeoutMs, heapsize, pystack, maxOutput, maxStderr (see DEFAULTS), and
 * onResult(result, index) called as each job finishes.
 */
export async function runJobs(jobs, options = {}) {
    const opts = { ...DEFAULTS, ...options };
    const nWorkers = Math.max(1, Math.min(opts.workers, jobs.length || 1));
    const slots = Array.from({ length: nWorkers }, () => new Slot(opts));
    const results = new Array(jobs.length);
    let next = 0;
    // The wasm heap of a job grows on demand: watch the process size and stop the oldest running job.
    const watchdog = setInterval(() => {
        if (process.memoryUsage.rss() <= opts.maxRssMb * 1024 * 1024) return;
        const busy = slots.filter((s) => s.pending).sort((a, b) => a.pending.started - b.pending.started);
        if (busy.length) busy[0].kill('crash', `memory limit: process RSS above ${opts.maxRssMb} MiB`);
    }, 100);
    watchdog.unref();
    try {
        await Promise.all(slots.map(async (slot) => {
            while (next < jobs.length) {
                const index = next++;
                const result = await slot.run(jobs[index]);
                results[index] = result;
                if (opts.onResult) opts.onResult(result, index);
            }
        }));
    } finally {
        clearInterval(watchdog);
        await Promise.all(slots.map((s) => s.close()));
    }
    return results;
}

/** Runs one job; a convenience wrapper over runJobs. */
export async function runJob(job, options = {}) {
    return (await runJobs([job], options))[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Shared by the test scripts: installation check, gating lists, comparing results.

/** False when the npm package is missing (the scripts then print SKIPPED and exit 77). */
export function isInstalled() {
    return fs.existsSync(MICROPYTHON_MJS);
}
export const NOT_INSTALLED = 'SKIPPED: the WebAssembly MicroPython is not installed (run: cd tests/oracle && npm ci)';

/** Names in a gating list such as expected_pass.txt: one per line, `#` comments, a `.py` suffix dropped. */
export function readNames(file) {
    const names = new Set();
    if (!file || !fs.existsSync(file)) return names;
    for (let line of fs.readFileSync(file, 'utf8').split('\n')) {
        line = line.split('#')[0].trim();
        if (line) names.add(line.replace(/\.py$/, ''));
    }
    return names;
}

/** The first line where two texts differ ({ line: 1-based, a, b }), or null when they are equal. */
export function firstDifference(a, b) {
    const al = a.split('\n');
    const bl = b.split('\n');
    for (let i = 0; i < Math.max(al.length, bl.length); i++) {
        if (al[i] !== bl[i]) return { line: i + 1, a: al[i], b: bl[i] };
    }
    return null;
}

export function indent(s) {
    return s.trimEnd().split('\n').map((l) => '    ' + l + '\n').join('');
}

/** 'ok', or the status and the last line of the traceback. */
export function describe(r) {
    if (r.status === 'ok') return 'ok';
    const last = (r.error || '').trimEnd().split('\n').pop();
    return `${r.status}: ${last}`;
}

/** Compares two run results (stdout, status, traceback); returns null when equal, else a report. */
export function compareRuns(ours, ref, labels = ['ours', 'golden']) {
    const problems = [];
    if (ours.status !== ref.status || (ours.error || '') !== (ref.error || '')) {
        problems.push(`outcome: ${labels[0]} ${describe(ours)} / ${labels[1]} ${describe(ref)}`);
        if (ours.error && ref.error && ours.status === ref.status) {
            problems.push(`  ${labels[0]} traceback:\n${indent(ours.error)}  ${labels[1]} traceback:\n${indent(ref.error)}`);
        }
    }
    if (ours.stdout !== ref.stdout) {
        const d = firstDifference(ours.stdout, ref.stdout);
        problems.push(`stdout differs at line ${d.line}:\n    ${labels[0]}: ${JSON.stringify(d.a)}\n` +
                      `    ${labels[1]}: ${JSON.stringify(d.b)}`);
    }
    return problems.length ? problems.join('\n') : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Worker thread: one fresh MicroPython instance per job.

class OutputLimit extends Error {}

function sharedWriter(buf) {
    const header = new Int32Array(buf, 0, 2);
    const data = new Uint8Array(buf, 8);
    return (bytes) => {
        const len = Atomics.load(header, 0);
        const room = data.length - len;
        const n = Math.min(room, bytes.length);
        data.set(n === bytes.length ? bytes : bytes.subarray(0, n), len);
        Atomics.store(header, 0, len + n);
        if (n < bytes.length) throw new OutputLimit('output limit reached');
    };
}

async function workerMain() {
    // micropython.mjs starts a REPL/script runner when it believes it is node's main script; keep argv short.
    process.argv.length = Math.min(process.argv.length, 1);
    const { loadMicroPython } = await import(MICROPYTHON_MJS);
    const writeOut = sharedWriter(workerData.outBuf);
    const writeErr = sharedWriter(workerData.errBuf);
    let limitHit = false;
    const guard = (write) => (bytes) => {
        try {
            write(bytes);
        } catch (e) {
            limitHit = true;
            throw e;
        }
    };
    const stdout = guard(writeOut);
    const stderr = guard(writeErr);

    parentPort.on('message', async (job) => {
        limitHit = false;
        let reply;
        try {
            const mp = await loadMicroPython({ stdout, stderr, linebuffer: false,
                                               heapsize: job.heapsize, pystack: job.pystack });
            mp.FS.mkdirTree('/app');
            for (const [rel, content] of Object.entries(job.files)) {
                const full = '/app/' + rel.replace(/^\/+/, '');
                mp.FS.mkdirTree(path.posix.dirname(full));
                mp.FS.writeFile(full, content);
            }
            mp.FS.chdir('/app');
            if (job.setup) mp.runPython(job.setup);
            if (job.run.import !== undefined) {
                mp.runPython(`__import__(${JSON.stringify(job.run.import)})`);
            } else {
                mp.runPython(job.run.exec);
            }
            reply = { status: 'ok' };
        } catch (e) {
            if (limitHit || e instanceof OutputLimit) {
                reply = { status: 'output-limit', error: 'output limit reached' };
            } else if (e && e.name === 'PythonError') {
                reply = { status: 'exception', error: e.message, errorType: e.type };
            } else {
                reply = { status: 'crash', error: String(e && e.stack || e) };
            }
        }
        parentPort.postMessage(reply);
    });
}

if (!isMainThread && workerData && workerData.mpyRunnerWorker) {
    await workerMain();
}
