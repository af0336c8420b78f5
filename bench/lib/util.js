// Shared bits: the forked bench server, timing, medians.
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVER = fileURLToPath(new URL('../server.js', import.meta.url));

// The CLI runs of sections 6 and 7: `box-docgen generate` over a sample from make-sample.js.
export const CLI = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url));
export const MAKE_SAMPLE = fileURLToPath(new URL('../../packages/cli/scripts/make-sample.js', import.meta.url));
export const BENCH_TOKEN = 'bench-token-0123456789';

/** `generate`'s arguments for a sample file (its rows are sent unchecked: no template here). */
export const generateArgs = ({ data, batchSize, state }) => [
  CLI,
  'generate',
  '--template',
  '1502867340',
  '--folder',
  '290044817',
  '--data',
  data,
  '--name',
  '{order.id} {vendor.company}',
  '--output-type',
  'pdf',
  '--batch-size',
  String(batchSize),
  '--state',
  state,
  '--quiet',
  '--json',
  '--no-check',
];

/** Forks bench/server.js and resolves once it listens. `ask` sends a control message and waits for its answer. */
export async function startServer() {
  const child = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue = [];
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on('message', (message) => {
      if (message.type === 'ready') resolve(message.url);
      else queue.shift()?.(message);
    });
  });
  return {
    url,
    pid: child.pid,
    /** One control message at a time (the server answers in order). */
    ask: (message) =>
      new Promise((resolve) => {
        queue.push(resolve);
        child.send(message);
      }),
    close: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', resolve);
        child.disconnect();
      }),
  };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Wall time (ms) and this process's CPU time (µs, user + system) of one awaited run.
 * No forced GC before it: a gc() between runs shrinks V8's young generation and made every
 * contender about twice as slow per request (measured), so the runs are left to V8 as in an app.
 */
export async function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuUs: cpu.user + cpu.system, value };
}

/** Runs `fn(i)` for i in [0, total): sequentially, or from `concurrency` loops sharing one counter. */
export async function drive(fn, total, concurrency = 1) {
  let next = 0;
  const loop = async () => {
    while (next < total) await fn(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function assert(condition, message) {
  if (!condition) throw new Error(`bench check failed: ${message}`);
}

/**
 * Runs `node …args` (this Node) with `env` added; killed after `limitS` seconds when given; with
 * `oneCpu`, pinned to CPU 0 by taskset (util-linux), so what it does is what one core can do.
 */
export function runNode(args, { env = {}, limitS = 0, oneCpu = false } = {}) {
  return new Promise((resolve, reject) => {
    const [command, argv] = oneCpu ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = limitS ? setTimeout(() => child.kill('SIGKILL'), limitS * 1000) : undefined;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
