/**
 * ClientError bodies (the spec's error shape) and the violations Prism reports, so that a
 * request that breaks the contract gets an answer saying exactly what is wrong.
 */
import type { ClientError } from '@box-docgen/types';

/** What a caught error says, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const HELP_URL = 'https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/';

/** The spec's ClientError (generated), with every field the mock always fills in. */
export type ClientErrorBody = Required<ClientError>;
type ErrorCode = ClientErrorBody['code'];

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  429: 'too_many_requests',
  500: 'internal_server_error',
  // The spec has no bad_gateway / gateway_timeout: an upstream that cannot be reached is unavailable.
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

/** The ClientError `code` Box uses for an HTTP status (one of the spec's enum values). */
export function errorCodeFor(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_server_error' : 'bad_request');
}

let counter = 0;
/** A request id for answers the mock makes itself: 'mock' and 12 hex digits. */
export function mockRequestId(): string {
  counter = (counter + 1) % 0x1000000;
  return `mock${(Date.now() % 0x1000000).toString(16).padStart(6, '0')}${counter.toString(16).padStart(6, '0')}`;
}

/** A ClientError body; `code` defaults to the one Box uses for `status`. */
export function clientError(
  status: number,
  message: string,
  options: { code?: ErrorCode; contextInfo?: Record<string, unknown> | null; requestId?: string } = {},
): ClientErrorBody {
  return {
    type: 'error',
    status,
    code: options.code ?? errorCodeFor(status),
    message,
    context_info: options.contextInfo ?? null,
    help_url: HELP_URL,
    request_id: options.requestId ?? mockRequestId(),
  };
}

/** One way a request or response broke the contract, as Prism's validator saw it. */
export interface Violation {
  /** Which side broke the contract. */
  side: 'request' | 'response';
  /** Where, below the side: ['header'], ['query', 'limit'], ['body', 'document_generation_data', '0']. */
  location: string[];
  /** 'Error', 'Warning', 'Information' or 'Hint'. */
  severity: string;
  /** The validator's rule, e.g. 'required', 'maximum', 'enum', 415, 401. */
  code?: string | number;
  /** The validator's message, e.g. "Request header must have required property 'box-version'". */
  message: string;
}

interface RawViolation {
  location?: unknown;
  severity?: unknown;
  code?: unknown;
  message?: unknown;
}

function toViolation(raw: RawViolation, fallbackSide: Violation['side']): Violation {
  const location = Array.isArray(raw.location) ? raw.location.map(String) : [];
  const side =
    location[0] === 'request' || location[0] === 'response' ? (location[0] as Violation['side']) : fallbackSide;
  const rest = location[0] === side ? location.slice(1) : location;
  return {
    side,
    location: rest,
    severity: typeof raw.severity === 'string' ? raw.severity : 'Error',
    ...(typeof raw.code === 'string' || typeof raw.code === 'number' ? { code: raw.code } : {}),
    message: typeof raw.message === 'string' ? raw.message : JSON.stringify(raw),
  };
}

/** A Prism problem+json body. */
export interface ProblemJson {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  validation?: RawViolation[];
}

/**
 * The violations in a Prism answer: its `sl-violations` header (request and response) and,
 * when Prism answered with problem+json, the `validation` list of that body.
 */
export function violationsOf(slViolations: string | undefined, problem: ProblemJson | undefined): Violation[] {
  const found: Violation[] = [];
  if (slViolations) {
    try {
      const parsed = JSON.parse(slViolations) as unknown;
      if (Array.isArray(parsed)) for (const raw of parsed) found.push(toViolation(raw as RawViolation, 'request'));
    } catch {
      // Prism cuts a long list short ("Too many violations! …"), which no longer parses.
      found.push({ side: 'request', location: [], severity: 'Error', message: slViolations.slice(0, 500) });
    }
  }
  if (problem && Array.isArray(problem.validation)) {
    // 422 UNPROCESSABLE_ENTITY lists request violations without the side; VIOLATIONS (500) has it.
    const side: Violation['side'] = /VIOLATIONS$/.test(problem.type ?? '') ? 'response' : 'request';
    for (const raw of problem.validation) found.push(toViolation(raw, side));
  }
  const seen = new Set<string>();
  return found.filter((v) => {
    const key = `${v.side}|${v.location.join('.')}|${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The field a violation is about: 'box-version', 'limit', 'document_generation_data[0].generated_file_name'. */
export function violationField(v: Violation): string {
  if (v.code === 415) return 'content-type';
  const [where, ...path] = v.location;
  const missing = v.code === 'required' ? /'([^']+)'/.exec(v.message)?.[1] : undefined;
  const parts = [...path, ...(missing ? [missing] : [])];
  if (parts.length === 0) return where ?? v.side;
  return parts.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** 'header', 'query', 'path', 'body' (or the side when Prism gave no location). */
export function violationPlace(v: Violation): string {
  if (v.code === 415) return 'header';
  return v.location[0] ?? v.side;
}

/** One line: "response body.status: Response body property status must be equal to one of …". */
export function describeViolation(v: Violation): string {
  const where = [violationPlace(v), v.location.length > 1 || v.code === 'required' ? violationField(v) : undefined]
    .filter(Boolean)
    .join(' ');
  return `${v.side} ${where}: ${v.message}`;
}

/**
 * The ClientError that replaces Prism's answer to a request that broke the contract:
 * 401 for a security violation (no or wrong Authorization), else 400 bad_request, with every
 * violation named in `message` and listed in `context_info.errors`.
 */
export function requestViolationError(method: string, path: string, violations: Violation[]): ClientErrorBody {
  const security = violations.some((v) => v.code === 401 || v.code === '401');
  const errors = violations.map((v) => ({
    reason: v.code === 'required' ? 'missing_parameter' : 'invalid_parameter',
    name: security && (v.code === 401 || v.code === '401') ? 'authorization' : violationField(v),
    location: security && (v.code === 401 || v.code === '401') ? 'header' : violationPlace(v),
    message:
      v.code === 401 || v.code === '401' ? `${v.message}: send the header Authorization: Bearer <token>` : v.message,
  }));
  const list = errors.map((e) => `${e.location} ${e.name}: ${e.message}`).join('; ');
  return clientError(
    security ? 401 : 400,
    `${method} ${path} does not match the Box Doc Gen API spec (${violations.length} violation${violations.length === 1 ? '' : 's'}): ${list}`,
    { contextInfo: { errors } },
  );
}

/** The ClientError that replaces Prism's 500 when the response broke the contract. */
export function responseViolationError(method: string, path: string, violations: Violation[]): ClientErrorBody {
  const errors = violations.map((v) => ({
    reason: 'invalid_response',
    name: violationField(v),
    location: violationPlace(v),
    message: v.message,
  }));
  const list = errors.map((e) => `${e.location} ${e.name}: ${e.message}`).join('; ');
  return clientError(
    500,
    `The answer to ${method} ${path} does not match the Box Doc Gen API spec (${violations.length} violation${violations.length === 1 ? '' : 's'}): ${list}`,
    { contextInfo: { errors } },
  );
}

/** Any other Prism problem (no such path, no such method, …) as a ClientError with the same status. */
export function problemError(method: string, path: string, problem: ProblemJson, status: number): ClientErrorBody {
  const what = [problem.title, problem.detail].filter(Boolean).join(': ') || `status ${status}`;
  return clientError(status, `${method} ${path}: ${what}`, {
    contextInfo: problem.type ? { prism_error: problem.type.replace(/^.*#/, '') } : null,
  });
}
