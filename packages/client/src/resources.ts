// The typed resources over one transport, built from the generated operation table: one method
// per operation, named by its `x-box-docgen`, plus `wait` where we poll. Everything the client
// is but `raw`: client.ts adds `raw`; lite.ts is the entry without it, for smaller bundles.
import { BASE_URL, endpoints, type Endpoint } from '@box-docgen/types/endpoints';
import { DocGenApiError, DocGenError, DocGenTimeoutError } from './errors.js';
import { pagePromise } from './pages.js';
import { retryDelayMs, sleep, type RetryTuning } from './retry.js';
import type { Pacer } from './pacing.js';
import type { BatchRequest, DocGenResources, Query, UserInput, WaitFor } from './signatures.js';
import { TIMEOUT_MS, createTransport, type CallOptions, type Logger, type TokenSource } from './transport.js';
import { callOptions, clientOptions, fits, pathId } from './validate.js';
import { waitUntilFinished } from './wait.js';

/** The spec's server. */
export const DEFAULT_BASE_URL = BASE_URL;

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
  /** One send rate for every request, found from the server's 429s: createPacer() from @box-docgen/client/pacing. */
  pacer?: Pacer;
}

export type ListTemplatesQuery = Query<'listTemplates'>;
export type ListTemplateTagsQuery = Query<'listTemplateTags'>;
export type ListTemplateJobsQuery = Query<'listTemplateJobs'>;
export type ListJobsQuery = Query<'listJobs'>;
export type ListBatchJobsQuery = Query<'listBatchJobs'>;

/**
 * The resources of the spec, one method per operation (see each method for its request), and
 * `wait` on batches and jobs; what the lite entry's createDocGenClient returns.
 */
export interface DocGenLiteClient extends DocGenResources {
  batches: Omit<DocGenResources['batches'], 'create'> & {
    /**
     * Starts a batch: one job per row of `document_generation_data`. `create<Input>()` makes each
     * row's `user_input` an `Input` (such as the type `box-docgen types --template ID` writes), so a
     * misspelt or missing field is a compile error.
     */
    create<Input = UserInput>(
      body: BatchRequest<Input>,
      o?: CallOptions,
    ): ReturnType<DocGenResources['batches']['create']>;
    /** Polls the batch's job list (one call per page per round) until every job has finished. */
    wait: WaitFor<'listBatchJobs'>;
  };
  jobs: DocGenResources['jobs'] & {
    /** Polls the job until it has finished. */
    wait: WaitFor<'getJob'>;
  };
}

/**
 * A query string as `raw` (openapi-fetch) encodes one, for the primitive values the spec's
 * queries hold (the generator refuses any other kind): unset values left out.
 */
const queryString = (query: object = {}) =>
  Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');

/** Header sets merged whatever their case, later ones winning: the call's over the client's. */
function headersOf(...sets: (Record<string, string> | undefined)[]): Headers {
  const headers = new Headers();
  for (const set of sets) for (const name in set) headers.set(name, set[name]!);
  return headers;
}

