/** The request journal: what the server received, so tests can assert what their code sent. */
import type { operations } from '@box-docgen/types';

import type { Violation } from './errors.js';
import type { OperationId } from './route.js';

/** What the journal keeps of one request (the untyped form; see RecordedRequest). */
export interface JournalRecord {
  /** 1, 2, 3, … in the order the server received the requests. */
  seq: number;
  /** When the request was received (ISO 8601). */
  time: string;
  /** Upper-case, e.g. 'POST'. */
  method: string;
  /** The path without the query, e.g. '/docgen_batches'. */
  path: string;
  /** The spec's operationId, e.g. 'createBatch'; absent for a path and method the spec does not have. */
  operationId?: OperationId;
  /** Query parameters; a repeated one is an array; credentials (access_token, client_secret, …) redacted. */
  query: Record<string, string | string[]>;
  /** Headers with lower-case names; Authorization (and Proxy-Authorization, Cookie) redacted. */
  headers: Record<string, string>;
  /** The parsed JSON body, the text of a non-JSON body, or null when there was none; credentials redacted. */
  body: unknown;
  /** The status the mock answered with; null when the connection was dropped or never answered. */
  status: number | null;
  /** The x-box-docgen-mock-session header, when sent. */
  session?: string;
  /** The scenarios applied to this request ('' for none), e.g. 'jobs-progress:polls=2'. */
  scenario: string;
  /** What Prism found wrong with the request or the response (empty when it kept to the spec). */
  violations: Violation[];
  /** 'download' for a request to the download host (the target of a download's 302); absent for the API. */
  server?: 'download';
}

/** The JSON body an operation takes (null for one that takes none). */
export type RequestBodyOf<K extends OperationId> = operations[K] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : null;
/** The query parameters an operation takes, as text (a repeated one is an array). */
export type RequestQueryOf<K extends OperationId> = operations[K]['parameters'] extends { query?: infer Q }
  ? { [P in keyof NonNullable<Q>]?: string | string[] }
  : Record<string, never>;

/** A recorded request of one operation: `body` and `query` typed as the spec has them. */
export type OperationRequest<K extends OperationId> = Omit<JournalRecord, 'operationId' | 'body' | 'query'> & {
  operationId: K;
  /** The parsed body as sent (a request that broke the contract may not fit the type: see violations). */
  body: RequestBodyOf<K>;
  query: RequestQueryOf<K> & Record<string, string | string[]>;
};

/**
 * One request the server received. Narrow on `operationId` to get the operation's types:
 * `if (r.operationId === 'createBatch') r.body.document_generation_data`.
 */
export type RecordedRequest =
  | { [K in OperationId]: OperationRequest<K> }[OperationId]
  | (Omit<JournalRecord, 'operationId'> & { operationId?: undefined });

const REDACTED = new Set(['authorization', 'proxy-authorization', 'cookie']);
/**
 * Fields that carry credentials, in a query (an OAuth token can be sent as ?access_token=) or in
 * the form body of a sign-in (POST /oauth2/token: the secret, the JWT assertion, the code).
 */
const SECRET_QUERY = new Set([
  'access_token',
  'refresh_token',
  'client_secret',
  'assertion',
  'code',
  'subject_token',
  'actor_token',
]);

/** Keeps the scheme ('Bearer') so a test can still see that a bearer token was sent. */
export function redactHeader(name: string, value: string): string {
  if (!REDACTED.has(name)) return value;
  const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} [REDACTED]` : '[REDACTED]';
}

export function redactQueryValue(name: string, value: string): string {
  return SECRET_QUERY.has(name.toLowerCase()) ? '[REDACTED]' : value;
}

const SECRET_NAMES = [...REDACTED, ...SECRET_QUERY].join('|');
// No \b before the names: Prism writes a header as `\tauthorization: …` inside a JSON string.
/** `name: value` and `"name":"value"`: the value runs to the closing quote or the line's end. */
const NAMED_SECRET = new RegExp(`(${SECRET_NAMES})("?\\s*:\\s*"?)[^"\\\\\\n]*`, 'gi');
/** `name=value` in a URL. */
const QUERY_SECRET = new RegExp(`(${SECRET_NAMES})=[^&#\\s"\\\\]*`, 'gi');

/** A log line with the credentials in it blanked, in the forms Prism writes them. */
export function redactText(text: string): string {
  return text.replace(NAMED_SECRET, '$1$2[REDACTED]').replace(QUERY_SECRET, '$1=[REDACTED]');
}

/** A body with its credentials blanked: a form's fields (text), or a JSON object's own. */
export function redactBody(body: unknown): unknown {
  if (typeof body === 'string') return body.replace(QUERY_SECRET, '$1=[REDACTED]');
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, SECRET_QUERY.has(name.toLowerCase()) ? '[REDACTED]' : value]),
  );
}

export class Journal {
  private entries: JournalRecord[] = [];
  private seq = 0;

  constructor(private readonly max = 10_000) {}

  add(entry: Omit<JournalRecord, 'seq'>): JournalRecord {
    const recorded = { seq: ++this.seq, ...entry };
    this.entries.push(recorded);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    return recorded;
  }

  /** Copies, oldest first; only one session's when `session` is given. */
  list(session?: string): RecordedRequest[] {
    const chosen = session === undefined ? this.entries : this.entries.filter((entry) => entry.session === session);
    return structuredClone(chosen) as RecordedRequest[];
  }

  clear(session?: string): void {
    this.entries = session === undefined ? [] : this.entries.filter((entry) => entry.session !== session);
  }
}
