// When to try again, and how long to wait first; plus the abort plumbing that sleeps,
// attempts and waits share.

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;
export const MAX_RETRIES = 3;

/** Defaults, documented in the README. */
export const RETRY_DEFAULTS = {
  maxRetries: MAX_RETRIES,
  /** First backoff step; doubles each attempt. */
  baseDelayMs: BASE_DELAY_MS,
  /** Largest computed backoff. */
  maxDelayMs: MAX_DELAY_MS,
  /** Largest wait taken from a Retry-After header. */
  maxRetryAfterMs: MAX_RETRY_AFTER_MS,
};

export type RetryTuning = Partial<Omit<typeof RETRY_DEFAULTS, 'maxRetries'>>;

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** True when a repeat of this method can never do the work twice. */
export const idempotent = (method: string) => method !== 'POST' && method !== 'PATCH';

/**
 * A POST is retried on 429 only: Box refused it before acting. Any other status
 * may come after the documents were generated, so repeating could duplicate them.
 */
export const retryableStatus = (method: string, status: number) =>
  idempotent(method) ? RETRY_STATUSES.has(status) : status === 429;

/** What an attempt leads to, given how it ended. */
export interface AttemptEnd {
  method: string;
  /** The answer's status; undefined when there was none (connection failure, timeout). */
  status: number | undefined;
  /** True when nothing left the machine, so even a POST may be sent again. */
  unsent: boolean;
  /** Retries made so far, and allowed. */
  retries: number;
  maxRetries: number;
  /** A token function that has not been forced to refresh for this call yet. */
  canRefresh: boolean;
}

/**
 * The decision after each attempt: hand the answer back (whatever its status: the caller turns
 * a non-2xx into an error), retry, refresh the token and repeat once (on a 401), or fail.
 */
export function afterAttempt({
  method,
  status,
  unsent,
  retries,
  maxRetries,
  canRefresh,
}: AttemptEnd): 'answer' | 'retry' | 'refresh' | 'fail' {
  if (status === 401 && canRefresh) return 'refresh';
  const again = status === undefined ? idempotent(method) || unsent : retryableStatus(method, status);
  if (again && retries < maxRetries) return 'retry';
  return status === undefined ? 'fail' : 'answer';
}

/** A header holding a plain number, else NaN. */
const number = (value: string | null | undefined) => (/^\s*\d+(\.\d+)?\s*$/.test(value!) ? +value! : NaN);

/**
 * The wait before retry number `attempt + 1`: the server's word if it gave one (retry-after-ms,
 * or Retry-After in seconds or as an HTTP date; names are case-insensitive), else backoff with
 * jitter, half fixed and half random.
 */
export function retryDelayMs(attempt: number, headers: Headers | undefined, tuning: RetryTuning = {}): number {
  const after = headers?.get('retry-after');
  let asked = number(headers?.get('retry-after-ms'));
  // NaN fails every comparison, so each `>= 0` below also means "the header said something".
  if (!(asked >= 0)) asked = number(after) * 1000;
  if (!(asked >= 0)) asked = Math.max(0, Date.parse(after!) - Date.now());
  if (asked >= 0) return Math.min(asked, tuning.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS);
  const step = Math.min(tuning.maxDelayMs ?? MAX_DELAY_MS, (tuning.baseDelayMs ?? BASE_DELAY_MS) * 2 ** attempt);
  return Math.round(step / 2 + (Math.random() * step) / 2);
}

/**
 * Calls `fn` with the signal's reason when it aborts, or at once when it already has (an
 * 'abort' listener never fires for a signal that is already aborted). Returns the disposer.
 */
export function onAbort(signal: AbortSignal | undefined, fn: (reason: unknown) => void): () => void {
  const listener = () => fn(signal!.reason);
  signal?.addEventListener('abort', listener);
  if (signal?.aborted) listener();
  return () => signal?.removeEventListener('abort', listener);
}

/**
 * A signal that aborts when `parent` does, or after `ms` with a TimeoutError; `done` stops the
 * timer and the listening.
 *
 * `race` settles a promise no later than the abort, whether or not the work behind it hears of
 * it: Node's fetch follows the signal of a copied Request only weakly, and after a garbage
 * collection the abort can be lost (nodejs/undici#4068). For the same reason `keep` holds that
 * Request until done(), so the abort still reaches the default fetch.
 */
export function deadline(parent: AbortSignal | undefined, ms: number) {
  const controller = new AbortController();
  const { signal } = controller;
  // Rejected by `abort`, never by a listener on `signal`: fetch keeps `signal` alive after the
  // call, and a listener would keep this promise, and every value raced against it, alive too.
  let reject!: (reason: unknown) => void;
  const aborted = new Promise<never>((_, r) => (reject = r));
  aborted.catch(() => {});
  const abort = (reason: unknown) => {
    controller.abort(reason);
    reject(reason);
  };
  const timer = setTimeout(() => abort(new DOMException('timed out', 'TimeoutError')), ms);
  const off = onAbort(parent, abort);
  let kept: unknown;
  return {
    signal,
    race: <T>(promise: Promise<T>) => Promise.race([promise, aborted]),
    keep: <T>(value: T) => (kept = value),
    done: () => {
      clearTimeout(timer);
      off();
      kept = undefined;
    },
  };
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      resolve();
    }, ms);
    const off = onAbort(signal, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
