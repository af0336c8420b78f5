#!/usr/bin/env node
// npm run bench: @box-docgen/client and @box-docgen/mock against the alternatives, every figure
// measured in this one run on this machine, each section as ratios to its own baseline.
//
//   npm run bench                 build the client and mock, type-check bench/apps, then this
//   node bench/run.js [--quick]   --quick: fewer, shorter runs (a smoke test; writes quick.json)
//
// Prints progress on stderr and the table on stdout; writes bench/results/latest.json.
// Sections (each file says how it measures):
//   lib/requests.js    per-request cost: raw fetch, openapi-fetch, @box-docgen/client, box-node-sdk
//   lib/size.js        bundle size of the same browser app on each library
//   lib/pagination.js  walking 100,000 jobs: time against a hand-written marker loop, peak heap
//   lib/waiting.js     API calls spent waiting for a 1,000-job batch, against per-job polling
//   lib/mock.js        @box-docgen/mock startup and requests per second
//   lib/rate-limit.js  box-docgen generate through a rate limiter: share of the limit used, refused
//   lib/scale.js       box-docgen generate of 10,000 and 1,000,000 rows: CPU per row, peak RSS, rate
// The local server (server.js) runs in a forked process, so its CPU never counts as the client's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchMock } from './lib/mock.js';
import { benchPagination, HEAP_SIZES } from './lib/pagination.js';
import { benchRateLimit } from './lib/rate-limit.js';
import { benchRequests } from './lib/requests.js';
import { benchScale } from './lib/scale.js';
import { BUDGET_BYTES } from '../scripts/size.js';
import { benchSize } from './lib/size.js';
import { startServer } from './lib/util.js';
import { benchWaiting } from './lib/waiting.js';

const quick = process.argv.includes('--quick');
const log = (line) => process.stderr.write(`${line}\n`);
const root = fileURLToPath(new URL('..', import.meta.url));
// Read directly: not every package exports its package.json (box-node-sdk maps ./* into lib-esm).
const version = (pkg) => JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, 'utf8')).version;

