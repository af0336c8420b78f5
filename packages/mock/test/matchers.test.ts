// The typed journal and expect(mock).toHaveReceived(…).
import { createDocGenClient } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';

import { requestExample } from '../../../test/helpers/spec.js';
import { useMockServer } from '../src/vitest.js';

const mock = useMockServer();
const body = requestExample('/docgen_batches', 'post', 'purchase_orders');

describe('the journal', () => {
  it('names the operation of each request, and types body and query by it', async () => {
    await mock.reset();
    const docgen = createDocGenClient({ token: 't', baseUrl: mock.url, maxRetries: 0 });
    await docgen.batches.create(body);
    await docgen.jobs.list({ limit: 5 });
    await fetch(`${mock.url}/not-in-the-spec`);
    const [create, list, other] = await mock.requests();
    expect([create?.operationId, list?.operationId, other?.operationId]).toEqual([
      'createBatch',
      'listJobs',
      undefined,
    ]);
    if (create?.operationId !== 'createBatch' || list?.operationId !== 'listJobs') throw new Error('unreachable');
    // Typed: these lines would not compile on an unknown body.
    const names: string[] = create.body.document_generation_data.map((row) => row.generated_file_name);
    const limit: string | string[] | undefined = list.query.limit;
    expect(names).toEqual(
      body.document_generation_data.map((row: { generated_file_name: string }) => row.generated_file_name),
    );
    expect(limit).toBe('5');
  });
});

describe('toHaveReceived', () => {
  it('passes on a subset of any entry of the operation, in any order', async () => {
    await mock.reset();
    const docgen = createDocGenClient({ token: 't', baseUrl: mock.url, maxRetries: 0 });
    await docgen.batches.create({ ...body, output_type: 'docx' });
    await docgen.batches.create(body);
    await docgen.templates.list({ limit: 3 });
    await expect(mock).toHaveReceived('createBatch');
    await expect(mock).toHaveReceived('createBatch', { body: { output_type: 'pdf' } });
    await expect(mock).toHaveReceived('createBatch', { body: { output_type: 'docx' }, status: 202 });
    await expect(mock).toHaveReceived('listTemplates', {
      query: { limit: '3' },
      headers: { authorization: expect.stringMatching(/^Bearer /) },
    });
    await expect(mock).not.toHaveReceived('deleteTemplate');
    await expect(mock).not.toHaveReceived('createBatch', { body: { output_type: 'docx' }, status: 400 });
  });

  it('fails with a message listing what was received', async () => {
    await mock.reset();
    const docgen = createDocGenClient({ token: 't', baseUrl: mock.url, maxRetries: 0 });
    await docgen.batches.create(body);
    const error = await expect(mock)
      .toHaveReceived('createBatch', { body: { output_type: 'docx' } })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toMatch(
      /^expected a createBatch request with Object \{.*"output_type": "docx".*\}, but none of the 1 createBatch request\(s\) fits:\n {2}#\d+ POST \/docgen_batches → 202 body \{"/s,
    );
    const none = await expect(mock)
      .toHaveReceived('getJob')
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(none?.message).toMatch(
      /^expected a getJob request, but received no getJob request; received:\n {2}#\d+ createBatch POST \/docgen_batches$/,
    );
  });
});
