// Waiting: API calls spent until every job of a 1,000-job batch has finished.
// On the server, job i of the batch finishes on its (1 + i % 10)-th look: 100 jobs on each of
// looks 1..10, where a look is a poll of the batch's job list or a GET of that job. So both ways
// see the same jobs finish in the same round:
//  - batches.wait (intervalMs 1): one GET /docgen_batch_jobs/{id} (limit 1,000) per round.
//  - the naive way: the batch's job list once for the ids (round 1), then GET /docgen_jobs/{id}
//    for every job not yet finished, each round (16 at a time), until none is left.
import { WAIT_BATCH_ID, WAIT_JOBS, WAIT_ROUNDS } from '../server.js';
import { ours } from './clients.js';
import { assert, drive, sleep, timed } from './util.js';

const FINISHED = new Set(['completed', 'failed', 'completed_with_error']);

async function naive(docgen) {
  const page = await docgen.batches.listJobs(WAIT_BATCH_ID, { limit: 1000 });
  const jobs = page.entries;
  let rounds = 1;
  let unfinished = jobs.filter((job) => !FINISHED.has(job.status));
  while (unfinished.length && rounds < 100) {
    await sleep(1);
    rounds++;
    const seen = [];
    await drive(async (i) => (seen[i] = await docgen.jobs.get(unfinished[i].id)), unfinished.length, 16);
    unfinished = seen.filter((job) => !FINISHED.has(job.status));
  }
  return { rounds, jobs: jobs.length };
}

export async function benchWaiting(server, { log = () => {} } = {}) {
  const { docgen } = ours(server.url);
  const calls = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

  await server.ask({ type: 'reset' });
  let rounds = 0;
  const waited = await timed(() => docgen.batches.wait(WAIT_BATCH_ID, { intervalMs: 1, onProgress: () => rounds++ }));
  const waitStats = await server.ask({ type: 'stats' });
  assert(
    waited.value.length === WAIT_JOBS && waited.value.every((job) => job.status === 'completed'),
    'batches.wait returned every job finished',
  );
  assert(waitStats.bad === 0 && rounds === WAIT_ROUNDS, `batches.wait took ${rounds} rounds`);

  await server.ask({ type: 'reset' });
  const polled = await timed(() => naive(docgen));
  const naiveStats = await server.ask({ type: 'stats' });
  assert(
    naiveStats.bad === 0 && polled.value.rounds === WAIT_ROUNDS,
    `the naive loop took ${polled.value.rounds} rounds`,
  );
  log(`  batches.wait: ${calls(waitStats.counts)} calls; per-job polling: ${calls(naiveStats.counts)} calls`);

  return {
    jobs: WAIT_JOBS,
    rounds: WAIT_ROUNDS,
    batchesWait: { calls: calls(waitStats.counts), byRoute: waitStats.counts, wallMs: waited.wallMs, rounds },
    naive: {
      calls: calls(naiveStats.counts),
      byRoute: naiveStats.counts,
      wallMs: polled.wallMs,
      rounds: polled.value.rounds,
    },
    ratio: calls(waitStats.counts) / calls(naiveStats.counts),
  };
}
