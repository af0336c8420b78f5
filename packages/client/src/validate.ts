// Input checks that run before any request, so bad input never reaches the wire.
import { DocGenValidationError } from './errors.js';

export function fail(field: string, problem: string): never {
  throw new DocGenValidationError(field, problem);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/** A non-empty string, or a validation error naming `field`. */
export function text(field: string, value: unknown): string {
  if (typeof value !== 'string') fail(field, `must be a string, got ${value === null ? 'null' : typeof value}`);
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

export function pageQuery(query: PageQuery | undefined): void {
  if (query === undefined) return;
  if (!isObject(query)) fail('query', 'must be an object');
  const { limit, marker } = query;
  if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 1 && (limit as number) <= 1000)) {
    fail('limit', `must be an integer from 1 to 1000, got ${String(limit)}`);
  }
  if (marker !== undefined) text('marker', marker);
}

function reference(field: string, value: unknown, type: string): void {
  if (!isObject(value)) fail(field, `must be { id, type: '${type}' }`);
  pathId(`${field}.id`, value.id);
  if (value.type !== type) fail(`${field}.type`, `must be '${type}'`);
}

export function templateBody(body: unknown): void {
  reference('file', isObject(body) ? body.file : fail('body', 'must be an object'), 'file');
}

export function batchBody(body: unknown): void {
  if (!isObject(body)) fail('body', 'must be an object');
  reference('file', body.file, 'file');
  if (body.file_version !== undefined) reference('file_version', body.file_version, 'file_version');
  reference('destination_folder', body.destination_folder, 'folder');
  text('input_source', body.input_source);
  text('output_type', body.output_type);
  const rows = body.document_generation_data;
  if (!Array.isArray(rows) || !rows.length) fail('document_generation_data', 'must be a non-empty array: each entry is one document');
  rows.forEach((row: unknown, i) => {
    const at = `document_generation_data[${i}]`;
    if (!isObject(row)) fail(at, 'must be an object');
    text(`${at}.generated_file_name`, row.generated_file_name);
    if (!isObject(row.user_input)) fail(`${at}.user_input`, 'must be an object');
  });
}
