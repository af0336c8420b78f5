// The typed resources (templates, batches, jobs) over one transport: everything the client is
// but `raw`. client.ts adds `raw`; lite.ts is the entry without it, for smaller browser bundles.
import type {
  DocGenBatchBase, DocGenBatchCreateRequest, DocGenJob, DocGenJobFull, DocGenTag, DocGenTemplate,
  DocGenTemplateBase, DocGenTemplateCreateRequest, operations,
} from '@box-docgen/types';
import { createQuerySerializer, mergeHeaders } from 'openapi-fetch';
import { DocGenApiError, DocGenError, DocGenTimeoutError } from './errors.js';
import { pagePromise, type PagePromise, type RawPage } from './pages.js';
import { retryDelayMs, sleep, type RetryTuning } from './retry.js';
import { TIMEOUT_MS, createTransport, type CallOptions, type Logger, type TokenSource } from './transport.js';
import { batchBody, callOptions, clientOptions, pageQuery, pathId, templateBody, type PageQuery } from './validate.js';
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

type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
export type ListTemplatesQuery = Query<'listTemplates'>;
export type ListTemplateTagsQuery = Query<'listTemplateTags'>;
export type ListTemplateJobsQuery = Query<'listTemplateJobs'>;
export type ListJobsQuery = Query<'listJobs'>;
export type ListBatchJobsQuery = Query<'listBatchJobs'>;

/** The three resources; what the lite entry's createDocGenClient returns. */
export interface DocGenLiteClient {
  templates: {
    /** Marks a file as a Doc Gen template. */
    create(body: DocGenTemplateCreateRequest, o?: CallOptions): Promise<DocGenTemplateBase>;
    list(query?: ListTemplatesQuery, o?: CallOptions): PagePromise<DocGenTemplate>;
    get(templateId: string, o?: CallOptions): Promise<DocGenTemplate>;
    /** Unmarks the template; the file stays. */
    delete(templateId: string, o?: CallOptions): Promise<void>;
    /** Tags of a template. While Box is still extracting them (202) this waits and asks again, within `timeoutMs`. */
    listTags(templateId: string, query?: ListTemplateTagsQuery, o?: CallOptions): PagePromise<DocGenTag>;
    listJobs(templateId: string, query?: ListTemplateJobsQuery, o?: CallOptions): PagePromise<DocGenJob>;
  };
  batches: {
    /** Starts one job per entry of `document_generation_data`. Never retried after a 5xx or a lost connection. */
    create(body: DocGenBatchCreateRequest, o?: CallOptions): Promise<DocGenBatchBase>;
    listJobs(batchId: string, query?: ListBatchJobsQuery, o?: CallOptions): PagePromise<DocGenJob>;
    /** Polls the batch's job list (one call per page per round) until every job has finished. */
    wait(batchId: string, w?: WaitOptions): Promise<DocGenJob[]>;
  };
  jobs: {
    get(jobId: string, o?: CallOptions): Promise<DocGenJob>;
    list(query?: ListJobsQuery, o?: CallOptions): PagePromise<DocGenJobFull>;
    /** Polls the job until it has finished. */
    wait(jobId: string, w?: WaitOptions): Promise<DocGenJob>;
  };
}

