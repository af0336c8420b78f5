// Polling until Doc Gen jobs finish, with a growing interval and a deadline.
import { DocGenWaitTimeoutError } from './errors.js';
import { deadline, sleep } from './retry.js';

/** Statuses after which a job never changes. Anything else, including a status added later, is still running. */
export const FINISHED_STATUSES: readonly string[] = ['completed', 'failed', 'completed_with_error'];

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
  timeoutMs?: number;
  intervalMs?: number;
  onProgress?: (progress: WaitProgress) => void;
}

export function progressOf(jobs: readonly { status?: string }[]): WaitProgress {
  // FINISHED_STATUSES holds exactly these three, so together they are the finished jobs.
  const [completed, failed, completedWithError] = FINISHED_STATUSES.map((status) => jobs.filter((job) => job.status === status).length) as [number, number, number];
  const finished = completed + failed + completedWithError;
  return { total: jobs.length, finished, completed, failed, completedWithError, pending: jobs.length - finished };
}

/**
 * Calls `poll` until it returns a non-empty list of finished jobs. `poll` gets a
 * signal that aborts at the deadline, so a poll in flight stops too.
 */
export async function waitUntilFinished<Job extends { status?: string }>(
  what: string,
  poll: (signal: AbortSignal) => Promise<Job[]>,
  options: WaitOptions = {},
): Promise<Job[]> {
  const { signal } = options;
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
      options.onProgress?.(progressOf(seen));
      if (seen.length && !progressOf(seen).pending) return seen;
      await sleep(interval, polling);
      interval = Math.min(MAX_INTERVAL_MS, interval * FACTOR);
    }
  } catch (error) {
    signal?.throwIfAborted();
    if (polling.aborted) {
      throw new DocGenWaitTimeoutError(`${what} did not finish within ${timeoutMs} ms: ${progressOf(seen).finished} of ${seen.length} jobs finished`, seen);
    }
    throw error;
  } finally {
    done();
  }
}
