// The exchange every request goes through, from the resources and from raw alike: auth, the
// version header, per-attempt timeout, retries with backoff, one token refresh on 401, and a log
// line per attempt.
import { BOX_VERSION } from '@box-docgen/types/endpoints';
import { DocGenConnectionError, DocGenTimeoutError, OUTCOME_UNKNOWN } from './errors.js';
import { MAX_RETRIES, afterAttempt, deadline, idempotent, retryDelayMs, sleep, type RetryTuning } from './retry.js';
import type { Pacer } from './pacing.js';
import { token as checkToken } from './validate.js';

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
  /** Paces every attempt (see @box-docgen/client/pacing). */
  pacer?: Pacer;
}

// Failures that happen before a byte leaves the machine: safe to repeat even a POST.
// Node's codes (ECONNREFUSED, ENOTFOUND, EAI_AGAIN, EHOSTUNREACH, ENETUNREACH), undici's
// connect timeout, Bun's ConnectionRefused, Deno's "connection refused" and "dns error".
const NEVER_SENT =
  /E(CONNREFUSED|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH)|UND_ERR_CONNECT_TIMEOUT|connection ?refused|dns error/i;

/** Looks through the error and up to four of its causes. */
// biome-ignore lint/suspicious/noExplicitAny: what fetch implementations throw is untyped; any field may be missing.
const neverSent = (e: any, depth = 0): boolean =>
  !!e &&
  typeof e === 'object' &&
  depth < 5 &&
  (NEVER_SENT.test(`${e.code} ${e.message}`) || neverSent(e.cause, depth + 1));

/**
 * What one exchange sends, and how much of the answer it reads inside the attempt's deadline
 * ('stream' leaves the body to the caller); the client's auth and version headers are added to
 * `headers`.
 */
export interface Outgoing<R extends Read = Read> {
  method: string;
  url: string;
  headers: Headers;
  body?: BodyInit | null;
  read: R;
  redirect?: RequestRedirect;
  /**
   * True for an operation that takes no `box-version` header: one outside Doc Gen whose table
   * entry (helperEndpoints) lacks `versioned`. Every Doc Gen operation takes it.
   */
  unversioned?: boolean;
}

type Read = 'text' | 'arrayBuffer' | 'stream';

/** Tokens sent, newest last, kept for redaction: a few, since a token lasts about an hour. */
const REMEMBERED_TOKENS = 8;
/** Tokens shorter than this (test values like 't') are not redacted. */
const MIN_REDACTED = 8;

