/**
 * A Box Doc Gen in memory: marked templates with their tags, batches and their jobs, moving
 * from `submitted` to `pending` to finished as they are read. One state serves one server and
 * session. It knows requests and answers as plain objects and uses no Node built-in, so the
 * Prism front (front.ts) and handlers of other kinds can share it; the operations, their request
 * rules and which ones page all come from the generated operation table.
 */
import { check } from '@box-docgen/types/check';
import { BOX_VERSION } from '@box-docgen/types/endpoints';
import type {
  DocGenBatchCreateRequest,
  DocGenJob,
  DocGenJobFull,
  DocGenTag,
  DocGenTemplate,
  DocGenTemplateCreateRequest,
} from '@box-docgen/types';

import { clientError } from './errors.js';
import { placeholderFile } from './placeholder-files.js';
import { helperRouteOf, routeOf, type Endpoint, type HelperOperationId, type OperationId } from './route.js';
import { checkClients, createSignIn, type MockClient } from './sign-in.js';

/** A request as the state sees it. Header names are lower-case. */
export interface StateRequest {
  method: string;
  path: string;
  query: Readonly<Record<string, string | string[]>>;
  headers: Readonly<Record<string, string | undefined>>;
  body: unknown;
}

/** An answer: sent as JSON (no body for 204), or as text when its content-type is text. */
export interface StateAnswer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** How a job ends: `completed` unless a predicate, a marker or `failEvery` says otherwise. */
export type JobOutcome = 'completed' | 'failed' | 'completed_with_error';

/** What `fail` is told about a row. */
export interface RowInfo {
  batchId: string;
  /** The row's place in its batch, from 0. */
  index: number;
  /** The row's place among every row the state was sent, from 1. */
  row: number;
  templateId: string;
  generatedFileName: string;
  userInput: Record<string, unknown>;
}

/** A field of `user_input` that chooses the job's outcome: `{ box_docgen_mock_outcome: 'failed' }`. */
export const OUTCOME_FIELD = 'box_docgen_mock_outcome';

/** How jobs progress; scenarios (jobs-progress, bulk-batches) may change these per request. */
export interface ProgressSettings {
  /** How many reads of a job answer it unfinished before it is finished; default 2. */
  polls: number;
  /** When set, a job finishes this many milliseconds after it was created instead. */
  ms?: number;
  /** Every Nth row (counted across batches) fails; 0: none. */
  failEvery: number;
}

export interface DocGenStateOptions extends Partial<ProgressSettings> {
  /**
   * The tokens accepted; default: any non-empty token (unless `clients` is set). With `clients`,
   * these are accepted next to the ones the token endpoint issued.
   */
  tokens?: readonly string[];
  /**
   * The apps that may sign in at `POST /oauth2/token` (and the approval page `GET /authorize`).
   * When set, the Doc Gen and download endpoints accept only tokens issued here (and `tokens`),
   * and answer an expired one with Box's 401. Default: none; the token endpoint answers the
   * spec's example and any non-empty token is accepted.
   */
  clients?: readonly MockClient[];
  /** Seconds an issued access token lasts (its expires_in); default 3600. On the `now` clock. */
  tokenTtlSeconds?: number;
  /** Downloads of generated files: the first `notReady` reads of each answer 202 with `retryAfter` (default 0 and 1). */
  downloads?: { notReady?: number; retryAfter?: number };
  /** Tokens that have expired: 401 with WWW-Authenticate, as Box answers them. */
  expiredTokens?: readonly string[];
  /** The first id handed out (batches, then counting up); default 7100001. Same start, same ids. */
  firstId?: number;
  /** The tags of a template that has none of its own; default the spec's example tags. */
  tags?: readonly DocGenTag[];
  /** Chooses a row's outcome (in-process only). */
  fail?: (row: RowInfo) => JobOutcome | undefined;
  /** The clock, for `ms` (default Date.now). */
  now?: () => number;
}

/** A template as preloaded and inspected. */
export interface MockTemplate {
  /** The id of the marked file. */
  id: string;
  name?: string | null;
  /** The version jobs report when a batch names none. */
  version?: string;
  tags?: readonly DocGenTag[];
  /** How many more reads of its tags answer 202 (still extracting); default 0. */
  extracting?: number;
}

