// The validation proxy when the upstream fails: a ClientError (502, or 504 after the timeout)
// that says which upstream failed and how, never Prism's raw FetchError with the full URL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { closedPort, reset, stall, startFaultServer, type FaultServer } from '../../../test/helpers/fault-server.js';
import { spec } from '../../../test/helpers/spec.js';
import { startProxyServer, type ProxyServer, type ProxyServerOptions } from '../src/index.js';
import { BOX_HEADERS } from './helpers.js';

const TOKEN = 'upstream-secret-token';
const QUERY_TOKEN = 'query-secret-token';
const CODES = spec.components.schemas.ClientError.properties.code.enum as string[];

let closeAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closeAfter.map((close) => close()));
  closeAfter = [];
});

async function proxyTo(upstream: string, options: Partial<ProxyServerOptions> = {}): Promise<ProxyServer> {
  const proxy = await startProxyServer({ upstream, ...options });
  closeAfter.push(() => proxy.close());
  return proxy;
}

async function faults(script: Parameters<typeof startFaultServer>[0]): Promise<FaultServer> {
  const server = await startFaultServer(script);
  closeAfter.push(() => server.close());
  return server;
}

/** An upstream that sends the start of a 200 answer, then destroys the socket; resolves with its port. */
async function cutOff(headers: Record<string, string>): Promise<number> {
  const upstream: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.write('{"type":"docgen_job","id":');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  closeAfter.push(() => new Promise((resolve) => upstream.close(() => resolve())));
  return (upstream.address() as AddressInfo).port;
}

/** GET a job through the proxy with a bearer token and a token in the query. */
async function getJob(proxy: ProxyServer) {
  const response = await fetch(`${proxy.url}/docgen_jobs/8200451?access_token=${QUERY_TOKEN}`, {
    headers: { ...BOX_HEADERS, authorization: `Bearer ${TOKEN}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return {
    status: response.status,
    text,
    body: JSON.parse(text) as { type: string; status: number; code: string; message: string },
  };
}

function expectUpstreamError(answer: Awaited<ReturnType<typeof getJob>>, status: number, message: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ type: 'error', status, code: 'unavailable' });
  expect(CODES).toContain(answer.body.code);
  expect(answer.body.message).toBe(message);
  for (const secret of [TOKEN, QUERY_TOKEN, 'access_token', 'FetchError', 'user:pw'])
    expect(answer.text).not.toContain(secret);
}

describe('startProxyServer when the upstream fails', () => {
  it('answers 502 when nothing listens at the upstream (connection refused)', async () => {
    const port = await closedPort();
    const proxy = await proxyTo(`http://user:pw@127.0.0.1:${port}/2.0`);
    expectUpstreamError(
      await getJob(proxy),
      502,
      `GET /docgen_jobs/8200451: the upstream 127.0.0.1:${port} failed: connection refused (ECONNREFUSED)`,
    );
    const [entry] = await proxy.requests();
    expect(entry).toMatchObject({ status: 502, query: { access_token: '[REDACTED]' }, violations: [] });
  });

  it('answers 502 when the upstream resets the connection before answering', async () => {
    const upstream = await faults(() => reset());
    const proxy = await proxyTo(`${upstream.url}/2.0`);
    expectUpstreamError(
      await getJob(proxy),
      502,
      `GET /docgen_jobs/8200451: the upstream 127.0.0.1:${upstream.port} failed: connection reset before an answer`,
    );
    expect(upstream.requests).toHaveLength(1);
  });

  it('answers 502 when the upstream destroys the socket in the middle of its answer', async () => {
    const port = await cutOff({});
    const proxy = await proxyTo(`http://127.0.0.1:${port}/2.0`);
    expectUpstreamError(
      await getJob(proxy),
      502,
      `GET /docgen_jobs/8200451: the upstream 127.0.0.1:${port} failed: connection closed in the middle of the answer`,
    );
  });

  it('answers 502 with errors off too: a failed upstream is not an answer to pass through', async () => {
    const port = await closedPort();
    const proxy = await proxyTo(`http://127.0.0.1:${port}/2.0`, { errors: false });
    expect((await getJob(proxy)).body).toMatchObject({ status: 502, code: 'unavailable' });
  });

  it('answers 504 naming the upstream when it does not answer in time', async () => {
    const upstream = await faults(() => stall());
    const proxy = await proxyTo(`${upstream.url}/2.0`, { answerTimeoutMs: 300 });
    expectUpstreamError(
      await getJob(proxy),
      504,
      `GET /docgen_jobs/8200451: the upstream 127.0.0.1:${upstream.port} (through Prism) did not answer within 300 ms`,
    );
  });

  it('answers 504 when the upstream stops short of the length it announced', async () => {
    // Prism's node-fetch never notices that such a body ends early; only the timeout ends the wait.
    const port = await cutOff({ 'content-length': '500' });
    const proxy = await proxyTo(`http://127.0.0.1:${port}/2.0`, { answerTimeoutMs: 300 });
    expectUpstreamError(
      await getJob(proxy),
      504,
      `GET /docgen_jobs/8200451: the upstream 127.0.0.1:${port} (through Prism) did not answer within 300 ms`,
    );
  });
});
