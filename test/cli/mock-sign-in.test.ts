// `box-docgen --auth ccg` against the stateful mock's own token endpoint, with the app configured
// on the mock: the CLI signs in, its token is one the mock issued (an unknown one is refused), and
// a wrong secret is exit 2 with Box's reason, the secret in no output.
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support.js';

const APP = { clientId: 'cli-ccg-app', clientSecret: 'cli-ccg-secret-24680', enterpriseId: '738291' };

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ state: { clients: [APP] } });
});
afterAll(() => mock.close());

const env = (secret: string) => ({
  BOX_CLIENT_ID: APP.clientId,
  BOX_CLIENT_SECRET: secret,
  BOX_ENTERPRISE_ID: APP.enterpriseId,
  BOX_AUTH_BASE_URL: mock.url,
  BOX_DOCGEN_BASE_URL: mock.url,
});

describe('--auth ccg against the mock', () => {
  it('signs in with the configured app and lists templates; the developer-token route is refused', async () => {
    await mock.reset();
    const result = await runCli(['templates', 'list', '--auth', 'ccg', '--json'], { env: env(APP.clientSecret) });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect((await mock.requests()).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /oauth2/token 200',
      'GET /docgen_templates 200',
    ]);
    // With clients configured, a token the mock did not issue is 401.
    const developer = await runCli(['templates', 'list', '--json'], {
      env: { BOX_DEVELOPER_TOKEN: 'not-issued-by-the-mock', BOX_DOCGEN_BASE_URL: mock.url },
    });
    expect(developer.code).not.toBe(0);
    expect(developer.stderr).toContain('401');
  });

  it('a wrong secret: exit 2, Box’s invalid_client, no secret printed', async () => {
    const result = await runCli(['templates', 'list', '--auth', 'ccg'], { env: env('wrong-secret-13579') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid_client');
    expect(`${result.stdout}${result.stderr}`).not.toContain('wrong-secret-13579');
  });
});
