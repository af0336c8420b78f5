// The control endpoints (journal, reset, …) answer callers on this machine only: a page of
// another site can neither read what the mock recorded nor reset it. The API paths stay open
// to browsers (CORS) as before.
import { request, type IncomingHttpHeaders } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFaultServer, respond, type FaultServer } from '../../../test/helpers/fault-server.js';
import { CONTROL_PREFIX, startProxyServer, type ProxyServer } from '../src/index.js';
import { useMockServer } from '../src/vitest.js';
import { BOX_HEADERS } from './helpers.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over node:http, which (unlike fetch) lets a test set the Host header. */
function call(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.once('timeout', () => req.destroy(new Error('no answer within 5000 ms')));
    req.once('error', reject);
    req.end();
  });
}

const corsOf = (reply: Reply) => Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'));

const mock = useMockServer({ mode: 'static' });
const control = (what: string) => `${mock.url}${CONTROL_PREFIX}/${what}`;

/** A recorded request carrying document data, which is what must not leak. */
async function recordSomething(): Promise<void> {
  await mock.reset();
  const response = await fetch(`${mock.url}/docgen_templates?limit=2&marker=confidential-marker`, {
    headers: BOX_HEADERS,
  });
  await response.arrayBuffer();
}

function expectRefused(reply: Reply, pattern: RegExp): void {
  expect(reply.status).toBe(403);
  expect(corsOf(reply)).toEqual([]);
  const body = JSON.parse(reply.body) as { type: string; status: number; code: string; message: string };
  expect(body).toMatchObject({ type: 'error', status: 403, code: 'forbidden' });
  expect(body.message).toMatch(pattern);
  expect(reply.body).not.toContain('confidential-marker');
}

describe('control endpoints and the Origin', () => {
  it('refuse a page of another site: 403 ClientError, no CORS headers, on every endpoint and method', async () => {
    await recordSomething();
    const origin = { origin: 'https://attacker.example' };
    for (const [method, what] of [
      ['GET', 'requests'],
      ['GET', 'ready'],
      ['GET', 'scenarios'],
      ['POST', 'reset'],
      ['GET', 'nothing'],
    ] as const) {
      expectRefused(
        await call(control(what), method, origin),
        /the Origin https:\/\/attacker\.example is not a page on this machine/,
      );
    }
    // The refused reset changed nothing.
    expect((await mock.requests()).map((r) => r.path)).toEqual(['/docgen_templates']);
  });

  it('refuse an Origin that only looks local: null, another scheme, loopback as a subdomain', async () => {
    await recordSomething();
    for (const origin of [
      'null',
      'file://',
      'chrome-extension://abcdef',
      'http://127.0.0.1.attacker.example',
      'http://localhost.attacker.example:4010',
    ]) {
      expectRefused(await call(control('requests'), 'GET', { origin }), /is not a page on this machine/);
    }
  });

  it('answer a page on a loopback origin, with CORS headers so it can read the answer', async () => {
    await recordSomething();
    for (const origin of [
      'http://localhost:5173',
      'http://127.0.0.1:3000',
      'https://127.0.0.2',
      'http://[::1]:8080',
      'http://app.localhost:3000',
      mock.url,
    ]) {
      const reply = await call(control('requests'), 'GET', { origin });
      expect(reply.status, origin).toBe(200);
      expect(reply.headers['access-control-allow-origin']).toBe(origin);
      expect((JSON.parse(reply.body) as { path: string }[]).map((r) => r.path)).toEqual(['/docgen_templates']);
    }
  });

  it('answer a caller without Origin (Node, curl) as before, without CORS headers', async () => {
    await recordSomething();
    const reply = await call(control('requests'));
    expect(reply.status).toBe(200);
    expect(corsOf(reply)).toEqual([]);
    expect(reply.body).toContain('confidential-marker');
  });

  it('refuse a cross-site request the browser sent without Origin (a <script> or <img>)', async () => {
    await recordSomething();
    expectRefused(await call(control('requests'), 'GET', { 'sec-fetch-site': 'cross-site' }), /another site/);
    expect((await call(control('requests'), 'GET', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('answer a preflight from a loopback origin and refuse one from another site', async () => {
    const preflight = (origin: string) =>
      call(control('reset'), 'OPTIONS', { origin, 'access-control-request-method': 'POST' });
    const local = await preflight('http://localhost:5173');
    expect(local.status).toBe(204);
    expect(local.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(local.headers['access-control-allow-methods']).toContain('POST');
    expectRefused(await preflight('https://attacker.example'), /attacker\.example/);
  });
});

describe('control endpoints and the Host (DNS rebinding)', () => {
  it('refuse a Host that is not this machine, even without Origin', async () => {
    await recordSomething();
    // What a page of rebind.attacker.example sends once that name resolves to 127.0.0.1.
    expectRefused(
      await call(control('requests'), 'GET', { host: `rebind.attacker.example:${mock.port}` }),
      /the Host rebind\.attacker\.example:\d+ is not this machine/,
    );
    expectRefused(
      await call(control('requests'), 'GET', { host: 'localhost@attacker.example' }),
      /is not this machine/,
    );
  });

  it('answer the loopback names', async () => {
    for (const host of [`localhost:${mock.port}`, `127.0.0.1:${mock.port}`, `LOCALHOST:${mock.port}`, 'localhost']) {
      expect((await call(control('ready'), 'GET', { host })).status, host).toBe(200);
    }
  });
});

describe('API paths', () => {
  it('stay open to a page of any origin (CORS headers and preflights as before)', async () => {
    const origin = 'https://app.example';
    const reply = await call(`${mock.url}/docgen_jobs/12345`, 'GET', { ...BOX_HEADERS, origin });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(origin);
    const preflight = await call(`${mock.url}/docgen_jobs/12345`, 'OPTIONS', {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization, box-version',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization, box-version');
  });
});

describe('the validation proxy', () => {
  let upstream: FaultServer;
  let proxy: ProxyServer;
  beforeAll(async () => {
    upstream = await startFaultServer(() => respond(404, { type: 'error' }));
    proxy = await startProxyServer({ upstream: `${upstream.url}/2.0`, errors: false });
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  it('keeps its journal from a page of another site too', async () => {
    await (
      await fetch(`${proxy.url}/docgen_templates?marker=confidential-marker`, { headers: BOX_HEADERS })
    ).arrayBuffer();
    const foreign = await call(`${proxy.url}${CONTROL_PREFIX}/requests`, 'GET', { origin: 'https://attacker.example' });
    expectRefused(foreign, /attacker\.example/);
    const local = await call(`${proxy.url}${CONTROL_PREFIX}/requests`, 'GET', { origin: 'http://localhost:3000' });
    expect(local.status).toBe(200);
    expect(local.body).toContain('confidential-marker');
  });
});
