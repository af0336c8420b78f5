// Input checks that run before any request, so bad input never reaches the wire. Bodies and
// queries follow the spec's rules from the operation table; options and path ids are ours.
import { check } from '@box-docgen/types/check';
import type { Rule } from '@box-docgen/types/endpoints';
import type { DocGenClientOptions } from './resources.js';
import { DocGenValidationError } from './errors.js';
import type { CallOptions } from './transport.js';

export function fail(field: string, problem: string): never {
  throw new DocGenValidationError(field, problem);
}

/** A value against a rule (from the operation table, or one of ours); `root` names the value itself. */
export function fits(rule: Rule, value: unknown, root: string): void {
  const found = check(rule, value);
  if (found) fail(found.field || root, found.problem);
}

/** A non-empty string, or a validation error naming `field`. */
export function text(field: string, value: unknown): string {
  fits({ type: 'string' }, value, field);
  return value as string;
}

/** An id for a path segment. URL parsing folds '.' and '..' segments (even percent-encoded), so no encoding can carry them. */
export function pathId(field: string, value: unknown): string {
  if (/^(\.|%2e){1,2}$/i.test(text(field, value))) fail(field, `"${value}" is not a valid id`);
  return value as string;
}

/** An integer of at least `minimum`, when given. */
function integer(field: string, value: unknown, minimum: number): void {
  if (value !== undefined) fits({ type: 'integer', minimum }, value, field);
}

export function callOptions<O extends CallOptions>(o: O | undefined): O | CallOptions {
  integer('maxRetries', o?.maxRetries, 0);
  integer('timeoutMs', o?.timeoutMs, 1);
  return o ?? {};
}

export function clientOptions(o: DocGenClientOptions | undefined): void {
  if (!o || typeof o !== 'object') fail('options', 'must be an object');
  const { token, baseUrl, fetch } = o;
  if (typeof token === 'string' ? !token.trim() : typeof token !== 'function') fail('token', 'must be a non-empty string or a function');
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) fail('baseUrl', 'must be an absolute URL');
  if (fetch !== undefined && typeof fetch !== 'function') fail('fetch', 'must be a function');
  callOptions(o);
}

