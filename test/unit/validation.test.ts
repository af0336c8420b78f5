// Bad input is refused before any request, with an error naming the field;
// ids are percent-encoded so they never change the path.
import { createDocGenClient, DocGenValidationError } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';

function recording() {
  const urls: string[] = [];
  const docgen = createDocGenClient({
    token: 'secret',
    baseUrl: 'https://api.example.test/2.0',
    fetch: async (input) => {
      urls.push((input as Request).url);
      return Response.json({
        entries: [],
        limit: 100,
        next_marker: null,
        prev_marker: null,
        id: 'x',
        type: 'docgen_job',
      });
    },
  });
  return { docgen, urls };
}

async function refusal(run: () => unknown): Promise<DocGenValidationError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DocGenValidationError);
    return error as DocGenValidationError;
  }
  throw new Error('expected a DocGenValidationError');
}

describe('path ids', () => {
  it.each([
    ['a/b', 'a%2Fb'],
    ['../x', '..%2Fx'],
    ['a?b#c', 'a%3Fb%23c'],
    ['id with space', 'id%20with%20space'],
    ['12345', '12345'],
  ])('encodes %j as one segment', async (id, encoded) => {
    const { docgen, urls } = recording();
    await docgen.jobs.get(id);
    await docgen.templates.get(id);
    await docgen.batches.listJobs(id);
    expect(urls).toEqual([
      `https://api.example.test/2.0/docgen_jobs/${encoded}`,
      `https://api.example.test/2.0/docgen_templates/${encoded}`,
      `https://api.example.test/2.0/docgen_batch_jobs/${encoded}`,
    ]);
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['..', 'not a valid id'],
    ['.', 'not a valid id'],
    [undefined, 'must be a string'],
    [42, 'must be a string'],
    [null, 'must be a string'],
  ])('refuses %j before any request', async (id, problem) => {
    const { docgen, urls } = recording();
    for (const [field, run] of [
      ['job_id', () => docgen.jobs.get(id as string)],
      ['job_id', () => docgen.jobs.wait(id as string)],
      ['template_id', () => docgen.templates.get(id as string)],
      ['template_id', () => docgen.templates.delete(id as string)],
      ['template_id', () => docgen.templates.listTags(id as string)],
      ['template_id', () => docgen.templates.listJobs(id as string)],
      ['batch_id', () => docgen.batches.listJobs(id as string)],
      ['batch_id', () => docgen.batches.wait(id as string)],
    ] as const) {
      const error = await refusal(run);
      expect(error.field).toBe(field);
      expect(error.message).toContain(problem);
    }
    expect(urls).toEqual([]);
  });
});

describe('limit and marker', () => {
  it.each([0, 1001, -5, 1.5, Number.NaN, '10'])('refuses limit %j', async (limit) => {
    const { docgen, urls } = recording();
    for (const run of [
      () => docgen.jobs.list({ limit: limit as number }),
      () => docgen.templates.list({ limit: limit as number }),
      () => docgen.templates.listTags('1', { limit: limit as number }),
      () => docgen.templates.listJobs('1', { limit: limit as number }),
      () => docgen.batches.listJobs('1', { limit: limit as number }),
    ]) {
      expect((await refusal(run)).field).toBe('limit');
    }
    expect(urls).toEqual([]);
  });

  it('accepts 1 and 1000 and sends them', async () => {
    const { docgen, urls } = recording();
    await docgen.jobs.list({ limit: 1 });
    await docgen.jobs.list({ limit: 1000, marker: 'm 1' });
    expect(urls).toEqual([
      'https://api.example.test/2.0/docgen_jobs?limit=1',
      'https://api.example.test/2.0/docgen_jobs?limit=1000&marker=m%201',
    ]);
  });

  it('refuses an empty marker', async () => {
    const { docgen } = recording();
    expect((await refusal(() => docgen.jobs.list({ marker: '' }))).field).toBe('marker');
  });
});