export function createTransport(config: TransportConfig) {
  const { token } = config;
  const refreshable = typeof token === 'function';
  // One refresh per token that got a 401: however many requests saw that 401, and even when the
  // token function hands back the same token again.
  let refreshing: Promise<string> | undefined;
  let refreshedFrom: string | undefined;
  const sent: string[] = [];
  // Only a token function is asked; a string token was checked when the client was made.
  const ask = async (forceRefresh: boolean) =>
    checkToken(await (token as Exclude<TokenSource, string>)({ forceRefresh }));

  /** A logger that throws never changes the outcome of a request. */
  const log = (level: keyof Logger, line: string, data: Record<string, unknown>) => {
    try {
      config.logger?.[level](line, data);
    } catch {
      // the request's outcome stands
    }
  };

  /** `text` with every token this client has sent replaced, for anything built from an answer. */
  const redact = (text: string) => sent.reduce((out, value) => out.replaceAll(value, '[redacted]'), text);

  /**
   * One exchange with that call's options applied: attempts, retries, refresh. The token lookup,
   * the request and the body read (as `read` says) all run inside each attempt's deadline and the
   * caller's signal, so a token function or a body that stalls cannot hang the call.
   */
  const exchange = async <R extends Read>(
    { method, url, headers: given, body, read, redirect, unversioned }: Outgoing<R>,
    call: CallOptions,
  ) => {
    const { signal } = call;
    const maxRetries = call.maxRetries ?? config.maxRetries ?? MAX_RETRIES;
    const timeoutMs = call.timeoutMs ?? config.timeoutMs ?? TIMEOUT_MS;
    let refreshed = false;

    for (let retries = 0; ; ) {
      signal?.throwIfAborted();
      // A turn from the pacer first: waiting for it is not part of the attempt's time.
      if (config.pacer) await config.pacer.take(signal);
      const guard = deadline(signal, timeoutMs);
      const started = Date.now();
      let bearer = typeof token === 'string' ? token : undefined;
      let response: Response | undefined;
      // 'stream' leaves the body unread: the caller reads it (after the attempt's deadline).
      let data: (R extends 'stream' ? never : Awaited<ReturnType<Response[Exclude<R, 'stream'>]>>) | undefined;
      let failure: unknown;
      let sending = false;
      try {
        bearer ??= await guard.race(refreshing ?? ask(false));
        // Too short a value would turn up inside ordinary words; Box tokens are 32 characters.
        if (bearer.length >= MIN_REDACTED && !sent.includes(bearer)) {
          sent.push(bearer);
          if (sent.length > REMEMBERED_TOKENS) sent.shift();
        }
        // A plain object, cheaper for fetch to read than Headers; ours win over the caller's.
        const headers = {
          ...Object.fromEntries(given),
          authorization: `Bearer ${bearer}`,
          ...(!unversioned && { 'box-version': BOX_VERSION }),
        };
        const init: RequestInit = { method, headers, body, signal: guard.signal, redirect };
        sending = true;
        // Bound late, so a fetch replaced after creation (test tools do this) is used. The
        // default fetch gets url and init: a Request with a body would be piped through a copy.
        response = await guard.race(config.fetch ? config.fetch(guard.keep(new Request(url, init))) : fetch(url, init));
        // 204, 205 and 304 answers have no body.
        if (response.body && read !== 'stream')
          data = await guard.race(response[read as 'text']() as Promise<NonNullable<typeof data>>);
      } catch (error) {
        signal?.throwIfAborted();
        // The token function failed, or its token cannot be sent: its own error, not retried.
        if (!sending && !guard.signal.aborted) throw error;
        failure = error;
        response = undefined;
      } finally {
        guard.done();
      }

      const timedOut = guard.signal.aborted;
      // Nothing left the machine: the token never came, or the connection was refused.
      const unsent = !sending || (!response && !timedOut && neverSent(failure));
      const next = afterAttempt({
        method,
        status: response?.status,
        unsent,
        retries,
        maxRetries,
        canRefresh: refreshable && !refreshed,
      });
      const status = response?.status;
      // A 429's wait is also how long the pacer holds every request back.
      const delayMs = next === 'retry' || status === 429 ? retryDelayMs(retries, response?.headers, config.retry) : 0;
      config.pacer?.settle(status, status === 429 ? delayMs : 0, started);
      // Only what is logged or thrown needs the path: the common answer skips parsing the URL.
      const path = config.logger || !response ? new URL(url).pathname : '';
      if (config.logger) {
        /** One debug line per attempt, and a warning when a retry follows. Never a header. */
        const error = timedOut ? 'timeout' : 'connection';
        const data: Record<string, unknown> = {
          method,
          path,
          ...(response ? { status } : { error }),
          attempt: retries + 1,
        };
        if (next === 'retry') data.delayMs = delayMs;
        const line = `${method} ${path} → ${status ?? (timedOut ? 'timeout' : 'connection error')} (attempt ${retries + 1}, ${Date.now() - started} ms)`;
        log('debug', line, data);
        // The warning repeats the attempt's line, so it reads alone.
        if (next === 'retry') log('warn', `${line}; retrying in ${delayMs} ms`, data);
      }
      if (next === 'answer') return { response: response!, data, redact };
      // An unread body that will not be used holds its connection.
      if (read === 'stream') response?.body?.cancel().catch(() => {});
      if (next === 'retry') {
        retries++;
        await sleep(delayMs, signal);
      } else if (next === 'refresh') {
        // The repeat after a refresh is not a retry. The next attempt waits for the new token.
        refreshed = true;
        if (refreshedFrom !== bearer) {
          refreshedFrom = bearer;
          refreshing = ask(true).finally(() => (refreshing = undefined));
          refreshing.catch(() => {});
        }
      } else {
        const outcomeUnknown = !idempotent(method) && !unsent;
        const why = !sending
          ? `timed out after ${timeoutMs} ms waiting for the token function`
          : timedOut
            ? `timed out after ${timeoutMs} ms`
            : 'connection failed';
        throw new (timedOut ? DocGenTimeoutError : DocGenConnectionError)(
          `${method} ${path} ${why}${outcomeUnknown ? `; ${OUTCOME_UNKNOWN}` : retries ? ` (after ${retries + 1} attempts)` : ''}`,
          { request: { method, url }, outcomeUnknown, cause: failure },
        );
      }
    }
  };
  return exchange;
}

export type Transport = ReturnType<typeof createTransport>;

export const TRANSPORT_DEFAULTS = { maxRetries: MAX_RETRIES, timeoutMs: TIMEOUT_MS };
