// createDocGenClient: the typed resources over one openapi-fetch client.
import type {
  DocGenBatchBase, DocGenBatchCreateRequest, DocGenJob, DocGenJobFull, DocGenTag, DocGenTags, DocGenTemplate,
  DocGenTemplateBase, DocGenTemplateCreateRequest, operations, paths,
} from '@box-docgen/types';
// openapi-fetch percent-encodes path parameters (encodeURIComponent), so 'a/b' stays one segment.
import createClient from 'openapi-fetch';
import { DocGenApiError, DocGenError, DocGenTimeoutError } from './errors.js';
import { pagePromise, type PagePromise, type RawPage } from './pages.js';
import { retryDelayMs, sleep, type RetryTuning } from './retry.js';
import { TRANSPORT_DEFAULTS, createTransport, type CallOptions, type Logger, type TokenSource } from './transport.js';
import { batchBody, fail, pageQuery, pathId, templateBody, type PageQuery } from './validate.js';
import { waitUntilFinished, type WaitOptions } from './wait.js';

export const DEFAULT_BASE_URL = 'https://api.box.com/2.0';

export interface DocGenClientOptions {
  /** A token, or a function called per request; on a 401 it is called once with `forceRefresh: true`. */
  token: TokenSource;
  baseUrl?: string;
  /** Default globalThis.fetch, looked up per request. */
  fetch?: (input: Request) => Promise<Response>;
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Per attempt, including reading the body (default 60 s). */
  timeoutMs?: number;
  logger?: Logger;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Backoff tuning: baseDelayMs (500), maxDelayMs (8 s), maxRetryAfterMs (60 s). */
  retry?: RetryTuning;
}

// The client sends box-version itself, so callers (and `raw` users) never have to.
type VersionOptional<Op> = Op extends { parameters: { header: infer H } }
  ? Omit<Op, 'parameters'> & { parameters: Omit<Op['parameters'], 'header'> & { header?: Partial<H> } }
  : Op;
export type ClientPaths = { [P in keyof paths]: { [M in keyof paths[P]]: VersionOptional<paths[P][M]> } };

type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
export type ListTemplatesQuery = Query<'listTemplates'>;
export type ListTemplateTagsQuery = Query<'listTemplateTags'>;
export type ListTemplateJobsQuery = Query<'listTemplateJobs'>;
export type ListJobsQuery = Query<'listJobs'>;
export type ListBatchJobsQuery = Query<'listBatchJobs'>;

type Params = { path?: Record<string, string>; query?: object };

function option(field: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) fail(field, `must be an integer >= ${min}`);
}

function checkOptions(o: DocGenClientOptions | undefined) {
  if (!o || typeof o !== 'object') fail('options', 'must be an object with a token');
  if (typeof o.token === 'string' ? !o.token.trim() : typeof o.token !== 'function') fail('token', 'must be a non-empty string or a function');
  if (o.baseUrl !== undefined && !URL.canParse(o.baseUrl)) fail('baseUrl', 'must be an absolute URL');
  if (o.fetch !== undefined && typeof o.fetch !== 'function') fail('fetch', 'must be a function');
  checkCall(o);
}

function checkCall<O extends CallOptions>(o: O | undefined): O | CallOptions {
  option('maxRetries', o?.maxRetries, 0);
  option('timeoutMs', o?.timeoutMs, 1);
  return o ?? {};
}

