// The fault server itself, driven by plain fetch, so the other tests can trust what it does.
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  closedPort,
  reset,
  resetAfterBody,
  respond,
  stall,
  stallBody,
  startFaultServer,
  type FaultServer,
  type Script,
} from '../helpers/fault-server.js';
import { rejection } from './support.js';

let server: FaultServer | undefined;
afterEach(() => server?.close());
const start = async (script: Script) => (server = await startFaultServer(script));

describe('fault server', () => {
  it('answers in script order and records method, url, headers, body and arrival time', async () => {
    const s = await start([respond(201, { a: 1 }, { 'x-one': '1' }), respond(200, 'plain')]);
    const first = await fetch(`${s.url}/p?q=1`, { method: 'POST', body: '{"b":2}', headers: { 'x-h': 'v' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.get('x-one')).toBe('1');
    expect(await first.json()).toEqual({ a: 1 });
    expect(await (await fetch(`${s.url}/second`)).text()).toBe('plain');
    expect(s.requests).toMatchObject([
      { index: 0, method: 'POST', url: '/p?q=1', body: '{"b":2}', headers: { 'x-h': 'v' } },
      { index: 1, method: 'GET', url: '/second', body: '' },
    ]);
    expect(s.requests[1]!.at).toBeGreaterThanOrEqual(s.requests[0]!.at);
    expect(s.requests.map((r) => r.abandoned)).toEqual([false, false]);
  });

  it('answers 500 once the script has run out', async () => {
    const s = await start([]);
    expect((await fetch(s.url)).status).toBe(500);
  });

  it('keeps the case of header names on the wire', async () => {
    const s = await start([respond(503, undefined, { 'RETRY-AFTER': '1' })]);
    const raw = await new Promise<string[]>((resolve, reject) =>
      httpRequest(s.url, (res) => {
        res.resume();
        resolve(res.rawHeaders);
      })
        .on('error', reject)
        .end(),
    );
    expect(raw).toContain('RETRY-AFTER');
  });

  it('reset and reset-after-body make fetch fail; only the latter has read the body', async () => {
    const s = await start([reset(), resetAfterBody()]);
    await rejection(fetch(s.url, { method: 'POST', body: 'one' }));
    await rejection(fetch(s.url, { method: 'POST', body: 'two' }));
    expect(s.requests.map((r) => r.body)).toEqual(['', 'two']);
  });

  it('stall never answers; stall-body sends headers and never finishes the body', async () => {
    const s = await start([stall(), stallBody(200, '{"x":')]);
    const stalled = await rejection(fetch(s.url, { signal: AbortSignal.timeout(100) }));
    expect(stalled.name).toBe('TimeoutError');
    await vi.waitFor(() => expect(s.requests[0]!.abandoned).toBe(true)); // the client's abort closed it
    const response = await fetch(s.url, { signal: AbortSignal.timeout(150) });
    expect(response.status).toBe(200);
    expect((await rejection(response.text())).name).toBe('TimeoutError');
  });

  it('a function script sees the request index and head', async () => {
    const s = await start((i, r) => respond(200, { i, auth: r.headers.authorization ?? null }));
    expect(await (await fetch(s.url, { headers: { authorization: 'Bearer t' } })).json()).toEqual({
      i: 0,
      auth: 'Bearer t',
    });
  });

  it('received(n) resolves once n requests have arrived; close() drops stalled sockets', async () => {
    const s = await start(() => stall());
    const pending = fetch(s.url).catch((error: unknown) => error);
    await s.received(1);
    await s.close();
    expect(await pending).toBeInstanceOf(TypeError);
    server = undefined;
  });

  it('closedPort() gives a port that refuses connections', async () => {
    const error = await rejection(fetch(`http://127.0.0.1:${await closedPort()}`));
    expect(String(error.cause?.code ?? error.cause)).toMatch(/ECONNREFUSED/);
  });
});
