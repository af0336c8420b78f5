// batches.wait and jobs.wait against a fault server: one call per page per round, progress,
// unknown statuses, deadline and abort.
import { DocGenApiError, DocGenWaitTimeoutError, type WaitProgress } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';
import { respond, stall, type Script } from '../helpers/fault-server.js';
import { apiError, clientFor, delay, jobCompleted, jobPending, rejection, useFaultServers } from './support.js';

const serve = useFaultServers();

const QUICKLY_MS = 3_000;

const job = (i: number, status: string) => ({
  id: `job-${i}`,
  type: 'docgen_job',
  batch: { id: 'B1', type: 'docgen_batch' },
  template_file: { id: '1502867340', type: 'file' },
  template_file_version: { id: '1652298017', type: 'file_version' },
  status,
  output_type: 'pdf',
  output_file: null,
  output_file_version: null,
  failures: null,
});

/**
 * The job list of batch B1, `total` jobs in pages of the asked limit (markers are offsets).
 * A request without a marker starts a new round; `statusOf(round, i)` gives job i's status.
 */
function batchJobs(total: number, statusOf: (round: number, i: number) => string, stallRound?: number): Script {
  let round = -1;
  return (_, request) => {
    const url = new URL(request.url, 'http://x');
    const offset = Number(url.searchParams.get('marker') ?? 0);
    if (!url.searchParams.has('marker')) round++;
    if (round === stallRound) return stall();
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const end = Math.min(total, offset + limit);
    const entries = Array.from({ length: end - offset }, (_, k) => job(offset + k, statusOf(round, offset + k)));
    return respond(200, {
      entries,
      limit,
      next_marker: end < total ? String(end) : null,
      prev_marker: offset ? String(offset - limit) : null,
    });
  };
}

const finishedStatus = (i: number) => (i % 10 === 0 ? 'failed' : i % 10 === 1 ? 'completed_with_error' : 'completed');

