// The request journal: consumer tests assert what their code sent.
import { createDocGenClient } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';

import { connectMockServer, SESSION_HEADER } from '../src/index.js';
import { useMockServer, useSharedMockServer } from '../src/vitest.js';
import { BOX_HEADERS } from './helpers.js';

const mock = useMockServer({ mode: 'static' });

describe('mock.requests()', () => {
  it('lists method, path, query, headers (Authorization redacted) and the parsed body', async () => {
    await mock.reset();
    const docgen = createDocGenClient({ token: 'very-secret-token', baseUrl: mock.url, maxRetries: 0 });
    await docgen.templates.list({ limit: 10 });
    await docgen.batches.create({
      file: { id: '1200345', type: 'file' },
      input_source: 'api',
      destination_folder: { id: '9000100', type: 'folder' },
      output_type: 'pdf',
      document_generation_data: [{ generated_file_name: 'Invoice 7', user_input: { invoice: { number: 7 } } }],
    });

    const requests = await mock.requests();
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      seq: expect.any(Number),
      method: 'GET',
      path: '/docgen_templates',
      query: { limit: '10' },
      body: null,
      status: 200,
      scenario: '',
      violations: [],
    });
    expect(requests[1]).toMatchObject({
      method: 'POST',
      path: '/docgen_batches',
      query: {},
      body: {
        output_type: 'pdf',
        document_generation_data: [{ generated_file_name: 'Invoice 7', user_input: { invoice: { number: 7 } } }],
      },
      status: 202,
    });
    for (const request of requests) {
      expect(request.headers['authorization']).toBe('Bearer [REDACTED]');
      expect(request.headers['box-version']).toBe('2025.0');
      expect(Date.parse(request.time)).not.toBeNaN();
    }
    expect(JSON.stringify(requests)).not.toContain('very-secret-token');
  });

  it('redacts a token sent in the query (access_token=, refresh_token=), also over HTTP', async () => {
    await mock.reset();
    const url = `${mock.url}/docgen_templates?limit=2&access_token=query-secret&Refresh_Token=refresh-secret`;
    await (await fetch(url, { headers: BOX_HEADERS })).arrayBuffer();
    const [entry] = await mock.requests();
    expect(entry!.query).toEqual({ limit: '2', access_token: '[REDACTED]', Refresh_Token: '[REDACTED]' });
    const overHttp = JSON.stringify(await connectMockServer(mock.url).requests());
    for (const secret of ['query-secret', 'refresh-secret']) expect(overHttp).not.toContain(secret);
  });

  it('redacts the credentials of a sign-in form body (client_secret, assertion, code, refresh_token)', async () => {
    await mock.reset();
    const form =
      'grant_type=client_credentials&client_id=app-id&client_secret=form-secret&assertion=jwt-secret&code=code-secret&refresh_token=refresh-secret';
    await (
      await fetch(`${mock.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      })
    ).arrayBuffer();
    const [entry] = await mock.requests();
    expect(entry!.body).toBe(
      'grant_type=client_credentials&client_id=app-id&client_secret=[REDACTED]&assertion=[REDACTED]&code=[REDACTED]&refresh_token=[REDACTED]',
    );
    const overHttp = JSON.stringify(await connectMockServer(mock.url).requests());
    for (const secret of ['form-secret', 'jwt-secret', 'code-secret', 'refresh-secret'])
      expect(overHttp).not.toContain(secret);
  });

  it('keeps a repeated query parameter as an array, and a non-JSON body as text', async () => {
    await mock.reset();
    await (await fetch(`${mock.url}/docgen_jobs?marker=a&marker=b`, { headers: BOX_HEADERS })).arrayBuffer();
    await (
      await fetch(`${mock.url}/docgen_templates`, {
        method: 'POST',
        headers: { ...BOX_HEADERS, 'content-type': 'text/plain' },
        body: 'hello',
      })
    ).arrayBuffer();
    const [list, create] = await mock.requests();
    expect(list!.query).toEqual({ marker: ['a', 'b'] });
    expect(create!.body).toBe('hello');
  });

  it('returns copies, and reset() clears the journal', async () => {
    await (await fetch(`${mock.url}/docgen_jobs/1`, { headers: BOX_HEADERS })).arrayBuffer();
    const before = await mock.requests();
    before.length = 0;
    expect((await mock.requests()).length).toBeGreaterThan(0);
    await mock.reset();
    expect(await mock.requests()).toEqual([]);
  });

  it('is readable over HTTP, whole or by session', async () => {
    await mock.reset();
    const a = connectMockServer(mock.url, { session: 'a' });
    const b = connectMockServer(mock.url, { session: true });
    expect(a.headers).toEqual({ [SESSION_HEADER]: 'a' });
    expect(b.session).toMatch(/^[0-9a-f-]{36}$/);
    const send = (headers: Record<string, string>, id: string) =>
      fetch(`${mock.url}/docgen_jobs/${id}`, { headers: { ...BOX_HEADERS, ...headers } }).then((r) => r.arrayBuffer());
    await send(a.headers, 'from-a');
    await send(b.headers, 'from-b');
    await send({}, 'no-session');

    expect((await a.requests()).map((r) => r.path)).toEqual(['/docgen_jobs/from-a']);
    expect((await b.requests()).map((r) => [r.path, r.session])).toEqual([['/docgen_jobs/from-b', b.session]]);
    const all = connectMockServer(mock.url);
    expect((await all.requests()).map((r) => r.path)).toEqual([
      '/docgen_jobs/from-a',
      '/docgen_jobs/from-b',
      '/docgen_jobs/no-session',
    ]);
    expect((await mock.server.requests({ session: 'a' })).map((r) => r.path)).toEqual(['/docgen_jobs/from-a']);

    await a.reset();
    expect(await a.requests()).toEqual([]);
    expect((await all.requests()).map((r) => r.path)).toEqual(['/docgen_jobs/from-b', '/docgen_jobs/no-session']);
  });

  it('does not record the control endpoints, and names them when one is wrong', async () => {
    await mock.reset();
    const response = await fetch(`${mock.url}/__box-docgen-mock__/nothing`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toContain('GET /__box-docgen-mock__/requests');
    const ready = await fetch(`${mock.url}/__box-docgen-mock__/ready`);
    expect(await ready.json()).toEqual({ ready: true, mode: 'mock' });
    const scenarios = (await (await fetch(`${mock.url}/__box-docgen-mock__/scenarios`)).json()) as { name: string }[];
    expect(scenarios.map((s) => s.name)).toEqual([
      'jobs-progress',
      'rate-limited',
      'rate-limit',
      'flaky',
      'tags-processing',
      'bulk-batches',
    ]);
    expect(await mock.requests()).toEqual([]);
  });
});

describe("useSharedMockServer (the global setup's server)", () => {
  const shared = useSharedMockServer();

  it("sees only the requests of this file's session", async () => {
    const docgen = createDocGenClient({ token: 't', baseUrl: shared.url, headers: shared.headers, maxRetries: 0 });
    // Found (static mode) or not (an empty stateful one): either way the request is recorded.
    await docgen.jobs.get('shared-1').catch(() => undefined);
    // Another file's traffic (no session header) stays out.
    await (await fetch(`${shared.url}/docgen_jobs/other`, { headers: BOX_HEADERS })).arrayBuffer();
    expect((await shared.requests()).map((r) => r.path)).toEqual(['/docgen_jobs/shared-1']);
    await shared.reset();
    expect(await shared.requests()).toEqual([]);
  });
});
