// What a failure means for the person at the terminal: a connection failure names the host and
// why (DNS, refused, TLS, …); a 401 quotes Box's error_description and says what to do for the
// way the run signs in. Nothing here reads a token or a secret, only error fields.
import { DocGenApiError, DocGenConnectionError } from '@box-docgen/client';
import { DocGenAuthError } from '@box-docgen/client/auth';
import { TokenError } from './errors.js';

export type AuthMode = 'developer' | 'ccg' | 'jwt' | 'oauth' | 'token-command';

/** How the command line signs in: `--auth KIND`, `--token-command`, or the developer token. */
export function authModeOf(argv: readonly string[]): AuthMode {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--token-command' || arg.startsWith('--token-command=')) return 'token-command';
    const kind = arg === '--auth' ? argv[i + 1] : arg.startsWith('--auth=') ? arg.slice(7) : undefined;
    if (kind === 'ccg' || kind === 'jwt' || kind === 'oauth') return kind;
  }
  return 'developer';
}

// Node's (and undici's) codes, by what they mean to a user.
const CAUSES: [RegExp, string][] = [
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/, 'DNS: the host name was not found'],
  [/^ECONNREFUSED$/, 'the connection was refused (nothing listens on that port)'],
  [/^(ECONNRESET|UND_ERR_SOCKET|EPIPE)$/, 'the connection was closed by the other side'],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)$/, 'the connection timed out'],
  [/^(EHOSTUNREACH|ENETUNREACH|ENETDOWN)$/, 'the network cannot reach the host'],
  [
    /CERT|SELF_SIGNED|_SSL_|^ERR_TLS|UNABLE_TO_(VERIFY|GET)/,
    'TLS: the certificate or handshake failed (a proxy that intercepts HTTPS, or a wrong https:// port?)',
  ],
];

/** The code of the error or of one of its causes (or, for an AggregateError, of the errors it holds). */
// biome-ignore lint/suspicious/noExplicitAny: what fetch implementations throw is untyped.
function codeOf(error: any, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  if (typeof error.code === 'string' && CAUSES.some(([pattern]) => pattern.test(error.code))) return error.code;
  for (const inner of [error.cause, ...(Array.isArray(error.errors) ? error.errors : [])]) {
    const code = codeOf(inner, depth + 1);
    if (code) return code;
  }
  return undefined;
}

/** "host api.box.com: DNS: the host name was not found (ENOTFOUND)", for a failure without an answer. */
export function connectionCause(error: DocGenConnectionError | DocGenAuthError): string {
  const url = error.request?.url;
  const host = url && URL.canParse(url) ? new URL(url).host : 'the server';
  const code = codeOf(error.cause);
  const why = code ? `${CAUSES.find(([pattern]) => pattern.test(code))![1]} (${code})` : undefined;
  return `${host}: ${why ?? 'no answer'}`;
}

/** The error's message, with the host and the cause when no answer came. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unanswered =
    error instanceof DocGenConnectionError || (error instanceof DocGenAuthError && error.status === undefined);
  return unanswered && error.request ? `${message} (${connectionCause(error)})` : message;
}

const SIGN_IN_ADVICE: Record<AuthMode, string> = {
  developer:
    "developer tokens last 60 minutes: make a new one on the app's Configuration page in the Box Developer Console and set BOX_DEVELOPER_TOKEN (or sign in with --auth ccg, jwt or oauth, which renew themselves)",
  'token-command':
    'the token --token-command printed was refused, and so was the one it printed when asked again: check what it prints',
  ccg: "check BOX_CLIENT_ID and BOX_CLIENT_SECRET (the app's Configuration page), BOX_ENTERPRISE_ID or BOX_USER_ID, and that an admin has authorized the app in the enterprise",
  jwt: 'check the app config in BOX_JWT_CONFIG (its public key must still be on the app), BOX_USER_ID if given, and that an admin has authorized the app in the enterprise',
  oauth:
    'the refresh token in BOX_OAUTH_TOKEN_FILE may have been used or revoked (Box refresh tokens work once): sign in again and store the new one; check BOX_CLIENT_ID and BOX_CLIENT_SECRET',
};

/** Box's error_description, from a 401's WWW-Authenticate header. */
function errorDescription(error: DocGenApiError): string | undefined {
  return /error_description="([^"]*)"/.exec(error.headers['www-authenticate'] ?? '')?.[1];
}

/** Lines that say what to do about the failure, for stderr (none when the message says it all). */
export function advice(error: unknown, auth: AuthMode): string[] {
  if (error instanceof DocGenApiError && error.status === 401) {
    const said = errorDescription(error);
    return [...(said ? [`Box says: ${said}`] : []), SIGN_IN_ADVICE[auth]];
  }
  // A refused sign-in (Box's error_description is in the message) or a refused developer token.
  if (error instanceof TokenError && error.message.startsWith('sign-in failed')) return [SIGN_IN_ADVICE[auth]];
  if (error instanceof DocGenAuthError && error.status !== undefined) return [SIGN_IN_ADVICE[auth]];
  return [];
}
