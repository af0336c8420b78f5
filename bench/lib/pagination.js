// Pagination: walk every job of GET /docgen_jobs, 1,000 a page, from the forked server.
//  - time: 100,000 jobs (100 pages) per run, interleaved runs, medians; the baseline is a
//    hand-written marker loop on raw fetch.
//  - heap: each walk of 10,000 and of 100,000 jobs in a fresh process (node --expose-gc,
//    bench/lib/heap-child.js), sampling heapUsed; printed side by side so growth would show.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { boxSdk, openapiFetch, ours, rawFetch } from './clients.js';
import { assert, median, timed } from './util.js';

const HEAP_CHILD = fileURLToPath(new URL('./heap-child.js', import.meta.url));
const CONTENDERS = { fetch: rawFetch, 'openapi-fetch': openapiFetch, 'box-docgen': ours, 'box-node-sdk': boxSdk };
export const HEAP_SIZES = [10_000, 100_000];

/** Walks every job, checking the count and the ids in order. */
export async function walk(contender, total) {
  let items = 0;
  let bad = 0;
  await contender.eachJob((job) => {
    if (job.id !== String(10_000_000 + items)) bad++;
    items++;
  });
  assert(items === total && bad === 0, `${contender.label}: walked ${items} of ${total} jobs, ${bad} out of order`);
  return items;
}

function heapRun(url, name, total) {
  return new Promise((resolve, reject) => {
    const child = fork(HEAP_CHILD, [url, name, String(total)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.once('message', (message) => (result = message));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`heap run ${name} ${total} exited with ${code}`)),
    );
  });
}

export async function benchPagination(server, { total = 100_000, reps = 5, log = () => {} } = {}) {
  await server.ask({ type: 'config', jobsTotal: total });
  const contenders = Object.values(CONTENDERS).map((make) => make(server.url));
  // Warm-up, and the check that each one walks every job in order.
  for (const c of contenders) await walk(c, total);
  log(`  verified: each contender walked all ${total} jobs in order`);

  const samples = {};
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + rep) % contenders.length];
      await server.ask({ type: 'reset' });
      const run = await timed(() => walk(c, total));
      const stats = await server.ask({ type: 'stats' });
      assert(
        stats.counts['GET /docgen_jobs'] === total / 1000 && stats.bad === 0,
        `${c.label}: ${stats.counts['GET /docgen_jobs']} page requests`,
      );
      (samples[c.name] ??= []).push({ wallMs: run.wallMs, cpuMs: run.cpuUs / 1000 });
    }
  }
  log(`  timed ${reps} interleaved walks of ${total} jobs per contender`);

  const heap = {};
  for (const n of HEAP_SIZES) {
    await server.ask({ type: 'config', jobsTotal: n });
    for (const name of Object.keys(CONTENDERS)) (heap[name] ??= {})[n] = await heapRun(server.url, name, n);
  }
  log(`  heap measured in fresh processes for ${HEAP_SIZES.join(' and ')} jobs`);
  await server.ask({ type: 'config', jobsTotal: total });

  const base = median(samples.fetch.map((s) => s.wallMs));
  const baseCpu = median(samples.fetch.map((s) => s.cpuMs));
  const result = { total, pages: total / 1000, reps, contenders: {} };
  for (const c of contenders) {
    const wallMs = median(samples[c.name].map((s) => s.wallMs));
    const cpuMs = median(samples[c.name].map((s) => s.cpuMs));
    result.contenders[c.name] = {
      label: c.label,
      wallMs,
      cpuMs,
      wallRatio: wallMs / base,
      cpuRatio: cpuMs / baseCpu,
      heap: heap[c.name],
      runs: samples[c.name],
    };
  }
  return result;
}
