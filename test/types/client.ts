// biome-ignore-all format: each @ts-expect-error must stay on the line just above the call it tests.
// Compile-time tests, checked by `npm run typecheck` (tsc). Each @ts-expect-error must
// match a real type error, or tsc fails: a wrong field name in a body does not compile.
import {
  createDocGenClient, type CallOptions, type DocGenBatchBase, type DocGenBatchCreateRequest, type DocGenJob, type DocGenJobFull,
  type DocGenTag, type DocGenTemplate, type DocGenTemplateBase, type ListTemplateTagsQuery, type Page, type PagePromise,
  type BatchRequest, type UserInput,
} from '@box-docgen/client';
import * as lite from '@box-docgen/client/lite';

const docgen = createDocGenClient({ token: async ({ forceRefresh }) => (forceRefresh ? 'new' : 'old') });

const body: DocGenBatchCreateRequest = {
  file: { id: '1', type: 'file' },
  input_source: 'api',
  destination_folder: { id: '2', type: 'folder' },
  output_type: 'pdf',
  document_generation_data: [{ generated_file_name: 'PO-1', user_input: { order: { id: 1 } } }],
};

export async function checks() {
  const batch = await docgen.batches.create(body);
  const id: string = batch.id;
  const kind: 'docgen_batch' = batch.type;

  // A type for user_input (box-docgen types writes one from a template's tags): rows must fit it.
  interface PurchaseOrder { order: { id: string; products: { name: string }[] } }
  const typed = { ...body, document_generation_data: [{ generated_file_name: 'PO-1', user_input: { order: { id: 'PO-1', products: [{ name: 'bolt' }] } } }] };
  const created: DocGenBatchBase = await docgen.batches.create<PurchaseOrder>(typed);
  void created;
  // @ts-expect-error order.id is a string in PurchaseOrder
  await docgen.batches.create<PurchaseOrder>({ ...body, document_generation_data: [{ generated_file_name: 'x', user_input: { order: { id: 1, products: [] } } }] });
  // @ts-expect-error products is required
  await lite.createDocGenClient({ token: 't' }).batches.create<PurchaseOrder>({ ...body, document_generation_data: [{ generated_file_name: 'x', user_input: { order: { id: 'a' } } }] });

  // A misspelt body field is a compile error.
  // @ts-expect-error destinationFolder is not a wire name
  await docgen.batches.create({ ...body, destinationFolder: { id: '2', type: 'folder' } });
  // @ts-expect-error a required field is missing
  await docgen.batches.create({ file: body.file, input_source: 'api', output_type: 'pdf', document_generation_data: [] });
  // @ts-expect-error the folder reference must say type 'folder'
  await docgen.batches.create({ ...body, destination_folder: { id: '2', type: 'file' } });
  // @ts-expect-error templates.create takes { file }
  await docgen.templates.create({ file_id: '1' });
  // @ts-expect-error limit is a number
  docgen.jobs.list({ limit: '10' });
  // @ts-expect-error there is no such query parameter
  docgen.jobs.list({ usemarker: true });

  const job: DocGenJob = await docgen.jobs.get('1');
  // Nullable exactly where the wire sends null.
  const output: { id: string; type: 'file' } | null | undefined = job.output_file;
  const failures: { errors: string[]; warnings: string[] } | null | undefined = job.failures;
  const status: 'submitted' | 'completed' | 'failed' | 'completed_with_error' | 'pending' = job.status;
  // @ts-expect-error status is not nullable
  const nullStatus: null = job.status;
  // @ts-expect-error the batch reference is not nullable
  job.batch = null;

  const page: Page<DocGenJobFull> = await docgen.jobs.list();
  const next: string | null | undefined = page.next_marker;
  const more: boolean = page.hasNextPage();
  for await (const full of docgen.jobs.list()) {
    const by: string = full.created_by.id;
    void by;
  }
  const tags: Page<DocGenTag> = await docgen.templates.listTags('1');
  const templates: Page<DocGenTemplate> = await docgen.templates.list();
  const waited: DocGenJob[] = await docgen.batches.wait('1', { onProgress: (p) => void p.completedWithError });
  // @ts-expect-error wait options do not take maxRetries
  await docgen.jobs.wait('1', { maxRetries: 1 });

  // raw is the typed openapi-fetch client.
  const { data } = await docgen.raw.GET('/docgen_jobs/{job_id}', { params: { path: { job_id: '1' } } });
  // @ts-expect-error no such path
  await docgen.raw.GET('/docgen_job/{job_id}', {});

  return { id, kind, output, failures, status, nullStatus, next, more, tags, templates, waited, data };
}

