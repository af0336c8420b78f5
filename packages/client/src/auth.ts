// @box-docgen/client/auth: sign-in helpers. Each returns a token function for
// createDocGenClient({ token }); the client calls it per request, and once with
// `forceRefresh: true` after a 401. Its own entry, so browser bundles of the client stay small.
//
// Where they run: all of them use fetch and WebCrypto only, so they run in Node 20.19+, Deno,
// Bun and browsers. But clientCredentials, jwt and oauth's code exchange hold the app's client
// secret or private key: run them on a server, never in a page a user can read.
import type { AccessTokenRequest } from '@box-docgen/types';
import { helperEndpoints } from '@box-docgen/types/endpoints';
import { check } from '@box-docgen/types/check';
import { cachedToken, type IssuedToken, type TokenFunction } from './auth-cache.js';
import { DocGenAuthError } from './auth-error.js';
import { required, requestToken, tokenUrl, type TokenEndpointOptions } from './auth-request.js';
import { signingKey, signJwt } from './jwt-key.js';

export { DocGenAuthError } from './auth-error.js';
export type { TokenFunction, IssuedToken } from './auth-cache.js';
export type { GrantType, TokenEndpointOptions } from './auth-request.js';
export type { AccessToken, AccessTokenRequest, OAuth2Error } from '@box-docgen/types';

/**
 * A developer token from the Developer Console, as a token function. It cannot be renewed: when
 * Box refuses it (a 401, and the client asks for a fresh one) the call fails with a
 * DocGenAuthError saying that developer tokens last 60 minutes.
 */
export function developerToken(token: string): TokenFunction {
  required('token', token);
  return ({ forceRefresh }) => {
    if (forceRefresh) {
      throw new DocGenAuthError(
        'Box refused the developer token (401): developer tokens last 60 minutes; generate a new one in the Developer Console, or sign in with clientCredentials, jwt or oauth',
      );
    }
    return token;
  };
}

/** Whom a server-side token acts as: the app's service account in an enterprise, or one user. */
export type Subject = { enterpriseId: string; userId?: undefined } | { userId: string; enterpriseId?: undefined };

/** The subject fields of a token request, from exactly one of enterpriseId and userId. */
function subject(s: { enterpriseId?: string; userId?: string }): {
  type: NonNullable<AccessTokenRequest['box_subject_type']>;
  id: string;
} {
  if ((s.enterpriseId === undefined) === (s.userId === undefined))
    throw new DocGenAuthError('give exactly one of enterpriseId and userId');
  return s.userId !== undefined
    ? { type: 'user', id: required('userId', s.userId) }
    : { type: 'enterprise', id: required('enterpriseId', s.enterpriseId) };
}

export type ClientCredentialsOptions = { clientId: string; clientSecret: string } & Subject & TokenEndpointOptions;

/**
 * Client Credentials Grant: the app's client ID and secret, acting as the enterprise's service
 * account (`enterpriseId`) or as a user (`userId`). Server side only (it holds the secret).
 */
export function clientCredentials(options: ClientCredentialsOptions): TokenFunction {
  const clientId = required('clientId', options?.clientId);
  const clientSecret = required('clientSecret', options.clientSecret);
  const { type, id } = subject(options);
  return cachedToken(() =>
    requestToken(
      {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        box_subject_type: type,
        box_subject_id: id,
      },
      options,
    ),
  );
}

/** The app config JSON the Developer Console downloads for a JWT app, as it is. */
export interface BoxAppConfig {
  boxAppSettings: {
    clientID: string;
    clientSecret: string;
    appAuth: { publicKeyID: string; privateKey: string; passphrase?: string };
  };
  enterpriseID?: string;
}

/** The same fields spelled out; `privateKey` may also be a CryptoKey (RSASSA-PKCS1-v1_5, SHA-256) you imported. */
export interface JwtFields {
  clientId: string;
  clientSecret: string;
  publicKeyId: string;
  privateKey: string | CryptoKey;
  passphrase?: string;
  enterpriseId?: string;
}

export interface JwtOptions extends TokenEndpointOptions {
  /** Act as this user instead of the enterprise's service account. */
  userId?: string;
  /** Seconds the assertion is valid (Box accepts at most 60; default 45). */
  assertionSeconds?: number;
}

const isAppConfig = (c: unknown): c is BoxAppConfig => !!c && typeof c === 'object' && 'boxAppSettings' in c;

/**
 * JWT sign-in: an RS256 assertion signed with the app's private key, exchanged for a token.
 * Takes the downloaded app config (object or JSON text) or the fields spelled out. The key may
 * be PKCS#8, PKCS#1, or encrypted PKCS#8 (PBES2 with AES-CBC, what Box generates): decrypted
 * with WebCrypto in every runtime (see jwt-key.ts for what cannot be). Server side only.
 */
