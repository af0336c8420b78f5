// A mock scenario for bulk runs, for the demo, the benchmark and the CLI tests:
//
//   startMockServer({ scenario: 'bulk-batches+jobs-progress', scenarios: [bulkBatches] })
//
// The spec's examples give every POST /docgen_batches the same batch id and every batch the
// same three jobs, so a bulk run of 25-row batches could only be reported "by batch". This
// scenario answers like Box does for bulk work: each POST /docgen_batches gets a new batch id,
// and GET /docgen_batch_jobs/{batch_id} lists one job per row sent, in the order sent; the jobs
// read `pending` for the first `polls` polls of their batch, then `completed` (every
// `failEvery`th row of the run `failed`, with a failure message). Other requests pass through
// (to jobs-progress, then Prism). It answers by itself, so Prism does not check these two
// requests against the contract: tests that must check the wire use the built-in scenarios.
//
// In-process only (startMockServer's `scenarios` option). Plain JavaScript: no build step.

/** @typedef {{ n: number, polls: number, template: string, outputType: string, firstRow: number }} Batch */

export const bulkBatches = {
  name: 'bulk-batches',
  description:
    'Each POST /docgen_batches gets a new batch id; GET /docgen_batch_jobs/{batch_id} lists one job per row sent, ' +
    'pending for the first polls, then completed (every failEvery-th row failed).',
  options: {
    polls: { type: 'number', default: 2, integer: true, min: 0, description: 'polls of each batch that still read pending' },
    failEvery: { type: 'number', default: 0, integer: true, min: 0, description: 'every Nth row of the run fails (0: none)' },
    firstId: { type: 'number', default: 7100001, integer: true, min: 1, description: 'the first batch id handed out' },
  },
  /** @param {{ polls: number, failEvery: number, firstId: number }} options */
  create({ polls, failEvery, firstId }) {
    /** @type {Map<string, Batch>} */
    const batches = new Map();
    let nextId = firstId;
    let rows = 0;
    return (request) => {
      if (request.method === 'POST' && request.path.replace(/\/+$/, '').endsWith('/docgen_batches')) {
        const body = /** @type {any} */ (request.body);
        const data = body && Array.isArray(body.document_generation_data) ? body.document_generation_data : undefined;
        if (!data || data.length === 0) return undefined; // let Prism refuse it
        const id = String(nextId++);
        batches.set(id, {
          n: data.length,
          polls: 0,
          template: String(body.file?.id ?? '1502867340'),
          outputType: String(body.output_type ?? 'pdf'),
          firstRow: rows,
        });
        rows += data.length;
        return { status: 202, body: { id, type: 'docgen_batch' } };
      }
      if (request.method !== 'GET') return undefined;
      const match = request.match('/docgen_batch_jobs/{batch_id}');
      const batch = match && batches.get(match.batch_id ?? '');
      if (!match || !batch) return undefined;
      const offset = Number(request.query.marker ?? 0) || 0;
      if (request.query.marker === undefined) batch.polls++;
      const limit = Math.min(1000, Number(request.query.limit ?? 100) || 100);
      const done = batch.polls > polls;
      const entries = [];
      for (let i = offset; i < Math.min(batch.n, offset + limit); i++) {
        const row = batch.firstRow + i + 1;
        const failed = done && failEvery > 0 && row % failEvery === 0;
        const jobId = `${match.batch_id}${String(i).padStart(4, '0')}`;
        entries.push({
          id: jobId,
          type: 'docgen_job',
          batch: { id: match.batch_id, type: 'docgen_batch' },
          template_file: { id: batch.template, type: 'file' },
          template_file_version: { id: '1652298017', type: 'file_version' },
          status: !done ? (i % 2 ? 'submitted' : 'pending') : failed ? 'failed' : 'completed',
          output_type: batch.outputType,
          output_file: done && !failed ? { id: `9${jobId}`, type: 'file' } : null,
          output_file_version: done && !failed ? { id: `8${jobId}`, type: 'file_version' } : null,
          failures: failed ? { errors: [`the input data has no value for the tag {{order.approver}} (bulk-batches scenario: every ${failEvery}th row fails)`], warnings: [] } : null,
        });
      }
      const next = offset + limit < batch.n ? String(offset + limit) : null;
      return { status: 200, body: { entries, limit, next_marker: next, prev_marker: offset > 0 ? String(Math.max(0, offset - limit)) : null } };
    };
  },
};

export default bulkBatches;
