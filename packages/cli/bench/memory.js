// Memory of `box-docgen generate` for 1,000 and 10,000 rows: does it grow with the row count?
//
//   npx tsc -b packages/client packages/mock packages/cli && node packages/cli/bench/memory.js
//
// Generates the inputs in a temp dir (the sample generator), starts the mock in this process
// (bulk-batches: a batch id per request, one job per row, done on the first poll), runs the
// built CLI as a child with a sampler preloaded, and prints peak RSS and heap for each run and
// the 10,000 / 1,000 ratio. Printed, not asserted: the numbers depend on the machine and on
// when V8 collects garbage. Two modes: submit only, and submit + --wait + report.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startMockServer } from '@box-docgen/mock';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const makeSample = join(here, '..', 'scripts', 'make-sample.js');
const measure = pathToFileURL(join(here, 'measure.js')).href;
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const node = process.env.BENCH_NODE ?? process.execPath;

function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The generate command of every run here: the sample's template, folder and name pattern. */
const generate = (data, state, ...more) => [
  cli,
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
  '--state',
  state,
  '--quiet',
  '--json',
  '--no-check',
  ...more,
];

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const work = mkdtempSync(join(tmpdir(), 'box-docgen-bench-'));
const mock = await startMockServer({ scenario: 'bulk-batches:polls=0' });
const results = [];
let capped = { rows: 0, ok: false };
try {
  for (const wait of [false, true]) {
    for (const rows of SIZES) {
      const data = join(work, `orders-${rows}.csv`);
      await run(process.execPath, [makeSample, String(rows), data]);
      const state = join(work, `orders-${rows}-${wait ? 'wait' : 'submit'}.ledger.jsonl`);
      const measured = join(work, `measure-${rows}-${wait}.json`);
      const started = Date.now();
      const result = await run(
        node,
        [
          '--expose-gc',
          '--import',
          measure,
          ...generate(data, state, '--batch-size', '25', '--concurrency', '4'),
          ...(wait ? ['--wait', '--poll-interval', '5', '--report', join(work, `report-${rows}.csv`)] : []),
        ],
        { BOX_DEVELOPER_TOKEN: 'bench-token', BOX_DOCGEN_BASE_URL: mock.url, BOX_DOCGEN_MEASURE_OUT: measured },
      );
      const ms = Date.now() - started;
      if (result.code !== 0)
        throw new Error(`generate of ${rows} rows exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
      const summary = JSON.parse(result.stdout);
      if (summary.submitted.rows !== rows)
        throw new Error(`expected ${rows} rows submitted, got ${summary.submitted.rows}`);
      const m = JSON.parse(readFileSync(measured, 'utf8'));
      results.push({ mode: wait ? 'submit + wait + report' : 'submit', rows, ms, ...m });
    }
  }
  // The same largest run with the V8 heap capped: it completes, so it never needs more.
  const rows = Math.max(...SIZES);
  const data = join(work, `orders-${rows}.csv`);
  const cappedRun = await run(
    node,
    [
      '--max-old-space-size=24',
      ...generate(data, join(work, 'capped.ledger.jsonl')),
      '--wait',
      '--poll-interval',
      '5',
      '--report',
      join(work, 'capped.csv'),
    ],
    { BOX_DEVELOPER_TOKEN: 'bench-token', BOX_DOCGEN_BASE_URL: mock.url },
  );
  capped = { rows, ok: cappedRun.code === 0 && JSON.parse(cappedRun.stdout).report?.rows === rows };
} finally {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
}

console.log(
  `box-docgen generate, batch size 25, concurrency 4, node ${(await run(node, ['--version'])).stdout.trim()}\n`,
);
console.table(
  results.map((r) => ({
    mode: r.mode,
    rows: r.rows,
    time: `${(r.ms / 1000).toFixed(2)} s`,
    'peak RSS': mb(r.maxRss),
    'peak heap used': mb(r.peakHeapUsed),
    'peak heap total': mb(r.peakHeapTotal),
    'peak external': mb(r.peakExternal),
    'live heap after GC': mb(r.peakLive ?? 0),
  })),
);
for (const mode of new Set(results.map((r) => r.mode))) {
  const [small, large] = [Math.min(...SIZES), Math.max(...SIZES)].map((n) =>
    results.find((r) => r.mode === mode && r.rows === n),
  );
  if (!small || !large || small === large) continue;
  console.log(
    `${mode}: ${large.rows}/${small.rows} rows → peak RSS ×${(large.maxRss / small.maxRss).toFixed(2)}, ` +
      `peak heap used ×${(large.peakHeapUsed / small.peakHeapUsed).toFixed(2)}, ` +
      `live heap after GC ×${(large.peakLive / small.peakLive).toFixed(2)} (rows ×${large.rows / small.rows})`,
  );
}
console.log(
  `with --max-old-space-size=24 (a 24 MB old generation), submit + wait + report of ${capped.rows} rows: ` +
    `${capped.ok ? 'completed' : 'FAILED'}`,
);