export function jwt(config: BoxAppConfig | JwtFields | string, options: JwtOptions = {}): TokenFunction {
  let parsed: unknown = config;
  if (typeof config === 'string') {
    try {
      parsed = JSON.parse(config);
    } catch {
      // The text may hold the key: never quote it.
      throw new DocGenAuthError('the JWT app config is not JSON');
    }
  }
  const fields: JwtFields = isAppConfig(parsed)
    ? {
        clientId: parsed.boxAppSettings.clientID,
        clientSecret: parsed.boxAppSettings.clientSecret,
        publicKeyId: parsed.boxAppSettings.appAuth?.publicKeyID,
        privateKey: parsed.boxAppSettings.appAuth?.privateKey,
        passphrase: parsed.boxAppSettings.appAuth?.passphrase || undefined,
        enterpriseId: parsed.enterpriseID,
      }
    : (parsed as JwtFields);
  const clientId = required('clientId', fields?.clientId);
  const clientSecret = required('clientSecret', fields.clientSecret);
  const publicKeyId = required('publicKeyId', fields.publicKeyId);
  if (typeof fields.privateKey !== 'string' && !(globalThis.CryptoKey && fields.privateKey instanceof CryptoKey))
    throw new DocGenAuthError('privateKey must be PEM text or a CryptoKey');
  const { type, id } = subject(
    options.userId !== undefined ? { userId: options.userId } : { enterpriseId: fields.enterpriseId },
  );
  const seconds = options.assertionSeconds ?? 45;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60)
    throw new DocGenAuthError('assertionSeconds must be a whole number from 1 to 60');
  // Imported once, when the first token is needed; a bad key or passphrase fails that call.
  let key: Promise<CryptoKey> | undefined;
  const { privateKey, passphrase } = fields;
  return cachedToken(async () => {
    key ??= signingKey(privateKey, passphrase);
    key.catch(() => (key = undefined));
    const now = Math.floor(Date.now() / 1000);
    const assertion = await signJwt(
      await key,
      { kid: publicKeyId },
      {
        iss: clientId,
        sub: id,
        box_sub_type: type,
        aud: tokenUrl(options),
        jti: crypto.randomUUID(),
        exp: now + seconds,
      },
    );
    return requestToken(
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        client_id: clientId,
        client_secret: clientSecret,
        assertion,
      },
      options,
    );
  });
}

/** A token pair Box issued, handed to onTokens: store `refreshToken` before anything else, it replaces the last one. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lasts, from when it was issued. */
  expiresIn: number;
}

export interface OAuthOptions extends TokenEndpointOptions {
  clientId: string;
  clientSecret: string;
  /** The redirect URI the authorize URL names (one configured for the app). */
  redirectUri?: string;
  /** A refresh token stored from an earlier sign-in, to start signed in. */
  refreshToken?: string;
  /**
   * Called with every new token pair, before the token is used. Box refresh tokens work once,
   * so the pair must be stored: a rejection fails the call that needed the token (the pair is
   * still kept in memory).
   */
  onTokens?: (tokens: OAuthTokens) => void | Promise<void>;
  /** Where the authorize page is (default the spec's `https://account.box.com/api/oauth2`). */
  authorizeBaseUrl?: string;
}

export interface OAuthSignIn {
  /** The URL to send the person's browser to; pass a `state` you check when Box redirects back. */
  authorizeUrl(o?: { state?: string; scope?: string; redirectUri?: string }): string;
  /** Exchanges the `code` of the redirect for a token pair (handed to onTokens). */
  exchangeCode(code: string): Promise<OAuthTokens>;
  /** The token function for createDocGenClient: refreshes with the stored refresh token. */
  token: TokenFunction;
}

/**
 * OAuth 2.0 for an app acting for a person: the authorize URL, the code exchange, then
 * refresh-token grants. Box refresh tokens work once, so every grant runs after the one before
 * it (never two at once) and each new pair goes to `onTokens`.
 */
export function oauth(options: OAuthOptions): OAuthSignIn {
  const clientId = required('clientId', options?.clientId);
  const clientSecret = required('clientSecret', options.clientSecret);
  let refreshToken = options.refreshToken === undefined ? undefined : required('refreshToken', options.refreshToken);
  // One grant at a time: each waits for the one before it, whatever became of it.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };
  const grant = (form: Omit<AccessTokenRequest, 'client_id' | 'client_secret'>) =>
    serial(async () => {
      const { accessToken, expiresIn, answer } = await requestToken(
        { ...form, client_id: clientId, client_secret: clientSecret },
        options,
      );
      if (typeof answer.refresh_token !== 'string' || !answer.refresh_token)
        throw new DocGenAuthError('Box answered without a refresh_token', { status: 200 });
      refreshToken = answer.refresh_token;
      const tokens: OAuthTokens = { accessToken, refreshToken, expiresIn };
      await options.onTokens?.(tokens);
      return tokens;
    });
  let seeded: OAuthTokens | undefined;
  const token = cachedToken(async (): Promise<IssuedToken> => {
    // The pair of the code exchange serves the first call.
    if (seeded) {
      const first = seeded;
      seeded = undefined;
      return first;
    }
    if (!refreshToken)
      throw new DocGenAuthError(
        'not signed in: call exchangeCode with the code of the redirect, or pass a stored refreshToken',
      );
    return grant({ grant_type: 'refresh_token', refresh_token: refreshToken });
  });
  const authorize = helperEndpoints.getAuthorization;
  return {
    authorizeUrl(o = {}) {
      const query = {
        response_type: 'code' as const,
        client_id: clientId,
        redirect_uri: o.redirectUri ?? options.redirectUri,
        state: o.state,
        scope: o.scope,
      };
      const problem = check(authorize.query, query);
      if (problem) throw new DocGenAuthError(`authorizeUrl: ${problem.field} ${problem.problem}`);
      const url = new URL((options.authorizeBaseUrl ?? authorize.server).replace(/\/+$/, '') + authorize.path);
      for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
      return url.href;
    },
    async exchangeCode(code) {
      const tokens = await grant({ grant_type: 'authorization_code', code: required('code', code) });
      seeded = tokens;
      return tokens;
    },
    token,
  };
}