describe('bodies', () => {
  const valid = {
    file: { id: '1', type: 'file' as const },
    input_source: 'api',
    destination_folder: { id: '2', type: 'folder' as const },
    output_type: 'pdf',
    document_generation_data: [{ generated_file_name: 'PO 1', user_input: { order: { id: '1' } } }],
  };

  it.each([
    ['file.id', { ...valid, file: { id: '', type: 'file' } }],
    ['file.type', { ...valid, file: { id: '1', type: 'folder' } }],
    ['destination_folder', { ...valid, destination_folder: undefined }],
    ['destination_folder.type', { ...valid, destination_folder: { id: '2', type: 'file' } }],
    ['output_type', { ...valid, output_type: '' }],
    ['input_source', { ...valid, input_source: undefined }],
    ['document_generation_data', { ...valid, document_generation_data: [] }],
    ['document_generation_data[0].generated_file_name', { ...valid, document_generation_data: [{ user_input: {} }] }],
    [
      'document_generation_data[1].user_input',
      {
        ...valid,
        document_generation_data: [valid.document_generation_data[0], { generated_file_name: 'x', user_input: [] }],
      },
    ],
  ])('batches.create refuses a bad %s', async (field, body) => {
    const { docgen, urls } = recording();
    expect((await refusal(() => docgen.batches.create(body as never))).field).toBe(field);
    expect(urls).toEqual([]);
  });

  it('templates.create refuses a missing file', async () => {
    const { docgen, urls } = recording();
    expect((await refusal(() => docgen.templates.create({} as never))).field).toBe('file');
    expect(urls).toEqual([]);
  });
});

describe('client options', () => {
  it.each([
    ['token', { token: '' }],
    ['token', { token: 42 }],
    ['baseUrl', { token: 't', baseUrl: 'not a url' }],
    ['maxRetries', { token: 't', maxRetries: -1 }],
    ['timeoutMs', { token: 't', timeoutMs: 0 }],
  ])('refuses a bad %s', (field, options) => {
    expect(() => createDocGenClient(options as never)).toThrow(DocGenValidationError);
    try {
      createDocGenClient(options as never);
    } catch (error) {
      expect((error as DocGenValidationError).field).toBe(field);
    }
  });
});

describe('a method that returns a promise never throws', () => {
  // Each call is made outside any await, as `docgen.jobs.get(id).catch(handle)` would make it:
  // a synchronous throw would escape `.catch()`.
  it.each([
    ['jobs.get("")', 'job_id', (d: Client) => d.jobs.get('')],
    ['jobs.list({ limit: 5000 })', 'limit', (d: Client) => d.jobs.list({ limit: 5000 })],
    ['templates.listTags("..")', 'template_id', (d: Client) => d.templates.listTags('..')],
    ['templates.create({})', 'file', (d: Client) => d.templates.create({} as never)],
    ['batches.create(null)', 'body', (d: Client) => d.batches.create(null as never)],
    ['batches.wait("")', 'batch_id', (d: Client) => d.batches.wait('')],
    ['jobs.wait(" ")', 'job_id', (d: Client) => d.jobs.wait(' ')],
    ['jobs.get("1", { timeoutMs: -1 })', 'timeoutMs', (d: Client) => d.jobs.get('1', { timeoutMs: -1 })],
    [
      'templates.list(undefined, { maxRetries: 1.5 })',
      'maxRetries',
      (d: Client) => d.templates.list(undefined, { maxRetries: 1.5 }),
    ],
  ])('%s rejects its promise, and .catch() sees the error', async (_, field, call) => {
    const { docgen, urls } = recording();
    let returned: (PromiseLike<unknown> & { catch(f: (e: unknown) => unknown): Promise<unknown> }) | undefined;
    expect(() => {
      returned = call(docgen);
    }).not.toThrow();
    const caught = await returned!.catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(DocGenValidationError);
    expect((caught as DocGenValidationError).field).toBe(field);
    expect(urls).toEqual([]);
  });
});

type Client = ReturnType<typeof createDocGenClient>;
