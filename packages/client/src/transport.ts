// The exchange every request goes through, from the resources and from raw alike: auth, the
// version header, per-attempt timeout, retries with backoff, one token refresh on 401, and a log
// line per attempt.
import { BOX_VERSION } from '@box-docgen/types/endpoints';
import { DocGenConnectionError, DocGenTimeoutError, OUTCOME_UNKNOWN } from './errors.js';
import { MAX_RETRIES, deadline, idempotent, retryDelayMs, retryableStatus, sleep, type RetryTuning } from './retry.js';
import { text } from './validate.js';

/** The `box-version` header value the spec fixes for every operation. */
export { BOX_VERSION } from '@box-docgen/types/endpoints';

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

// Failures that happen before a byte leaves the machine: safe to repeat even a POST.
// Node's codes (ECONNREFUSED, ENOTFOUND, EAI_AGAIN, EHOSTUNREACH, ENETUNREACH), undici's
// connect timeout, Bun's ConnectionRefused, Deno's "connection refused" and "dns error".
const NEVER_SENT = /E(CONNREFUSED|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH)|UND_ERR_CONNECT_TIMEOUT|connection ?refused|dns error/i;

/** Looks through the error and up to four of its causes. */
const neverSent = (e: any, depth = 0): boolean =>
  !!e && typeof e === 'object' && depth < 5 && (NEVER_SENT.test(`${e.code} ${e.message}`) || neverSent(e.cause, depth + 1));

/**
 * What one exchange sends besides its body (a Request will do); the client's auth and version
 * headers are added to `headers`.
 */
export interface Outgoing {
  method: string;
  url: string;
  headers: Headers;
  redirect?: RequestRedirect;
}

export function createTransport(config: TransportConfig) {
  const { token, logger: log } = config;
  // The token: asked for per attempt; on a 401, one refresh serves every request that saw
  // the 401 with an older token.
  let latest: string | undefined;
  let refreshing: Promise<string> | undefined;
  // Only a token function is asked; a string token was checked when the client was made.
  const ask = async (forceRefresh: boolean) => text('token', await (token as Exclude<TokenSource, string>)({ forceRefresh }));

  /**
   * One exchange with that call's options applied: attempts, retries, refresh. The body is
   * read (as `read` says) inside each attempt, so the timeout also covers a body that stalls.
   */
  return async <R extends 'text' | 'arrayBuffer'>({ method, url, headers: given, redirect }: Outgoing, body: BodyInit | null | undefined, call: CallOptions, read: R) => {
    const { signal } = call;
    const maxRetries = call.maxRetries ?? config.maxRetries ?? MAX_RETRIES;
    const timeoutMs = call.timeoutMs ?? config.timeoutMs ?? TIMEOUT_MS;
    const safe = idempotent(method);
    let refreshed = false;

    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const bearer = typeof token === 'string' ? token : await (refreshing ?? ask(false));
      // A plain object, cheaper for fetch to read than Headers; ours win over the caller's.
      const headers = { ...Object.fromEntries(given), authorization: `Bearer ${bearer}`, 'box-version': BOX_VERSION };
      const guard = deadline(signal, timeoutMs);
      const started = Date.now();
      let response: Response | undefined;
      let data: Awaited<ReturnType<Response[R]>> | undefined;
      let failure: unknown;
      let unsent = false;
      try {
        const init: RequestInit = { method, headers, body, signal: guard.signal, redirect };
        // Bound late, so a fetch replaced after creation (test tools do this) is used. The
        // default fetch gets url and init: a Request with a body would be piped through a copy.
        response = await guard.race(config.fetch ? config.fetch(guard.keep(new Request(url, init))) : fetch(url, init));
        // 204, 205 and 304 answers have no body.
        if (response.body) data = await guard.race(response[read]() as Promise<NonNullable<typeof data>>);
      } catch (error) {
        signal?.throwIfAborted();
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
        const line = `${method} ${path} → ${status ?? (timedOut ? 'timeout' : 'connection error')} (attempt ${attempt + 1}, ${Date.now() - started} ms)`;
        log.debug(line, data);
        // The warning repeats the attempt's line, so it reads alone.
        if (retry) log.warn(`${line}; retrying in ${delayMs} ms`, data);
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
        return { response, data };
      }
    }
  };
}

export type Transport = ReturnType<typeof createTransport>;

export const TRANSPORT_DEFAULTS = { maxRetries: MAX_RETRIES, timeoutMs: TIMEOUT_MS };
