// A request that breaks the contract gets an answer saying what is wrong, never a plausible success.
import { createDocGenClient } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';

import { useMockServer } from '../src/vitest.js';
import { BOX_HEADERS } from './helpers.js';

const mock = useMockServer({ mode: 'static' });

interface ErrorBody {
  type: string;
  status: number;
  code: string;
  message: string;
  context_info: { errors: { reason: string; name: string; location: string; message: string }[] } | null;
  help_url: string;
  request_id: string;
}

async function refused(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: ErrorBody; headers: Headers }> {
  const response = await fetch(`${mock.url}${path}`, init);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as ErrorBody, headers: response.headers };
}

const validBatch = {
  file: { id: '1200345', type: 'file' },
  input_source: 'api',
  destination_folder: { id: '9000100', type: 'folder' },
  output_type: 'pdf',
  document_generation_data: [{ generated_file_name: 'PO-1001', user_input: { order: { id: 'PO-1001' } } }],
};

describe('requests that break the contract', () => {
  it('names a missing box-version header (400 bad_request, not the spec example)', async () => {
    const { status, body, headers } = await refused('/docgen_jobs/12345', { headers: { authorization: 'Bearer t' } });
    expect(status).toBe(400);
    expect(body).toMatchObject({ type: 'error', status: 400, code: 'bad_request' });
    expect(body.message).toContain('GET /docgen_jobs/12345 does not match the Box Doc Gen API spec');
    expect(body.message).toContain("must have required property 'box-version'");
    expect(body.context_info?.errors).toEqual([
      {
        reason: 'missing_parameter',
        name: 'box-version',
        location: 'header',
        message: "Request header must have required property 'box-version'",
      },
    ]);
    expect(body.request_id).toMatch(/^mock[0-9a-f]{12}$/);
    // Prism's own report stays available.
    expect(headers.get('sl-violations')).toContain('box-version');
  });

  it('names a limit over 1000', async () => {
    const { status, body } = await refused('/docgen_jobs?limit=5000', { headers: BOX_HEADERS });
    expect(status).toBe(400);
    expect(body.message).toContain('query limit: Request query parameter limit must be <= 1000');
    expect(body.context_info?.errors).toEqual([expect.objectContaining({ name: 'limit', location: 'query' })]);
  });

  it('names a bad body field, with its path', async () => {
    const { status, body } = await refused('/docgen_batches', {
      method: 'POST',
      headers: { ...BOX_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...validBatch,
        file_version: { id: '1652298017', type: 'file' },
        document_generation_data: [{ user_input: {} }],
      }),
    });
    expect(status).toBe(400);
    const names = body.context_info?.errors.map((e) => e.name);
    expect(names).toContain('document_generation_data[0].generated_file_name');
    expect(names).toContain('file_version.type');
    expect(body.message).toContain('(2 violations)');
    expect(body.message).toContain('body document_generation_data[0].generated_file_name');
  });

  it('answers a body that is not JSON with 400 instead of hanging', async () => {
    const started = Date.now();
    const { status, body } = await refused('/docgen_batches', {
      method: 'POST',
      headers: { ...BOX_HEADERS, 'content-type': 'application/json' },
      body: '{"file": {"id": "1200345",',
      signal: AbortSignal.timeout(5_000),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(status).toBe(400);
    expect(body.code).toBe('bad_request');
    expect(body.message).toMatch(/POST \/docgen_batches: the request body is not valid JSON/);
    expect(body.context_info?.errors[0]).toMatchObject({ name: 'body', location: 'body' });
  });

  it('names a body sent with the wrong content type', async () => {
    const { status, body } = await refused('/docgen_batches', {
      method: 'POST',
      headers: { ...BOX_HEADERS, 'content-type': 'text/plain' },
      body: JSON.stringify(validBatch),
    });
    expect(status).toBe(400);
    expect(body.context_info?.errors[0]).toMatchObject({ name: 'content-type', location: 'header' });
    expect(body.message).toContain('application/json');
  });

  it('answers a path or method that is not in the spec with a ClientError naming it', async () => {
    const notFound = await refused('/docgen_nothing', { headers: BOX_HEADERS });
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ type: 'error', code: 'not_found' });
    expect(notFound.body.message).toContain('/docgen_nothing');
    const method = await refused('/docgen_jobs/1', { method: 'PUT', headers: BOX_HEADERS });
    expect(method.status).toBe(405);
    expect(method.body.code).toBe('method_not_allowed');
  });

  it('records the violations in the journal', async () => {
    await mock.reset();
    await (await fetch(`${mock.url}/docgen_templates?limit=0`, { headers: BOX_HEADERS })).arrayBuffer();
    const [entry] = await mock.requests();
    expect(entry).toMatchObject({ method: 'GET', path: '/docgen_templates', query: { limit: '0' }, status: 400 });
    expect(entry!.violations).toEqual([
      expect.objectContaining({ side: 'request', location: ['query', 'limit'], severity: 'Error', code: 'minimum' }),
    ]);
  });

  it("reaches a client request that skipped the client's own checks (raw) with the violation named", async () => {
    const docgen = createDocGenClient({ token: 't', baseUrl: mock.url, maxRetries: 0 });
    // The resources refuse limit 5000 before sending; raw does not check.
    await expect(async () => docgen.jobs.list({ limit: 5000 })).rejects.toThrow(/limit/);
    const result = await docgen.raw.GET('/docgen_jobs', { params: { query: { limit: 5000 } } });
    expect(result.response.status).toBe(400);
    expect(result.error).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('query limit: Request query parameter limit must be <= 1000'),
    });
  });
});