/** What a state holds: `mock.state.get()` returns it, `mock.state.load()` adds to it. */
export interface MockState {
  templates: MockTemplate[];
  /** Jobs as `GET /docgen_jobs` lists them (reading them here does not count as a poll). */
  jobs: DocGenJobFull[];
  /** The batches: which folder and output type each was sent. */
  batches: { id: string; template: string; folder: string; outputType: string; jobs: string[] }[];
}

export interface MockStatePreload {
  templates?: MockTemplate[];
  /** Jobs served as given (they do not progress); their batch and template are taken from them. */
  jobs?: (DocGenJob & Partial<DocGenJobFull>)[];
}

export interface DocGenState {
  /**
   * The answer to a request of the spec, or undefined for one it does not know (or leaves to the
   * spec's examples). A promise only for a token request (a JWT's signature is checked with WebCrypto).
   */
  handle(request: StateRequest, settings?: Partial<ProgressSettings>): StateAnswer | Promise<StateAnswer> | undefined;
  /** The bytes behind a download URL the state handed out (its key), or undefined. */
  content(key: string): { bytes: Uint8Array; contentType: string; fileName: string } | undefined;
  get(): MockState;
  load(preload: MockStatePreload): void;
}

/** Where the server that hosts a state is reached, once it listens; read per request. */
export interface StateServing {
  /** The token endpoint's URL (a JWT assertion's `aud` must be it). */
  tokenUrl?: string;
  /** The download host's origin: downloads answer 302 to it; without it, the spec's example answers. */
  downloadUrl?: string;
}

interface Job {
  /** The job as it is once finished. */
  done: DocGenJobFull;
  reads: number;
  created: number;
  /** Preloaded jobs are served as given. */
  fixed: boolean;
  /** The row's generated_file_name (preloaded jobs have none). */
  fileName?: string;
}

interface Batch {
  id: string;
  template: string;
  folder: string;
  outputType: string;
  jobs: string[];
}

/** The page size when `limit` is left out (Box picks its own). */
const DEFAULT_LIMIT = 100;
const JSON_HEADERS = { 'content-type': 'application/json' };

const answer = (status: number, body?: unknown, headers: Record<string, string> = {}): StateAnswer =>
  body === undefined ? { status, headers } : { status, headers: { ...JSON_HEADERS, ...headers }, body };

const fail = (status: number, message: string, extra: { headers?: Record<string, string>; field?: string } = {}) =>
  answer(
    status,
    clientError(
      status,
      message,
      extra.field ? { contextInfo: { errors: [{ reason: 'invalid_parameter', name: extra.field, message }] } } : {},
    ),
    extra.headers,
  );

/** The query as the rules see it: integers where the rule asks for one. */
function queryValues(endpoint: Endpoint, query: StateRequest['query']): Record<string, unknown> {
  const rules = ('query' in endpoint ? endpoint.query.properties : {}) as Record<string, { type?: string }>;
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    values[key] =
      rules[key]?.type === 'integer' && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return values;
}

function unfinished(job: Job, settings: ProgressSettings, now: number): boolean {
  if (job.fixed) return false;
  if (settings.ms !== undefined) return now - job.created < settings.ms;
  return job.reads <= settings.polls;
}

