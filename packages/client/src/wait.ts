// Polling until Doc Gen jobs finish, with a growing interval and a deadline.
import { DocGenWaitTimeoutError } from './errors.js';
import { sleep } from './retry.js';

/** Statuses after which a job never changes. Anything else, including a status added later, is still running. */
export const FINISHED_STATUSES: readonly string[] = ['completed', 'failed', 'completed_with_error'];

export const WAIT_DEFAULTS = {
  /** First pause between polls. */
  intervalMs: 1_000,
  /** Each pause is this much longer than the one before... */
  factor: 1.5,
  /** ...up to this. */
  maxIntervalMs: 15_000,
  /** Give up after this long overall. */
  timeoutMs: 10 * 60_000,
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

export function isFinished(job: { status?: string }): boolean {
  return FINISHED_STATUSES.includes(job.status as string);
}

export function progressOf(jobs: readonly { status?: string }[]): WaitProgress {
  const count = (status: string) => jobs.filter((job) => job.status === status).length;
  const finished = jobs.filter(isFinished).length;
  return {
    total: jobs.length,
    finished,
    completed: count('completed'),
    failed: count('failed'),
    completedWithError: count('completed_with_error'),
    pending: jobs.length - finished,
  };
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
  // An 'abort' listener never fires for a signal that is already aborted.
  if (options.signal?.aborted) throw options.signal.reason;
  const timeoutMs = options.timeoutMs ?? WAIT_DEFAULTS.timeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('wait timed out', 'TimeoutError')), timeoutMs);
  const onAbort = () => deadline.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let interval = options.intervalMs ?? WAIT_DEFAULTS.intervalMs;
  let seen: Job[] = [];
  try {
    for (;;) {
      seen = await poll(deadline.signal);
      options.onProgress?.(progressOf(seen));
      if (seen.length > 0 && seen.every(isFinished)) return seen;
      await sleep(interval, deadline.signal);
      interval = Math.min(WAIT_DEFAULTS.maxIntervalMs, interval * WAIT_DEFAULTS.factor);
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.signal.aborted) {
      const p = progressOf(seen);
      throw new DocGenWaitTimeoutError(
        `${what} did not finish within ${timeoutMs} ms: ${p.finished} of ${p.total} jobs finished`,
        seen,
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
