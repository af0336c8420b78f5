// No token in anything the CLI writes. Gateways and proxies echo request headers, the
// Authorization header among them, into error bodies and response headers, so any text that
// came from the API may hold the bearer token. The CLI remembers every token it hands to the
// client and replaces them in every string before it reaches the ledger, a report, stdout or
// stderr. Long texts are cut on the way (clip.ts), since these are the same boundaries.
import type { TokenSource } from '@box-docgen/client';
import { clip } from './clip.js';

export const REDACTED = '[redacted]';

// Process-wide: a token is secret wherever it is written from. Longest first, so a token
// that contains another is replaced whole.
let secrets: string[] = [];

function remember(token: string): string {
  // Also the token as JSON writes it, in case it holds a quote or a backslash.
  for (const form of [token, JSON.stringify(token).slice(1, -1)]) {
    if (form && !secrets.includes(form)) secrets = [...secrets, form].sort((a, b) => b.length - a.length);
  }
  return token;
}

/** Remembers a secret that is not a token (a client secret, a refresh token), so no output carries it. */
export const rememberSecret = (secret: string): string => remember(secret);

/** The same token source, remembering every token value it gives out (including refreshes). */
export function rememberTokens(source: TokenSource): TokenSource {
  if (typeof source === 'string') return remember(source);
  return async (context) => remember(await source(context));
}

/** `text` with every remembered token replaced by [redacted]. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** What may be written of `text`: redacted, then cut (cutting first could leave half a token). */
export const safeText = (text: string): string => clip(redact(text));

/** A copy of a JSON-like value with `map` applied to every string in it, keys included. */
function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map)) as T;
  if (value === null || typeof value !== 'object') return value;
  // What JSON.stringify would write of it (an error's own fields, a date's text).
  if ('toJSON' in value && typeof value.toJSON === 'function') return mapStrings(value.toJSON() as T, map);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), mapStrings(item, map)])) as T;
}

/** `value` with every string redacted. */
export const redactValue = <T>(value: T): T => mapStrings(value, redact);

/** `value` with every string redacted and cut. */
export const safeValue = <T>(value: T): T => mapStrings(value, safeText);

/**
 * `stream` with every string written to it redacted; everything else (events, isTTY,
 * columns) is the stream's own, so backpressure still works.
 */
export function redactStream<S extends NodeJS.WritableStream>(stream: S): S {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
