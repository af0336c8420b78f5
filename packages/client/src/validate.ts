// Input checks that run before any request, so bad input never reaches the wire.
import { DocGenValidationError } from './errors.js';

/** An id for a path segment: a non-empty string that cannot climb out of its segment. */
export function pathId(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new DocGenValidationError(field, `must be a string, got ${describe(value)}`);
  if (!value.trim()) throw new DocGenValidationError(field, 'must not be empty');
  // URL parsing folds '.' and '..' segments (even percent-encoded), so no encoding can carry them.
  if (/^(\.|%2e){1,2}$/i.test(value)) throw new DocGenValidationError(field, `"${value}" is not a valid id`);
  return value;
}

/** Percent-encodes one path segment; '/' and '?' in an id stay inside the segment. */
export function encodeSegment(value: unknown): string {
  return encodeURIComponent(String(value));
}

export interface PageQuery {
  marker?: string;
  limit?: number;
}

export function pageQuery<Q extends PageQuery>(query: Q | undefined): Q | undefined {
  if (query === undefined) return undefined;
  if (query === null || typeof query !== 'object') throw new DocGenValidationError('query', `must be an object, got ${describe(query)}`);
  const { limit, marker } = query;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000)) {
    throw new DocGenValidationError('limit', `must be an integer from 1 to 1000, got ${describe(limit)}`);
  }
  if (marker !== undefined && (typeof marker !== 'string' || !marker)) {
    throw new DocGenValidationError('marker', `must be a non-empty string, got ${describe(marker)}`);
  }
  return query;
}

function reference(field: string, value: unknown, type: string): void {
  if (!value || typeof value !== 'object') throw new DocGenValidationError(field, `must be an object { id, type: '${type}' }`);
  const ref = value as { id?: unknown; type?: unknown };
  pathId(`${field}.id`, ref.id);
  if (ref.type !== type) throw new DocGenValidationError(`${field}.type`, `must be '${type}', got ${describe(ref.type)}`);
}

export function templateBody(body: unknown): void {
  if (!body || typeof body !== 'object') throw new DocGenValidationError('body', 'must be an object');
  reference('file', (body as { file?: unknown }).file, 'file');
}

export function batchBody(body: unknown): void {
  if (!body || typeof body !== 'object') throw new DocGenValidationError('body', 'must be an object');
  const b = body as Record<string, unknown>;
  reference('file', b.file, 'file');
  if (b.file_version !== undefined) reference('file_version', b.file_version, 'file_version');
  reference('destination_folder', b.destination_folder, 'folder');
  for (const field of ['input_source', 'output_type'] as const) {
    if (typeof b[field] !== 'string' || !b[field]) throw new DocGenValidationError(field, `must be a non-empty string, got ${describe(b[field])}`);
  }
  const rows = b.document_generation_data;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new DocGenValidationError('document_generation_data', 'must be a non-empty array: each entry is one document');
  }
  rows.forEach((row: unknown, i) => {
    const at = `document_generation_data[${i}]`;
    if (!row || typeof row !== 'object') throw new DocGenValidationError(at, 'must be an object');
    const { generated_file_name: name, user_input: input } = row as Record<string, unknown>;
    if (typeof name !== 'string' || !name.trim()) throw new DocGenValidationError(`${at}.generated_file_name`, `must be a non-empty string, got ${describe(name)}`);
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new DocGenValidationError(`${at}.user_input`, `must be an object, got ${describe(input)}`);
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
