import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMockServer, type MockServer, type MockServerOptions } from '../src/index.js';
import setup from '../src/vitest.js';
import { BOX_HEADERS, tryConnect } from './helpers.js';

const start = (options: MockServerOptions = {}): Promise<MockServer> => startMockServer({ mode: 'static', ...options });

describe('startMockServer', () => {
  let mock: MockServer;

  beforeAll(async () => {
    mock = await start();
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('listens on a free port and reports the real one', async () => {
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(await tryConnect(mock.port)).toBe('connected');
  });

  it('answers GET /docgen_jobs/{job_id} with 200 and a job', async () => {
    const response = await fetch(`${mock.url}/docgen_jobs/12345`, { headers: BOX_HEADERS });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('sl-violations')).toBeNull();
    const job = (await response.json()) as { type: string; status: string };
    expect(job.type).toBe('docgen_job');
    expect(['submitted', 'pending', 'completed', 'failed', 'completed_with_error']).toContain(job.status);
  });

  it('answers 401 without Authorization', async () => {
    const response = await fetch(`${mock.url}/docgen_jobs/12345`, {
      headers: { 'box-version': BOX_HEADERS['box-version'] },
    });
    expect(response.status).toBe(401);
    const error = (await response.json()) as { code: string; message: string };
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/Authorization: Bearer/);
  });

  it('answers the status asked for with Prefer: code=404', async () => {
    const response = await fetch(`${mock.url}/docgen_jobs/12345`, {
      headers: { ...BOX_HEADERS, prefer: 'code=404' },
    });
    expect(response.status).toBe(404);
    const error = (await response.json()) as { type: string };
    expect(error.type).toBe('error');
  });

  it('answers CORS preflights', async () => {
    const response = await fetch(`${mock.url}/docgen_jobs/12345`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.example');
  });
});

describe('several servers and closing', () => {
  it('gives two servers running at once different ports', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    try {
      expect(a.port).not.toBe(b.port);
      const answers = await Promise.all(
        [a, b].map((m) => fetch(`${m.url}/docgen_jobs/12345`, { headers: BOX_HEADERS })),
      );
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      await Promise.all(answers.map((r) => r.body?.cancel()));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses connections on the port after close(), and close() is idempotent', async () => {
    const mock = await start();
    // An open keep-alive connection must not keep the server alive.
    const response = await fetch(`${mock.url}/docgen_jobs/12345`, { headers: BOX_HEADERS });
    await response.arrayBuffer();
    await Promise.all([mock.close(), mock.close()]);
    await mock.close();
    expect(await tryConnect(mock.port)).toBe('ECONNREFUSED');
  });

  it('fails clearly when the port is taken', async () => {
    const mock = await start();
    try {
      await expect(start({ port: mock.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await mock.close();
    }
  });
});

describe('options', () => {
  it('generates the same bodies for the same seed, other bodies for another seed', async () => {
    const bodies = async (seed: number | string) => {
      const mock = await start({ dynamic: true, seed });
      try {
        const read = async () => (await fetch(`${mock.url}/docgen_jobs/12345`, { headers: BOX_HEADERS })).text();
        return [await read(), await read()];
      } finally {
        await mock.close();
      }
    };
    const [a1, a2] = await bodies(42);
    const [b1] = await bodies(42);
    const [c1] = await bodies('another seed');
    expect(a1).toBe(a2);
    expect(b1).toBe(a1);
    expect(c1).not.toBe(a1);
    expect(JSON.parse(a1!)).toMatchObject({ type: 'docgen_job' });
  });

  it('generates bodies from the schemas with dynamic: true', async () => {
    const mock = await start({ dynamic: true });
    try {
      const response = await fetch(`${mock.url}/docgen_jobs/12345`, { headers: BOX_HEADERS });
      expect(response.status).toBe(200);
      const job = (await response.json()) as { type: string; id: string };
      expect(job.type).toBe('docgen_job');
      expect(typeof job.id).toBe('string');
    } finally {
      await mock.close();
    }
  });

  it('sends no CORS headers with cors: false', async () => {
    const mock = await start({ cors: false });
    try {
      const response = await fetch(`${mock.url}/docgen_jobs/12345`, {
        headers: { ...BOX_HEADERS, origin: 'http://app.example' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      await response.body?.cancel();
    } finally {
      await mock.close();
    }
  });

  it('rejects bad options naming the field', async () => {
    await expect(start({ port: -1 })).rejects.toThrow(/options\.port/);
    await expect(start({ port: 1.5 })).rejects.toThrow(/options\.port/);
    await expect(start({ logLevel: 'loud' as never })).rejects.toThrow(/options\.logLevel/);
    await expect(start({ seed: 1.5 })).rejects.toThrow(/options\.seed/);
    await expect(start({ scenario: 'no-such-scenario' })).rejects.toThrow(
      /options\.scenario: unknown scenario "no-such-scenario"; known scenarios: jobs-progress, rate-limited, rate-limit, flaky, tags-processing/,
    );
    await expect(start({ scenario: 'rate-limited:every=0' })).rejects.toThrow(
      /option every of scenario rate-limited must be at least 1/,
    );
    await expect(start({ scenario: 'flaky:often=1' })).rejects.toThrow(
      /scenario flaky has no option "often"; its options: rate, drop, seed/,
    );
    await expect(start({ scenarioOptions: { flaky: { rate: 2 } } })).rejects.toThrow(
      /option rate of scenario flaky must be at most 1/,
    );
    await expect(start({ spec: '/nonexistent/openapi.json' })).rejects.toThrow(
      /cannot load the OpenAPI document \/nonexistent\/openapi\.json/,
    );
    const app = { clientId: 'a', clientSecret: 'secret-value-1' };
    await expect(start({ mode: 'stateful', state: { clients: [app, app] } })).rejects.toThrow(
      /clientId a is listed twice/,
    );
    await expect(start({ mode: 'stateful', state: { clients: [{ ...app, clientSecret: '' }] } })).rejects.toThrow(
      /state\.clients\[0\]\.clientSecret is required/,
    );
    await expect(start({ mode: 'stateful', state: { clients: [{ ...app, publicKeyId: 'k' }] } })).rejects.toThrow(
      /publicKey and publicKeyId go together/,
    );
    await expect(start({ mode: 'stateful', state: { tokenTtlSeconds: 0 } })).rejects.toThrow(/state\.tokenTtlSeconds/);
    await expect(start({ mode: 'stateful', state: { downloads: { retryAfter: 1.5 } } })).rejects.toThrow(
      /state\.downloads\.retryAfter/,
    );
    await expect(start({ mode: 'stateful', childProcess: true, state: { clients: [app] } })).rejects.toThrow(
      /in-process server/,
    );
    const error = await start({ mode: 'stateful', state: { clients: [app, app] } }).catch((e: Error) => e.message);
    expect(error).not.toContain('secret-value-1');
  });
});

describe('@box-docgen/mock/vitest global setup', () => {
  it('provides mockUrl and closes the server on teardown', async () => {
    const provided = new Map<string, unknown>();
    const project = { provide: (key: string, value: unknown) => provided.set(key, value) };
    const teardown = await setup(project as unknown as Parameters<typeof setup>[0]);
    const url = provided.get('mockUrl') as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The default mode is stateful: an empty Box, so the list answers and is empty.
    const response = await fetch(`${url}/docgen_templates`, { headers: BOX_HEADERS });
    expect(response.status).toBe(200);
    await response.body?.cancel();
    await teardown();
    expect(await tryConnect(Number(new URL(url).port))).toBe('ECONNREFUSED');
  });
});
