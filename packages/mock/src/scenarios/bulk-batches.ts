// Bulk work, one job per row. The spec's examples hand every POST /docgen_batches the same batch
// id and list the same three jobs for every batch, so a client that sends many batches cannot
// tell them apart, nor match the rows it sent to the jobs Box made of them. This scenario keeps
// the batches it was sent: each POST /docgen_batches gets a batch id of its own, and
// GET /docgen_batch_jobs/{batch_id} lists one job per entry of `document_generation_data`, in
// the order sent, paged by `limit` and `marker`. The jobs read `submitted` / `pending` for the
// first `polls` polls of their batch, then `completed`; with `failEvery` set, every Nth row of
// the run (counted across batches, in the order they arrived) reads `failed` with a message.
//
// Both answers are made here rather than by Prism, so Prism does not check the request. The
// scenario checks a batch body with the spec's own request rules (the operation table's, the
// same the client checks before sending) and refuses a bad one with a 400 naming the field;
// a request without the version header or a token, or with a bad `limit`, goes on to Prism,
// which refuses it with the usual 400 / 401. The bodies carry every field DocGenBatchBase and
// DocGenJob require. A batch id it did not hand out, and every other request, go on to the
// next scenario or Prism.
import { check } from '@box-docgen/types/check';
import { BOX_VERSION, endpoints } from '@box-docgen/types/endpoints';
import type { DocGenBatchCreateRequest } from '@box-docgen/types';
import { clientError } from '../errors.js';
import { defineScenario, type ScenarioRequest } from './types.js';

const { createBatch, listBatchJobs } = endpoints;
/** The version of the template a job reports when the request named none: the spec's example. */
const TEMPLATE_VERSION = '1652298017';
/** The page size used when `limit` is left out (Box picks its own). */
const DEFAULT_LIMIT = 100;

interface Batch {
  /** How many rows (entries of document_generation_data) it was sent. */
  rows: number;
  /** How many times its first page was read. */
  polls: number;
  template: string;
  templateVersion: string;
  outputType: string;
  /** The rows of the run sent before this batch: its first row is the run's row firstRow + 1. */
  firstRow: number;
}

/**
 * The parts of the contract every Doc Gen request shares: the `box-version` header and a bearer
 * token. A request without them would get 400 / 401 from Prism; it must not get a success here.
 */
const hasContractHeaders = (request: ScenarioRequest) =>
  request.headers['box-version'] === BOX_VERSION && /^Bearer\s+\S/i.test(request.headers['authorization'] ?? '');

/** `limit` as the spec allows it, the default when absent, else undefined. */
function pageLimit(raw: string | string[] | undefined): number | undefined {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return check(listBatchJobs.query.properties.limit, limit) ? undefined : limit;
}

export default defineScenario({
  name: 'bulk-batches',
  description:
    'Each POST /docgen_batches gets a new batch id; GET /docgen_batch_jobs/{batch_id} lists one job per row sent, ' +
    'pending for the first polls, then completed (every failEvery-th row failed).',
  options: {
    polls: { type: 'number', default: 2, integer: true, min: 0, description: 'polls of each batch that still read pending' },
    failEvery: { type: 'number', default: 0, integer: true, min: 0, description: 'every Nth row of the run fails (0: none)' },
    firstId: { type: 'number', default: 7100001, integer: true, min: 1, description: 'the first batch id handed out' },
  },
  create({ polls, failEvery, firstId }) {
    const batches = new Map<string, Batch>();
    let nextId = firstId;
    let rowsSoFar = 0;

    return (request) => {
      if (request.method === createBatch.method && request.match(createBatch.path)) {
        if (!hasContractHeaders(request)) return undefined;
        const problem = check(createBatch.body.schema, request.body);
        if (problem) {
          const field = problem.field || 'body';
          return { status: 400, body: clientError(400, `${field}: ${problem.problem}`, { contextInfo: { errors: [{ reason: 'invalid_parameter', name: field, message: problem.problem }] } }) };
        }
        const body = request.body as DocGenBatchCreateRequest;
        const rows = body.document_generation_data;
        const id = String(nextId++);
        batches.set(id, {
          rows: rows.length,
          polls: 0,
          template: body.file.id,
          templateVersion: body.file_version?.id ?? TEMPLATE_VERSION,
          outputType: body.output_type,
          firstRow: rowsSoFar,
        });
        rowsSoFar += rows.length;
        return { status: 202, body: { id, type: 'docgen_batch' } };
      }

      if (request.method !== listBatchJobs.method) return undefined;
      const params = request.match(listBatchJobs.path);
      const batchId = params?.['batch_id'] ?? '';
      const batch = batches.get(batchId);
      if (!batch || !hasContractHeaders(request)) return undefined;
      const limit = pageLimit(request.query['limit']);
      const marker = request.query['marker'];
      if (limit === undefined || Array.isArray(marker)) return undefined;

      // The markers handed out are offsets into the batch's rows; anything else starts at the top.
      const offset = marker !== undefined && /^\d+$/.test(marker) ? Number(marker) : 0;
      // Only the first page counts as a poll: reading the rest of one round is not a new round.
      if (marker === undefined) batch.polls++;
      const done = batch.polls > polls;

      const entries = [];
      const end = Math.min(batch.rows, offset + limit);
      for (let i = offset; i < end; i++) {
        const row = batch.firstRow + i + 1;
        const failed = done && failEvery > 0 && row % failEvery === 0;
        const jobId = `${batchId}${String(i).padStart(4, '0')}`;
        const wrote = done && !failed;
        entries.push({
          id: jobId,
          type: 'docgen_job',
          batch: { id: batchId, type: 'docgen_batch' },
          template_file: { id: batch.template, type: 'file' },
          template_file_version: { id: batch.templateVersion, type: 'file_version' },
          // Unfinished jobs alternate between the two statuses that are not final.
          status: !done ? (i % 2 ? 'submitted' : 'pending') : failed ? 'failed' : 'completed',
          output_type: batch.outputType,
          // The spec: null until the job is done, and null when it failed without a document.
          output_file: wrote ? { id: `9${jobId}`, type: 'file' } : null,
          output_file_version: wrote ? { id: `8${jobId}`, type: 'file_version' } : null,
          failures: failed
            ? {
                errors: [
                  `the input data has no value for the tag {{order.approver}} (bulk-batches scenario: every ${failEvery}th row fails)`,
                ],
                warnings: [],
              }
            : null,
        });
      }
      return {
        status: 200,
        body: {
          entries,
          limit,
          next_marker: end < batch.rows ? String(end) : null,
          prev_marker: offset > 0 ? String(Math.max(0, offset - limit)) : null,
        },
      };
    };
  },
});
