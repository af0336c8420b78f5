// Per-request client cost: GET /docgen_jobs/{id} and POST /docgen_batches, sequential and from
// 16 concurrent loops, for each contender against the same forked node:http server.
// Each client is checked for a correct answer (body, headers, request body as the server parsed
// it) before anything is timed, and every timed answer is checked too. Runs are interleaved
// (each repetition visits every contender, in a rotated order), the first repetition is a
// warm-up, and the medians of the others are reported.
import { deepStrictEqual } from 'node:assert/strict';
import { BATCH_BODY, BATCH_CREATED, JOB, JOB_ID } from '../server.js';
import { boxSdk, openapiFetch, ours, rawFetch, wire } from './clients.js';
import { assert, drive, median, timed } from './util.js';

export const CONCURRENCY = 16;

const CONTENDERS = [
  rawFetch,
  (url) => rawFetch(url, { timeout: true }),
  openapiFetch,
  ours,
  boxSdk,
  (url) => boxSdk(url, { keepAlive: true }),
];

async function verify(server, contender) {
  await server.ask({ type: 'reset' });
  const job = await contender.getJob(JOB_ID);
  deepStrictEqual(wire(job), JOB, `${contender.label}: GET /docgen_jobs/{id} answer`);
  assert(job.id === JOB.id && job.status === 'completed', `${contender.label}: the job it returns`);
  const batch = await contender.createBatch();
  deepStrictEqual(wire(batch), BATCH_CREATED, `${contender.label}: POST /docgen_batches answer`);
  const stats = await server.ask({ type: 'stats' });
  deepStrictEqual(stats.lastBatchBody, BATCH_BODY, `${contender.label}: the batch body the server received`);
  assert(stats.bad === 0, `${contender.label}: ${stats.bad} request(s) refused (headers or body)`);
  deepStrictEqual(
    stats.counts,
    { 'GET /docgen_jobs/{id}': 1, 'POST /docgen_batches': 1 },
    `${contender.label}: requests sent`,
  );
}

const OPS = {
  GET: (c) => async () => {
    const job = await c.getJob(JOB_ID);
    if (job.id !== JOB_ID) throw new Error(`${c.label}: wrong job`);
  },
  POST: (c) => async () => {
    const batch = await c.createBatch();
    if (batch.id !== BATCH_CREATED.id) throw new Error(`${c.label}: wrong batch`);
  },
};

/**
 * `reps` timed repetitions, after `warmupReps` identical ones that are thrown away: a few hundred
 * warm-up requests were not enough (the first timed repetition ran up to 2× slower for every client).
 * Runs are long enough (a quarter second or more) that one garbage collection landing in a run
 * cannot move its median much: runs of 800 concurrent requests took 50 ms, and the same client's
 * ratio then moved between 1.07× and 1.30× from one bench to the next.
 */
export async function benchRequests(
  server,
  { sequential = 1000, concurrent = 4000, reps = 12, warmupReps = 1, log = () => {} } = {},
) {
  const contenders = CONTENDERS.map((make) => make(server.url));
  for (const c of contenders) await verify(server, c);
  log(`  verified: ${contenders.map((c) => c.label).join(', ')} each got the right job, batch and request body`);

  const cases = [];
  for (const op of ['GET', 'POST']) {
    cases.push({ op, concurrency: 1, n: sequential }, { op, concurrency: CONCURRENCY, n: concurrent });
  }
  const samples = {};
  for (let rep = -warmupReps; rep < reps; rep++) {
    for (const kase of cases) {
      const key = `${kase.op} ${kase.concurrency === 1 ? 'sequential' : `${kase.concurrency} concurrent`}`;
      samples[key] ??= {};
      // Rotate the order each repetition so that no contender always runs first or last.
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(k + rep + warmupReps) % contenders.length];
        await server.ask({ type: 'reset' });
        const run = await timed(() => drive(OPS[kase.op](c), kase.n, kase.concurrency));
        const stats = await server.ask({ type: 'stats' });
        const sent = Object.values(stats.counts).reduce((a, b) => a + b, 0);
        assert(stats.bad === 0 && sent === kase.n, `${c.label} ${key}: ${sent} requests, ${stats.bad} refused`);
        if (rep >= 0)
          (samples[key][c.name] ??= []).push({
            wallUs: (run.wallMs * 1000) / kase.n,
            cpuUs: run.cpuUs / kase.n,
            connections: stats.connections,
          });
      }
    }
    log(rep < 0 ? '  warm-up repetition done' : `  repetition ${rep + 1}/${reps} done`);
  }

  const result = { sequential, concurrent, concurrency: CONCURRENCY, reps, warmupReps, contenders: {}, cases: {} };
  for (const c of contenders) result.contenders[c.name] = c.label;
  for (const [key, byClient] of Object.entries(samples)) {
    const n = key.includes('sequential') ? sequential : concurrent;
    const base = {
      wallUs: median(byClient.fetch.map((s) => s.wallUs)),
      cpuUs: median(byClient.fetch.map((s) => s.cpuUs)),
    };
    result.cases[key] = {};
    for (const { name } of contenders) {
      const runs = byClient[name];
      const wallUs = median(runs.map((s) => s.wallUs));
      const cpuUs = median(runs.map((s) => s.cpuUs));
      result.cases[key][name] = {
        wallUs,
        cpuUs,
        wallRatio: wallUs / base.wallUs,
        cpuRatio: cpuUs / base.cpuUs,
        connectionsPerRun: median(runs.map((s) => s.connections)),
        requestsPerRun: n,
        runs,
      };
    }
  }
  return result;
}
