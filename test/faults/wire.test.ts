// What goes on the wire. The resources build their requests themselves and `raw` builds them
// with openapi-fetch; both go through one transport, so both must send the same bytes.
import { DocGenApiError } from '@box-docgen/client';
import * as lite from '@box-docgen/client/lite';
import { describe, expect, it } from 'vitest';
import { respond, stall } from '../helpers/fault-server.js';
import {
  FAST_RETRY,
  TOKEN,
  apiError,
  batchCreated,
  batchRequest,
  clientFor,
  jobCompleted,
  rejection,
  useFaultServers,
} from './support.js';

const serve = useFaultServers();

const page = { entries: [], limit: 10, next_marker: null, prev_marker: null };

describe('resources', () => {
  it('percent-encode ids, so an id with / or spaces stays one path segment', async () => {
    const server = await serve(() => respond(200, jobCompleted));
    await clientFor(server).jobs.get('a/b c?d#e');
    expect(server.requests[0]!.url).toBe('/2.0/docgen_jobs/a%2Fb%20c%3Fd%23e');
  });

  it('encode query values and leave out the unset ones', async () => {
    const server = await serve(() => respond(200, page));
    await clientFor(server).jobs.list({ limit: 10, marker: 'm&x=1 +/' });
    await clientFor(server).templates.listTags('t1', { template_version_id: undefined, limit: 5 });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/2.0/docgen_jobs?limit=10&marker=m%26x%3D1%20%2B%2F',
      '/2.0/docgen_templates/t1/tags?limit=5',
    ]);
    expect(new URL(server.requests[0]!.url, 'http://x').searchParams.get('marker')).toBe('m&x=1 +/');
  });

  it('send a body as JSON with its content type, and none without a body', async () => {
    const server = await serve([respond(202, batchCreated), respond(200, jobCompleted)]);
    const docgen = clientFor(server);
    expect(await docgen.batches.create(batchRequest)).toEqual(batchCreated);
    await docgen.jobs.get('1');
    const [post, get] = server.requests;
    expect(post).toMatchObject({ method: 'POST', url: '/2.0/docgen_batches', body: JSON.stringify(batchRequest) });
    expect(post!.headers['content-type']).toBe('application/json');
    expect(get!.headers['content-type']).toBeUndefined();
    expect(get!.body).toBe('');
  });

  it('merge headers whatever their case: call over client, and auth and version over both', async () => {
    const server = await serve(() => respond(200, jobCompleted));
    const docgen = clientFor(server, {
      headers: { 'X-Tag': 'client', 'x-keep': 'k', Authorization: 'Bearer forged', 'Box-Version': '2024.0' },
    });
    await docgen.jobs.get('1', { headers: { 'x-tag': 'call' } });
    const { headers } = server.requests[0]!;
    expect(headers).toMatchObject({
      'x-tag': 'call',
      'x-keep': 'k',
      authorization: `Bearer ${TOKEN}`,
      'box-version': '2025.0',
    });
  });

  it('resolve to undefined for a 204, and keep a non-JSON error body as text', async () => {
    const server = await serve([respond(204), respond(502, 'Bad gateway', { 'content-type': 'text/plain' })]);
    const docgen = clientFor(server, { maxRetries: 0 });
    expect(await docgen.templates.delete('t1')).toBeUndefined();
    const error = await rejection(docgen.jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error).toMatchObject({ status: 502, rawBody: 'Bad gateway' });
  });
});

describe('raw (openapi-fetch) through the same transport', () => {
  it('sends the same request as the resource does', async () => {
    const server = await serve(() => respond(202, batchCreated));
    const docgen = clientFor(server, { headers: { 'x-tag': 'client' } });
    await docgen.batches.create(batchRequest);
    const { data, error } = await docgen.raw.POST('/docgen_batches', { body: batchRequest });
    expect(error).toBeUndefined();
    expect(data).toEqual(batchCreated);
    const [viaResource, viaRaw] = server.requests;
    expect(viaRaw!.url).toBe(viaResource!.url);
    expect(viaRaw!.body).toBe(viaResource!.body);
    for (const name of ['authorization', 'box-version', 'content-type', 'x-tag'])
      expect(viaRaw!.headers[name]).toBe(viaResource!.headers[name]);
  });

  it('retries a GET after a 503 and answers openapi-fetch style, with the url of the request', async () => {
    const server = await serve([respond(503, apiError(503, 'unavailable')), respond(200, jobCompleted)]);
    const { data, response } = await clientFor(server).raw.GET('/docgen_jobs/{job_id}', {
      params: { path: { job_id: 'a/b' } },
    });
    expect(data).toEqual(jobCompleted);
    expect(server.requests.map((r) => r.url)).toEqual(['/2.0/docgen_jobs/a%2Fb', '/2.0/docgen_jobs/a%2Fb']);
    expect(response.url).toBe(`${server.url}/2.0/docgen_jobs/a%2Fb`);
  });

  it('hands back an error answer as `error`, without throwing', async () => {
    const server = await serve(() => respond(404, apiError(404, 'not_found')));
    const { data, error, response } = await clientFor(server).raw.GET('/docgen_jobs/{job_id}', {
      params: { path: { job_id: '9' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it("honours the caller's signal", async () => {
    const server = await serve(() => stall());
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = rejection(
      clientFor(server, { timeoutMs: 60_000 }).raw.GET('/docgen_jobs/{job_id}', {
        params: { path: { job_id: '1' } },
        signal: controller.signal,
      }),
    );
    await server.received(1);
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});

describe('the lite entry', () => {
  it('sends what the main entry sends, retries alike, throws the same classes, and has no raw', async () => {
    const server = await serve([
      respond(202, batchCreated),
      respond(202, batchCreated),
      respond(503, apiError(503, 'unavailable')),
      respond(404, apiError(404, 'not_found')),
    ]);
    const options = { token: TOKEN, baseUrl: `${server.url}/2.0`, retry: FAST_RETRY, headers: { 'x-tag': 'client' } };
    const small = lite.createDocGenClient(options);
    expect('raw' in small).toBe(false);
    expect(small.batches.create).toBeTypeOf('function');
    await clientFor(server, options).batches.create(batchRequest);
    expect(await small.batches.create(batchRequest)).toEqual(batchCreated);
    const [viaMain, viaLite] = server.requests;
    expect(viaLite).toMatchObject({ method: viaMain!.method, url: viaMain!.url, body: viaMain!.body });
    expect(viaLite!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'box-version': '2025.0',
      'x-tag': 'client',
      'content-type': 'application/json',
    });
    // A 503 on a GET is retried; the 404 after it throws the one DocGenApiError class.
    const error = await rejection(small.jobs.get('9'));
    expect(server.requests).toHaveLength(4);
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(lite.DocGenApiError).toBe(DocGenApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });
});
