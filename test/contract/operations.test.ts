// Every operation through the client against Prism serving the bundled spec with --errors:
// a request the spec forbids, or a response it does not allow, would fail these tests.
import { createDocGenClient, DocGenApiError, type DocGenClient } from '@box-docgen/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { example, requestExample } from '../helpers/spec.js';

let docgen: DocGenClient;
const prefer = (value: string) => ({ headers: { Prefer: value } });

beforeAll(() => {
  docgen = createDocGenClient({ token: 'contract-test-token', baseUrl: inject('mockUrl'), maxRetries: 0 });
});

describe('templates', () => {
  it('marks a file as a template (201)', async () => {
    const created = await docgen.templates.create(requestExample('/docgen_templates', 'post'));
    expect(created).toEqual(example('/docgen_templates', 'post', 201));
  });

  it('lists templates: the first page, then every item', async () => {
    const page = await docgen.templates.list({ limit: 10 });
    expect(page.entries).toEqual(example('/docgen_templates', 'get', 200).entries);
    expect(page.hasNextPage()).toBe(false);
    const all = [];
    for await (const template of docgen.templates.list()) all.push(template);
    expect(all).toEqual(page.entries);
  });

  it('gets one template', async () => {
    expect(await docgen.templates.get('4711')).toEqual(example('/docgen_templates/{template_id}', 'get', 200));
  });

  it('unmarks a template (204)', async () => {
    await expect(docgen.templates.delete('4711')).resolves.toBeUndefined();
  });

  it('lists the tags of a template', async () => {
    const page = await docgen.templates.listTags('4711', { template_version_id: '1', limit: 100 });
    expect(page.entries).toEqual(example('/docgen_templates/{template_id}/tags', 'get', 200).entries);
    expect(page.entries.length).toBeGreaterThan(0);
  });

  it('lists the jobs run from a template', async () => {
    const page = await docgen.templates.listJobs('4711');
    expect(page.entries).toEqual(example('/docgen_template_jobs/{template_id}', 'get', 200).entries);
  });
});

describe('batches and jobs', () => {
  it('creates a batch of three purchase orders (202)', async () => {
    const body = requestExample('/docgen_batches', 'post', 'purchase_orders');
    expect(body.document_generation_data).toHaveLength(3);
    expect(await docgen.batches.create(body)).toEqual(example('/docgen_batches', 'post', 202));
  });

  it('lists the jobs of a batch and waits until they finish', async () => {
    const expected = example('/docgen_batch_jobs/{batch_id}', 'get', 200).entries;
    expect((await docgen.batches.listJobs('7000123')).entries).toEqual(expected);
    const progress: unknown[] = [];
    const jobs = await docgen.batches.wait('7000123', { intervalMs: 10, onProgress: (p) => progress.push(p) });
    expect(jobs).toEqual(expected);
    expect(progress.at(-1)).toMatchObject({ total: expected.length, pending: 0 });
  });

  it('walks two pages chosen by named examples', async () => {
    const seen: string[] = [];
    const client = createDocGenClient({
      token: 't',
      baseUrl: inject('mockUrl'),
      // The stateless mock answers the first page, then the last one once a marker is sent.
      fetch: (input) => {
        const request = new Request(input as Request);
        const marker = new URL(request.url).searchParams.get('marker');
        seen.push(marker ?? '(none)');
        request.headers.set('Prefer', `example=${marker ? 'last_page' : 'first_page'}`);
        return fetch(request);
      },
    });
    const first = await client.jobs.list({ limit: 2 });
    const firstExample = example('/docgen_jobs', 'get', 200, 'first_page');
    expect(first.next_marker).toBe(firstExample.next_marker);
    expect(first.hasNextPage()).toBe(true);
    const items = [];
    for await (const job of client.jobs.list({ limit: 2 })) items.push(job.id);
    const lastExample = example('/docgen_jobs', 'get', 200, 'last_page');
    expect(items).toEqual([...firstExample.entries, ...lastExample.entries].map((j: { id: string }) => j.id));
    expect(seen.slice(1)).toEqual(['(none)', firstExample.next_marker]);
  });

  it('gets jobs in each status by named example', async () => {
    for (const status of ['completed', 'pending', 'failed', 'completed_with_error']) {
      const job = await docgen.jobs.get('5000001', prefer(`example=${status}`));
      expect(job).toEqual(example('/docgen_jobs/{job_id}', 'get', 200, status));
      expect(job.status).toBe(status);
    }
  });

  it('waits for one job', async () => {
    const job = await docgen.jobs.wait('5000001', { intervalMs: 10 });
    expect(job.status).toBe('completed');
  });

  it('lists all jobs with the full representation', async () => {
    const page = await docgen.jobs.list();
    expect(page.entries).toEqual(example('/docgen_jobs', 'get', 200).entries);
    expect(page.entries[0]).toHaveProperty('created_by');
  });
});

