// The fetch every request goes through: auth, version header, per-attempt timeout,
// retries with backoff, one token refresh on 401, and a log line per attempt.
import { DocGenConnectionError, DocGenTimeoutError, DocGenValidationError, type FailedRequest } from './errors.js';
import { RETRY_DEFAULTS, idempotent, retryDelayMs, retryableStatus, sleep, type RetryTuning } from './retry.js';

export const BOX_VERSION = '2025.0';

export type TokenSource = string | ((ctx: { forceRefresh: boolean }) => string | Promise<string>);

type LogFn = (message: string, data?: Record<string, unknown>) => void;
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** Options every method takes last. They override the client's for that call. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
}

export interface TransportConfig {
  token: TokenSource;
  fetch: (input: Request) => Promise<Response>;
  maxRetries: number;
  timeoutMs: number;
  logger?: Logger;
  retry?: RetryTuning;
}

type Fetch = (input: Request) => Promise<Response>;

// Failures that happen before a byte leaves the machine: safe to repeat even a POST.
const NEVER_SENT =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT|ConnectionRefused|connection refused|dns error/i;

function neverSent(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (NEVER_SENT.test(`${String(code ?? '')} ${String(message ?? '')}`)) return true;
  }
  return false;
}

const NO_BODY = new Set([204, 205, 304]);

function tokenProvider(source: TokenSource) {
  if (typeof source === 'string') return { get: async () => source, refresh: async () => source };
  let latest: string | undefined;
  let refreshing: Promise<string> | undefined;
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !value.trim()) {
      throw new DocGenValidationError('token', 'the token function must return a non-empty string');
    }
    return value;
  };
  return {
    get: async () => refreshing ?? check(await source({ forceRefresh: false })),
    /** One refresh serves every request that saw a 401 with an older token. */
    refresh: async (rejected: string) => {
      if (refreshing) return refreshing;
      if (latest !== undefined && latest !== rejected) return latest;
      refreshing = Promise.resolve(source({ forceRefresh: true }))
        .then(check)
        .then((value) => (latest = value))
        .finally(() => (refreshing = undefined));
      return refreshing;
    },
  };
}

function attemptSignal(parent: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  // Settles when the attempt is aborted, whether or not the fetch in flight hears of it: Node's
  // fetch follows the signal of a copied Request only weakly, and after a garbage collection
  // the abort can be lost (nodejs/undici#4068). The attempt races this, so it can never hang.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => {});
  let request: Request | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onAbort = () => controller.abort(parent!.reason);
  parent?.addEventListener('abort', onAbort, { once: true });
  // The caller may have aborted while the token was fetched; the listener would never fire.
  if (parent?.aborted) onAbort();
  return {
    signal: controller.signal,
    aborted,
    /** Holds the attempt's Request until done(), so the abort still reaches the default fetch. */
    keep: (value: Request) => (request = value),
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
      request = undefined;
    },
  };
}

export function createTransport(config: TransportConfig) {
  const token = tokenProvider(config.token);
  const log = config.logger;

  /** A fetch for one call, with that call's options applied. */
  return (call: CallOptions = {}): Fetch =>
    async (input) => {
      const maxRetries = call.maxRetries ?? config.maxRetries;
      const timeoutMs = call.timeoutMs ?? config.timeoutMs;
      const { method, url } = input;
      const path = new URL(url).pathname;
      const request: FailedRequest = { method, url };
      // Read the body once; each attempt gets a fresh Request around the same bytes.
      const body = input.body ? await input.arrayBuffer() : undefined;
      let refreshed = false;

      for (let attempt = 0; ; attempt++) {
        if (call.signal?.aborted) throw call.signal.reason;
        const bearer = await token.get();
        const headers = new Headers(input.headers);
        headers.set('authorization', `Bearer ${bearer}`);
        headers.set('box-version', BOX_VERSION);
        const guard = attemptSignal(call.signal, timeoutMs);
        const started = Date.now();
        let response: Response | undefined;
        let buffered: ArrayBuffer | null = null;
        try {
          const attemptRequest = guard.keep(new Request(url, { method, headers, body, signal: guard.signal, redirect: input.redirect }));
          response = await Promise.race([config.fetch(attemptRequest), guard.aborted]);
          // Buffer inside the attempt so the timeout also covers a body that stalls.
          if (!NO_BODY.has(response.status)) buffered = await Promise.race([response.arrayBuffer(), guard.aborted]);
        } catch (error) {
          if (call.signal?.aborted) throw call.signal.reason;
          const timedOut = guard.timedOut();
          const unsent = response === undefined && !timedOut && neverSent(error);
          const ms = Date.now() - started;
          const retrying = attempt < maxRetries && (idempotent(method) || unsent);
          const delayMs = retryDelayMs(attempt, undefined, config.retry);
          log?.debug(`${method} ${path} failed: ${timedOut ? 'timeout' : 'connection error'} (attempt ${attempt + 1}, ${ms} ms)`, {
            method, path, attempt: attempt + 1, error: timedOut ? 'timeout' : 'connection', ...(retrying && { delayMs }),
          });
          if (retrying) {
            log?.warn(`retrying ${method} ${path} in ${delayMs} ms after a ${timedOut ? 'timeout' : 'connection error'}`, {
              method, path, attempt: attempt + 1, delayMs,
            });
            await sleep(delayMs, call.signal);
            continue;
          }
          const outcomeUnknown = !idempotent(method) && !unsent;
          const what = timedOut ? `timed out after ${timeoutMs} ms` : 'failed to connect or lost the connection';
          const tail = outcomeUnknown
            ? '; the request may have reached Box, so its outcome is unknown and it was not retried'
            : attempt > 0 ? ` (after ${attempt + 1} attempts)` : '';
          const message = `${method} ${path} ${what}${tail}`;
          throw timedOut
            ? new DocGenTimeoutError(message, request, outcomeUnknown, { cause: error })
            : new DocGenConnectionError(message, request, outcomeUnknown, { cause: error });
        } finally {
          guard.done();
        }

        const { status } = response;
        const result = new Response(buffered, { status, statusText: response.statusText, headers: response.headers });
        // A constructed Response has an empty url; errors quote it.
        Object.defineProperty(result, 'url', { value: url });
        if (status === 401 && typeof config.token === 'function' && !refreshed) {
          refreshed = true;
          log?.debug(`${method} ${path} → 401, refreshing the token (attempt ${attempt + 1})`, { method, path, status, attempt: attempt + 1 });
          await token.refresh(bearer);
          attempt--; // the repeat after a refresh is not a retry
          continue;
        }
        if (attempt < maxRetries && retryableStatus(method, status)) {
          const delayMs = retryDelayMs(attempt, response.headers, config.retry);
          log?.debug(`${method} ${path} → ${status} (attempt ${attempt + 1}, ${Date.now() - started} ms)`, {
            method, path, status, attempt: attempt + 1, delayMs,
          });
          log?.warn(`retrying ${method} ${path} in ${delayMs} ms after ${status}`, { method, path, status, attempt: attempt + 1, delayMs });
          await sleep(delayMs, call.signal);
          continue;
        }
        log?.debug(`${method} ${path} → ${status} (attempt ${attempt + 1}, ${Date.now() - started} ms)`, {
          method, path, status, attempt: attempt + 1,
        });
        return result;
      }
    };
}

export const TRANSPORT_DEFAULTS = { maxRetries: RETRY_DEFAULTS.maxRetries, timeoutMs: 60_000 };
