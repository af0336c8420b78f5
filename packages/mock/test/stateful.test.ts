// The default mode: a Box Doc Gen in memory, through the real client, with Prism checking every
// request and validating every answer.
import { createDocGenClient, type DocGenClientOptions } from '@box-docgen/client';
import type { DocGenBatchCreateRequest } from '@box-docgen/types';
import { describe, expect, it } from 'vitest';

import { example, requestExample } from '../../../test/helpers/spec.js';
import { OUTCOME_FIELD, scenarioHeaders, startMockServer } from '../src/index.js';
import { useMockServer } from '../src/vitest.js';
import { BOX_HEADERS } from './helpers.js';

const FAST = { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20 };
const client = (url: string, options: Partial<DocGenClientOptions> = {}) =>
  createDocGenClient({ token: 'a-token', baseUrl: url, maxRetries: 0, retry: FAST, ...options });

/** The spec's purchase-order request for template `template`, with one entry per user_input given. */
function batchBody(template: string, inputs: Record<string, unknown>[]): DocGenBatchCreateRequest {
  const body = requestExample('/docgen_batches', 'post', 'purchase_orders') as DocGenBatchCreateRequest;
  return {
    ...body,
    file: { id: template, type: 'file' },
    document_generation_data: inputs.map((user_input, i) => ({ generated_file_name: `Row ${i + 1}`, user_input })),
  };
}

const exampleTags = (example('/docgen_templates/{template_id}/tags', 'get', 200) as { entries: unknown[] }).entries;

describe('templates', () => {
  const mock = useMockServer();

  it('marks a file, shows it in get and list, unmarks it; unknown ids are 404 ClientErrors', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    await expect(docgen.templates.get('123')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(await docgen.templates.create({ file: { id: '123', type: 'file' } })).toEqual({
      file: { id: '123', type: 'file' },
    });
    expect(await docgen.templates.get('123')).toMatchObject({ file: { id: '123', type: 'file' } });
    const listed = [];
    for await (const template of docgen.templates.list()) listed.push(template.file?.id);
    expect(listed).toEqual(['123']);
    await docgen.templates.delete('123');
    await expect(docgen.templates.get('123')).rejects.toMatchObject({ status: 404 });
    await expect(docgen.templates.delete('123')).rejects.toMatchObject({ status: 404 });
    expect((await mock.requests()).map((r) => [r.operationId, r.status])).toEqual([
      ['getTemplate', 404],
      ['createTemplate', 201],
      ['getTemplate', 200],
      ['listTemplates', 200],
      ['deleteTemplate', 204],
      ['getTemplate', 404],
      ['deleteTemplate', 404],
    ]);
  });

  it("lists the spec's example tags by default, a template's own when preloaded, 202 while extracting", async () => {
    await mock.reset();
    const docgen = client(mock.url);
    await docgen.templates.create({ file: { id: '1', type: 'file' } });
    const tags = [];
    for await (const tag of docgen.templates.listTags('1', { limit: 1 })) tags.push(tag);
    expect(tags).toEqual(exampleTags);

    const own = [{ tag_content: '{{name}}', tag_type: 'text' as const, json_paths: ['name'] }];
    await mock.server.state.load({ templates: [{ id: '2', name: 'Letter.docx', tags: own, extracting: 2 }] });
    const tagsOf2 = () => fetch(`${mock.url}/docgen_templates/2/tags`, { headers: BOX_HEADERS });
    expect((await tagsOf2()).status).toBe(202);
    const collected = [];
    for await (const tag of docgen.templates.listTags('2')) collected.push(tag);
    expect(collected).toEqual(own);
    expect(await docgen.templates.get('2')).toEqual({ file: { id: '2', type: 'file' }, file_name: 'Letter.docx' });
  });
});

