// Input checks that run before any request, so bad input never reaches the wire. Bodies and
// queries follow the spec's rules from the operation table; options and path ids are ours.
import { check } from '@box-docgen/types/check';
import type { Rule } from '@box-docgen/types/endpoints';
import type { DocGenClientOptions } from './resources.js';
import { DocGenValidationError } from './errors.js';
import type { CallOptions } from './transport.js';
import type { WaitOptions } from './wait.js';

export function fail(field: string, problem: string): never {
  throw new DocGenValidationError(field, problem);
}

/** A value against a rule (from the operation table, or one of ours); `root` names the value itself. */
export function fits(rule: Rule, value: unknown, root: string): void {
  const found = check(rule, value);
  if (found) fail(found.field || root, found.problem);
}

const STRING: Rule = { type: 'string' };

/** A non-empty string, or a validation error naming `field`. */
export function text(field: string, value: unknown): string {
  fits(STRING, value, field);
  return value as string;
}

/** An id for a path segment. URL parsing folds '.' and '..' segments (even percent-encoded), so no encoding can carry them. */
export function pathId(field: string, value: unknown): string {
  if (/^(\.|%2e){1,2}$/i.test(text(field, value))) fail(field, `"${value}" is not a valid id`);
  return value as string;
}

/** A duration in milliseconds a timer can hold: above 2^31 - 1 (about 24.8 days) it fires at once. */
const DURATION: Rule = { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 };
const CALL_OPTIONS: Rule = {
  type: 'object',
  properties: { maxRetries: { type: 'integer', minimum: 0 }, timeoutMs: DURATION, headers: { type: 'object' } },
};
const DELAY: Rule = { ...DURATION, minimum: 0 };
const CLIENT_OPTIONS: Rule = {
  type: 'object',
  properties: {
    ...CALL_OPTIONS.properties,
    baseUrl: { type: 'string' },
    retry: { type: 'object', properties: { baseDelayMs: DELAY, maxDelayMs: DELAY, maxRetryAfterMs: DELAY } },
  },
};
const WAIT_OPTIONS: Rule = {
  type: 'object',
  properties: {
    timeoutMs: DURATION,
    intervalMs: DURATION,
    expectedJobs: { type: 'integer', minimum: 1 },
    onProgress: { type: 'function' },
  },
};

/**
 * Header names and values fetch accepts: no line breaks, NUL or characters beyond Latin-1 (fetch
 * would refuse them with a bare TypeError, and a line break could split a header). The value
 * never appears in the message: it may be a token.
 */
export function headerValues(field: string, headers: Record<string, string>): void {
  try {
    new Headers(headers);
  } catch {
    fail(field, 'must be header names and values without line breaks or NUL');
  }
}

/** A token, as a header can carry it. */
export const token = (value: unknown) => {
  headerValues('token', { authorization: text('token', value) });
  return value as string;
};

export function callOptions<O extends CallOptions>(o: O | undefined): O | CallOptions {
  if (o === undefined) return {};
  fits(CALL_OPTIONS, o, 'options');
  if (o.headers) headerValues('headers', o.headers);
  return o;
}

export function clientOptions(o: DocGenClientOptions | undefined): void {
  fits(CLIENT_OPTIONS, o, 'options');
  const { baseUrl, fetch } = o!;
  if (typeof o!.token === 'string') token(o!.token);
  else if (typeof o!.token !== 'function') fail('token', 'must be a non-empty string or a function');
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) fail('baseUrl', 'must be an absolute URL');
  if (fetch !== undefined && typeof fetch !== 'function') fail('fetch', 'must be a function');
  if (o!.headers) headerValues('headers', o!.headers);
}

/** Options of `wait()`: durations a timer can hold, an interval of at least 1 ms. */
export function waitOptions(w: WaitOptions = {}): WaitOptions {
  fits(WAIT_OPTIONS, w, 'options');
  return w;
}