// The lite entry: the same resources, the same types, and no raw.

export async function liteChecks() {
  const small: lite.DocGenLiteClient = lite.createDocGenClient({ token: 't' });
  const full: lite.DocGenLiteClient = docgen; // the full client is a lite one with raw added
  const job: DocGenJob = await small.jobs.get('1');
  const jobs: DocGenJobFull[] = [];
  for await (const j of small.jobs.list({ limit: 10 })) jobs.push(j);
  // @ts-expect-error the lite client has no raw
  void small.raw;
  // @ts-expect-error the same wire names as the main entry
  await small.batches.create({ ...body, destinationFolder: { id: '2', type: 'folder' } });
  const sameError: typeof lite.DocGenApiError = (await import('@box-docgen/client')).DocGenApiError;
  return { full, job, jobs, sameError };
}

// Exact types, not just assignable ones: an `any` or a wider type coming out of the table would
// pass the assignments above, but not these.
type Equal<X, Y> = (<V>() => V extends X ? 1 : 2) extends (<V>() => V extends Y ? 1 : 2) ? true : false;
type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Args<F extends (...args: never[]) => unknown> = Parameters<F>;

/** Each assignable to the other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const exact: true[] = [
  true satisfies Equal<Result<typeof docgen.jobs.get>, DocGenJob>,
  true satisfies Equal<Result<typeof docgen.jobs.wait>, DocGenJob>,
  true satisfies Equal<Result<typeof docgen.batches.wait>, DocGenJob[]>,
  true satisfies Equal<Result<typeof docgen.batches.create>, DocGenBatchBase>,
  true satisfies Equal<Result<typeof docgen.templates.create>, DocGenTemplateBase>,
  true satisfies Equal<Result<typeof docgen.templates.get>, DocGenTemplate>,
  true satisfies Equal<Result<typeof docgen.templates.delete>, void>,
  true satisfies Equal<ReturnType<typeof docgen.jobs.list>, PagePromise<DocGenJobFull>>,
  true satisfies Equal<ReturnType<typeof docgen.templates.listTags>, PagePromise<DocGenTag>>,
  true satisfies Equal<ReturnType<typeof docgen.templates.listJobs>, PagePromise<DocGenJob>>,
  true satisfies Equal<ReturnType<typeof docgen.batches.listJobs>, PagePromise<DocGenJob>>,
  true satisfies Equal<Args<typeof docgen.templates.listTags>, [templateId: string, query?: ListTemplateTagsQuery, o?: CallOptions]>,
  // create is generic in each row's user_input; without a type argument its body is the spec's request.
  true satisfies Equal<Args<typeof docgen.batches.create<UserInput>>, [body: BatchRequest, o?: CallOptions]>,
  true satisfies Mutual<BatchRequest, DocGenBatchCreateRequest>,
  true satisfies Equal<Args<typeof docgen.jobs.get>, [jobId: string, o?: CallOptions]>,
];

export async function requestValues() {
  // @ts-expect-error output_type is docx or pdf in a request
  await docgen.batches.create({ ...body, output_type: 'xlsx' });
  // @ts-expect-error input_source is always api in a request
  await docgen.batches.create({ ...body, input_source: 'apii' });
  await docgen.batches.create({ ...body, output_type: 'docx' });
  // Answers stay open strings, so a format Box adds later still parses.
  const format: string | undefined = (await docgen.jobs.get('1')).output_type;
  // @ts-expect-error a method takes no more arguments than its operation has
  await docgen.jobs.get('1', {}, {});
  return format;
}