/** The resources, and the transport and base URL they use (client.ts builds `raw` on them). */
export function createResources(options: DocGenClientOptions) {
  clientOptions(options);
  // A copy: options changed after creation do not reach the client.
  const config = { ...options };
  const transport = createTransport(config);
  const base = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');

  /**
   * One exchange, resolving to the parsed body; a non-2xx answer throws DocGenApiError. An
   * operation whose spec lists 202 after its first success (Box still extracting a template's
   * tags) has its 202 waited out and asked again, within the call's `timeoutMs`.
   */
  async function send(ep: Endpoint, path: string, o: CallOptions, body?: unknown, query?: object) {
    const { method } = ep;
    const search = queryString(query);
    const url = base + path + (search && `?${search}`);
    // Undefined when there is no body.
    const json: string | undefined = JSON.stringify(body);
    const out = {
      method,
      url,
      headers: headersOf(
        json && ep.body ? { 'content-type': ep.body.mediaType } : undefined,
        config.headers,
        o.headers,
      ),
    };
    const notReady = ep.success[0] !== 202 && ep.success.includes(202);
    for (let round = 0, started = Date.now(); ; round++) {
      const { response, data: received, redact } = await transport({ ...out, body: json, read: 'text' }, o);
      // An error answer may echo the token (gateways echo request headers): redacted first.
      const answer = response.ok ? received : received && redact(received);
      // biome-ignore lint/suspicious/noExplicitAny: JSON.parse's any is what the method's declared answer (from the spec) is read from.
      let data: any;
      try {
        data = answer ? JSON.parse(answer) : undefined;
      } catch (error) {
        // A cut-off 2xx body is a DocGenError; an error body that is not JSON is kept as text.
        if (response.ok) throw new DocGenError(`${method} ${url}: the answer is not JSON`, { cause: error });
        data = answer;
      }
      if (!response.ok) throw new DocGenApiError(response, { body: data, request: { method, url }, redact });
      if (!notReady || response.status !== 202) return data;
      const delayMs = retryDelayMs(round, response.headers, config.retry);
      const waited = Date.now() - started;
      if (waited + delayMs > (o.timeoutMs ?? config.timeoutMs ?? TIMEOUT_MS)) {
        // Box's 202 body says what it is still doing (for tags: extracting them).
        const why = typeof data?.message === 'string' ? `: ${data.message}` : '';
        throw new DocGenTimeoutError(`${method} ${url}: still answering 202 after ${waited} ms${why}`, {
          request: { method, url },
          outcomeUnknown: false,
        });
      }
      await sleep(delayMs, o.signal);
    }
  }

  /**
   * One method of the table. Its arguments are the path ids, then the body, then the query (each
   * only when the operation has it), then the call's options. Bad arguments reject the promise
   * (a page walk's on its first page): nothing is thrown before a promise exists.
   */
  function operation(ep: Endpoint) {
    // The path's fixed parts, around its parameters.
    const parts = ep.path.split(/\{\w+\}/);
    return (...args: unknown[]) => {
      const ids = args.slice(0, ep.pathParams.length);
      let at = ids.length;
      const body = ep.body ? args[at++] : undefined;
      const query = ep.query ? (args[at++] as Record<string, unknown> | undefined) : undefined;
      const call = args[at] as CallOptions | undefined;
      /** Checks the arguments; returns the path and the call's options. */
      const prepare = (): [string, CallOptions] => {
        const o = callOptions(call);
        // Each id is encoded, so 'a/b' stays one segment.
        const path = parts.reduce(
          (url, part, i) => url + encodeURIComponent(pathId(ep.pathParams[i - 1]!, ids[i - 1])) + part,
        );
        if (ep.query) fits(ep.query, query ?? {}, 'query');
        if (ep.body) fits(ep.body.schema, body, 'body');
        return [path, o];
      };
      if (ep.paged) {
        return pagePromise(
          (marker) => send(ep, ...prepare(), undefined, { ...query, marker }),
          query?.['marker'] as string | undefined,
        );
      }
      return new Promise((resolve) => resolve(send(ep, ...prepare(), body, query)));
    };
  }

  const resources: Record<string, Record<string, unknown>> = {};
  for (const ep of Object.values(endpoints) as Endpoint[]) (resources[ep.resource] ??= {})[ep.name] = operation(ep);
  // The one place the table's data meets its types: DocGenResources is read from the same table.
  const client = resources as unknown as DocGenLiteClient;

  // A batch is polled a full page at a time: the largest page the spec allows.
  const fullPage = { limit: endpoints.listBatchJobs.query.properties.limit.maximum };
  client.batches.wait = (batchId, w) =>
    waitUntilFinished(
      `batch ${batchId}`,
      async (signal) => {
        const jobs = [];
        for await (const job of client.batches.listJobs(batchId, fullPage, { signal })) jobs.push(job);
        return jobs;
      },
      w,
    );
  client.jobs.wait = async (jobId, w) => {
    const [job] = await waitUntilFinished(
      `job ${jobId}`,
      async (signal) => [await client.jobs.get(jobId, { signal })],
      w,
    );
    return job!;
  };

  return { client, transport, base, config };
}
