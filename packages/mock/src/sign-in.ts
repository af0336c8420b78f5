/**
 * The mock's sign-in: `POST /oauth2/token` and the approval page `GET /authorize`, for the
 * clients a state is configured with. It issues access tokens that expire after a TTL on the
 * state's clock, refresh tokens and authorization codes that work once, and checks JWT
 * assertions (RS256, with the client's public key, by WebCrypto) as Box does: kid, iss, sub,
 * box_sub_type, aud, a short exp and a jti never seen before. Refusals are Box's OAuth 2.0 error
 * body (`error`, `error_description`). No Node built-ins: any host of the state can use it.
 *
 * Nothing secret goes into an answer's description: it names the field that is wrong, not its value.
 */
import type { AccessToken, AccessTokenRequest, OAuth2Error } from '@box-docgen/types';
import { helperEndpoints } from '@box-docgen/types/endpoints';

/** An app the mock knows, and whom it may act as. */
export interface MockClient {
  clientId: string;
  clientSecret: string;
  /** The enterprise whose service account it acts as (`box_subject_type` / `box_sub_type` enterprise). */
  enterpriseId?: string;
  /** The users it may act as (`box_subject_type` / `box_sub_type` user). */
  userIds?: readonly string[];
  /** JWT apps: the id of the public key (the assertion's `kid`) and the key as PEM (SPKI, `BEGIN PUBLIC KEY`). */
  publicKeyId?: string;
  publicKey?: string;
  /** OAuth 2.0 apps: the redirect URIs the approval page may send a code to; the first is the default. */
  redirectUris?: readonly string[];
}

/** What a state answers; the same shape as state.ts's StateAnswer. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface SignInOptions {
  clients: readonly MockClient[];
  /** Seconds an issued access token lasts. */
  tokenTtlSeconds: number;
  now: () => number;
  /** The URL of the token endpoint as clients reach it: JWT assertions must name it as `aud`. */
  tokenUrl: () => string | undefined;
}

export type TokenCheck = 'valid' | 'expired' | 'unknown';

export interface SignIn {
  /** The answer to a token request (its form as text or as parsed fields). */
  token(form: unknown): Promise<Answer>;
  /** The approval page: approved at once, it links to the redirect URI with a code. */
  authorize(query: Readonly<Record<string, string | string[]>>): Answer;
  /** Whether an access token was issued here and has not expired. */
  check(token: string): TokenCheck;
}

type Form = Partial<Record<keyof AccessTokenRequest, string>>;
type Grant = AccessTokenRequest['grant_type'];
/** The subject types of the form's box_subject_type, which a JWT's box_sub_type takes too. */
type SubjectType = NonNullable<AccessTokenRequest['box_subject_type']>;
const ENTERPRISE: SubjectType = 'enterprise';
const USER: SubjectType = 'user';

/** A code lasts this long (Box's do too: about 30 seconds). */
const CODE_TTL_MS = 30_000;
/** The longest an assertion may be valid for, from now. */
const ASSERTION_MAX_SECONDS = 60;
const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };
const TOKEN_PATH = helperEndpoints.createAccessToken.path;

const refuse = (error: string, description: string): Answer => ({
  status: 400,
  headers: JSON_HEADERS,
  body: { error, error_description: description } satisfies OAuth2Error,
});

/** A random token: 32 hex digits per part. */
const randomToken = (parts = 1) => Array.from({ length: parts }, () => crypto.randomUUID().replace(/-/g, '')).join('');

function formOf(raw: unknown): Form {
  if (typeof raw === 'string') return Object.fromEntries(new URLSearchParams(raw)) as Form;
  if (raw && typeof raw === 'object') {
    const form: Form = {};
    for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') form[key as keyof Form] = value;
    return form;
  }
  return {};
}

const base64url = (text: string): Uint8Array<ArrayBuffer> => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};
const jsonPart = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url(text)));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

function importPublicKey(pem: string): Promise<CryptoKey> {
  const b64 = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem)?.[1]?.replace(/\s+/g, '');
  if (!b64) return Promise.reject(new TypeError('publicKey is not a PEM public key (BEGIN PUBLIC KEY)'));
  const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) as Uint8Array<ArrayBuffer>;
  return crypto.subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
}

