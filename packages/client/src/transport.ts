// The fetch every request goes through: auth, version header, per-attempt timeout,
// retries with backoff, one token refresh on 401, and a log line per attempt.
import { DocGenConnectionError, DocGenTimeoutError, DocGenValidationError, OUTCOME_UNKNOWN, type FailedRequest } from './errors.js';
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
      /** One debug line per attempt, and a warning when a retry follows. Never a header. */
      const note = (data: Record<string, unknown>, started: number) => {
        const what = data.status ?? (data.error === 'timeout' ? 'a timeout' : 'a connection error');
        log?.debug(`${method} ${path} → ${what} (attempt ${data.attempt}, ${Date.now() - started} ms)`, data);
        if (data.delayMs !== undefined) log?.warn(`retrying ${method} ${path} in ${data.delayMs} ms after ${what}`, data);
      };

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
          const retry = attempt < maxRetries && (idempotent(method) || unsent);
          const delayMs = retryDelayMs(attempt, undefined, config.retry);
          note({ method, path, attempt: attempt + 1, error: timedOut ? 'timeout' : 'connection', ...(retry && { delayMs }) }, started);
          if (retry) {
            await sleep(delayMs, call.signal);
            continue;
          }
          const outcomeUnknown = !idempotent(method) && !unsent;
          const message = `${method} ${path} ${timedOut ? `timed out after ${timeoutMs} ms` : 'failed to connect or lost the connection'}${
            outcomeUnknown ? `; ${OUTCOME_UNKNOWN}` : attempt ? ` (after ${attempt + 1} attempts)` : ''}`;
          throw new (timedOut ? DocGenTimeoutError : DocGenConnectionError)(message, request, outcomeUnknown, { cause: error });
        } finally {
          guard.done();
        }

        const { status } = response;
        const refresh = status === 401 && typeof config.token === 'function' && !refreshed;
        const retry = !refresh && attempt < maxRetries && retryableStatus(method, status);
        const delayMs = retryDelayMs(attempt, response.headers, config.retry);
        note({ method, path, status, attempt: attempt + 1, ...(retry && { delayMs }) }, started);
        if (refresh) {
          refreshed = true;
          await token.refresh(bearer);
          attempt--; // the repeat after a refresh is not a retry
        } else if (retry) {
          await sleep(delayMs, call.signal);
        } else {
          const result = new Response(buffered, { status, statusText: response.statusText, headers: response.headers });
          // A constructed Response has an empty url; errors quote it.
          Object.defineProperty(result, 'url', { value: url });
          return result;
        }
      }
    };
}

export const TRANSPORT_DEFAULTS = { maxRetries: RETRY_DEFAULTS.maxRetries, timeoutMs: 60_000 };