export function createDocGenClient(options: DocGenClientOptions) {
  checkOptions(options);
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? TRANSPORT_DEFAULTS.timeoutMs;
  const transport = createTransport({
    token: options.token,
    // Bound late so a fetch replaced after creation (test tools do this) is used.
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
    maxRetries: options.maxRetries ?? TRANSPORT_DEFAULTS.maxRetries,
    timeoutMs,
    logger: options.logger,
    retry: options.retry,
  });
  const raw = createClient<ClientPaths>({ baseUrl, fetch: transport(), headers: options.headers });

  /** One exchange through `raw`; a non-2xx answer throws DocGenApiError. */
  async function send<D>(method: 'GET' | 'POST' | 'DELETE', path: string, params: Params, o: CallOptions = {}, body?: unknown) {
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = await raw.request(method as never, path as never, { params, body, fetch: transport(o), headers: o.headers } as never);
    } catch (error) {
      // openapi-fetch parses a 2xx body as JSON; a cut-off body must still be a DocGenError.
      if (error instanceof SyntaxError) throw new DocGenError(`${method} ${path}: the answer is not valid JSON`, { cause: error });
      throw error;
    }
    if (!result.response.ok) throw new DocGenApiError(result.response, result.error, { method, url: result.response.url });
    return { data: result.data as D, response: result.response };
  }
  const get = async <D>(path: string, params: Params, o?: CallOptions) => (await send<D>('GET', path, params, checkCall(o))).data;

  /** A lazily paged list; `fetchPage` defaults to one GET per page. */
  function list<T>(path: string, ids: Record<string, string> | undefined, query: PageQuery | undefined, o?: CallOptions,
    fetchPage = (marker: string | undefined) => get<RawPage<T>>(path, { path: ids, query: { ...query, marker } }, o)): PagePromise<T> {
    pageQuery(query);
    checkCall(o);
    return pagePromise(fetchPage, query?.marker);
  }

  const templates = {
    async create(body: DocGenTemplateCreateRequest, o?: CallOptions): Promise<DocGenTemplateBase> {
      templateBody(body);
      return (await send<DocGenTemplateBase>('POST', '/docgen_templates', {}, checkCall(o), body)).data;
    },
    list: (query?: ListTemplatesQuery, o?: CallOptions) => list<DocGenTemplate>('/docgen_templates', undefined, query, o),
    get: (templateId: string, o?: CallOptions) =>
      get<DocGenTemplate>('/docgen_templates/{template_id}', { path: { template_id: pathId('template_id', templateId) } }, o),
    async delete(templateId: string, o?: CallOptions): Promise<void> {
      const template_id = pathId('template_id', templateId);
      await send('DELETE', '/docgen_templates/{template_id}', { path: { template_id } }, checkCall(o));
    },
    /** Tags of a template. While Box is still extracting them (202) this waits and asks again, within `timeoutMs`. */
    listTags(templateId: string, query?: ListTemplateTagsQuery, o?: CallOptions): PagePromise<DocGenTag> {
      const ids = { template_id: pathId('template_id', templateId) };
      const budgetMs = o?.timeoutMs ?? timeoutMs;
      return list<DocGenTag>('', ids, query, o, async (marker) => {
        const started = Date.now();
        for (let round = 0; ; round++) {
          const { data, response } = await send<DocGenTags>('GET', '/docgen_templates/{template_id}/tags', { path: ids, query: { ...query, marker } }, o);
          if (response.status !== 202) return data;
          const delayMs = retryDelayMs(round, response.headers, options.retry);
          const waited = Date.now() - started;
          if (waited + delayMs > budgetMs) {
            throw new DocGenTimeoutError(`the tags of template ${ids.template_id} were still being extracted after ${waited} ms (202)`, { method: 'GET', url: response.url }, false);
          }
          await sleep(delayMs, o?.signal);
        }
      });
    },
    listJobs: (templateId: string, query?: ListTemplateJobsQuery, o?: CallOptions) =>
      list<DocGenJob>('/docgen_template_jobs/{template_id}', { template_id: pathId('template_id', templateId) }, query, o),
  };

  const batches = {
    /** Starts one job per entry of `document_generation_data`. Never retried after a 5xx or a lost connection. */
    async create(body: DocGenBatchCreateRequest, o?: CallOptions): Promise<DocGenBatchBase> {
      batchBody(body);
      return (await send<DocGenBatchBase>('POST', '/docgen_batches', {}, checkCall(o), body)).data;
    },
    listJobs: (batchId: string, query?: ListBatchJobsQuery, o?: CallOptions) =>
      list<DocGenJob>('/docgen_batch_jobs/{batch_id}', { batch_id: pathId('batch_id', batchId) }, query, o),
    /** Polls the batch's job list (one call per page per round) until every job has finished. */
    async wait(batchId: string, w?: WaitOptions): Promise<DocGenJob[]> {
      const id = pathId('batch_id', batchId);
      return waitUntilFinished(`batch ${id}`, async (signal) => {
        const jobs: DocGenJob[] = [];
        for await (const job of batches.listJobs(id, { limit: 1000 }, { signal })) jobs.push(job);
        return jobs;
      }, w);
    },
  };

  const jobs = {
    get: (jobId: string, o?: CallOptions) => get<DocGenJob>('/docgen_jobs/{job_id}', { path: { job_id: pathId('job_id', jobId) } }, o),
    list: (query?: ListJobsQuery, o?: CallOptions) => list<DocGenJobFull>('/docgen_jobs', undefined, query, o),
    /** Polls the job until it has finished. */
    async wait(jobId: string, w?: WaitOptions): Promise<DocGenJob> {
      const id = pathId('job_id', jobId);
      const [job] = await waitUntilFinished(`job ${id}`, async (signal) => [await jobs.get(id, { signal })], w);
      return job!;
    },
  };

  return { templates, batches, jobs, raw };
}

export type DocGenClient = ReturnType<typeof createDocGenClient>;
export type { RawPage };