describe('batches.wait', () => {
  it('polls the job list one call per page per round, reports progress, and resolves with every job', async () => {
    const statusOf = (round: number, i: number) =>
      round === 0
        ? i % 2
          ? 'submitted'
          : 'pending'
        : round === 1
          ? i < 2000
            ? finishedStatus(i)
            : 'pending'
          : round === 2 && i === 7
            ? 'archived' // a status from the future: not finished
            : finishedStatus(i);
    const server = await serve(batchJobs(2_500, statusOf));
    const progress: WaitProgress[] = [];
    const jobs = await clientFor(server).batches.wait('B1', { intervalMs: 5, onProgress: (p) => progress.push(p) });

    expect(progress).toEqual([
      { total: 2500, finished: 0, completed: 0, failed: 0, completedWithError: 0, pending: 2500 },
      { total: 2500, finished: 2000, completed: 1600, failed: 200, completedWithError: 200, pending: 500 },
      { total: 2500, finished: 2499, completed: 1999, failed: 250, completedWithError: 250, pending: 1 },
      { total: 2500, finished: 2500, completed: 2000, failed: 250, completedWithError: 250, pending: 0 },
    ]);
    // 4 rounds x 3 pages; never one call per job.
    expect(server.requests.map((r) => r.url)).toEqual(
      Array.from({ length: 4 }, () => [
        '/2.0/docgen_batch_jobs/B1?limit=1000',
        '/2.0/docgen_batch_jobs/B1?limit=1000&marker=1000',
        '/2.0/docgen_batch_jobs/B1?limit=1000&marker=2000',
      ]).flat(),
    );
    expect(jobs).toHaveLength(2500);
    expect(jobs.map((j) => j.id)).toEqual(Array.from({ length: 2500 }, (_, i) => `job-${i}`));
    expect(jobs.map((j) => j.status)).toEqual(Array.from({ length: 2500 }, (_, i) => finishedStatus(i)));
  });

  it('counts an unknown status ("archived") as not finished', async () => {
    const server = await serve(batchJobs(3, (round, i) => (round < 2 && i === 1 ? 'archived' : 'completed')));
    const progress: WaitProgress[] = [];
    await clientFor(server).batches.wait('B1', { intervalMs: 5, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => [p.finished, p.pending])).toEqual([
      [2, 1],
      [2, 1],
      [3, 0],
    ]);
    expect(server.requests).toHaveLength(3);
  });

  it('stops at timeoutMs with DocGenWaitTimeoutError carrying the jobs seen so far', async () => {
    const server = await serve(batchJobs(3, () => 'pending'));
    const started = Date.now();
    const error = await rejection(clientFor(server).batches.wait('B1', { intervalMs: 20, timeoutMs: 300 }));
    expect(error).toBeInstanceOf(DocGenWaitTimeoutError);
    expect(error.message).toMatch(/batch B1 did not finish within 300 ms: 0 of 3 jobs finished/);
    expect(error.jobs).toEqual([job(0, 'pending'), job(1, 'pending'), job(2, 'pending')]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(QUICKLY_MS + 300);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('the deadline also stops a poll in flight', async () => {
    const server = await serve(batchJobs(3, (_round, i) => (i === 0 ? 'completed' : 'pending'), 1));
    const started = Date.now();
    // timeoutMs of the client (per attempt) is far longer than the wait's deadline.
    const error = await rejection(
      clientFor(server, { timeoutMs: 30_000 }).batches.wait('B1', { intervalMs: 10, timeoutMs: 300 }),
    );
    expect(error).toBeInstanceOf(DocGenWaitTimeoutError);
    expect(error.jobs.map((j: { status: string }) => j.status)).toEqual(['completed', 'pending', 'pending']);
    expect(error.message).toMatch(/1 of 3 jobs finished/);
    expect(Date.now() - started).toBeLessThan(QUICKLY_MS + 300);
    expect(server.requests).toHaveLength(2);
  });

  it('an abort of the signal while waiting between rounds rejects with its reason; no further poll', async () => {
    const server = await serve(batchJobs(3, () => 'pending'));
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    let reports = 0;
    const call = rejection(
      clientFor(server).batches.wait('B1', {
        intervalMs: 10_000,
        signal: controller.signal,
        onProgress: () => reports++,
      }),
    );
    while (reports === 0) await delay(5);
    const abortedAt = Date.now();
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(QUICKLY_MS);
    await delay(100);
    expect(server.requests).toHaveLength(1);
  });

  it('a signal aborted before the call rejects with its reason and polls nothing', async () => {
    const server = await serve(batchJobs(3, () => 'completed'));
    const reason = new Error('already cancelled');
    const error = await rejection(clientFor(server).batches.wait('B1', { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it('an API error while polling is thrown as is', async () => {
    const server = await serve(() => respond(404, apiError(404, 'not_found')));
    const error = await rejection(clientFor(server).batches.wait('B1', { intervalMs: 5 }));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(404);
  });
});

describe('jobs.wait', () => {
  it('polls the job until it has finished, reporting progress; unknown statuses are not finished', async () => {
    const statuses = ['submitted', 'pending', 'archived', 'completed'];
    const server = await serve((i) =>
      respond(200, { ...jobCompleted, status: statuses[i], ...(i < 3 && { output_file: null }) }),
    );
    const progress: WaitProgress[] = [];
    const done = await clientFor(server).jobs.wait('5000001', { intervalMs: 5, onProgress: (p) => progress.push(p) });
    expect(done).toEqual(jobCompleted);
    expect(server.requests.map((r) => r.url)).toEqual(Array(4).fill('/2.0/docgen_jobs/5000001'));
    expect(progress.map((p) => [p.total, p.finished, p.pending, p.completed])).toEqual([
      [1, 0, 1, 0],
      [1, 0, 1, 0],
      [1, 0, 1, 0],
      [1, 1, 0, 1],
    ]);
  });

  it('resolves with a failed job too: failed is finished', async () => {
    const server = await serve([respond(200, jobPending), respond(200, { ...jobPending, status: 'failed' })]);
    expect((await clientFor(server).jobs.wait('5000001', { intervalMs: 5 })).status).toBe('failed');
    expect(server.requests).toHaveLength(2);
  });

  it('stops at timeoutMs with DocGenWaitTimeoutError carrying the job as last seen', async () => {
    const server = await serve(() => respond(200, jobPending));
    const error = await rejection(clientFor(server).jobs.wait('5000001', { intervalMs: 20, timeoutMs: 250 }));
    expect(error).toBeInstanceOf(DocGenWaitTimeoutError);
    expect(error.jobs).toEqual([jobPending]);
    expect(error.message).toMatch(/job 5000001 did not finish within 250 ms/);
  });
});
