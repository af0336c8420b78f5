// Polling until Doc Gen jobs finish, with a growing interval and a deadline.
import { DocGenWaitTimeoutError } from './errors.js';
import type { DocGenJobStatus } from '@box-docgen/types';
import { deadline, sleep } from './retry.js';
import { waitOptions } from './validate.js';

/**
 * Statuses after which a job never changes. Anything else, including a status added later, is
 * still running. Which statuses are final is ours to say; that each is a status of the spec is
 * checked by `satisfies` (and by `npm run check:drift`).
 */
export const FINISHED_STATUSES = [
  'completed',
  'failed',
  'completed_with_error',
] as const satisfies readonly DocGenJobStatus[];

const INTERVAL_MS = 1_000;
const FACTOR = 1.5;
const MAX_INTERVAL_MS = 15_000;
const TIMEOUT_MS = 10 * 60_000;

export const WAIT_DEFAULTS = {
  /** First pause between polls. */
  intervalMs: INTERVAL_MS,
  /** Each pause is this much longer than the one before... */
  factor: FACTOR,
  /** ...up to this. */
  maxIntervalMs: MAX_INTERVAL_MS,
  /** Give up after this long overall. */
  timeoutMs: TIMEOUT_MS,
};

export interface WaitProgress {
  total: number;
  finished: number;
  completed: number;
  failed: number;
  completedWithError: number;
  pending: number;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up after this long overall (default 10 min). */
  timeoutMs?: number;
  /** First pause between polls (default 1 s); it grows each round. */
  intervalMs?: number;
  /**
   * How many jobs to wait for: the rows the batch was sent, when you know it. A batch listing
   * fewer jobs is not finished yet, even if all it lists are (Box may still be adding them).
   */
  expectedJobs?: number;
  onProgress?: (progress: WaitProgress) => void;
}

export function progressOf(jobs: readonly { status?: string }[], expected = 0): WaitProgress {
  const count = (...statuses: readonly DocGenJobStatus[]) =>
    jobs.filter((job) => statuses.includes(job.status as DocGenJobStatus)).length;
  const finished = count(...FINISHED_STATUSES);
  const completed = count('completed');
  const failed = count('failed');
  const completedWithError = count('completed_with_error');
  // Jobs not listed yet count as pending.
  const total = Math.max(jobs.length, expected);
  return { total, finished, completed, failed, completedWithError, pending: total - finished };
}

/**
 * Calls `poll` until it returns a non-empty list of finished jobs, at least `expectedJobs` of
 * them. `poll` gets a signal that aborts at the deadline, so a poll in flight stops too.
 */
export async function waitUntilFinished<Job extends { status?: string }>(
  what: string,
  poll: (signal: AbortSignal) => Promise<Job[]>,
  options: WaitOptions = {},
): Promise<Job[]> {
  const { signal, expectedJobs } = waitOptions(options);
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  let interval = options.intervalMs ?? INTERVAL_MS;
  // A caller's signal that has already aborted aborts `polling` at once: the first poll then
  // rejects before any request, and the catch below rethrows the caller's reason.
  const { signal: polling, done } = deadline(signal, timeoutMs);
  let seen: Job[] = [];
  try {
    for (;;) {
      seen = await poll(polling);
      // onProgress gets its own copy: what it does with it cannot change the outcome.
      const progress = progressOf(seen, expectedJobs);
      options.onProgress?.({ ...progress });
      if (seen.length && !progress.pending) return seen;
      await sleep(interval, polling);
      interval = Math.min(MAX_INTERVAL_MS, interval * FACTOR);
    }
  } catch (error) {
    signal?.throwIfAborted();
    if (polling.aborted) {
      const { finished, total } = progressOf(seen, expectedJobs);
      throw new DocGenWaitTimeoutError(
        `${what} did not finish within ${timeoutMs} ms: ${finished} of ${total} jobs finished${seen.length < total ? ` (${seen.length} listed)` : ''}`,
        seen,
      );
    }
    throw error;
  } finally {
    done();
  }
}
