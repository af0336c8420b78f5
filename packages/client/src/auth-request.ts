// One request to Box's token endpoint, as the spec describes it (helperEndpoints.createAccessToken:
// its server, path, form body and rules): a form in, an access token or a DocGenAuthError out.
// Not the client's transport: this call carries no bearer token and no box-version.
import type { AccessToken, AccessTokenRequest } from '@box-docgen/types';
import { helperEndpoints } from '@box-docgen/types/endpoints';
import { DocGenAuthError } from './auth-error.js';
import type { IssuedToken } from './auth-cache.js';
import { deadline, retryDelayMs, sleep } from './retry.js';
import { check } from '@box-docgen/types/check';

const ep = helperEndpoints.createAccessToken;

/** Options every sign-in helper takes. */
export interface TokenEndpointOptions {
  /** Default globalThis.fetch, looked up per request. */
  fetch?: (input: Request) => Promise<Response>;
  /** Where the token endpoint is (default the spec's `https://api.box.com`); for proxies and tests. */
  authBaseUrl?: string;
  /** Per attempt, including reading the answer (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2): 429 always; 5xx and lost connections only for grants that can be repeated. */
  maxRetries?: number;
}

export type GrantType = AccessTokenRequest['grant_type'];

/** The token endpoint's URL for these options: `aud` of a JWT assertion is this too. */
export const tokenUrl = (o: TokenEndpointOptions): string => (o.authBaseUrl ?? ep.server).replace(/\/+$/, '') + ep.path;

/** A non-empty string, or a DocGenAuthError naming the option (never its value). */
export function required(name: string, value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) throw new DocGenAuthError(`${name} must be a non-empty string`);
  return value;
}

/** Grants whose code or refresh token works once: repeating one after it may have arrived would fail or lose the new token. */
const ONCE: readonly GrantType[] = ['authorization_code', 'refresh_token'];
const RETRY_STATUSES = [500, 502, 503, 504];

/** `text` with every value of the form taken out, in case an answer echoes one. */
const redactor = (form: AccessTokenRequest) => {
  const values = Object.values(form).filter((v): v is string => typeof v === 'string' && v.length >= 8);
  return (text: string) => values.reduce((out, v) => out.replaceAll(v, '[redacted]'), text).slice(0, 1000);
};

/** Sends the form; resolves to the token Box issued, with the answer's other fields (refresh_token). */
export async function requestToken(
  form: AccessTokenRequest,
  o: TokenEndpointOptions = {},
): Promise<IssuedToken & { answer: AccessToken }> {
  // The form against the spec's rules; the problem names the field, never its value.
  const problem = check(ep.body.schema, form);
  if (problem) throw new DocGenAuthError(`token request: ${problem.field || 'form'} ${problem.problem}`);
  const url = tokenUrl(o);
  const request = { method: ep.method, url };
  const redact = redactor(form);
  const once = ONCE.includes(form.grant_type);
  const maxRetries = o.maxRetries ?? 2;
  const body = new URLSearchParams(
    Object.entries(form).filter(([, v]) => v !== undefined) as [string, string][],
  ).toString();
  for (let retries = 0; ; retries++) {
    const guard = deadline(undefined, o.timeoutMs ?? 30_000);
    let response: Response | undefined;
    let text = '';
    let failure: unknown;
    try {
      const req = new Request(url, {
        method: ep.method,
        headers: { 'content-type': ep.body.mediaType, accept: 'application/json' },
        body,
        signal: guard.signal,
      });
      response = await guard.race((o.fetch ?? fetch)(guard.keep(req)));
      text = await guard.race(response.text());
    } catch (error) {
      failure = error;
      response = undefined;
    } finally {
      guard.done();
    }
    const status = response?.status;
    const again = status === 429 || (!once && (status === undefined || RETRY_STATUSES.includes(status)));
    if (again && retries < maxRetries) {
      await sleep(retryDelayMs(retries, response?.headers));
      continue;
    }
    if (!response) {
      // The cause is fetch's own error: it names the host, never the form.
      throw new DocGenAuthError(
        `${ep.method} ${url}: no answer (${guard.signal.aborted ? 'timed out' : 'connection failed'})`,
        { request },
        { cause: failure },
      );
    }
    let json: Partial<AccessToken & { error: string; error_description: string }> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // an answer that is not JSON: its status speaks
    }
    if (
      response.ok &&
      typeof json.access_token === 'string' &&
      json.access_token &&
      typeof json.expires_in === 'number'
    ) {
      return { accessToken: json.access_token, expiresIn: json.expires_in, answer: json as AccessToken };
    }
    const error = typeof json.error === 'string' ? redact(json.error) : undefined;
    const errorDescription = typeof json.error_description === 'string' ? redact(json.error_description) : undefined;
    const why = response.ok
      ? 'the answer holds no access_token and expires_in'
      : `${error ?? 'refused'}${errorDescription ? `: ${errorDescription}` : ''}`;
    throw new DocGenAuthError(`${ep.method} ${url} failed with ${status}: ${why}`, {
      status,
      error,
      errorDescription,
      request,
    });
  }
}
