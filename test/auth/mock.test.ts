// The client's sign-in helpers against the stateful mock's own token endpoint (Prism checking
// every token request and answer against the spec): client credentials, JWT with an encrypted
// PKCS#8 key made here, OAuth 2.0 through the mock's approval page; issued tokens expire on the
// mock's clock, and the client's 401 refresh gets a new one. No secret reaches the journal.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createDocGenClient } from '@box-docgen/client';
import { clientCredentials, DocGenAuthError, jwt, oauth, type OAuthTokens } from '@box-docgen/client/auth';
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const PASSPHRASE = 'mock passphrase 7f3a';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
});
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const CCG = { clientId: 'ccg-app', clientSecret: 'ccg-secret-0123456789', enterpriseId: '738291', userIds: ['4242'] };
const JWT = {
  clientId: 'jwt-app',
  clientSecret: 'jwt-secret-0123456789',
  enterpriseId: '738291',
  publicKeyId: 'kid-7',
  publicKey: keys.publicKey,
};
const REDIRECT = 'https://app.example.com/box/callback';
const OAUTH = { clientId: 'oauth-app', clientSecret: 'oauth-secret-0123456789', redirectUris: [REDIRECT] };

/** How far the mock's clock is ahead of this process's (the client's). */
let skew = 0;
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({
    state: { clients: [CCG, JWT, OAUTH], tokenTtlSeconds: 3600, now: () => Date.now() + skew },
  });
});
afterAll(() => mock.close());

const FAST = { baseDelayMs: 1, maxDelayMs: 5 };
const docgen = (token: Parameters<typeof createDocGenClient>[0]['token']) =>
  createDocGenClient({ baseUrl: mock.url, token, retry: FAST });