function git() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'packages/client/src', 'packages/mock/src'], {
        cwd: root,
        encoding: 'utf8',
      }).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown CPU',
  cores: availableParallelism(),
  os: `${type()} ${release()} ${arch()}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const versions = {
  '@box-docgen/client': version('@box-docgen/client'),
  '@box-docgen/mock': version('@box-docgen/mock'),
  'openapi-fetch': version('openapi-fetch'),
  'box-node-sdk': version('box-node-sdk'),
  esbuild: version('esbuild'),
};
const started = Date.now();
log(`box-docgen benchmarks${quick ? ' (--quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);

log('bundle size');
const size = await benchSize({ log });

const server = await startServer();
let requests, pagination, waiting, mock;
try {
  log(`per-request cost (server pid ${server.pid}, ${server.url})`);
  requests = await benchRequests(
    server,
    quick ? { sequential: 200, concurrent: 400, reps: 2, log } : { sequential: 1000, concurrent: 4000, reps: 12, log },
  );
  log('pagination');
  pagination = await benchPagination(
    server,
    quick ? { total: 20_000, reps: 1, log } : { total: 100_000, reps: 5, log },
  );
  log('waiting');
  waiting = await benchWaiting(server, { log });
  log('mock');
  mock = await benchMock(
    server,
    quick
      ? { startupRuns: 1, requests: 500, reps: 1, warmup: 50, log }
      : { startupRuns: 5, requests: 2000, reps: 5, warmup: 200, log },
  );
} finally {
  await server.close();
}
log('rate limits');
const rateLimit = await benchRateLimit(quick ? { rows: 600, longRows: 0, log } : { log });
log('scale');
const scale = await benchScale(quick ? { sizes: [2_000, 20_000], log } : { log });

const result = {
  date: new Date(started).toISOString(),
  durationS: Math.round((Date.now() - started) / 1000),
  command: 'npm run bench',
  quick,
  machine,
  versions,
  git: git(),
  requests,
  size,
  pagination,
  waiting,
  mock,
  rateLimit,
  scale,
};

// ----- the table ---------------------------------------------------------------------------------
const int = (n) => Math.round(n).toLocaleString('en-US');
const x = (n) => `${n.toFixed(2)}×`;
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
const lines = [];
const say = (line = '') => lines.push(line);

say(
  `box-docgen benchmarks — ${result.date.slice(0, 16).replace('T', ' ')} UTC${quick ? ' (QUICK: not for publishing)' : ''}`,
);
say(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`);
say(
  `command: npm run bench   (${result.durationS} s; ${Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')})`,
);
if (result.git)
  say(`source:  ${result.git.commit}${result.git.dirty ? ' + uncommitted changes in packages/*/src' : ''}`);

const labels = requests.contenders;
say();
say(`1. Per-request client cost — a plain node:http server in its own process, same answers for all;`);
say(
  `   medians of ${requests.reps} interleaved runs (after ${requests.warmupReps} warm-up) of ${int(requests.sequential)} (sequential) / ${int(requests.concurrent)} (${requests.concurrency} concurrent) requests;`,
);
say(
  `   µs per request; CPU is the client process only; ×fetch = ratio to raw fetch; conns = new TCP connections per run`,
);
say(
  `   ${pad('case', 19)} ${pad('client', 32)} ${num('wall µs', 8)} ${num('×fetch', 7)} ${num('CPU µs', 8)} ${num('×fetch', 7)} ${num('conns', 6)}`,
);
for (const [kase, byClient] of Object.entries(requests.cases)) {
  let first = true;
  for (const [name, r] of Object.entries(byClient)) {
    say(
      `   ${pad(first ? kase : '', 19)} ${pad(name === 'fetch' ? `${labels[name]} (baseline)` : labels[name], 32)} ${num(int(r.wallUs), 8)} ${num(x(r.wallRatio), 7)} ${num(int(r.cpuUs), 8)} ${num(x(r.cpuRatio), 7)} ${num(int(r.connectionsPerRun), 6)}`,
    );
    first = false;
  }
}
const ourCases = Object.values(requests.cases).map((c) => c['box-docgen']);
const spanOf = (values) => `${x(Math.min(...values))}–${x(Math.max(...values))}`;
const span = (key) => spanOf(ourCases.map((r) => r[key]));
// The target is time per request (wall); CPU is printed beside it, and the next line shows how
// much of it any request with a timeout pays in this runtime's fetch.
const worst = Math.max(...ourCases.map((r) => r.wallRatio));
say(
  `   @box-docgen/client / raw fetch: wall ${span('wallRatio')} — target ≤ 1.20×: ${worst <= 1.2 ? 'met' : 'NOT MET'}; CPU ${span('cpuRatio')}`,
);
const vsAbortable = (key) => Object.values(requests.cases).map((c) => c['box-docgen'][key] / c['fetch-timeout'][key]);
say(
  `   @box-docgen/client / raw fetch + AbortSignal.timeout: wall ${spanOf(vsAbortable('wallUs'))}, CPU ${spanOf(vsAbortable('cpuUs'))}`,
);
const vsBox = (sdk) => Object.values(requests.cases).map((c) => c[sdk].wallUs / c['box-docgen'].wallUs);
say(
  `   box-node-sdk / @box-docgen/client, wall: ${spanOf(vsBox('box-node-sdk'))} (default agent), ${spanOf(vsBox('box-node-sdk-keepalive'))} (keep-alive agent)`,
);

say();
say(`2. Bundle size — the same browser app (create a batch, wait for it, list jobs) on each library;`);
say(`   ${size.options}; ×o-f = ratio to plain openapi-fetch`);
say(`   ${pad('app', 44)} ${num('minified', 9)} ${num('gzip', 8)} ${num('×o-f', 7)}`);
for (const [name, app] of Object.entries(size.apps)) {
  say(
    `   ${pad(name === 'openapi-fetch' ? `${app.label} (baseline)` : app.label, 44)} ${num(int(app.minified), 9)} ${num(int(app.gzip), 8)} ${num(x(app.gzipRatio), 7)}`,
  );
}
say(`   every bundle built for platform=browser with no Node built-in left (box-node-sdk through its "browser" field)`);
say(
  `   of the lite app, the operation table + request-rule checker: ${int(size.table.gzip)} B gzip (${(size.table.share * 100).toFixed(0)}%), ${int(size.table.minified)} B minified`,
);
const lite = size.apps['box-docgen'].gzip;
say(
  `   lite app ${int(lite)} B gzip — budget ≤ ${int(BUDGET_BYTES)} B (npm test): ${lite <= BUDGET_BYTES ? 'met' : 'NOT MET'}; the 5 KiB target: ${lite <= 5120 ? 'met' : 'not met'}`,
);

say();
say(
  `3. Pagination — walking ${int(pagination.total)} jobs (${pagination.pages} pages of 1,000) from the local server; medians of ${pagination.reps} interleaved walks;`,
);
say(
  `   ×loop = ratio to a hand-written marker loop on raw fetch; heap: MiB above the heap before the walk, in a fresh`,
);
say(`   process per walk; peak = highest heapUsed (garbage included), live = highest heapUsed right after a full GC`);
const [small, big] = HEAP_SIZES;
say(
  `   ${pad('walker', 36)} ${num('ms', 6)} ${num('×loop', 6)} ${num('CPU ms', 7)} ${num('×loop', 6)}   ${num(`peak ${small / 1000}k/${big / 1000}k`, 16)}   ${num(`live ${small / 1000}k/${big / 1000}k`, 15)}`,
);
const walkers = {
  fetch: 'raw fetch marker loop (baseline)',
  'openapi-fetch': 'openapi-fetch marker loop',
  'box-docgen': '@box-docgen/client for await',
  'box-node-sdk': 'box-node-sdk marker loop',
};
for (const [name, r] of Object.entries(pagination.contenders)) {
  say(
    `   ${pad(walkers[name], 36)} ${num(int(r.wallMs), 6)} ${num(x(r.wallRatio), 6)} ${num(int(r.cpuMs), 7)} ${num(x(r.cpuRatio), 6)}   ${num(`${mb(r.heap[small].peak)} / ${mb(r.heap[big].peak)}`, 16)}   ${num(`${mb(r.heap[small].peakLive)} / ${mb(r.heap[big].peakLive)}`, 15)}`,
  );
}

const growth = (name, key) =>
  (pagination.contenders[name].heap[big][key] - pagination.contenders[name].heap[small][key]) / 2 ** 20;
const extra = Math.max(
  growth('box-docgen', 'peak') - growth('fetch', 'peak'),
  growth('box-docgen', 'peakLive') - growth('fetch', 'peakLive'),
);
say(
  `   ${big / small}× the jobs: @box-docgen/client peak ${growth('box-docgen', 'peak') >= 0 ? '+' : ''}${growth('box-docgen', 'peak').toFixed(1)} MiB, live ${growth('box-docgen', 'peakLive') >= 0 ? '+' : ''}${growth('box-docgen', 'peakLive').toFixed(1)} MiB;` +
    ` raw fetch loop ${growth('fetch', 'peak').toFixed(1)} / ${growth('fetch', 'peakLive').toFixed(1)} MiB — ${extra < 1 ? 'no growth with the item count beyond the baseline' : 'GROWS with the item count'}`,
);

say();
say(
  `4. Waiting — a batch of ${int(waiting.jobs)} jobs that finish over ${waiting.rounds} rounds (${int(waiting.jobs / waiting.rounds)} a round); API calls until all are known finished`,
);
say(`   ${pad('way', 74)} ${num('calls', 6)} ${num('×naive', 8)} ${num('ms', 6)}`);
say(
  `   ${pad('per-job polling: list once, then jobs.get each unfinished job (baseline)', 74)} ${num(int(waiting.naive.calls), 6)} ${num(x(1), 8)} ${num(int(waiting.naive.wallMs), 6)}`,
);
say(
  `   ${pad('batches.wait(id, { intervalMs: 1 })', 74)} ${num(int(waiting.batchesWait.calls), 6)} ${num(`${waiting.ratio.toFixed(4)}×`, 8)} ${num(int(waiting.batchesWait.wallMs), 6)}`,
);

say();
say(`5. Mock — @box-docgen/mock (startMockServer() defaults: Prism, response validation, journal) against the plain`);
say(
  `   node:http bench server; startup: median of ${mock.startupRuns} fresh processes (import + start + first answer to GET /docgen_jobs/{id});`,
);
say(
  `   throughput: GET /docgen_jobs/{id}, ${mock.concurrency} concurrent loops, ${int(mock.requests)} requests a run, median of ${mock.reps}, server in its own process`,
);
say(
  `   ${pad('', 36)} ${num('stateful', 9)} ${num('static', 9)} ${num('node:http', 10)} ${num('×node:http', 11)} ${num('×static', 8)}`,
);
say(
  `   ${pad('startup to first answer (ms)', 36)} ${num(int(mock.startup.mock.readyMs), 9)} ${num(int(mock.startup.static.readyMs), 9)} ${num(int(mock.startup.bare.readyMs), 10)} ${num(x(mock.startup.ratio), 11)} ${num(x(mock.statefulVsStatic.startup), 8)}`,
);
say(
  `   ${pad('  whole process, spawn to exit (ms)', 36)} ${num(int(mock.startup.mock.processMs), 9)} ${num(int(mock.startup.static.processMs), 9)} ${num(int(mock.startup.bare.processMs), 10)} ${num(x(mock.startup.mock.processMs / mock.startup.bare.processMs), 11)} ${num(x(mock.startup.mock.processMs / mock.startup.static.processMs), 8)}`,
);
say(
  `   ${pad('requests per second', 36)} ${num(int(mock.throughput.mock.rps), 9)} ${num(int(mock.throughput.static.rps), 9)} ${num(int(mock.throughput.bare.rps), 10)} ${num(x(mock.throughput.ratio), 11)} ${num(x(mock.statefulVsStatic.rps), 8)}`,
);
const slower = 1 / mock.statefulVsStatic.rps;
say(
  `   stateful against static: ${((slower - 1) * 100).toFixed(0)}% ${slower >= 1 ? 'slower' : 'faster'} per request — target ≤ 20% slower: ${slower <= 1.2 ? 'met' : 'NOT MET'}`,
);

say();
say(
  `6. Rate limits — box-docgen generate, rows in batches of 10, through a limiter in front of the mock (Retry-After: 1 on a 429);`,
);
say(
  `   share of limit = POSTs accepted / (burst + limit rate × run time); target ≥ 90% used and ≤ 5% refused, every row once`,
);
say(
  `   ${pad('limiter', 30)} ${pad('client', 22)} ${num('POSTs', 6)} ${num('s', 6)} ${num('ideal s', 8)} ${num('used', 6)} ${num('refused', 8)}  rows once`,
);
for (const r of Object.values(rateLimit)) {
  const met = r.shareOfLimit >= 0.9 && r.shareRefused <= 0.05 && r.rowsOnce && r.exit === 0;
  say(
    `   ${pad(r.shape, 30)} ${pad(r.maxRate ? `--max-rate ${r.maxRate}` : 'found from 429s', 22)} ${num(int(r.posts), 6)} ${num(r.seconds.toFixed(1), 6)} ${num(r.idealSeconds.toFixed(1), 8)} ${num(`${(r.shareOfLimit * 100).toFixed(0)}%`, 6)} ${num(`${(r.shareRefused * 100).toFixed(1)}%`, 8)}  ${r.rowsOnce ? 'yes' : 'NO'}${met ? '' : '  (target not met)'}`,
  );
}

say();
say(
  `7. Scale — box-docgen generate against a synthetic Box (answers every batch at once, in the bench process), batches of`,
);
say(
  `   ${scale.batchSize}, --max-rate high enough never to pace, the CLI pinned to one CPU (taskset); CPU and peak RSS of the CLI process only`,
);
say(
  `   ${num('rows', 10)} ${num('s', 7)} ${num('POSTs/s', 8)} ${num('CPU µs/row', 11)} ${num('cores', 6)} ${num('peak RSS MiB', 13)}`,
);
for (const r of scale.runs) {
  say(
    `   ${num(int(r.rows), 10)} ${num(r.seconds.toFixed(1), 7)} ${num(int(r.postsPerS), 8)} ${num(r.done ? r.cpuUsPerRow.toFixed(0) : 'not done', 11)} ${num(r.done ? r.cores.toFixed(2) : '', 6)} ${num(r.maxRss ? mb(r.maxRss) : '', 13)}`,
  );
}
const slowest = Math.min(...scale.runs.map((r) => r.postsPerS));
say(
  `   peak RSS ×${scale.rssRatio.toFixed(2)} and CPU per row ×${scale.cpuPerRowRatio.toFixed(2)} from the smallest to the largest — memory target ≤ 1.20×: ${scale.rssRatio <= 1.2 ? 'met' : 'NOT MET'};`,
);
say(`   submit rate ≥ 170 POSTs/s on one core: ${slowest >= 170 ? 'met' : 'NOT MET'} (slowest ${int(slowest)}/s)`);

const table = lines.join('\n');
result.table = table;
const outDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const outFile = `${outDir}${quick ? 'quick' : 'latest'}.json`;
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(table);
log(`\nwrote ${outFile.slice(root.length)}`);
