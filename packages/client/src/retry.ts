// When to try again, and how long to wait first. Pure functions plus one sleep.

/** Defaults, documented in the README. */
export const RETRY_DEFAULTS = {
  maxRetries: 3,
  /** First backoff step; doubles each attempt. */
  baseDelayMs: 500,
  /** Largest computed backoff. */
  maxDelayMs: 8_000,
  /** Largest wait taken from a Retry-After header. */
  maxRetryAfterMs: 60_000,
};

export type RetryTuning = Partial<Omit<typeof RETRY_DEFAULTS, 'maxRetries'>>;

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** True when a repeat of this method can never do the work twice. */
export function idempotent(method: string): boolean {
  return method !== 'POST' && method !== 'PATCH';
}

/**
 * A POST is retried on 429 only: Box refused it before acting. Any other status
 * may come after the documents were generated, so repeating could duplicate them.
 */
export function retryableStatus(method: string, status: number): boolean {
  return idempotent(method) ? RETRY_STATUSES.has(status) : status === 429;
}

const number = (value: string | null) => (value && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : undefined);

/** Milliseconds the server asked us to wait, or undefined. Header names are case-insensitive. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = number(headers.get('retry-after-ms'));
  if (ms !== undefined) return ms;
  const value = headers.get('retry-after');
  const seconds = number(value);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(value ?? '');
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter (half fixed, half random), capped. */
export function backoffMs(attempt: number, tuning: RetryTuning = {}, random = Math.random): number {
  const base = tuning.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const cap = tuning.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const step = Math.min(cap, base * 2 ** attempt);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** The wait before retry number `attempt + 1`: the server's word if it gave one, else backoff. */
export function retryDelayMs(attempt: number, headers: Headers | undefined, tuning: RetryTuning = {}): number {
  const asked = headers && retryAfterMs(headers);
  if (asked !== undefined) return Math.min(asked, tuning.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs);
  return backoffMs(attempt, tuning);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
