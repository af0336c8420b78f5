// The box-docgen-mock command: serve starts, serves and stops cleanly; proxy reports every
// request and response that breaks the contract.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { closedPort } from '../../../test/helpers/fault-server.js';
import { example } from '../../../test/helpers/spec.js';
import { formatViolation, startProxyServer, type ContractViolation } from '../src/index.js';
import { BOX_HEADERS, CLI, spawnNode, tryConnect, waitUntilClosed, type Spawned } from './helpers.js';

let spawned: Spawned[] = [];
afterEach(() => {
  for (const s of spawned) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  spawned = [];
});

function cli(...args: string[]): Spawned {
  const s = spawnNode([CLI, ...args]);
  spawned.push(s);
  return s;
}

/** Waits (5 s at most) until the process wrote a match of the pattern to stderr. */
async function stderrUntil(s: Spawned, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 100 && !pattern.test(s.stderr()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(s.stderr()).toMatch(pattern);
}

async function listening(s: Spawned): Promise<{ url: string; port: number }> {
  const [, url] = await s.waitFor(/listening on (http:\/\/\S+)/);
  return { url: url!, port: Number(new URL(url!).port) };
}

describe('box-docgen-mock serve', () => {
  it('starts, serves with a scenario, and stops cleanly on SIGINT', async () => {
    const s = cli('serve', '--port', '0', '--static', '--scenario', 'jobs-progress:polls=1');
    const { url, port } = await listening(s);
    const read = async () => {
      const response = await fetch(`${url}/docgen_batch_jobs/7000123`, { headers: BOX_HEADERS });
      return ((await response.json()) as { entries: { status: string }[] }).entries.map((job) => job.status);
    };
    expect(await read()).toContain('pending');
    expect(await read()).not.toContain('pending');
    await s.waitFor(
      /GET \/docgen_batch_jobs\/7000123 → 200 {2}\[jobs-progress:polls=1\][\s\S]*GET \/docgen_batch_jobs\/7000123 → 200/,
    );

    s.child.kill('SIGINT');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(s.stderr()).toContain('stopped (SIGINT)');
  });

  it('stops cleanly on SIGTERM, and prints one line per request with its violations', async () => {
    const s = cli('serve', '--port', '0', '--dynamic', '--seed', '7');
    const { url, port } = await listening(s);
    await (await fetch(`${url}/docgen_jobs/1`, { headers: { authorization: 'Bearer t' } })).arrayBuffer();
    await s.waitFor(
      /GET \/docgen_jobs\/1 → 400\n {2}✗ request header box-version: Request header must have required property 'box-version'/,
    );
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
  });

  it("keeps tokens out of its request lines and of Prism's log (--log-level debug)", async () => {
    const s = cli('serve', '--port', '0', '--log-level', 'debug');
    const { url } = await listening(s);
    const headers = { ...BOX_HEADERS, authorization: 'Bearer header-secret', cookie: 'session=cookie-secret' };
    await (await fetch(`${url}/docgen_templates?limit=2&access_token=query-secret`, { headers })).arrayBuffer();
    await s.waitFor(/GET \/docgen_templates\?limit=2&access_token=%5BREDACTED%5D → 200/);
    await stderrUntil(s, /Request received/);
    s.child.kill('SIGTERM');
    await s.exited;
    expect(s.stderr()).toContain('[REDACTED]');
    for (const secret of ['header-secret', 'cookie-secret', 'query-secret'])
      expect(s.stdout() + s.stderr()).not.toContain(secret);
  });

  it('prints only the URL with --quiet', async () => {
    const s = cli('serve', '--port', '0', '--quiet');
    const { url } = await listening(s);
    await (await fetch(`${url}/docgen_jobs/1`, { headers: BOX_HEADERS })).arrayBuffer();
    s.child.kill('SIGINT');
    await s.exited;
    expect(s.stdout().trim().split('\n')).toEqual([`box-docgen-mock: Box Doc Gen API mock listening on ${url}`]);
  });

  it('lists the scenarios with their options', async () => {
    const s = cli('scenarios');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    for (const name of ['jobs-progress', 'rate-limited', 'rate-limit', 'flaky', 'tags-processing'])
      expect(s.stdout()).toMatch(new RegExp(`^${name}$`, 'm'));
    expect(s.stdout()).toContain('every=3');
  });

  it('refuses bad usage with exit code 2 and a bad scenario with exit code 1, saying why', async () => {
    const badPort = cli('serve', '--port', 'eighty');
    expect((await badPort.exited).code).toBe(2);
    expect(badPort.stderr()).toContain('--port must be a number from 0 to 65535, got eighty');
    const unknown = cli('launch');
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "launch"');
    const badScenario = cli('serve', '--port', '0', '--scenario', 'slow');
    expect((await badScenario.exited).code).toBe(1);
    expect(badScenario.stderr()).toContain('unknown scenario "slow"');
    const noUpstream = cli('proxy');
    expect((await noUpstream.exited).code).toBe(2);
    expect(noUpstream.stderr()).toContain('proxy needs the upstream base URL');
  });
});

// A local "real API" that breaks the contract: its job has a status outside the enum and no type.
let upstream: Server;
let upstreamUrl: string;
const upstreamSaw: string[] = [];
beforeAll(async () => {
  const job = example('/docgen_jobs/{job_id}', 'get', 200, 'completed');
  upstream = createServer((req: IncomingMessage, res) => {
    upstreamSaw.push(`${req.method} ${req.url} ${req.headers['box-version'] ?? '-'}`);
    if (req.url?.startsWith('/2.0/docgen_jobs/')) {
      const { type: _type, ...withoutType } = job;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...withoutType, status: 'done' }));
    } else if (req.url?.startsWith('/2.0/docgen_templates/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(example('/docgen_templates/{template_id}', 'get', 200)));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/2.0`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('box-docgen-mock proxy <upstream>', () => {
  it('reports each request and response that breaks the contract, one line each', async () => {
    upstreamSaw.length = 0;
    const s = cli('proxy', upstreamUrl, '--port', '0');
    const { url, port } = await listening(s);

    // A valid request with a wrong answer: refused with a 500 that names what is wrong.
    const wrong = await fetch(`${url}/docgen_jobs/8200451`, { headers: BOX_HEADERS });
    expect(wrong.status).toBe(500);
    const body = (await wrong.json()) as { code: string; message: string };
    expect(body.code).toBe('internal_server_error');
    expect(body.message).toContain('The answer to GET /docgen_jobs/8200451 does not match the Box Doc Gen API spec');
    expect(body.message).toMatch(/body type: .*required property 'type'/);
    expect(body.message).toMatch(/body status: .*allowed values/);

    // A request that breaks the contract is refused before it reaches the upstream.
    const bad = await fetch(`${url}/docgen_jobs/8200451?limit=2`, { headers: { authorization: 'Bearer t' } });
    expect(bad.status).toBe(400);
    await bad.arrayBuffer();

    // A good exchange goes through untouched.
    const good = await fetch(`${url}/docgen_templates/1502867340`, { headers: BOX_HEADERS });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual(example('/docgen_templates/{template_id}', 'get', 200));

    await s.waitFor(
      /✗ GET \/docgen_jobs\/8200451 → 500: response body status: .*must be equal to one of the allowed values/,
    );
    await s.waitFor(/✗ GET \/docgen_jobs\/8200451 → 500: response body type: .*must have required property 'type'/);
    await s.waitFor(/✗ GET \/docgen_jobs\/8200451\?limit=2 → 400: request header box-version: .*'box-version'/);
    await s.waitFor(/ok GET \/docgen_templates\/1502867340 → 200/);
    expect(upstreamSaw).toEqual(['GET /2.0/docgen_jobs/8200451 2025.0', 'GET /2.0/docgen_templates/1502867340 2025.0']);

    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toMatch(/box-docgen-mock: 3 contract violations in 3 requests/);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
  });

  it('answers 502 for an upstream that refuses, and logs the failure without the token in its URL', async () => {
    const s = cli('proxy', `http://127.0.0.1:${await closedPort()}/2.0`, '--port', '0', '--log-level', 'error');
    const { url } = await listening(s);
    const failed = await fetch(`${url}/docgen_jobs/1?access_token=query-secret`, {
      headers: { ...BOX_HEADERS, authorization: 'Bearer header-secret' },
    });
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { message: string }).message).toMatch(
      /the upstream 127\.0\.0\.1:\d+ failed: connection refused/,
    );
    await s.waitFor(/ok GET \/docgen_jobs\/1\?access_token=%5BREDACTED%5D → 502/);
    await stderrUntil(s, /ECONNREFUSED/);
    s.child.kill('SIGTERM');
    await s.exited;
    for (const secret of ['header-secret', 'query-secret']) expect(s.stdout() + s.stderr()).not.toContain(secret);
  });

  it('passes everything through with --no-errors and still reports', async () => {
    const s = cli('proxy', upstreamUrl, '--port', '0', '--no-errors', '--quiet');
    const { url, port } = await listening(s);
    const wrong = await fetch(`${url}/docgen_jobs/8200451`, { headers: BOX_HEADERS });
    expect(wrong.status).toBe(200);
    expect(((await wrong.json()) as { status: string }).status).toBe('done');
    await s.waitFor(/✗ GET \/docgen_jobs\/8200451 → 200: response body status/);
    s.child.kill('SIGINT');
    expect((await s.exited).code).toBe(0);
    expect(await waitUntilClosed(port)).toBe('ECONNREFUSED');
  });
});

