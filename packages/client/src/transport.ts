// The fetch every request goes through: auth, version header, per-attempt timeout,
// retries with backoff, one token refresh on 401, and a log line per attempt.
import { mergeHeaders } from 'openapi-fetch';
import { DocGenConnectionError, DocGenTimeoutError, DocGenValidationError, OUTCOME_UNKNOWN } from './errors.js';
import { MAX_RETRIES, deadline, idempotent, retryDelayMs, retryableStatus, sleep, type RetryTuning } from './retry.js';

export const BOX_VERSION = '2025.0';

export const TIMEOUT_MS = 60_000;

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

/** The client's options the transport reads; unset ones take the defaults. */
export interface TransportConfig {
  token: TokenSource;
  /** Default globalThis.fetch, looked up per request. */
  fetch?: (input: Request) => Promise<Response>;
  maxRetries?: number;
  timeoutMs?: number;
  logger?: Logger;
  retry?: RetryTuning;
}

type Fetch = (input: Request) => Promise<Response>;

// Failures that happen before a byte leaves the machine: safe to repeat even a POST.
// Node's codes (ECONNREFUSED, ENOTFOUND, EAI_AGAIN, EHOSTUNREACH, ENETUNREACH), undici's
// connect timeout, Bun's ConnectionRefused, Deno's "connection refused" and "dns error".
const NEVER_SENT = /E(CONNREFUSED|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH)|UND_ERR_CONNECT_TIMEOUT|connection ?refused|dns error/i;

/** Looks through the error and up to four of its causes. */
const neverSent = (e: any, depth = 0): boolean =>
  !!e && typeof e === 'object' && depth < 5 && (NEVER_SENT.test(`${e.code} ${e.message}`) || neverSent(e.cause, depth + 1));

export function createTransport(config: TransportConfig) {
  const { token, logger: log } = config;
  // The token: asked for per attempt; on a 401, one refresh serves every request that saw
  // the 401 with an older token.
  let latest: string | undefined;
  let refreshing: Promise<string> | undefined;
  const ask = async (forceRefresh: boolean) => {
    // A string token was checked when the client was made, so it passes again.
    const value = typeof token === 'string' ? token : await token({ forceRefresh });
    if (typeof value !== 'string' || !value.trim()) throw new DocGenValidationError('token', 'must return a non-empty string');
    return value;
  };

  /** A fetch for one call, with that call's options applied. */
  return ({ signal, ...call }: CallOptions = {}): Fetch =>
    async (input) => {
      const maxRetries = call.maxRetries ?? config.maxRetries ?? MAX_RETRIES;
      const timeoutMs = call.timeoutMs ?? config.timeoutMs ?? TIMEOUT_MS;
      const { method, url } = input;
      const safe = idempotent(method);
      // Read the body once; each attempt gets a fresh Request around the same bytes.
      const body = input.body ? await input.arrayBuffer() : undefined;
      let refreshed = false;

      for (let attempt = 0; ; attempt++) {
        if (signal?.aborted) throw signal.reason;
        const bearer = await (refreshing ?? ask(false));
        const headers = mergeHeaders(input.headers, { authorization: `Bearer ${bearer}`, 'box-version': BOX_VERSION });
        const guard = deadline(signal, timeoutMs);
        const started = Date.now();
        let response: Response | undefined;
        let buffered: ArrayBuffer | null = null;
        let failure: unknown;
        let unsent = false;
        try {
          // Bound late, so a fetch replaced after creation (test tools do this) is used.
          response = await guard.race((config.fetch ?? fetch)(guard.keep(new Request(url, { method, headers, body, signal: guard.signal, redirect: input.redirect }))));
          // Buffer inside the attempt so the timeout also covers a body that stalls.
          // (204, 205 and 304 answers have no body, and a Response refuses one for them.)
          if (response.body) buffered = await guard.race(response.arrayBuffer());
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          failure = error;
          // Only the timer or the caller aborts an attempt, and the caller's abort has thrown.
          unsent = !response && !guard.signal.aborted && neverSent(error);
          response = undefined;
        } finally {
          guard.done();
        }

        // From here on, no response means the attempt failed.
        const timedOut = guard.signal.aborted;
        const status = response?.status;
        const refresh = status === 401 && typeof token === 'function' && !refreshed;
        const retry = !refresh && attempt < maxRetries && (response ? retryableStatus(method, status!) : safe || unsent);
        const delayMs = retry ? retryDelayMs(attempt, response?.headers, config.retry) : 0;
        // Only what is logged or thrown needs the path: the common answer skips parsing the URL.
        const path = log || !response ? new URL(url).pathname : '';
        if (log) {
          /** One debug line per attempt, and a warning when a retry follows. Never a header. */
          const data: Record<string, unknown> = response
            ? { method, path, status, attempt: attempt + 1 }
            : { method, path, attempt: attempt + 1, error: timedOut ? 'timeout' : 'connection' };
          if (retry) data.delayMs = delayMs;
          const what = status ?? (timedOut ? 'a timeout' : 'a connection error');
          log.debug(`${method} ${path} → ${what} (attempt ${attempt + 1}, ${Date.now() - started} ms)`, data);
          if (retry) log.warn(`retrying ${method} ${path} in ${delayMs} ms after ${what}`, data);
        }
        if (retry) {
          await sleep(delayMs, signal);
        } else if (refresh) {
          refreshed = true;
          if (latest === undefined || latest === bearer) {
            refreshing ??= ask(true)
              .then((value) => (latest = value))
              .finally(() => (refreshing = undefined));
          }
          await refreshing;
          attempt--; // the repeat after a refresh is not a retry
        } else if (!response) {
          const outcomeUnknown = !safe && !unsent;
          throw new (timedOut ? DocGenTimeoutError : DocGenConnectionError)(
            `${method} ${path} ${timedOut ? `timed out after ${timeoutMs} ms` : 'connection failed'}${
              outcomeUnknown ? `; ${OUTCOME_UNKNOWN}` : attempt ? ` (after ${attempt + 1} attempts)` : ''}`,
            { method, url },
            outcomeUnknown,
            { cause: failure },
          );
        } else {
          // A constructed Response has an empty url; errors quote it.
          return Object.defineProperty(new Response(buffered, response), 'url', { value: url });
        }
      }
    };
}

export const TRANSPORT_DEFAULTS = { maxRetries: MAX_RETRIES, timeoutMs: TIMEOUT_MS };
