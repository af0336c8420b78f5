// Waiting against Prism serving the bundled spec: the fetch given to the client picks the
// named example of each poll with a Prefer header, so the mock walks a job from pending to done.
import { createDocGenClient, type WaitProgress } from '@box-docgen/client';
import type {} from '@box-docgen/mock/vitest'; // types inject('mockUrl')
import { describe, expect, inject, it } from 'vitest';
import { example } from '../helpers/spec.js';

/** A client whose polls of `path` get `example=before` for the first `n`, then `example=after`. */
function scripted(path: RegExp, n: number, before: string, after: string) {
  const seen: string[] = [];
  const docgen = createDocGenClient({
    token: 'prism-token',
    baseUrl: inject('mockUrl'),
    maxRetries: 0,
    fetch: (input) => {
      const request = new Request(input);
      if (path.test(new URL(request.url).pathname)) {
        const name = seen.length < n ? before : after;
        seen.push(name);
        request.headers.set('Prefer', `example=${name}`);
      }
      return fetch(request);
    },
  });
  return { docgen, seen };
}

const batchExample = (name: string) => example('/docgen_batch_jobs/{batch_id}', 'get', 200, name);
const BATCH_PATH = /\/docgen_batch_jobs\/7000123$/;

describe('batches.wait against the mock', () => {
  it('pending for two rounds, then completed: progress moves from pending to finished, one call per round', async () => {
    const { docgen, seen } = scripted(BATCH_PATH, 2, 'pending', 'completed');
    const progress: WaitProgress[] = [];
    const jobs = await docgen.batches.wait('7000123', { intervalMs: 5, onProgress: (p) => progress.push(p) });

    expect(jobs).toEqual(batchExample('completed').entries);
    expect(seen).toEqual(['pending', 'pending', 'completed']);
    expect(seen).toHaveLength(progress.length); // one call per round: the example is a single page
    expect(progress).toEqual([
      { total: 3, finished: 0, completed: 0, failed: 0, completedWithError: 0, pending: 3 },
      { total: 3, finished: 0, completed: 0, failed: 0, completedWithError: 0, pending: 3 },
      { total: 3, finished: 3, completed: 3, failed: 0, completedWithError: 0, pending: 0 },
    ]);
  });

  it('pending, then mixed: completed, failed and completed_with_error are all finished', async () => {
    const { docgen, seen } = scripted(BATCH_PATH, 1, 'pending', 'mixed');
    const progress: WaitProgress[] = [];
    const jobs = await docgen.batches.wait('7000123', { intervalMs: 5, onProgress: (p) => progress.push(p) });

    expect(jobs).toEqual(batchExample('mixed').entries);
    expect(seen).toEqual(['pending', 'mixed']);
    expect(progress).toHaveLength(2);
    expect(progress[0]).toMatchObject({ total: 3, finished: 0, pending: 3 });
    expect(progress[1]).toEqual({ total: 3, finished: 3, completed: 1, failed: 1, completedWithError: 1, pending: 0 });
  });
});

describe('jobs.wait against the mock', () => {
  it('pending for three polls, then completed', async () => {
    const { docgen, seen } = scripted(/\/docgen_jobs\/5000001$/, 3, 'pending', 'completed');
    const progress: WaitProgress[] = [];
    const job = await docgen.jobs.wait('5000001', { intervalMs: 5, onProgress: (p) => progress.push(p) });

    expect(job).toEqual(example('/docgen_jobs/{job_id}', 'get', 200, 'completed'));
    expect(seen).toEqual(['pending', 'pending', 'pending', 'completed']);
    expect(progress.map((p) => p.pending)).toEqual([1, 1, 1, 0]);
    expect(progress.map((p) => p.finished)).toEqual([0, 0, 0, 1]);
  });
});
