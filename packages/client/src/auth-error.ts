// The error a sign-in helper throws: Box refused to issue a token, or the helper was given
// credentials it cannot use. It never holds a secret, key, assertion or token.
import { DocGenError, type FailedRequest } from './errors.js';

export class DocGenAuthError extends DocGenError {
  override name = 'DocGenAuthError';
  /** The token endpoint's status; undefined when no request was made or none was answered. */
  declare readonly status: number | undefined;
  /** Box's OAuth 2.0 `error` (`invalid_client`, `invalid_grant`, …), when it sent one. */
  declare readonly error: string | undefined;
  /** Box's `error_description`, with any value the helper sent taken out. */
  declare readonly errorDescription: string | undefined;
  declare readonly request: FailedRequest | undefined;
  constructor(
    message: string,
    fields: { status?: number; error?: string; errorDescription?: string; request?: FailedRequest } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    Object.assign(this, {
      status: undefined,
      error: undefined,
      errorDescription: undefined,
      request: undefined,
      ...fields,
    });
  }
}