describe('batches and jobs', () => {
  const mock = useMockServer({ state: { polls: 2, firstId: 500 } });

  it('makes one job per row, in order, with the template, version and output type sent; they finish after the polls', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    const body = {
      ...batchBody('77', [{ n: 1 }, { n: 2 }, { n: 3 }]),
      file_version: { id: '9001', type: 'file_version' as const },
      output_type: 'docx' as const,
    };
    const batch = await docgen.batches.create(body);
    expect(batch).toEqual({ id: '500', type: 'docgen_batch' });

    const statuses = async () => (await docgen.batches.listJobs(batch.id)).entries.map((job) => job.status);
    expect(await statuses()).toEqual(['submitted', 'submitted', 'submitted']);
    expect(await statuses()).toEqual(['pending', 'pending', 'pending']);
    const done = (await docgen.batches.listJobs(batch.id)).entries;
    expect(done.map((job) => [job.id, job.status, job.output_file?.id])).toEqual([
      ['5000000', 'completed', '95000000'],
      ['5000001', 'completed', '95000001'],
      ['5000002', 'completed', '95000002'],
    ]);
    for (const job of done) {
      expect(job).toMatchObject({
        batch: { id: '500', type: 'docgen_batch' },
        template_file: { id: '77', type: 'file' },
        template_file_version: { id: '9001', type: 'file_version' },
        output_type: 'docx',
        failures: null,
      });
    }
    // The same jobs everywhere: one job, the whole list, the template's jobs.
    expect(await docgen.jobs.get('5000001')).toEqual(done[1]);
    const all = [];
    for await (const job of docgen.jobs.list({ limit: 2 })) all.push(job);
    expect(all.map((job) => job.id)).toEqual(done.map((job) => job.id));
    expect(all[0]).toMatchObject({
      ...done[0],
      source: 'api',
      created_by: { type: 'user' },
      enterprise: { type: 'enterprise' },
    });
    const ofTemplate = await docgen.templates.listJobs('77', { limit: 2 });
    expect(ofTemplate).toMatchObject({ limit: 2, next_marker: '2', prev_marker: null });
    const last = await docgen.templates.listJobs('77', { limit: 2, marker: ofTemplate.next_marker! });
    expect(last).toMatchObject({ entries: [done[2]], next_marker: null, prev_marker: '0' });
  });

  it('fails the rows marked in user_input or chosen by a predicate; batches.wait sees it', async () => {
    const mock2 = await startMockServer({
      state: { polls: 0, fail: (row) => (row.userInput['n'] === 2 ? 'completed_with_error' : undefined) },
    });
    try {
      const docgen = client(mock2.url);
      const batch = await docgen.batches.create(
        batchBody('5', [{ n: 1 }, { n: 2 }, { n: 3, [OUTCOME_FIELD]: 'failed' }]),
      );
      const jobs = await docgen.batches.wait(batch.id, { intervalMs: 1 });
      expect(jobs.map((job) => job.status)).toEqual(['completed', 'completed_with_error', 'failed']);
      expect(jobs[1]!.output_file).not.toBeNull();
      expect(jobs[1]!.failures?.errors?.[0]).toMatch(/row 2.*written/i);
      expect(jobs[2]).toMatchObject({ output_file: null, output_file_version: null });
      expect(jobs[2]!.failures?.errors?.[0]).toMatch(/row 3/);
    } finally {
      await mock2.close();
    }
  });

  it('answers unknown jobs and batches 404, and a marker it did not hand out 400', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    await expect(docgen.jobs.get('1')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(docgen.batches.listJobs('1')).rejects.toMatchObject({ status: 404 });
    const { id } = await docgen.batches.create(batchBody('5', [{}]));
    await expect(docgen.batches.listJobs(id, { marker: 'elsewhere' })).rejects.toMatchObject({ status: 400 });
  });

  it('is kept per session, can be preloaded and inspected, and reset() empties it', async () => {
    await mock.reset();
    const a = client(mock.url, { headers: { 'x-box-docgen-mock-session': 'a' } });
    const b = client(mock.url, { headers: { 'x-box-docgen-mock-session': 'b' } });
    await a.batches.create(batchBody('5', [{}]));
    await expect(b.jobs.get('5000000')).rejects.toMatchObject({ status: 404 });
    expect((await mock.server.state.get({ session: 'a' })).batches).toEqual([
      {
        id: '500',
        template: '5',
        folder: batchBody('5', []).destination_folder.id,
        outputType: 'pdf',
        jobs: ['5000000'],
      },
    ]);
    const job = { ...(await a.jobs.get('5000000')), id: '42', status: 'completed' as const };
    await mock.server.state.load({ jobs: [job] }, { session: 'b' });
    expect(await b.jobs.get('42')).toEqual(job);
    await mock.server.reset({ session: 'a' });
    expect(await mock.server.state.get({ session: 'a' })).toEqual({ templates: [], jobs: [], batches: [] });
    expect((await mock.server.state.get({ session: 'b' })).jobs.map((j) => j.id)).toEqual(['42']);
  });

  it('sends an answer that breaks the contract as a 500 naming the violation', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    const batch = await docgen.batches.create(batchBody('5', [{}]));
    const { entries } = await docgen.batches.listJobs(batch.id);
    // A preloaded job with a status the spec does not have.
    await mock.server.state.load({ jobs: [{ ...entries[0]!, id: '66', status: 'lost' as never }] });
    const response = await fetch(`${mock.url}/docgen_jobs/66`, { headers: BOX_HEADERS });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/^The answer to GET \/docgen_jobs\/66 does not match the Box Doc Gen API spec/);
    expect(body.message).toMatch(/status/);
  });
});