/** Checks the client list once, when the state is made: a mistake there is the test's, not the request's. */
export function checkClients(clients: readonly MockClient[]): void {
  const seen = new Set<string>();
  clients.forEach((client, i) => {
    const where = `state.clients[${i}]`;
    if (typeof client?.clientId !== 'string' || !client.clientId) throw new TypeError(`${where}.clientId is required`);
    if (typeof client.clientSecret !== 'string' || !client.clientSecret)
      throw new TypeError(`${where}.clientSecret is required`);
    if (seen.has(client.clientId)) throw new TypeError(`${where}: clientId ${client.clientId} is listed twice`);
    seen.add(client.clientId);
    if ((client.publicKey === undefined) !== (client.publicKeyId === undefined))
      throw new TypeError(`${where}: publicKey and publicKeyId go together`);
  });
}

export function createSignIn(options: SignInOptions): SignIn {
  const { clients, now } = options;
  const ttlMs = options.tokenTtlSeconds * 1000;
  /** Access token → when it expires. */
  const accessTokens = new Map<string, number>();
  /** Refresh token → the client it was issued to; deleted when used. */
  const refreshTokens = new Map<string, string>();
  /** Code → its client and when it expires; deleted when used. */
  const codes = new Map<string, { clientId: string; expires: number }>();
  /** jti → when its assertion expires (until then it may not come back). */
  const jtis = new Map<string, number>();
  const keys = new Map<string, Promise<CryptoKey>>();

  const issue = (clientId: string, withRefresh: boolean): Answer => {
    const accessToken = randomToken();
    accessTokens.set(accessToken, now() + ttlMs);
    const body: AccessToken = {
      access_token: accessToken,
      expires_in: options.tokenTtlSeconds,
      token_type: 'bearer',
      restricted_to: [],
    };
    if (withRefresh) {
      body.refresh_token = randomToken(2);
      refreshTokens.set(body.refresh_token, clientId);
    }
    return { status: 200, headers: JSON_HEADERS, body };
  };

  /** Whether the client may act as this subject. */
  const mayActAs = (client: MockClient, type: string | undefined, id: string | undefined) =>
    id !== undefined &&
    ((type === ENTERPRISE && client.enterpriseId === id) || (type === USER && !!client.userIds?.includes(id)));

  const jwtGrant = async (client: MockClient, assertion: string | undefined): Promise<Answer> => {
    if (!client.publicKey || !client.publicKeyId)
      return refuse('unauthorized_client', 'This app has no public key configured for JWT sign-in');
    const parts = assertion?.split('.') ?? [];
    const header = parts.length === 3 ? jsonPart(parts[0]!) : undefined;
    const claims = parts.length === 3 ? jsonPart(parts[1]!) : undefined;
    if (!header || !claims) return refuse('invalid_request', 'The assertion is not a JWT (header.claims.signature)');
    if (header['alg'] !== 'RS256') return refuse('invalid_grant', "The assertion's alg must be RS256");
    if (header['kid'] !== client.publicKeyId)
      return refuse('invalid_grant', "The assertion's kid does not name a public key of this app");
    let key = keys.get(client.clientId);
    if (!key) {
      key = importPublicKey(client.publicKey);
      keys.set(client.clientId, key);
    }
    let signed: boolean;
    try {
      signed = await crypto.subtle.verify(
        'RSASSA-PKCS1-v1_5',
        await key,
        base64url(parts[2]!),
        new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
      );
    } catch {
      signed = false;
    }
    if (!signed) return refuse('invalid_grant', "The assertion's signature does not verify with the app's public key");
    if (claims['iss'] !== client.clientId) return refuse('invalid_grant', "The assertion's iss must be the client ID");
    if (claims['aud'] !== options.tokenUrl())
      return refuse('invalid_grant', "The assertion's aud must be the URL of this token endpoint");
    const seconds = now() / 1000;
    const exp = claims['exp'];
    if (typeof exp !== 'number' || exp <= seconds || exp > seconds + ASSERTION_MAX_SECONDS)
      return refuse('invalid_grant', `The assertion's exp must be in the next ${ASSERTION_MAX_SECONDS} seconds`);
    const jti = claims['jti'];
    for (const [seen, until] of jtis) if (until <= seconds) jtis.delete(seen);
    if (typeof jti !== 'string' || jti.length < 16 || jti.length > 128)
      return refuse('invalid_grant', "The assertion's jti must be a unique text of 16 to 128 characters");
    if (jtis.has(jti)) return refuse('invalid_grant', "The assertion's jti was already used");
    const sub = typeof claims['sub'] === 'string' ? claims['sub'] : undefined;
    const type = typeof claims['box_sub_type'] === 'string' ? claims['box_sub_type'] : undefined;
    if (!mayActAs(client, type, sub))
      return refuse('invalid_grant', 'This app may not act as the sub and box_sub_type of the assertion');
    jtis.set(jti, exp);
    return issue(client.clientId, false);
  };

  const token = async (raw: unknown): Promise<Answer> => {
    const form = formOf(raw);
    const grant = form.grant_type as Grant | undefined;
    const client = clients.find((c) => c.clientId === form.client_id);
    if (!client || client.clientSecret !== form.client_secret)
      return refuse('invalid_client', 'The client ID or client secret is wrong');
    switch (grant) {
      case 'client_credentials':
        if (!form.box_subject_type || !form.box_subject_id)
          return refuse('invalid_request', 'The client_credentials grant needs box_subject_type and box_subject_id');
        return mayActAs(client, form.box_subject_type, form.box_subject_id)
          ? issue(client.clientId, false)
          : refuse('invalid_grant', 'This app may not act as that box_subject_type and box_subject_id');
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
        return jwtGrant(client, form.assertion);
      case 'authorization_code': {
        const code = form.code === undefined ? undefined : codes.get(form.code);
        if (form.code !== undefined) codes.delete(form.code);
        if (!code || code.clientId !== client.clientId || code.expires <= now())
          return refuse(
            'invalid_grant',
            'The authorization code is not valid: it expired, was used, or is not this app’s',
          );
        return issue(client.clientId, true);
      }
      case 'refresh_token': {
        const owner = form.refresh_token === undefined ? undefined : refreshTokens.get(form.refresh_token);
        // Used once, gone: a second use is refused, as Box refuses it.
        if (owner === undefined || owner !== client.clientId) return refuse('invalid_grant', 'Invalid refresh token');
        refreshTokens.delete(form.refresh_token!);
        return issue(client.clientId, true);
      }
      default:
        return refuse(
          'unsupported_grant_type',
          'The mock issues tokens for client_credentials, JWT, authorization_code and refresh_token grants',
        );
    }
  };

  const authorize = (query: Readonly<Record<string, string | string[]>>): Answer => {
    const one = (name: string) => {
      const value = query[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const client = clients.find((c) => c.clientId === one('client_id'));
    if (!client) return refuse('invalid_client', 'No app has this client ID');
    const redirect = one('redirect_uri') ?? client.redirectUris?.[0];
    if (redirect === undefined || !client.redirectUris?.includes(redirect) || !URL.canParse(redirect))
      return refuse('invalid_request', 'The redirect_uri is not one configured for this app');
    const code = randomToken();
    codes.set(code, { clientId: client.clientId, expires: now() + CODE_TTL_MS });
    const target = new URL(redirect);
    target.searchParams.set('code', code);
    const state = one('state');
    if (state !== undefined) target.searchParams.set('state', state);
    const href = target.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: `<!doctype html><title>Grant access to Box (box-docgen-mock)</title><p>The mock approves every request: <a id="grant" href="${href}">continue to the app</a>.</p>`,
    };
  };

  const check = (accessToken: string): TokenCheck => {
    const expires = accessTokens.get(accessToken);
    if (expires === undefined) return 'unknown';
    return expires > now() ? 'valid' : 'expired';
  };

  return { token, authorize, check };
}

/** The token endpoint's path, for hosts that work out its URL. */
export { TOKEN_PATH };