export function createDocGenState(options: DocGenStateOptions = {}, serving: StateServing = {}): DocGenState {
  const defaults: ProgressSettings = {
    polls: options.polls ?? 2,
    failEvery: options.failEvery ?? 0,
    ...(options.ms !== undefined && { ms: options.ms }),
  };
  const now = options.now ?? Date.now;
  const templates = new Map<string, MockTemplate>();
  const batches = new Map<string, Batch>();
  const jobs = new Map<string, Job>();
  let nextId = options.firstId ?? 7100001;
  let rows = 0;
  const owner = { user: String(nextId + 900000), enterprise: String(nextId + 800000) };
  if (options.clients !== undefined) checkClients(options.clients);
  const ttl = options.tokenTtlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl < 1)
    throw new TypeError('state.tokenTtlSeconds must be a whole number of seconds, at least 1');
  const signIn =
    options.clients === undefined
      ? undefined
      : createSignIn({ clients: options.clients, tokenTtlSeconds: ttl, now, tokenUrl: () => serving.tokenUrl });
  const notReady = options.downloads?.notReady ?? 0;
  const retryAfter = options.downloads?.retryAfter ?? 1;
  for (const [name, value] of Object.entries({ notReady, retryAfter }))
    if (!Number.isInteger(value) || value < 0)
      throw new TypeError(`state.downloads.${name} must be a whole number, at least 0`);
  /** Reads of each file's content so far. */
  const fileReads = new Map<string, number>();
  /** Download URL key → file id. */
  const links = new Map<string, string>();

  /** The job as a reader sees it now; `count` makes the read a poll. */
  const view = (job: Job, settings: ProgressSettings, count: boolean): DocGenJobFull => {
    if (count) job.reads++;
    if (!unfinished(job, settings, now())) return structuredClone(job.done);
    const halfway = settings.ms !== undefined ? now() - job.created >= settings.ms / 2 : job.reads > settings.polls / 2;
    return {
      ...structuredClone(job.done),
      status: halfway ? 'pending' : 'submitted',
      output_file: null,
      output_file_version: null,
      failures: null,
    };
  };

  const page = <T>(
    endpoint: Endpoint,
    query: StateRequest['query'],
    items: readonly T[],
    toEntry: (item: T) => unknown,
  ) => {
    const limit = Number(query['limit'] ?? DEFAULT_LIMIT);
    const marker = query['marker'];
    if (
      marker !== undefined &&
      (typeof marker !== 'string' || !/^\d+$/.test(marker) || Number(marker) > items.length)
    ) {
      return fail(400, `${endpoint.path}: marker is not one this server handed out`, { field: 'marker' });
    }
    const offset = marker === undefined ? 0 : Number(marker);
    const end = Math.min(items.length, offset + limit);
    return answer(200, {
      entries: items.slice(offset, end).map(toEntry),
      limit,
      next_marker: end < items.length ? String(end) : null,
      prev_marker: offset > 0 ? String(Math.max(0, offset - limit)) : null,
    });
  };

  const templateOf = (id: string): DocGenTemplate => ({
    file: { id, type: 'file' },
    file_name: templates.get(id)?.name ?? null,
  });
  const jobsOf = (pick: (job: Job) => boolean) => [...jobs.values()].filter(pick);
  const tagsOf = (template: MockTemplate) => template.tags ?? options.tags ?? [];

  const outcomeOf = (info: RowInfo): JobOutcome => {
    const marked = info.userInput[OUTCOME_FIELD];
    if (marked === 'failed' || marked === 'completed_with_error' || marked === 'completed') return marked;
    const chosen = options.fail?.(info);
    if (chosen) return chosen;
    return 'completed';
  };

  const createBatch = (body: DocGenBatchCreateRequest, settings: ProgressSettings): StateAnswer => {
    const id = String(nextId++);
    const template = body.file.id;
    const version = body.file_version?.id ?? templates.get(template)?.version ?? `1${template}`;
    const batch: Batch = { id, template, folder: body.destination_folder.id, outputType: body.output_type, jobs: [] };
    body.document_generation_data.forEach((data, index) => {
      rows++;
      const jobId = `${id}${String(index).padStart(4, '0')}`;
      const info: RowInfo = {
        batchId: id,
        index,
        row: rows,
        templateId: template,
        generatedFileName: data.generated_file_name,
        userInput: data.user_input,
      };
      let outcome = outcomeOf(info);
      if (outcome === 'completed' && settings.failEvery > 0 && rows % settings.failEvery === 0) outcome = 'failed';
      const wrote = outcome !== 'failed';
      batch.jobs.push(jobId);
      jobs.set(jobId, {
        reads: 0,
        created: now(),
        fixed: false,
        fileName: data.generated_file_name,
        done: {
          id: jobId,
          type: 'docgen_job',
          batch: { id, type: 'docgen_batch' },
          template_file: { id: template, type: 'file' },
          template_file_version: { id: version, type: 'file_version' },
          status: outcome,
          output_type: body.output_type,
          output_file: wrote ? { id: `9${jobId}`, type: 'file' } : null,
          output_file_version: wrote ? { id: `8${jobId}`, type: 'file_version' } : null,
          failures:
            outcome === 'completed'
              ? null
              : {
                  errors: [
                    outcome === 'failed'
                      ? `The input data of row ${index + 1} (${data.generated_file_name}) has no value for a tag the template needs (box-docgen-mock).`
                      : `Row ${index + 1} (${data.generated_file_name}) was written, but a value of its input data could not be read (box-docgen-mock).`,
                  ],
                  warnings: [],
                },
          created_at: new Date(now()).toISOString(),
          created_by: { id: owner.user, type: 'user' },
          enterprise: { id: owner.enterprise, type: 'enterprise' },
          source: 'api',
        },
      });
    });
    batches.set(id, batch);
    return answer(202, { id, type: 'docgen_batch' });
  };

  /** The answer of one operation to a request that has passed the checks. */
  const operate = (
    operationId: OperationId,
    endpoint: Endpoint,
    params: Record<string, string>,
    request: StateRequest,
    settings: ProgressSettings,
  ): StateAnswer => {
    const notFound = (what: string, id: string) => fail(404, `${what} ${id} was not found`);
    const read = (job: Job) => view(job, settings, true);
    switch (operationId) {
      case 'createTemplate': {
        const { file } = request.body as DocGenTemplateCreateRequest;
        if (!templates.has(file.id)) templates.set(file.id, { id: file.id });
        return answer(201, { file: { id: file.id, type: 'file' } });
      }
      case 'listTemplates':
        return page(endpoint, request.query, [...templates.keys()], templateOf);
      case 'getTemplate':
        return templates.has(params['template_id']!)
          ? answer(200, templateOf(params['template_id']!))
          : notFound('template', params['template_id']!);
      case 'deleteTemplate':
        return templates.delete(params['template_id']!) ? answer(204) : notFound('template', params['template_id']!);
      case 'listTemplateTags': {
        const template = templates.get(params['template_id']!);
        if (!template) return notFound('template', params['template_id']!);
        if ((template.extracting ?? 0) > 0) {
          template.extracting!--;
          return answer(202, { message: 'The tags of this template are still being read; ask again shortly.' });
        }
        return page(endpoint, request.query, tagsOf(template), (tag) => structuredClone(tag));
      }
      case 'listTemplateJobs': {
        const id = params['template_id']!;
        const found = jobsOf((job) => job.done.template_file.id === id);
        if (!templates.has(id) && found.length === 0) return notFound('template', id);
        return page(endpoint, request.query, found, (job) => toJob(read(job)));
      }
      case 'listJobs':
        return page(endpoint, request.query, [...jobs.values()], read);
      case 'getJob': {
        const job = jobs.get(params['job_id']!);
        return job ? answer(200, toJob(read(job))) : notFound('job', params['job_id']!);
      }
      case 'listBatchJobs': {
        const id = params['batch_id']!;
        const found = jobsOf((job) => job.done.batch.id === id);
        if (!batches.has(id) && found.length === 0) return notFound('batch', id);
        return page(endpoint, request.query, found, (job) => toJob(read(job)));
      }
      case 'createBatch':
        return createBatch(request.body as DocGenBatchCreateRequest, settings);
    }
  };

  /** Box's 401 when the request has no token, or one this state does not accept; else undefined. */
  const unauthorized = (where: string, request: StateRequest): StateAnswer | undefined => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers['authorization'] ?? '')?.[1];
    if (token === undefined) {
      return fail(401, `${where}: send the header Authorization: Bearer <token>`, {
        headers: { 'www-authenticate': 'Bearer realm="Service"' },
      });
    }
    const issued = signIn?.check(token);
    const expired = options.expiredTokens?.includes(token) || issued === 'expired';
    const restricted = options.tokens !== undefined || signIn !== undefined;
    const accepted = issued === 'valid' || !!options.tokens?.includes(token);
    if (!expired && (!restricted || accepted)) return undefined;
    const why = expired ? 'has expired' : 'is not valid';
    return fail(401, `${where}: the access token ${why}`, {
      headers: {
        'www-authenticate': `Bearer realm="Service", error="invalid_token", error_description="The access token ${why}"`,
      },
    });
  };

  /** The job that wrote a file, by the file's id. */
  const jobOf = (fileId: string) => [...jobs.values()].find((job) => job.done.output_file?.id === fileId);

  /** `GET /files/{file_id}/content`: 202 for the first reads when asked, then 302 to the download host. */
  const download = (fileId: string, request: StateRequest, downloadUrl: string): StateAnswer => {
    const where = `GET ${request.path}`;
    const refused = unauthorized(where, request);
    if (refused) return refused;
    const job = jobOf(fileId)?.done;
    const version = request.query['version'];
    if (!job || (version !== undefined && version !== job.output_file_version?.id))
      return fail(
        404,
        `${where}: file ${fileId}${version === undefined ? '' : ` version ${String(version)}`} was not found`,
      );
    const reads = (fileReads.get(fileId) ?? 0) + 1;
    fileReads.set(fileId, reads);
    if (reads <= notReady) return answer(202, undefined, { 'retry-after': String(retryAfter) });
    const key = crypto.randomUUID();
    links.set(key, fileId);
    return answer(302, undefined, { location: `${downloadUrl.replace(/\/+$/, '')}/d/1/${key}/download` });
  };

  /** Sign-in and downloads: answered here once clients (or the download host) are configured, else by the examples. */
  const helper = (
    operationId: HelperOperationId,
    params: Record<string, string>,
    request: StateRequest,
  ): StateAnswer | Promise<StateAnswer> | undefined => {
    switch (operationId) {
      case 'createAccessToken':
        return signIn?.token(request.body);
      case 'getAuthorization':
        return signIn?.authorize(request.query);
      case 'getFileContent':
        return serving.downloadUrl === undefined
          ? undefined
          : download(params['file_id']!, request, serving.downloadUrl);
    }
  };

  const handle = (
    request: StateRequest,
    overrides: Partial<ProgressSettings> = {},
  ): StateAnswer | Promise<StateAnswer> | undefined => {
    const outside = helperRouteOf(request.method, request.path);
    if (outside) return helper(outside.operationId, outside.params, request);
    const route = routeOf(request.method, request.path);
    if (!route) return undefined;
    const { operationId, endpoint, params } = route;
    const where = `${endpoint.method} ${request.path}`;
    const refused = unauthorized(where, request);
    if (refused) return refused;
    if (request.headers['box-version'] !== BOX_VERSION) {
      return fail(400, `${where}: the header box-version must be ${BOX_VERSION}`, { field: 'box-version' });
    }
    const problem =
      ('query' in endpoint ? check(endpoint.query, queryValues(endpoint, request.query)) : undefined) ??
      ('body' in endpoint ? check(endpoint.body.schema, request.body) : undefined);
    if (problem) {
      const field = problem.field || 'body';
      return fail(400, `${where}: ${field} ${problem.problem}`, { field });
    }
    return operate(operationId, endpoint, params, request, { ...defaults, ...withoutUndefined(overrides) });
  };

  const load = (preload: MockStatePreload) => {
    for (const template of preload.templates ?? []) templates.set(template.id, structuredClone(template));
    for (const given of preload.jobs ?? []) {
      const done: DocGenJobFull = {
        created_by: { id: owner.user, type: 'user' },
        enterprise: { id: owner.enterprise, type: 'enterprise' },
        source: 'api',
        ...structuredClone(given),
      };
      jobs.set(done.id, { done, reads: 0, created: now(), fixed: true });
      const batch = batches.get(done.batch.id) ?? {
        id: done.batch.id,
        template: done.template_file.id,
        folder: '',
        outputType: done.output_type,
        jobs: [],
      };
      if (!batch.jobs.includes(done.id)) batch.jobs.push(done.id);
      batches.set(batch.id, batch);
    }
  };

  const content = (key: string) => {
    const fileId = links.get(key);
    const job = fileId === undefined ? undefined : jobOf(fileId);
    if (!job) return undefined;
    const fileName = `${job.fileName ?? job.done.id}.${job.done.output_type}`;
    const file = placeholderFile(job.done.output_type, fileName);
    return file && { ...file, fileName };
  };

  return {
    handle,
    content,
    load,
    get: () => ({
      templates: [...templates.values()].map((template) => ({ tags: tagsOf(template), ...structuredClone(template) })),
      jobs: [...jobs.values()].map((job) => view(job, defaults, false)),
      batches: [...batches.values()].map((batch) => structuredClone(batch)),
    }),
  };
}

/** The fields DocGenJob has (the full form's extra ones are for the job list only). */
function toJob({ created_at: _at, created_by: _by, enterprise: _e, source: _s, ...job }: DocGenJobFull): DocGenJob {
  return job;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
