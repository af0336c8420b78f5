#!/usr/bin/env node
// How long until the mock answers, from a cold start: in a fresh Node process per run, the time
// to import @box-docgen/mock, start the server (Prism + front) and get the first answer to
// GET /docgen_jobs/{job_id}. Prints each run and the median; asserts nothing.
//
//   node packages/mock/bench/startup.js [--runs 5] [--child]
//
// --child measures startMockServer({ childProcess: true }) instead (a second Node process).
// Needs the built package (npm run build). `import` is the package entry; Prism itself is loaded
// inside startMockServer, so it counts under `start`. `whole process` adds Node's own boot.
import { spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);

if (args[0] === '--once') {
  // One measurement, in this fresh process.
  const child = args.includes('--child');
  const t0 = performance.now();
  const { startMockServer } = await import('../dist/index.js');
  const t1 = performance.now();
  // --static: the spec's examples; otherwise the stateful default (its job list, empty at first).
  const mock = await startMockServer({ childProcess: child, ...(args.includes('--static') && { mode: 'static' }) });
  const t2 = performance.now();
  const response = await fetch(`${mock.url}/docgen_jobs${args.includes('--static') ? '/8200451' : ''}`, {
    headers: { 'box-version': '2025.0', authorization: 'Bearer bench' },
  });
  await response.arrayBuffer();
  const t3 = performance.now();
  await mock.close();
  if (response.status !== 200) throw new Error(`unexpected status ${response.status}`);
  process.stdout.write(
    `${JSON.stringify({ import: t1 - t0, start: t2 - t1, firstAnswer: t3 - t2, total: t3 - t0, nodeBoot: t0 })}\n`,
  );
  process.exit(0);
}

const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
const child = args.includes('--child');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

function once() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--once', ...(child ? ['--child'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    p.once('error', reject);
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`run exited with ${code}: ${out}`));
      resolve({ ...JSON.parse(out), process: performance.now() - started });
    });
  });
}

const ms = (n) => `${Math.round(n).toString().padStart(5)} ms`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

console.log(
  `@box-docgen/mock startup${child ? ' (childProcess: true)' : ''}: Node ${process.version}, ` +
    `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${runs} cold runs\n`,
);
console.log('run   import    start  1st answer  import→answer  whole process');
console.log('                (loads Prism)');
const results = [];
for (let i = 1; i <= runs; i++) {
  const r = await once();
  results.push(r);
  console.log(
    `${String(i).padStart(3)}  ${ms(r.import)} ${ms(r.start)}  ${ms(r.firstAnswer)}       ${ms(r.total)}       ${ms(r.process)}`,
  );
}
const m = (key) => median(results.map((r) => r[key]));
console.log(
  `med  ${ms(m('import'))} ${ms(m('start'))}  ${ms(m('firstAnswer'))}       ${ms(m('total'))}       ${ms(m('process'))}`,
);
console.log(
  `\nready (import + start + first answer): median ${Math.round(m('total'))} ms, worst ${Math.round(Math.max(...results.map((r) => r.total)))} ms` +
    ` — ${m('total') < 2000 ? 'under' : 'OVER'} the 2 s budget`,
);
