// oauth against a real token endpoint on loopback that rotates single-use refresh tokens like
// Box: the authorize URL, the code exchange, refreshes one at a time, every pair to onTokens.
import { oauth, DocGenAuthError, type OAuthTokens } from '@box-docgen/client/auth';
import { describe, expect, it } from 'vitest';
import { issued, refused, useTokenServers, type Reply } from './token-server.js';

const serve = useTokenServers();
const creds = { clientId: 'oauth-client', clientSecret: 'oauth-secret-99887766' };

/** Box's rules: a code works once, a refresh token works once and the answer brings the next. */
async function box() {
  let n = 0;
  const live = new Set<string>();
  const pair = (): Reply => {
    n++;
    live.add(`refresh-${n}-xxxxxxxx`);
    return issued(`access-${n}-xxxxxxxx`, { refresh_token: `refresh-${n}-xxxxxxxx` });
  };
  return serve(({ form }) => {
    if (form.grant_type === 'authorization_code')
      return form.code === 'code-123' ? pair() : refused('invalid_grant', 'Auth code doesn’t exist or is invalid');
    if (form.grant_type === 'refresh_token' && live.delete(form.refresh_token!)) return pair();
    return refused('invalid_grant', 'Invalid refresh token');
  });
}

describe('oauth', () => {
  it("builds the authorize URL on Box's account site from the spec", () => {
    const { authorizeUrl } = oauth({ ...creds, redirectUri: 'https://app.example.com/cb' });
    const url = new URL(authorizeUrl({ state: 'st-1' }));
    expect(url.origin + url.pathname).toBe('https://account.box.com/api/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'oauth-client',
      redirect_uri: 'https://app.example.com/cb',
      state: 'st-1',
    });
    expect(url.href).not.toContain(creds.clientSecret);
  });

  it('exchanges the code, hands the pair to onTokens, and serves the first call without another request', async () => {
    const server = await box();
    const stored: OAuthTokens[] = [];
    const signIn = oauth({ ...creds, authBaseUrl: server.url, onTokens: (t) => void stored.push(t) });
    await signIn.exchangeCode('code-123');
    expect(server.received[0]!.form).toEqual({
      grant_type: 'authorization_code',
      code: 'code-123',
      client_id: 'oauth-client',
      client_secret: creds.clientSecret,
    });
    expect(await signIn.token({ forceRefresh: false })).toBe('access-1-xxxxxxxx');
    expect(stored).toEqual([{ accessToken: 'access-1-xxxxxxxx', refreshToken: 'refresh-1-xxxxxxxx', expiresIn: 3600 }]);
    expect(server.received).toHaveLength(1);
  });

  it('refreshes with the latest refresh token each time, and stores every new pair', async () => {
    const server = await box();
    const stored: string[] = [];
    const signIn = oauth({ ...creds, authBaseUrl: server.url, onTokens: (t) => void stored.push(t.refreshToken) });
    await signIn.exchangeCode('code-123');
    await signIn.token({ forceRefresh: false });
    expect(await signIn.token({ forceRefresh: true })).toBe('access-2-xxxxxxxx');
    expect(await signIn.token({ forceRefresh: true })).toBe('access-3-xxxxxxxx');
    expect(server.received.slice(1).map((r) => r.form.refresh_token)).toEqual([
      'refresh-1-xxxxxxxx',
      'refresh-2-xxxxxxxx',
    ]);
    expect(stored).toEqual(['refresh-1-xxxxxxxx', 'refresh-2-xxxxxxxx', 'refresh-3-xxxxxxxx']);
  });

  it('never sends two grants at once: concurrent refreshes share one, a code exchange waits its turn', async () => {
    const server = await box();
    // Counts the fetches begun; when the server reads the first grant, a second one begun
    // alongside it would already be counted.
    let begun = 0;
    const atFirst: number[] = [];
    const signIn = oauth({
      ...creds,
      authBaseUrl: server.url,
      refreshToken: 'refresh-unknown-xxxxxxxx',
      fetch: (request) => {
        begun++;
        return fetch(request).finally(() => atFirst.push(begun));
      },
    });
    const calls = [
      signIn.token({ forceRefresh: true }),
      signIn.token({ forceRefresh: true }),
      signIn.exchangeCode('code-123'),
    ];
    const results = await Promise.allSettled(calls);
    expect(atFirst).toEqual([1, 2]);
    // The stored refresh token is unknown to Box: refused, once, for both callers.
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(server.received.map((r) => r.form.grant_type)).toEqual(['refresh_token', 'authorization_code']);
  });

  it("a refused refresh is a DocGenAuthError with Box's invalid_grant and no token in it", async () => {
    const server = await box();
    const signIn = oauth({ ...creds, authBaseUrl: server.url, refreshToken: 'refresh-stale-xxxxxxxx' });
    const error = await Promise.resolve(signIn.token({ forceRefresh: false })).catch((e) => e);
    expect(error).toBeInstanceOf(DocGenAuthError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_grant' });
    for (const text of [error.message, JSON.stringify(error)]) {
      expect(text).not.toContain('refresh-stale-xxxxxxxx');
      expect(text).not.toContain(creds.clientSecret);
    }
    expect(JSON.stringify(signIn)).not.toContain(creds.clientSecret);
  });

  it('asks for a sign-in when it has no refresh token', async () => {
    const signIn = oauth(creds);
    await expect(Promise.resolve(signIn.token({ forceRefresh: false }))).rejects.toThrow(
      /not signed in: call exchangeCode/,
    );
  });

  it('a failing onTokens fails the call that needed the token, and the new pair is still used', async () => {
    const server = await box();
    let fail = true;
    const signIn = oauth({
      ...creds,
      authBaseUrl: server.url,
      onTokens: () => {
        if (fail) throw new Error('disk full');
      },
    });
    await expect(signIn.exchangeCode('code-123')).rejects.toThrow('disk full');
    fail = false;
    expect(await signIn.token({ forceRefresh: true })).toBe('access-2-xxxxxxxx');
    expect(server.received[1]!.form.refresh_token).toBe('refresh-1-xxxxxxxx');
  });
});