/** Every marked template, through the client's paging. */
async function templates(client: ReturnType<typeof createDocGenClient>) {
  const out: unknown[] = [];
  for await (const template of client.templates.list()) out.push(template);
  return out;
}
const tokenRequests = async () => (await mock.requests()).filter((r) => r.path === '/oauth2/token');
const form = (fields: Record<string, string>) =>
  fetch(`${mock.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

describe('clientCredentials against the mock', () => {
  it('signs in as the enterprise or a user, and the token works on Doc Gen endpoints; Prism found nothing wrong', async () => {
    await mock.reset();
    const token = clientCredentials({ ...CCG, authBaseUrl: mock.url });
    expect(await templates(docgen(token))).toEqual([]);
    const asUser = clientCredentials({
      clientId: CCG.clientId,
      clientSecret: CCG.clientSecret,
      userId: '4242',
      authBaseUrl: mock.url,
    });
    expect(await templates(docgen(asUser))).toEqual([]);
    const requests = await mock.requests();
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /oauth2/token 200',
      'GET /docgen_templates 200',
      'POST /oauth2/token 200',
      'GET /docgen_templates 200',
    ]);
    expect(requests.flatMap((r) => r.violations)).toEqual([]);
    expect(JSON.stringify(requests)).not.toContain(CCG.clientSecret);
  });

  it('a wrong secret, an unknown client or a subject the app may not act as: DocGenAuthError with Box’s error, no secret', async () => {
    await mock.reset();
    const wrong = clientCredentials({ ...CCG, clientSecret: 'not-the-secret-999', authBaseUrl: mock.url });
    const error = await Promise.resolve(wrong({ forceRefresh: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocGenAuthError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_client' });
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain('not-the-secret-999');
    const stranger = clientCredentials({ ...CCG, clientId: 'nobody', authBaseUrl: mock.url });
    await expect(stranger({ forceRefresh: false })).rejects.toMatchObject({ status: 400, error: 'invalid_client' });
    const otherEnterprise = clientCredentials({ ...CCG, enterpriseId: '111', authBaseUrl: mock.url });
    await expect(otherEnterprise({ forceRefresh: false })).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('an expired token is answered 401 with WWW-Authenticate; the client signs in again and the call succeeds', async () => {
    await mock.reset();
    const client = docgen(clientCredentials({ ...CCG, authBaseUrl: mock.url }));
    await templates(client);
    skew += 3_601_000; // the mock's clock only: the client still holds the token as good
    await templates(client);
    const requests = await mock.requests();
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /oauth2/token 200',
      'GET /docgen_templates 200',
      'GET /docgen_templates 401',
      'POST /oauth2/token 200',
      'GET /docgen_templates 200',
    ]);
    // A token issued now lasts the TTL on the mock's clock, to the second.
    const fresh = await issue();
    const read = () =>
      fetch(`${mock.url}/docgen_templates`, { headers: { authorization: `Bearer ${fresh}`, 'box-version': '2025.0' } });
    skew += 3_599_000;
    expect((await read()).status).toBe(200);
    skew += 2_000;
    const expired = await read();
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await expired.json()).message).toContain('has expired');
  });

  it('an unknown token is 401 once clients are configured', async () => {
    const response = await fetch(`${mock.url}/docgen_templates`, {
      headers: { authorization: 'Bearer made-up-token', 'box-version': '2025.0' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await response.json()).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('a form that breaks the spec is refused with Box’s OAuth 2.0 error body, naming what is wrong', async () => {
    const unknown = await form({ grant_type: 'password', client_id: CCG.clientId, client_secret: CCG.clientSecret });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: 'unsupported_grant_type',
      error_description: expect.stringContaining('grant_type'),
    });
    const missing = await form({ client_id: CCG.clientId });
    expect(await missing.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('grant_type'),
    });
    const last = (await tokenRequests()).at(-1)!;
    expect(last.violations.length).toBeGreaterThan(0);
  });
});

/** A fresh client-credentials token, straight from the endpoint. */
async function issue(): Promise<string> {
  const response = await form({
    grant_type: 'client_credentials',
    client_id: CCG.clientId,
    client_secret: CCG.clientSecret,
    box_subject_type: 'enterprise',
    box_subject_id: CCG.enterpriseId,
  });
  return (await response.json()).access_token;
}

describe('jwt against the mock', () => {
  const appConfig = {
    boxAppSettings: {
      clientID: JWT.clientId,
      clientSecret: JWT.clientSecret,
      appAuth: { publicKeyID: JWT.publicKeyId, privateKey: keys.privateKey, passphrase: PASSPHRASE },
    },
    enterpriseID: JWT.enterpriseId,
  };

  it('the app config as downloaded (encrypted PKCS#8): the assertion verifies, the token works, and is renewed when it expires', async () => {
    await mock.reset();
    skew = 0;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const token = jwt(JSON.stringify(appConfig), { authBaseUrl: mock.url });
      const client = docgen(token);
      expect(await templates(client)).toEqual([]);
      const first = await token({ forceRefresh: false });
      // Both clocks move: the assertion of the renewal is signed and checked at the same time.
      vi.setSystemTime(Date.now() + 3_601_000);
      expect(await templates(client)).toEqual([]);
      const refused = await fetch(`${mock.url}/docgen_templates`, {
        headers: { authorization: `Bearer ${first}`, 'box-version': '2025.0' },
      });
      expect(refused.status).toBe(401);
      const requests = await mock.requests();
      expect(requests.map((r) => `${r.path} ${r.status}`)).toEqual([
        '/oauth2/token 200',
        '/docgen_templates 200',
        '/oauth2/token 200',
        '/docgen_templates 200',
        '/docgen_templates 401',
      ]);
      expect(requests.flatMap((r) => r.violations)).toEqual([]);
      expect(JSON.stringify(requests)).not.toMatch(/eyJ[\w-]+\.eyJ/);
      expect(JSON.stringify(requests)).not.toContain(JWT.clientSecret);
    } finally {
      vi.useRealTimers();
    }
  });

  /** An assertion signed here, with claims changed as a test needs. */
  const assertion = (claims: Record<string, unknown> = {}, o: { kid?: string; key?: unknown } = {}) => {
    const now = Math.floor((Date.now() + skew) / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const head = `${part({ alg: 'RS256', typ: 'JWT', kid: o.kid ?? JWT.publicKeyId })}.${part({
      iss: JWT.clientId,
      sub: JWT.enterpriseId,
      box_sub_type: 'enterprise',
      aud: `${mock.url}/oauth2/token`,
      jti: randomUUID(),
      exp: now + 45,
      ...claims,
    })}`;
    const key = o.key ?? createPrivateKey({ key: keys.privateKey, passphrase: PASSPHRASE });
    return `${head}.${sign('sha256', Buffer.from(head), key as never).toString('base64url')}`;
  };
  const grant = async (signed: string) => {
    const response = await form({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      client_id: JWT.clientId,
      client_secret: JWT.clientSecret,
      assertion: signed,
    });
    const body = await response.json();
    return response.status === 200 ? 'issued' : `${response.status} ${body.error}: ${body.error_description}`;
  };

  it('refuses a reused jti, a wrong kid, aud, iss or subject, a long or past exp, and another key’s signature', async () => {
    skew = 0;
    const once = assertion();
    expect(await grant(once)).toBe('issued');
    expect(await grant(once)).toMatch(/^400 invalid_grant: .*jti was already used/);
    expect(await grant(assertion({}, { kid: 'kid-8' }))).toMatch(/^400 invalid_grant: .*kid/);
    expect(await grant(assertion({ aud: 'https://api.box.com/oauth2/token' }))).toMatch(/^400 invalid_grant: .*aud/);
    expect(await grant(assertion({ iss: 'ccg-app' }))).toMatch(/^400 invalid_grant: .*iss/);
    expect(await grant(assertion({ sub: '111' }))).toMatch(/^400 invalid_grant: .*sub/);
    expect(await grant(assertion({ box_sub_type: 'user' }))).toMatch(/^400 invalid_grant: .*sub/);
    expect(await grant(assertion({ exp: Math.floor((Date.now() + skew) / 1000) + 600 }))).toMatch(
      /^400 invalid_grant: .*exp/,
    );
    expect(await grant(assertion({ exp: Math.floor((Date.now() + skew) / 1000) - 1 }))).toMatch(
      /^400 invalid_grant: .*exp/,
    );
    expect(await grant(assertion({}, { key: other.privateKey }))).toMatch(/^400 invalid_grant: .*signature/);
    expect(await grant('not.a-jwt')).toMatch(/^400 invalid_request/);
    // A used jti may come back once its assertion has expired: Box forgets it then too.
    skew += 46_000;
    expect(await grant(assertion({ jti: 'jti-reused-after-expiry-1' }))).toBe('issued');
  });
});

describe('oauth against the mock', () => {
  it('approval page → code → tokens; an expired token refreshes with the single-use refresh token; every pair to onTokens', async () => {
    await mock.reset();
    skew = 0;
    const pairs: OAuthTokens[] = [];
    const signIn = oauth({
      ...OAUTH,
      redirectUri: REDIRECT,
      authBaseUrl: mock.url,
      authorizeBaseUrl: mock.url,
      onTokens: (tokens) => void pairs.push(tokens),
    });
    const page = await fetch(signIn.authorizeUrl({ state: 'st-9' }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const href = /href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&');
    const back = new URL(href);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-9');
    const code = back.searchParams.get('code')!;

    await signIn.exchangeCode(code);
    const client = docgen(signIn.token);
    expect(await templates(client)).toEqual([]);
    skew += 3_601_000;
    expect(await templates(client)).toEqual([]);
    expect(pairs).toHaveLength(2);
    expect(pairs[1]!.refreshToken).not.toBe(pairs[0]!.refreshToken);

    // Codes and refresh tokens work once, as Box's do.
    const again = (fields: Record<string, string>) =>
      form({ client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret, ...fields }).then((r) => r.json());
    expect(await again({ grant_type: 'authorization_code', code })).toMatchObject({ error: 'invalid_grant' });
    expect(await again({ grant_type: 'refresh_token', refresh_token: pairs[0]!.refreshToken })).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Invalid refresh token',
    });
    expect(await again({ grant_type: 'refresh_token', refresh_token: pairs[1]!.refreshToken })).toMatchObject({
      token_type: 'bearer',
    });
    const journal = JSON.stringify(await mock.requests());
    for (const pair of pairs) expect(journal).not.toContain(pair.refreshToken);
    expect(journal).not.toContain(code);
  });

  it('the approval page refuses a redirect URI the app does not have, and a code older than 30 s', async () => {
    const refused = await fetch(
      `${mock.url}/authorize?response_type=code&client_id=${OAUTH.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_request' });
    const page = await fetch(`${mock.url}/authorize?response_type=code&client_id=${OAUTH.clientId}`);
    const code = new URL(/href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&')).searchParams.get(
      'code',
    )!;
    skew += 31_000;
    const late = await form({
      grant_type: 'authorization_code',
      code,
      client_id: OAUTH.clientId,
      client_secret: OAUTH.clientSecret,
    });
    expect(await late.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('without clients', () => {
  it('any non-empty token is accepted and the token endpoint answers the spec’s example, as before', async () => {
    const plain = await startMockServer();
    try {
      const token = clientCredentials({ ...CCG, authBaseUrl: plain.url });
      expect(await templates(createDocGenClient({ baseUrl: plain.url, token }))).toEqual([]);
      const response = await fetch(`${plain.url}/docgen_templates`, {
        headers: { authorization: 'Bearer anything-goes', 'box-version': '2025.0' },
      });
      expect(response.status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
