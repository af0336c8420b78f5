// The contenders, each set up as its documentation says, all pointed at the same local server
// with the same token. Every one exposes the same three operations, so the bench drives them alike:
//   getJob(id)          GET  /docgen_jobs/{id}     → the job (as the library returns it)
//   createBatch()       POST /docgen_batches       → the batch
//   eachJob(onJob)      GET  /docgen_jobs, every page of 1,000, every job handed to onJob
import { createDocGenClient } from '@box-docgen/client';
import { BoxClient, BoxDeveloperTokenAuth } from 'box-node-sdk';
import { BaseUrls, NetworkSession } from 'box-node-sdk/networking';
import createClient from 'openapi-fetch';
import { BATCH_BODY, TOKEN } from '../server.js';

const HEADERS = { authorization: `Bearer ${TOKEN}`, 'box-version': '2025.0' };
const PAGE = 1000;

/** The batch request in box-node-sdk's own (camelCase) input shape; it serializes back to BATCH_BODY. */
const BOX_BATCH_BODY = {
  file: BATCH_BODY.file,
  inputSource: BATCH_BODY.input_source,
  destinationFolder: BATCH_BODY.destination_folder,
  outputType: BATCH_BODY.output_type,
  documentGenerationData: BATCH_BODY.document_generation_data.map((row) => ({
    generatedFileName: row.generated_file_name,
    userInput: row.user_input,
  })),
};

/**
 * fetch by hand: the floor. Headers, JSON in, JSON out, a status check. With `timeout`, each
 * request also carries AbortSignal.timeout(60 s), the least a caller writes to bound a request:
 * that row shows what an abortable request costs in this runtime's fetch.
 */
export function rawFetch(url, { timeout = false } = {}) {
  const base = `${url}/2.0`;
  const postHeaders = { ...HEADERS, 'content-type': 'application/json' };
  const json = async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const signal = () => (timeout ? AbortSignal.timeout(60_000) : undefined);
  return {
    name: timeout ? 'fetch-timeout' : 'fetch',
    label: timeout ? 'raw fetch + AbortSignal.timeout' : 'raw fetch',
    getJob: async (id) =>
      json(await fetch(`${base}/docgen_jobs/${encodeURIComponent(id)}`, { headers: HEADERS, signal: signal() })),
    createBatch: async () =>
      json(
        await fetch(`${base}/docgen_batches`, {
          method: 'POST',
          headers: postHeaders,
          body: JSON.stringify(BATCH_BODY),
          signal: signal(),
        }),
      ),
    async eachJob(onJob) {
      // The hand-written marker loop.
      let marker;
      do {
        const query = new URLSearchParams({ limit: String(PAGE), ...(marker && { marker }) });
        const page = await json(await fetch(`${base}/docgen_jobs?${query}`, { headers: HEADERS }));
        for (const job of page.entries) onJob(job);
        marker = page.next_marker;
      } while (marker);
    },
  };
}

/** openapi-fetch as its README shows it, with the same headers; a marker loop by hand. */
export function openapiFetch(url) {
  const api = createClient({ baseUrl: `${url}/2.0`, headers: HEADERS });
  const data = ({ data, error, response }) => {
    if (error !== undefined || !response.ok) throw new Error(`HTTP ${response.status}: ${JSON.stringify(error)}`);
    return data;
  };
  return {
    name: 'openapi-fetch',
    label: 'openapi-fetch',
    getJob: async (id) => data(await api.GET('/docgen_jobs/{job_id}', { params: { path: { job_id: id } } })),
    createBatch: async () => data(await api.POST('/docgen_batches', { body: BATCH_BODY })),
    async eachJob(onJob) {
      let marker;
      do {
        const page = data(await api.GET('/docgen_jobs', { params: { query: { limit: PAGE, marker } } }));
        for (const job of page.entries) onJob(job);
        marker = page.next_marker;
      } while (marker);
    },
  };
}

/** @box-docgen/client with its defaults (retries, timeouts, validation), as a user would create it. */
export function ours(url) {
  const docgen = createDocGenClient({ token: TOKEN, baseUrl: `${url}/2.0` });
  return {
    name: 'box-docgen',
    label: '@box-docgen/client',
    docgen,
    getJob: (id) => docgen.jobs.get(id),
    createBatch: () => docgen.batches.create(BATCH_BODY),
    async eachJob(onJob) {
      for await (const job of docgen.jobs.list({ limit: PAGE })) onJob(job);
    },
  };
}

/**
 * box-node-sdk 10 with a developer token and its base URL moved to the local server
 * (NetworkSession + BaseUrls). Its default agent (proxy-agent over an http.Agent without
 * keep-alive) opens a connection per request; `keepAlive: true` is the same SDK given a
 * keep-alive agent through withCustomAgentOptions, to separate that from the rest of its cost.
 */
export function boxSdk(url, { keepAlive = false } = {}) {
  let client = new BoxClient({
    auth: new BoxDeveloperTokenAuth({ token: TOKEN }),
    networkSession: new NetworkSession({ baseUrls: new BaseUrls({ baseUrl: url }) }),
  });
  if (keepAlive) client = client.withCustomAgentOptions({ keepAlive: true });
  return {
    name: keepAlive ? 'box-node-sdk-keepalive' : 'box-node-sdk',
    label: keepAlive ? 'box-node-sdk, keep-alive agent' : 'box-node-sdk',
    client,
    getJob: (id) => client.docgen.getDocgenJobByIdV2025R0(id),
    createBatch: () => client.docgen.createDocgenBatchV2025R0(BOX_BATCH_BODY),
    async eachJob(onJob) {
      let marker;
      do {
        const page = await client.docgen.getDocgenJobsV2025R0({ limit: PAGE, marker });
        for (const job of page.entries) onJob(job);
        marker = page.nextMarker;
      } while (marker);
    },
  };
}

export const CONTENDERS = {
  fetch: rawFetch,
  'openapi-fetch': openapiFetch,
  'box-docgen': ours,
  'box-node-sdk': boxSdk,
};

/** box-node-sdk hands back camelCase objects with the wire JSON as `rawData`; the others the wire JSON itself. */
export const wire = (value) => (value && typeof value === 'object' && 'rawData' in value ? value.rawData : value);
