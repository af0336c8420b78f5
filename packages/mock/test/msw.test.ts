// @box-docgen/mock/msw in Node: msw/node's real interceptor in front of the client's own fetch,
// answered by the same stateful Box Doc Gen as the server mock.
import { createDocGenClient, DocGenApiError } from '@box-docgen/client';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { docgenHandlers } from '../src/msw.js';

const docgen = docgenHandlers({ polls: 1, firstId: 7100001 });
const server = setupServer(...docgen.handlers);
// Any request the handlers leave alone is an error: nothing reaches the network.
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
beforeEach(() => docgen.reset());

const client = () => createDocGenClient({ token: 'msw-test-token', maxRetries: 0 });
const batch = (rows: number) => ({
  file: { id: '1502867340', type: 'file' as const },
  input_source: 'api' as const,
  destination_folder: { id: '290044817', type: 'folder' as const },
  output_type: 'pdf' as const,
  document_generation_data: Array.from({ length: rows }, (_, i) => ({
    generated_file_name: `PO ${i + 1}`,
    user_input: { order: { id: i + 1 } },
  })),
});

describe('@box-docgen/mock/msw (msw/node)', () => {
  it('a batch of 2 rows makes 2 jobs that finish, listed alike everywhere', async () => {
    const box = client();
    await box.templates.create({ file: { id: '1502867340', type: 'file' } });
    const { id } = await box.batches.create(batch(2));
    expect(id).toBe('7100001');
    const jobs = await box.batches.wait(id, { expectedJobs: 2, intervalMs: 1 });
    expect(jobs.map((job) => [job.status, job.batch.id])).toEqual([
      ['completed', id],
      ['completed', id],
    ]);
    expect((await box.jobs.get(jobs[0]!.id)).output_file).toEqual(jobs[0]!.output_file);
    const all = [];
    for await (const job of box.jobs.list({ limit: 1 })) all.push(job.id);
    expect(all).toEqual(jobs.map((job) => job.id));
    expect(docgen.state.get().batches.map((b) => b.jobs.length)).toEqual([2]);
  });

  it('templates you mark exist; unknown ids are 404 ClientErrors', async () => {
    const box = client();
    await box.templates.create({ file: { id: '42', type: 'file' } });
    expect(await box.templates.get('42')).toMatchObject({ file: { id: '42', type: 'file' } });
    await box.templates.delete('42');
    const error = await box.templates.get('42').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('a request that breaks the rules gets a 400 naming the field; no token is a 401', async () => {
    const base = 'https://api.box.com/2.0';
    const headers = {
      authorization: 'Bearer t0123456789',
      'box-version': '2025.0',
      'content-type': 'application/json',
    };
    const bad = await fetch(`${base}/docgen_batches`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...batch(1), output_type: 'xlsx' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'bad_request',
      context_info: { errors: [{ name: 'output_type' }] },
    });
    const anonymous = await fetch(`${base}/docgen_jobs`, { headers: { 'box-version': '2025.0' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('preloaded jobs are served as given', async () => {
    docgen.state.load({
      jobs: [
        {
          id: 'J1',
          type: 'docgen_job',
          status: 'failed',
          output_type: 'pdf',
          output_file: null,
          output_file_version: null,
          batch: { id: 'B1', type: 'docgen_batch' },
          template_file: { id: 'T1', type: 'file' },
          template_file_version: { id: 'V1', type: 'file_version' },
          failures: { errors: ['no value for {{order.id}}'], warnings: [] },
        },
      ],
    });
    expect(await client().jobs.get('J1')).toMatchObject({
      status: 'failed',
      failures: { errors: ['no value for {{order.id}}'] },
    });
  });
});
