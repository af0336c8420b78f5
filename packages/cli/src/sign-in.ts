// --auth: how the CLI gets its token, from the environment, with @box-docgen/client/auth.
//   developer  BOX_DEVELOPER_TOKEN (the default when --auth is not given)
//   ccg        BOX_CLIENT_ID, BOX_CLIENT_SECRET, and BOX_ENTERPRISE_ID or BOX_USER_ID
//   jwt        BOX_JWT_CONFIG (the app config JSON the Developer Console downloads), BOX_USER_ID to act as a user
//   oauth      BOX_CLIENT_ID, BOX_CLIENT_SECRET, BOX_OAUTH_TOKEN_FILE (holds the refresh token; each
//              new one replaces it, since Box refresh tokens work once)
// BOX_AUTH_BASE_URL points the token endpoint elsewhere (a proxy, the mock). Every secret read
// here is remembered by redact.ts, so no output can carry it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { TokenSource } from '@box-docgen/client';
import { clientCredentials, jwt, oauth } from '@box-docgen/client/auth';
import { UsageError } from './errors.js';
import { rememberSecret, rememberTokens } from './redact.js';

export const AUTH_KINDS = ['developer', 'ccg', 'jwt', 'oauth'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

type Env = Record<string, string | undefined>;

/** The variable's trimmed value, remembered as a secret; a UsageError naming it when unset. */
function need(env: Env, name: string, why: string): string {
  const value = env[name]?.trim();
  if (!value) throw new UsageError(`--auth ${why} needs ${name}`);
  return rememberSecret(value);
}

export function signIn(kind: string, env: Env): TokenSource {
  if (!(AUTH_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`--auth must be ${AUTH_KINDS.join(', ')}, got "${kind}"`);
  const authBaseUrl = env.BOX_AUTH_BASE_URL?.trim() || undefined;
  if (authBaseUrl !== undefined && !URL.canParse(authBaseUrl))
    throw new UsageError(`BOX_AUTH_BASE_URL "${authBaseUrl}" is not an absolute URL`);
  const user = env.BOX_USER_ID?.trim() || undefined;
  switch (kind as AuthKind) {
    case 'developer':
      // The token as it is, like the default: a 401 then keeps Box's answer, which cli.ts explains
      // (developerToken() would replace it with its own message).
      return rememberTokens(need(env, 'BOX_DEVELOPER_TOKEN', 'developer'));
    case 'ccg': {
      const clientId = need(env, 'BOX_CLIENT_ID', 'ccg');
      const clientSecret = need(env, 'BOX_CLIENT_SECRET', 'ccg');
      const subject =
        user !== undefined
          ? { userId: user }
          : { enterpriseId: need(env, 'BOX_ENTERPRISE_ID', 'ccg (or BOX_USER_ID)') };
      return rememberTokens(clientCredentials({ clientId, clientSecret, ...subject, authBaseUrl }));
    }
    case 'jwt': {
      const path = need(env, 'BOX_JWT_CONFIG', 'jwt');
      let config: string;
      try {
        config = readFileSync(path, 'utf8');
      } catch (error) {
        throw new UsageError(`BOX_JWT_CONFIG ${path}: ${(error as Error).message}`);
      }
      // The key and the passphrase in it are secrets too.
      try {
        const app = JSON.parse(config)?.boxAppSettings;
        for (const value of [app?.clientSecret, app?.appAuth?.privateKey, app?.appAuth?.passphrase])
          if (typeof value === 'string' && value) rememberSecret(value);
      } catch {
        // jwt() says what is wrong with it
      }
      return rememberTokens(jwt(config, { authBaseUrl, ...(user !== undefined && { userId: user }) }));
    }
    case 'oauth': {
      const clientId = need(env, 'BOX_CLIENT_ID', 'oauth');
      const clientSecret = need(env, 'BOX_CLIENT_SECRET', 'oauth');
      const file = need(env, 'BOX_OAUTH_TOKEN_FILE', 'oauth');
      let refreshToken: string;
      try {
        refreshToken = rememberSecret(readFileSync(file, 'utf8').trim());
      } catch (error) {
        throw new UsageError(`BOX_OAUTH_TOKEN_FILE ${file}: ${(error as Error).message}`);
      }
      if (!refreshToken)
        throw new UsageError(`BOX_OAUTH_TOKEN_FILE ${file} is empty: put the refresh token of a sign-in in it`);
      const { token } = oauth({
        clientId,
        clientSecret,
        refreshToken,
        authBaseUrl,
        // The old refresh token no longer works: the new one is on disk (temp + rename) before the access token is used.
        onTokens: ({ refreshToken: next }) => {
          rememberSecret(next);
          writeFileSync(`${file}.tmp`, `${next}\n`, { mode: 0o600 });
          renameSync(`${file}.tmp`, file);
        },
      });
      return rememberTokens(token);
    }
  }
}
