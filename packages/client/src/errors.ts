// The error classes users catch. Every failure of the client is a DocGenError,
// except an abort by the caller, which rejects with the signal's own reason.
import { idempotent } from './retry.js';

/** Method and URL of the request that failed; never headers, so never a token. */
export interface FailedRequest {
  method: string;
  url: string;
}

export class DocGenError extends Error {
  override name = 'DocGenError';
}

/** Bad input caught before any request was sent; `field` names the culprit. */
export class DocGenValidationError extends DocGenError {
  override name = 'DocGenValidationError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

const BODY_PREVIEW = 500;

/** The API answered with a status outside 2xx. */
export class DocGenApiError extends DocGenError {
  override name = 'DocGenApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly helpUrl: string | undefined;
  readonly contextInfo: Record<string, unknown> | null | undefined;
  /** Response headers, lower-cased. */
  readonly headers: Record<string, string>;
  /** The body as received when it was not a JSON error object, cut short. */
  readonly rawBody: string | undefined;
  readonly request: FailedRequest;
  /** True for a POST answered by a 5xx: Box may have acted on it, so it was not retried. */
  readonly outcomeUnknown: boolean;

  constructor(response: Response, body: unknown, request: FailedRequest) {
    const json = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
    const text = typeof body === 'string' && body.length ? body.slice(0, BODY_PREVIEW) : undefined;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const code = str(json?.code);
    const requestId = str(json?.request_id) ?? response.headers.get('box-request-id') ?? undefined;
    const detail = str(json?.message) ?? (text ? `unexpected response body: ${text}` : response.statusText || 'no body');
    const outcomeUnknown = !idempotent(request.method) && response.status >= 500;
    super(
      `${request.method} ${request.url} failed with ${response.status}${code ? ` ${code}` : ''}: ${detail}` +
        (requestId ? ` (request id ${requestId})` : '') +
        (outcomeUnknown ? '; the request may have reached Box, so its outcome is unknown and it was not retried' : ''),
    );
    this.status = response.status;
    this.code = code;
    this.requestId = requestId;
    this.helpUrl = str(json?.help_url);
    const ctx = json?.context_info;
    this.contextInfo = ctx === null ? null : ctx && typeof ctx === 'object' ? (ctx as Record<string, unknown>) : undefined;
    this.headers = Object.fromEntries(response.headers);
    this.rawBody = text;
    this.request = request;
    this.outcomeUnknown = outcomeUnknown;
  }

  toJSON() {
    const { name, message, status, code, requestId, helpUrl, contextInfo, headers, rawBody, request, outcomeUnknown } = this;
    return { name, message, status, code, requestId, helpUrl, contextInfo, headers, rawBody, request, outcomeUnknown };
  }
}

/**
 * The request failed without an answer. `outcomeUnknown` is true when the request
 * may have reached Box, so a POST may have been acted on and was not retried.
 */
export class DocGenConnectionError extends DocGenError {
  override name = 'DocGenConnectionError';
  constructor(
    message: string,
    readonly request: FailedRequest,
    readonly outcomeUnknown: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON() {
    const { name, message, request, outcomeUnknown } = this;
    return { name, message, request, outcomeUnknown };
  }
}

/** An attempt ran past `timeoutMs`. */
export class DocGenTimeoutError extends DocGenConnectionError {
  override name = 'DocGenTimeoutError';
}

/** `wait()` ran past its `timeoutMs`; `jobs` holds what the last poll saw. */
export class DocGenWaitTimeoutError<Job = unknown> extends DocGenError {
  override name = 'DocGenWaitTimeoutError';
  constructor(
    message: string,
    readonly jobs: Job[],
  ) {
    super(message);
  }
}
