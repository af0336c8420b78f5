// clientCredentials against a real token endpoint on loopback: the form the spec describes,
// the cache, coalescing, forced refresh, retries, and Box's errors as DocGenAuthError with no secret.
import { createDocGenClient, DocGenError } from '@box-docgen/client';
import { clientCredentials, developerToken, DocGenAuthError } from '@box-docgen/client/auth';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gate, issued, refused, useTokenServers } from './token-server.js';

const serve = useTokenServers();
const SECRET = 'cs-9f8e7d6c5b4a39281706';
const creds = { clientId: 'client-abc', clientSecret: SECRET };

afterEach(() => vi.useRealTimers());

describe('clientCredentials', () => {
  it('posts the form-encoded client_credentials grant to <authBaseUrl>/oauth2/token, without bearer or box-version', async () => {
    const server = await serve(() => issued('tok-1111111111'));
    const token = clientCredentials({ ...creds, enterpriseId: '738291', authBaseUrl: server.url });
    expect(await token({ forceRefresh: false })).toBe('tok-1111111111');
    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', path: '/oauth2/token' });
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.headers['box-version']).toBeUndefined();
    expect(request!.form).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-abc',
      client_secret: SECRET,
      box_subject_type: 'enterprise',
      box_subject_id: '738291',
    });
  });

  it('acts as a user with userId', async () => {
    const server = await serve(() => issued('tok-2222222222'));
    await clientCredentials({ ...creds, userId: '4242', authBaseUrl: server.url })({ forceRefresh: false });
    expect(server.received[0]!.form).toMatchObject({ box_subject_type: 'user', box_subject_id: '4242' });
  });

  it('refuses both or neither subject, and empty credentials, before any request', () => {
    expect(() => clientCredentials({ ...creds } as never)).toThrow(/exactly one of enterpriseId and userId/);
    expect(() => clientCredentials({ ...creds, enterpriseId: '1', userId: '2' } as never)).toThrow(DocGenAuthError);
    expect(() => clientCredentials({ clientId: 'x', clientSecret: '', enterpriseId: '1' })).toThrow(
      /clientSecret must be a non-empty string/,
    );
  });

  it('keeps the token until shortly before expires_in, then asks again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let n = 0;
    const server = await serve(() => issued(`tok-${++n}-aaaaaaaa`));
    const token = clientCredentials({ ...creds, enterpriseId: '1', authBaseUrl: server.url });
    expect(await token({ forceRefresh: false })).toBe('tok-1-aaaaaaaa');
    vi.setSystemTime(Date.now() + 3_500_000); // 100 s before expiry: still good
    expect(await token({ forceRefresh: false })).toBe('tok-1-aaaaaaaa');
    vi.setSystemTime(Date.now() + 50_000); // 50 s before expiry: renewed
    expect(await token({ forceRefresh: false })).toBe('tok-2-aaaaaaaa');
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it('makes one request for concurrent callers, and a new one on forceRefresh', async () => {
    const held = gate();
    let n = 0;
    const server = await serve(() => ({ ...issued(`tok-${++n}-bbbbbbbb`), hold: held.promise }));
    const token = clientCredentials({ ...creds, enterpriseId: '1', authBaseUrl: server.url });
    const many = Promise.all(Array.from({ length: 5 }, () => token({ forceRefresh: false })));
    held.open();
    expect(new Set(await many)).toEqual(new Set(['tok-1-bbbbbbbb']));
    expect(await token({ forceRefresh: true })).toBe('tok-2-bbbbbbbb');
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("turns Box's error and error_description into a DocGenAuthError that holds no secret", async () => {
    const server = await serve(() => refused('invalid_client', `The client credentials are invalid (${SECRET})`));
    const token = clientCredentials({ ...creds, enterpriseId: '1', authBaseUrl: server.url });
    const error = await Promise.resolve(token({ forceRefresh: false })).catch((e) => e);
    expect(error).toBeInstanceOf(DocGenAuthError);
    expect(error).toBeInstanceOf(DocGenError);
    expect(error).toMatchObject({
      status: 400,
      error: 'invalid_client',
      errorDescription: 'The client credentials are invalid ([redacted])',
    });
    expect(error.message).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/oauth2\/token failed with 400: invalid_client/);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) expect(text).not.toContain(SECRET);
  });

  it('waits out a 429 with Retry-After, and does not repeat a refused request', async () => {
    const server = await serve((_, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '0' }, json: {} }
        : i === 1
          ? issued('tok-after-429')
          : refused('invalid_client', 'no'),
    );
    const token = clientCredentials({ ...creds, enterpriseId: '1', authBaseUrl: server.url });
    expect(await token({ forceRefresh: false })).toBe('tok-after-429');
    await expect(Promise.resolve(token({ forceRefresh: true }))).rejects.toThrow(/invalid_client/);
    expect(server.tokenRequests()).toHaveLength(3);
  });

  it('an answer without access_token is an error, not a token', async () => {
    const server = await serve(() => ({ json: { token_type: 'bearer' } }));
    await expect(
      Promise.resolve(
        clientCredentials({ ...creds, enterpriseId: '1', authBaseUrl: server.url })({ forceRefresh: false }),
      ),
    ).rejects.toThrow(/holds no access_token/);
  });

  it('signs the client in: the API gets the issued token, and a 401 fetches a new one', async () => {
    let n = 0;
    const server = await serve((r) => {
      if (r.path === '/oauth2/token') return issued(`tok-${++n}-cccccccc`);
      // The API refuses the first token, as Box does once it expires.
      return r.headers.authorization === 'Bearer tok-1-cccccccc'
        ? { status: 401, json: { type: 'error', status: 401, code: 'unauthorized', message: 'expired' } }
        : { json: { type: 'docgen_job', id: 'j1' } };
    });
    const docgen = createDocGenClient({
      baseUrl: server.url,
      token: clientCredentials({ ...creds, enterpriseId: '1', authBaseUrl: server.url }),
    });
    await docgen.jobs.get('j1');
    const api = server.received.filter((r) => r.path !== '/oauth2/token');
    expect(api.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1-cccccccc', 'Bearer tok-2-cccccccc']);
    expect(api.every((r) => r.headers['box-version'] === '2025.0')).toBe(true);
  });
});

describe('developerToken', () => {
  it('is sent as is, and a 401 says developer tokens last 60 minutes', async () => {
    const server = await serve(() => ({
      status: 401,
      json: { type: 'error', status: 401, code: 'unauthorized', message: 'expired' },
    }));
    const docgen = createDocGenClient({ baseUrl: server.url, token: developerToken('dev-token-1234567890') });
    const error = await docgen.jobs.get('j1').catch((e) => e);
    expect(error).toBeInstanceOf(DocGenAuthError);
    expect(error.message).toMatch(/developer tokens last 60 minutes/);
    expect(error.message).not.toContain('dev-token-1234567890');
    expect(server.received[0]!.headers.authorization).toBe('Bearer dev-token-1234567890');
  });
});
