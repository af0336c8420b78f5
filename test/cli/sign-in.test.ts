// --auth: the CLI signs in from the environment (client credentials, JWT, OAuth 2.0 with a
// refresh-token file), against a loopback server playing both the token endpoint and the API.
// No client secret, key or token reaches stdout or stderr, even when Box echoes one back.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { runCli, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SECRET = 'cli-secret-0a1b2c3d4e5f';
const job = { id: '123', type: 'docgen_job', status: 'completed' };

/** POST /oauth2/token issues tok-<n> (with a rotating refresh token), or refuses; the API wants a tok- bearer. */
async function box(refuse?: string) {
  let n = 0;
  const server = await serve((_, head) => {
    if (head.url === '/oauth2/token') {
      if (refuse) return respond(400, { error: 'invalid_client', error_description: refuse });
      n++;
      return respond(200, {
        access_token: `tok-${n}-abcdefgh`,
        expires_in: 3600,
        token_type: 'bearer',
        refresh_token: `refresh-${n}-abcdefgh`,
      });
    }
    return /^Bearer tok-/.test(head.headers.authorization ?? '')
      ? respond(200, job)
      : respond(401, { type: 'error', status: 401, code: 'unauthorized', message: 'no' });
  });
  const env = { BOX_AUTH_BASE_URL: server.url, BOX_DOCGEN_BASE_URL: `${server.url}/2.0` };
  const forms = () =>
    server.requests
      .filter((r) => r.url === '/oauth2/token')
      .map((r) => Object.fromEntries(new URLSearchParams(r.body)));
  return { server, env, forms };
}

describe('--auth', () => {
  it('ccg: client credentials from BOX_CLIENT_ID, BOX_CLIENT_SECRET and BOX_ENTERPRISE_ID', async () => {
    const { env, forms, server } = await box();
    const result = await runCli(['jobs', 'get', '123', '--auth', 'ccg', '--json'], {
      env: { ...env, BOX_CLIENT_ID: 'cid', BOX_CLIENT_SECRET: SECRET, BOX_ENTERPRISE_ID: '738291' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: '123' });
    expect(forms()).toEqual([
      {
        grant_type: 'client_credentials',
        client_id: 'cid',
        client_secret: SECRET,
        box_subject_type: 'enterprise',
        box_subject_id: '738291',
      },
    ]);
    expect(server.requests.find((r) => r.url.startsWith('/2.0/'))!.headers.authorization).toBe('Bearer tok-1-abcdefgh');
  });

  it("a refused sign-in is exit 2 with Box's reason, and the secret it echoed is redacted", async () => {
    const { env } = await box(`bad secret ${SECRET}`);
    const result = await runCli(['jobs', 'get', '123', '--auth', 'ccg'], {
      env: { ...env, BOX_CLIENT_ID: 'cid', BOX_CLIENT_SECRET: SECRET, BOX_ENTERPRISE_ID: '1' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sign-in failed');
    expect(result.stderr).toContain('invalid_client');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('names the missing variable', async () => {
    const result = await runCli(['jobs', 'get', '123', '--auth', 'ccg'], { env: { BOX_CLIENT_ID: 'cid' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--auth ccg needs BOX_CLIENT_SECRET');
  });

  it('jwt: the app config file named by BOX_JWT_CONFIG', async () => {
    const { env, forms } = await box();
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass-phrase-1' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const config = tmp.write(
      'config.json',
      JSON.stringify({
        boxAppSettings: {
          clientID: 'jwt-cid',
          clientSecret: SECRET,
          appAuth: { publicKeyID: 'k1', privateKey, passphrase: 'pass-phrase-1' },
        },
        enterpriseID: '55',
      }),
    );
    const result = await runCli(['jobs', 'get', '123', '--auth', 'jwt'], { env: { ...env, BOX_JWT_CONFIG: config } });
    expect(result.code, result.stderr).toBe(0);
    expect(forms()[0]).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      client_id: 'jwt-cid',
    });
  });

  it('oauth: refreshes with the token in BOX_OAUTH_TOKEN_FILE and stores the new one there', async () => {
    const { env, forms } = await box();
    const file = tmp.write('refresh.txt', 'refresh-0-stored\n');
    const result = await runCli(['jobs', 'get', '123', '--auth', 'oauth'], {
      env: { ...env, BOX_CLIENT_ID: 'cid', BOX_CLIENT_SECRET: SECRET, BOX_OAUTH_TOKEN_FILE: file },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(forms()).toEqual([
      { grant_type: 'refresh_token', refresh_token: 'refresh-0-stored', client_id: 'cid', client_secret: SECRET },
    ]);
    expect(readFileSync(file, 'utf8')).toBe('refresh-1-abcdefgh\n');
  });
});
