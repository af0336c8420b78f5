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

  /** The error's own fields with its name and message (the cause and stack stay out). */
  toJSON(): { name: string; message: string; [field: string]: unknown } {
    // `name` is an own field, so the spread carries it; `message` is not enumerable.
    return { ...(this as { name: string }), message: this.message };
  }
}

/** Why a request that may have been acted on was not repeated. */
export const OUTCOME_UNKNOWN = 'outcome is unknown (it may have reached Box), not retried';

/** Bad input caught before any request was sent; `field` names the culprit. */
export class DocGenValidationError extends DocGenError {
  override name = 'DocGenValidationError';
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** The longest server message an error quotes: a megabyte of it would land in every log line. */
const MAX_MESSAGE = 1_000;
const cut = (text: string) =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}… [cut ${text.length - MAX_MESSAGE} characters]` : text;

/** What DocGenApiError is made from: the answer, its parsed body, and the request. */
export interface ApiErrorSource {
  /** The answer's body: parsed JSON, or the text when it was not JSON. */
  body: unknown;
  request: FailedRequest;
  /** Takes every token the client sent out of the headers and the status text. */
  redact?: (text: string) => string;
}

/** The API answered with a status outside 2xx. */
export class DocGenApiError extends DocGenError {
  override name = 'DocGenApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly helpUrl: string | undefined;
  readonly contextInfo: Record<string, unknown> | null | undefined;
  /** The body as received when it was not a JSON error object, cut to 500 characters. */
  readonly rawBody: string | undefined;
  readonly request: FailedRequest;
  /** True for a POST answered by a 5xx: Box may have acted on it, so it was not retried. */
  readonly outcomeUnknown: boolean;
  /** Response headers, lower-cased. */
  readonly headers: Record<string, string>;

  constructor(response: Response, { body, request, redact = (text) => text }: ApiErrorSource) {
    // A ClientError body when there is one; HTML, empty or cut-off bodies still give a useful error.
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    // The fields of a JSON object body; any other body (text, none) has none of them.
    const json: Record<string, unknown> = Object(body);
    const rawBody = str(body)?.slice(0, 500);
    const { status, headers } = response;
    const code = str(json.code);
    const requestId = str(json.request_id) ?? str(redact(headers.get('box-request-id') ?? ''));
    const { method, url } = request;
    const outcomeUnknown = !idempotent(method) && status >= 500;
    super(
      `${method} ${url} failed with ${status}${code ? ` ${code}` : ''}: ${cut(str(json.message) ?? rawBody ?? redact(response.statusText))}${
        requestId ? ` (request id ${requestId})` : ''
      }${outcomeUnknown ? `; ${OUTCOME_UNKNOWN}` : ''}`,
    );
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.helpUrl = str(json.help_url);
    this.contextInfo = json.context_info as Record<string, unknown> | null | undefined;
    this.rawBody = rawBody;
    this.request = request;
    this.outcomeUnknown = outcomeUnknown;
    this.headers = Object.fromEntries([...headers].map(([name, value]) => [name, redact(value)]));
  }
}

/**
 * The request failed without an answer. `outcomeUnknown` is true when the request
 * may have reached Box, so a POST may have been acted on and was not retried.
 */
export class DocGenConnectionError extends DocGenError {
  override name = 'DocGenConnectionError';
  readonly request: FailedRequest;
  readonly outcomeUnknown: boolean;
  constructor(
    message: string,
    { request, outcomeUnknown, cause }: { request: FailedRequest; outcomeUnknown: boolean; cause?: unknown },
  ) {
    super(message, { cause });
    this.request = request;
    this.outcomeUnknown = outcomeUnknown;
  }
}

/** An attempt ran past `timeoutMs`. */
export class DocGenTimeoutError extends DocGenConnectionError {
  override name = 'DocGenTimeoutError';
}

/** `wait()` ran past its `timeoutMs`; `jobs` holds what the last poll saw. */
export class DocGenWaitTimeoutError<Job = unknown> extends DocGenError {
  override name = 'DocGenWaitTimeoutError';
  readonly jobs: Job[];
  constructor(message: string, jobs: Job[]) {
    super(message);
    this.jobs = jobs;
  }
}