describe('tokens', () => {
  it('accepts any non-empty token by default', async () => {
    const mock = await startMockServer();
    try {
      expect(
        (await fetch(`${mock.url}/docgen_templates`, { headers: { ...BOX_HEADERS, authorization: 'Bearer anything' } }))
          .status,
      ).toBe(200);
    } finally {
      await mock.close();
    }
  });

  it('accepts only the configured tokens; an expired one answers 401 with WWW-Authenticate, never echoing it', async () => {
    const mock = await startMockServer({ state: { tokens: ['good'], expiredTokens: ['old-secret'] } });
    try {
      const ask = (token: string) =>
        fetch(`${mock.url}/docgen_templates`, { headers: { ...BOX_HEADERS, authorization: `Bearer ${token}` } });
      expect((await ask('good')).status).toBe(200);
      const expired = await ask('old-secret');
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer realm="Service", error="invalid_token"/);
      const text = await expired.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/expired/) });
      expect(text).not.toContain('old-secret');
      const unknown = await ask('other');
      expect(unknown.status).toBe(401);
      expect(await unknown.text()).toMatch(/not valid/);
      // The client reports it as a DocGenApiError with status 401.
      await expect(client(mock.url, { token: 'other' }).templates.get('1')).rejects.toMatchObject({ status: 401 });
    } finally {
      await mock.close();
    }
  });
});

describe('scenarios on the stateful mode', () => {
  const mock = useMockServer();

  it('rate-limited and tags-processing act before the state; jobs-progress sets its polls', async () => {
    await mock.reset();
    const docgen = client(mock.url, {
      headers: scenarioHeaders('rate-limited:every=3,retryAfter=0+tags-processing+jobs-progress:polls=0'),
      maxRetries: 2,
    });
    await docgen.templates.create({ file: { id: '8', type: 'file' } });
    const tags = [];
    for await (const tag of docgen.templates.listTags('8')) tags.push(tag);
    expect(tags).toEqual(exampleTags);
    const batch = await docgen.batches.create(batchBody('8', [{}, {}]));
    // polls=0: finished at the first read.
    expect((await docgen.batches.listJobs(batch.id)).entries.map((job) => job.status)).toEqual([
      'completed',
      'completed',
    ]);
    const statuses = (await mock.requests()).map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(202);
  });

  it("bulk-batches sets failEvery; a request's own Prefer still gets the spec's example", async () => {
    await mock.reset();
    const docgen = client(mock.url, { headers: scenarioHeaders('bulk-batches:polls=0,failEvery=2') });
    const batch = await docgen.batches.create(batchBody('8', [{}, {}, {}, {}]));
    expect((await docgen.batches.listJobs(batch.id)).entries.map((job) => job.status)).toEqual([
      'completed',
      'failed',
      'completed',
      'failed',
    ]);
    const preferred = await fetch(`${mock.url}/docgen_jobs/whatever`, {
      headers: { ...BOX_HEADERS, prefer: 'example=pending' },
    });
    expect(await preferred.json()).toEqual(example('/docgen_jobs/{job_id}', 'get', 200, 'pending'));
  });
});
