// Input checks that run before any request, so bad input never reaches the wire.
import type { DocGenClientOptions } from './resources.js';
import { DocGenValidationError } from './errors.js';
import type { CallOptions } from './transport.js';

export function fail(field: string, problem: string): never {
  throw new DocGenValidationError(field, problem);
}

/** A plain object (not null, not an array), or a validation error naming `field`. */
const object = (field: string, value: unknown) =>
  (value && typeof value === 'object' && !Array.isArray(value) ? value : fail(field, 'must be an object')) as Record<string, unknown>;

/** A non-empty string, or a validation error naming `field`. */
export function text(field: string, value: unknown): string {
  if (typeof value !== 'string') fail(field, 'must be a string');
  if (!value.trim()) fail(field, 'must not be empty');
  return value;
}

/** An id for a path segment. URL parsing folds '.' and '..' segments (even percent-encoded), so no encoding can carry them. */
export function pathId(field: string, value: unknown): string {
  if (/^(\.|%2e){1,2}$/i.test(text(field, value))) fail(field, `"${value}" is not a valid id`);
  return value as string;
}

export interface PageQuery {
  marker?: string;
  limit?: number;
}

/** An integer from `min` to `max`, when given. */
function integer(field: string, value: unknown, min: number, max = Infinity): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
    fail(field, `must be an integer ${max < Infinity ? `from ${min} to ${max}` : `>= ${min}`}`);
  }
}

export function pageQuery(query: PageQuery | undefined): void {
  if (query === undefined) return;
  const { limit, marker } = object('query', query);
  integer('limit', limit, 1, 1000);
  if (marker !== undefined) text('marker', marker);
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

/** `{ id, type }` with a valid id and the given type. */
function reference(field: string, value: unknown, type: string): void {
  const { id, type: actual } = object(field, value);
  pathId(`${field}.id`, id);
  if (actual !== type) fail(`${field}.type`, `must be '${type}'`);
}

export function templateBody(body: unknown): void {
  reference('file', object('body', body).file, 'file');
}

export function batchBody(body: unknown): void {
  templateBody(body);
  const { file_version, destination_folder, input_source, output_type, document_generation_data: rows } = body as Record<string, unknown>;
  if (file_version !== undefined) reference('file_version', file_version, 'file_version');
  reference('destination_folder', destination_folder, 'folder');
  text('input_source', input_source);
  text('output_type', output_type);
  if (!Array.isArray(rows) || !rows.length) fail('document_generation_data', 'must be a non-empty array');
  rows.forEach((row: unknown, i) => {
    const at = `document_generation_data[${i}]`;
    text(`${at}.generated_file_name`, object(at, row).generated_file_name);
    object(`${at}.user_input`, (row as Record<string, unknown>).user_input);
  });
}