describe('error answers surface as DocGenApiError', () => {
  const cases: [string, number, () => Promise<unknown>][] = [
    ['401 on get job', 401, () => docgen.jobs.get('1', prefer('code=401'))],
    ['404 on get template', 404, () => docgen.templates.get('1', prefer('code=404'))],
    ['404 on batch jobs', 404, () => docgen.batches.listJobs('1', undefined, prefer('code=404')).then((p) => p)],
    [
      '429 on create batch',
      429,
      () => docgen.batches.create(requestExample('/docgen_batches', 'post'), prefer('code=429')),
    ],
    ['403 on delete template', 403, () => docgen.templates.delete('1', prefer('code=403'))],
  ];
  for (const [name, status, run] of cases) {
    it(name, async () => {
      const error = await run().then(
        () => expect.unreachable('should have thrown'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DocGenApiError);
      const api = error as DocGenApiError;
      expect(api.status).toBe(status);
      expect(api.code).toBeTypeOf('string');
      expect(api.requestId).toBeTypeOf('string');
      expect(api.message).toContain(String(status));
      expect(api.message).not.toContain('contract-test-token');
    });
  }

  it('Prism refuses a request without a token: the client always sends one', async () => {
    const response = await fetch(`${inject('mockUrl')}/docgen_jobs/1`, { headers: { 'box-version': '2025.0' } });
    expect(response.status).toBe(401);
  });

  it('Prism refuses a request without box-version: the client always sends it', async () => {
    const response = await fetch(`${inject('mockUrl')}/docgen_jobs/1`, { headers: { authorization: 'Bearer t' } });
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});

describe('request values the documentation fixes', () => {
  // The client refuses these itself, so they are sent by hand: Prism, serving the spec, must
  // refuse them too, naming the field.
  it.each([
    ['output_type', { output_type: 'xlsx' }],
    ['input_source', { input_source: 'apii' }],
  ])('the mock refuses a batch whose %s is not one the spec allows', async (field, change) => {
    const response = await fetch(`${inject('mockUrl')}/docgen_batches`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'box-version': '2025.0', 'content-type': 'application/json' },
      body: JSON.stringify({ ...requestExample('/docgen_batches', 'post'), ...change }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string; context_info: { errors: { name: string }[] } };
    expect(body.context_info.errors.map((e) => e.name)).toContain(field);
    expect(body.message).toContain(field);
  });

  it('and the client refuses them before sending, naming the field', async () => {
    const body = requestExample('/docgen_batches', 'post');
    await expect(docgen.batches.create({ ...body, output_type: 'xlsx' as 'pdf' })).rejects.toMatchObject({
      field: 'output_type',
      message: "output_type: must be 'docx' or 'pdf'",
    });
    await expect(docgen.batches.create({ ...body, input_source: 'apii' as 'api' })).rejects.toMatchObject({
      field: 'input_source',
      message: "input_source: must be 'api'",
    });
  });
});
