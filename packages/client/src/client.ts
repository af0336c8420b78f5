// createDocGenClient: the typed resources over one openapi-fetch client.
import type {
  DocGenBatchBase, DocGenBatchCreateRequest, DocGenJob, DocGenJobFull, DocGenTag, DocGenTags, DocGenTemplate,
  DocGenTemplateBase, DocGenTemplateCreateRequest, operations, paths,
} from '@box-docgen/types';
import createClient, { type PathSerializer } from 'openapi-fetch';
import { DocGenApiError, DocGenTimeoutError, DocGenValidationError } from './errors.js';
import { pagePromise, type PagePromise, type RawPage } from './pages.js';
import { retryDelayMs, sleep, type RetryTuning } from './retry.js';
import { TRANSPORT_DEFAULTS, createTransport, type CallOptions, type Logger, type TokenSource } from './transport.js';
import { batchBody, encodeSegment, pageQuery, pathId, templateBody } from './validate.js';
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

// Ids are checked by the resources; this only keeps every value inside its segment.
const pathSerializer: PathSerializer = (path, params) =>
  path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeSegment((params as Record<string, unknown>)[name]));

function option(field: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new DocGenValidationError(field, `must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}

function checkOptions(o: DocGenClientOptions | undefined) {
  if (!o || typeof o !== 'object') throw new DocGenValidationError('options', 'createDocGenClient needs an options object with a token');
  if (typeof o.token === 'string' ? !o.token.trim() : typeof o.token !== 'function') {
    throw new DocGenValidationError('token', 'must be a non-empty string or a function returning one');
  }
  if (o.baseUrl !== undefined && !URL.canParse(o.baseUrl)) throw new DocGenValidationError('baseUrl', `"${o.baseUrl}" is not an absolute URL`);
  if (o.fetch !== undefined && typeof o.fetch !== 'function') throw new DocGenValidationError('fetch', 'must be a function');
  option('maxRetries', o.maxRetries, 0);
  option('timeoutMs', o.timeoutMs, 1);
}

function checkCall(o: CallOptions | undefined): CallOptions {
  if (o === undefined) return {};
  option('maxRetries', o.maxRetries, 0);
  option('timeoutMs', o.timeoutMs, 1);
  return o;
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
  const raw = createClient<ClientPaths>({ baseUrl, fetch: transport(), headers: options.headers, pathSerializer });

  const init = (o: CallOptions) => ({ fetch: transport(o), headers: o.headers });

  /** The data of a 2xx answer; anything else throws DocGenApiError. */
  function ok<D>(method: string, result: { data?: D; error?: unknown; response: Response }): D {
    if (!result.response.ok) throw new DocGenApiError(result.response, result.error, { method, url: result.response.url });
    return result.data as D;
  }

  const templates = {
    async create(body: DocGenTemplateCreateRequest, o?: CallOptions): Promise<DocGenTemplateBase> {
      templateBody(body);
      return ok('POST', await raw.POST('/docgen_templates', { body, ...init(checkCall(o)) }));
    },
    list(query?: ListTemplatesQuery, o?: CallOptions): PagePromise<DocGenTemplate> {
      pageQuery(query);
      const c = init(checkCall(o));
      return pagePromise(
        async (marker) => ok('GET', await raw.GET('/docgen_templates', { params: { query: { ...query, marker } }, ...c })),
        query?.marker,
      );
    },
    async get(templateId: string, o?: CallOptions): Promise<DocGenTemplate> {
      const template_id = pathId('template_id', templateId);
      return ok('GET', await raw.GET('/docgen_templates/{template_id}', { params: { path: { template_id } }, ...init(checkCall(o)) }));
    },
    async delete(templateId: string, o?: CallOptions): Promise<void> {
      const template_id = pathId('template_id', templateId);
      ok('DELETE', await raw.DELETE('/docgen_templates/{template_id}', { params: { path: { template_id } }, ...init(checkCall(o)) }));
    },
    /** Tags of a template. While Box is still extracting them (202) this waits and asks again, within `timeoutMs`. */
    listTags(templateId: string, query?: ListTemplateTagsQuery, o?: CallOptions): PagePromise<DocGenTag> {
      const template_id = pathId('template_id', templateId);
      pageQuery(query);
      const call = checkCall(o);
      const c = init(call);
      const budgetMs = call.timeoutMs ?? timeoutMs;
      return pagePromise(async (marker) => {
        const started = Date.now();
        for (let round = 0; ; round++) {
          const result = await raw.GET('/docgen_templates/{template_id}/tags', {
            params: { path: { template_id }, query: { ...query, marker } },
            ...c,
          });
          if (result.response.status !== 202) return ok('GET', result) as DocGenTags;
          const delayMs = retryDelayMs(round, result.response.headers, options.retry);
          if (Date.now() - started + delayMs > budgetMs) {
            throw new DocGenTimeoutError(
              `the tags of template ${template_id} were still being extracted after ${Date.now() - started} ms (202); try again later`,
              { method: 'GET', url: result.response.url },
              false,
            );
          }
          options.logger?.debug(`tags of template ${template_id} not ready (202), asking again in ${delayMs} ms`, { delayMs });
          await sleep(delayMs, call.signal);
        }
      }, query?.marker);
    },
    listJobs(templateId: string, query?: ListTemplateJobsQuery, o?: CallOptions): PagePromise<DocGenJob> {
      const template_id = pathId('template_id', templateId);
      pageQuery(query);
      const c = init(checkCall(o));
      return pagePromise(
        async (marker) =>
          ok('GET', await raw.GET('/docgen_template_jobs/{template_id}', { params: { path: { template_id }, query: { ...query, marker } }, ...c })),
        query?.marker,
      );
    },
  };

  const batches = {
    /** Starts one job per entry of `document_generation_data`. Never retried after a 5xx or a lost connection. */
    async create(body: DocGenBatchCreateRequest, o?: CallOptions): Promise<DocGenBatchBase> {
      batchBody(body);
      return ok('POST', await raw.POST('/docgen_batches', { body, ...init(checkCall(o)) }));
    },
    listJobs(batchId: string, query?: ListBatchJobsQuery, o?: CallOptions): PagePromise<DocGenJob> {
      const batch_id = pathId('batch_id', batchId);
      pageQuery(query);
      const c = init(checkCall(o));
      return pagePromise(
        async (marker) =>
          ok('GET', await raw.GET('/docgen_batch_jobs/{batch_id}', { params: { path: { batch_id }, query: { ...query, marker } }, ...c })),
        query?.marker,
      );
    },
    /** Polls the batch's job list (one call per page per round) until every job has finished. */
    async wait(batchId: string, w?: WaitOptions): Promise<DocGenJob[]> {
      const batch_id = pathId('batch_id', batchId);
      return waitUntilFinished(
        `batch ${batch_id}`,
        async (signal) => {
          const jobs: DocGenJob[] = [];
          for await (const job of batches.listJobs(batch_id, { limit: 1000 }, { signal })) jobs.push(job);
          return jobs;
        },
        w,
      );
    },
  };

  const jobs = {
    async get(jobId: string, o?: CallOptions): Promise<DocGenJob> {
      const job_id = pathId('job_id', jobId);
      return ok('GET', await raw.GET('/docgen_jobs/{job_id}', { params: { path: { job_id } }, ...init(checkCall(o)) }));
    },
    list(query?: ListJobsQuery, o?: CallOptions): PagePromise<DocGenJobFull> {
      pageQuery(query);
      const c = init(checkCall(o));
      return pagePromise(async (marker) => ok('GET', await raw.GET('/docgen_jobs', { params: { query: { ...query, marker } }, ...c })), query?.marker);
    },
    /** Polls the job until it has finished. */
    async wait(jobId: string, w?: WaitOptions): Promise<DocGenJob> {
      const job_id = pathId('job_id', jobId);
      const [job] = await waitUntilFinished(`job ${job_id}`, async (signal) => [await jobs.get(job_id, { signal })], w);
      return job!;
    },
  };

  return { templates, batches, jobs, raw };
}

export type DocGenClient = ReturnType<typeof createDocGenClient>;
export type { RawPage };
