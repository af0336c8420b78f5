// jwt against a real token endpoint on loopback, with a key pair made here: the RS256 assertion
// (header, claims, signature checked with the public key), Box's app config as downloaded, the key
// formats WebCrypto can read (encrypted PKCS#8 decrypted with the passphrase) and those it cannot.
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { jwt, DocGenAuthError } from '@box-docgen/client/auth';
import { describe, expect, it } from 'vitest';
import { issued, useTokenServers } from './token-server.js';

const serve = useTokenServers();
const PASSPHRASE = 'correct horse battery staple';
const { publicKey, privateKey: encryptedKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
});
const keyObject = createPublicKey(publicKey);
const plain = (type: 'pkcs8' | 'pkcs1', extra = {}) =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type, format: 'pem', ...extra } as never,
  }) as unknown as { privateKey: string; publicKey: string };

/** The app config JSON the Developer Console downloads. */
const appConfig = (privateKey = encryptedKey, passphrase = PASSPHRASE) => ({
  boxAppSettings: {
    clientID: 'jwt-client',
    clientSecret: 'jwt-secret-5566778899',
    appAuth: { publicKeyID: 'kid-42', privateKey, passphrase },
  },
  enterpriseID: '738291',
});

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('jwt', () => {
  it('exchanges a signed RS256 assertion from the downloaded app config (encrypted PKCS#8 key)', async () => {
    const server = await serve(() => issued('tok-jwt-11111111'));
    const token = jwt(JSON.stringify(appConfig()), { authBaseUrl: server.url });
    expect(await token({ forceRefresh: false })).toBe('tok-jwt-11111111');
    const { form } = server.received[0]!;
    expect(form).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      client_id: 'jwt-client',
      client_secret: 'jwt-secret-5566778899',
    });
    const [header, claims, signature] = form.assertion!.split('.');
    expect(decode(header!)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-42' });
    const c = decode(claims!);
    expect(c).toMatchObject({
      iss: 'jwt-client',
      sub: '738291',
      box_sub_type: 'enterprise',
      aud: `${server.url}/oauth2/token`,
    });
    expect(c.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);
    expect(c.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(0);
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), keyObject, Buffer.from(signature!, 'base64url'))).toBe(
      true,
    );
  });

  it('makes a new assertion (new jti) for every token request, and acts as a user with userId', async () => {
    const server = await serve((_, i) => issued(`tok-jwt-${i}-22222222`));
    const token = jwt(appConfig(), { authBaseUrl: server.url, userId: '4242' });
    await token({ forceRefresh: false });
    await token({ forceRefresh: true });
    const claims = server.received.map((r) => decode(r.form.assertion!.split('.')[1]!));
    expect(claims.map((c) => [c.sub, c.box_sub_type])).toEqual([
      ['4242', 'user'],
      ['4242', 'user'],
    ]);
    expect(claims[0].jti).not.toBe(claims[1].jti);
  });

  it.each([
    ['an unencrypted PKCS#8 key', () => plain('pkcs8')],
    ['a PKCS#1 key', () => plain('pkcs1')],
    [
      'a PKCS#8 key encrypted with AES-128-CBC',
      () => plain('pkcs8', { cipher: 'aes-128-cbc', passphrase: PASSPHRASE }),
    ],
  ])('reads %s (fields spelled out)', async (_, make) => {
    const pair = make();
    const server = await serve(() => issued('tok-jwt-33333333'));
    const token = jwt(
      {
        clientId: 'c',
        clientSecret: 's',
        publicKeyId: 'k',
        privateKey: pair.privateKey,
        passphrase: PASSPHRASE,
        enterpriseId: '1',
      },
      { authBaseUrl: server.url },
    );
    await token({ forceRefresh: false });
    const [header, claims, signature] = server.received[0]!.form.assertion!.split('.');
    expect(
      verify(
        'sha256',
        Buffer.from(`${header}.${claims}`),
        createPublicKey(pair.publicKey),
        Buffer.from(signature!, 'base64url'),
      ),
    ).toBe(true);
  });

  it('a wrong passphrase fails the call with a DocGenAuthError that quotes neither passphrase nor key', async () => {
    const server = await serve(() => issued('never'));
    const token = jwt(appConfig(encryptedKey, 'wrong passphrase'), { authBaseUrl: server.url });
    const error = await Promise.resolve(token({ forceRefresh: false })).catch((e) => e);
    expect(error).toBeInstanceOf(DocGenAuthError);
    expect(error.message).toMatch(/passphrase is wrong/);
    const key = encryptedKey.split('\n')[1]!;
    for (const text of [error.message, JSON.stringify(error)]) {
      expect(text).not.toContain('wrong passphrase');
      expect(text).not.toContain(key);
    }
    expect(server.received).toHaveLength(0);
  });

  it('refuses PEM encryption (Proc-Type) with the openssl line that converts the key', async () => {
    const legacy = plain('pkcs1', { cipher: 'aes-256-cbc', passphrase: PASSPHRASE });
    expect(legacy.privateKey).toMatch(/Proc-Type: 4,ENCRYPTED/);
    const token = jwt({
      clientId: 'c',
      clientSecret: 's',
      publicKeyId: 'k',
      privateKey: legacy.privateKey,
      passphrase: PASSPHRASE,
      enterpriseId: '1',
    });
    await expect(Promise.resolve(token({ forceRefresh: false }))).rejects.toThrow(/openssl pkcs8 -in key\.pem/);
  });

  it('refuses a config without a subject, or that is not JSON, without quoting it', () => {
    const { enterpriseID, ...noEnterprise } = appConfig();
    expect(enterpriseID).toBeDefined();
    expect(() => jwt(noEnterprise as never)).toThrow(/exactly one of enterpriseId and userId/);
    const broken = `{ "privateKey": "${encryptedKey.slice(0, 80)}`;
    expect(() => jwt(broken)).toThrow(DocGenAuthError);
    try {
      jwt(broken);
    } catch (error) {
      expect((error as Error).message).not.toContain(encryptedKey.slice(30, 60));
    }
  });
});