/** The resources, and the transport and base URL they use (client.ts builds `raw` on them). */
export function createResources(options: DocGenClientOptions) {
  clientOptions(options);
  // A copy: options changed after creation do not reach the client.
  const config = { ...options };
  const transport = createTransport(config);
  const base = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const serializeQuery = createQuerySerializer();

  /**
   * One exchange, resolving to the parsed body; a non-2xx answer throws DocGenApiError.
   * With `extracting`, a 202 (Box still extracting a template's tags) is waited out and
   * asked again, within the call's `timeoutMs`.
   */
  async function send<D>(method: 'GET' | 'POST' | 'DELETE', path: string, call?: CallOptions, body?: unknown, query?: object, extracting?: boolean): Promise<D> {
    const o = callOptions(call);
    // Encoded as `raw` would: unset values left out.
    const search = serializeQuery(query);
    const url = base + path + (search && `?${search}`);
    // Undefined when there is no body.
    const json: string | undefined = JSON.stringify(body);
    // Merged whatever their case, later ones winning: the call's over the client's.
    const out = { method, url, headers: mergeHeaders(json ? { 'content-type': 'application/json' } : undefined, config.headers, o.headers) };
    for (let round = 0, started = Date.now(); ; round++) {
      const { response, data: answer } = await transport(out, json, o, 'text');
      let data: unknown = answer;
      try {
        data = answer ? JSON.parse(answer) : undefined;
      } catch (error) {
        // A cut-off 2xx body is a DocGenError; an error body that is not JSON is kept as text.
        if (response.ok) throw new DocGenError(`${method} ${url}: the answer is not JSON`, { cause: error });
      }
      if (!response.ok) throw new DocGenApiError(response, data, { method, url });
      if (!extracting || response.status !== 202) return data as D;
      const delayMs = retryDelayMs(round, response.headers, config.retry);
      const waited = Date.now() - started;
      if (waited + delayMs > (o.timeoutMs ?? config.timeoutMs ?? TIMEOUT_MS)) {
        throw new DocGenTimeoutError(`${method} ${url}: tags still being extracted after ${waited} ms`, { method, url }, false);
      }
      await sleep(delayMs, o.signal);
    }
  }

  /** A lazily paged list, one GET per page. */
  function list<T>(path: string, query: PageQuery | undefined, o?: CallOptions, extracting?: boolean): PagePromise<T> {
    pageQuery(query);
    callOptions(o);
    return pagePromise((marker) => send<RawPage<T>>('GET', path, o, undefined, { ...query, marker }, extracting), query?.marker);
  }

  /** A path segment from a validated id; encoded, so 'a/b' stays one segment. */
  const seg = (field: string, id: string) => encodeURIComponent(pathId(field, id));

  const templates = {
    async create(body: DocGenTemplateCreateRequest, o?: CallOptions): Promise<DocGenTemplateBase> {
      templateBody(body);
      return send('POST', '/docgen_templates', o, body);
    },
    list: (query?: ListTemplatesQuery, o?: CallOptions) => list<DocGenTemplate>('/docgen_templates', query, o),
    get: (templateId: string, o?: CallOptions) =>
      send<DocGenTemplate>('GET', `/docgen_templates/${seg('template_id', templateId)}`, o),
    async delete(templateId: string, o?: CallOptions): Promise<void> {
      await send('DELETE', `/docgen_templates/${seg('template_id', templateId)}`, o);
    },
    /** Tags of a template. While Box is still extracting them (202) this waits and asks again, within `timeoutMs`. */
    listTags: (templateId: string, query?: ListTemplateTagsQuery, o?: CallOptions) =>
      list<DocGenTag>(`/docgen_templates/${seg('template_id', templateId)}/tags`, query, o, true),
    listJobs: (templateId: string, query?: ListTemplateJobsQuery, o?: CallOptions) =>
      list<DocGenJob>(`/docgen_template_jobs/${seg('template_id', templateId)}`, query, o),
  };

  const batches = {
    /** Starts one job per entry of `document_generation_data`. Never retried after a 5xx or a lost connection. */
    async create(body: DocGenBatchCreateRequest, o?: CallOptions): Promise<DocGenBatchBase> {
      batchBody(body);
      return send('POST', '/docgen_batches', o, body);
    },
    listJobs: (batchId: string, query?: ListBatchJobsQuery, o?: CallOptions) =>
      list<DocGenJob>(`/docgen_batch_jobs/${seg('batch_id', batchId)}`, query, o),
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
    get: (jobId: string, o?: CallOptions) => send<DocGenJob>('GET', `/docgen_jobs/${seg('job_id', jobId)}`, o),
    list: (query?: ListJobsQuery, o?: CallOptions) => list<DocGenJobFull>('/docgen_jobs', query, o),
    /** Polls the job until it has finished. */
    async wait(jobId: string, w?: WaitOptions): Promise<DocGenJob> {
      const id = pathId('job_id', jobId);
      const [job] = await waitUntilFinished(`job ${id}`, async (signal) => [await jobs.get(id, { signal })], w);
      return job!;
    },
  };

  const client: DocGenLiteClient = { templates, batches, jobs };
  return { client, transport, base, config };
}