describe('startProxyServer', () => {
  it('hands each violation to onViolation and keeps them for violations()', async () => {
    const seen: ContractViolation[] = [];
    const proxy = await startProxyServer({ upstream: upstreamUrl, onViolation: (v) => seen.push(v) });
    try {
      await (await fetch(`${proxy.url}/docgen_jobs/1`, { headers: BOX_HEADERS })).arrayBuffer();
      expect(seen.map(formatViolation)).toEqual([
        expect.stringMatching(/^GET \/docgen_jobs\/1 → 500: response body (type|status): /),
        expect.stringMatching(/^GET \/docgen_jobs\/1 → 500: response body (type|status): /),
      ]);
      expect(await proxy.violations()).toEqual(seen);
      expect(seen[0]).toMatchObject({ side: 'response', severity: 'Error', method: 'GET', status: 500 });
      await proxy.reset();
      expect(await proxy.violations()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('rejects an upstream that is not an http(s) URL', async () => {
    await expect(startProxyServer({ upstream: 'ftp://example.com' })).rejects.toThrow(
      /options\.upstream must be an http\(s\) URL/,
    );
    await expect(startProxyServer({ upstream: 'not a url' })).rejects.toThrow(
      /options\.upstream must be an absolute http\(s\) URL/,
    );
  });
});
