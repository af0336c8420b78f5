// The bench's local Box: plain node:http on 127.0.0.1, canned JSON taken from the spec's own
// examples, every request counted. bench/run.js forks it (child_process.fork) so that its CPU
// never counts against the client being measured, and drives it over IPC:
//
//   { type: 'reset' }                 → zero the counters and start the waiting batch over
//   { type: 'config', jobsTotal }     → how many jobs GET /docgen_jobs pages through
//   { type: 'stats' }                 → { counts, bad, connections (TCP, since reset), lastBatchBody }
//
// Every route is under /2.0, as on api.box.com (box-node-sdk appends /2.0 to its base URL).
// A request without `Authorization: Bearer bench-token` or `box-version: 2025.0` gets a 401/400
// and is counted as bad, so a client that sends the wrong thing cannot pass as fast.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const TOKEN = 'bench-token';
export const JOB_ID = '8200451';
export const WAIT_BATCH_ID = '7000999';
export const WAIT_JOBS = 1000;
export const WAIT_ROUNDS = 10;

const spec = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('@box-docgen/spec/openapi.json')), 'utf8'));
const example = (name) => structuredClone(spec.components.examples[name].value);

/** GET /docgen_jobs/{id}: the spec's completed job. */
export const JOB = example('JobCompleted');
/** POST /docgen_batches: the spec's purchase-order request, and its 202 answer. */
export const BATCH_BODY = example('BatchCreatePurchaseOrders');
export const BATCH_CREATED = example('BatchCreated');
/** One full job as GET /docgen_jobs lists it; the pages repeat it with other ids. */
const FULL_JOB = example('JobsFullDefault').entries[0];

/** When a job of the waiting batch has finished: on its 1st..10th look, 100 jobs each. */
export const finishRound = (index) => 1 + (index % WAIT_ROUNDS);
export const waitJobId = (index) => String(9_000_000 + index);

const JOB_BYTES = Buffer.from(JSON.stringify(JOB));
const CREATED_BYTES = Buffer.from(JSON.stringify(BATCH_CREATED));

function clientError(status, code, message) {
  return { type: 'error', status, code, message, request_id: 'bench' };
}

export function createBenchServer() {
  let counts = {};
  let bad = 0;
  let lastBatchBody = null;
  let connections = 0;
  let jobsTotal = 100_000;
  const pageCache = new Map();
  // The waiting batch: how often each job has been looked at (a list poll or a GET of the job).
  let looks = new Uint8Array(WAIT_JOBS);

  const count = (key) => (counts[key] = (counts[key] ?? 0) + 1);
  const send = (res, status, body) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
    res.end(bytes);
  };

  /** A job of the waiting batch as it reads on this look. */
  function waitJob(index) {
    const look = Math.min(255, ++looks[index]);
    const done = look >= finishRound(index);
    return {
      ...JOB,
      id: waitJobId(index),
      batch: { id: WAIT_BATCH_ID, type: 'docgen_batch' },
      status: done ? 'completed' : look === 1 ? 'submitted' : 'pending',
      output_file: done ? { type: 'file', id: String(1_600_000_000 + index) } : null,
      output_file_version: done ? { id: String(1_700_000_000 + index), type: 'file_version' } : null,
    };
  }

  /** GET /docgen_jobs: `jobsTotal` full jobs, `limit` a page; markers are "p<page>". */
  function jobsPage(marker, limit) {
    const key = `${marker}|${limit}|${jobsTotal}`;
    let bytes = pageCache.get(key);
    if (!bytes) {
      const page = marker ? Number(marker.slice(1)) : 0;
      const first = page * limit;
      const last = Math.min(jobsTotal, first + limit);
      const entries = [];
      for (let i = first; i < last; i++) {
        entries.push({
          ...FULL_JOB,
          id: String(10_000_000 + i),
          output_file: { type: 'file', id: String(1_500_000_000 + i) },
          output_file_version: { id: String(1_650_000_000 + i), type: 'file_version' },
        });
      }
      bytes = Buffer.from(
        JSON.stringify({
          entries,
          limit,
          next_marker: last < jobsTotal ? `p${page + 1}` : null,
          prev_marker: page ? `p${page - 1}` : null,
        }),
      );
      pageCache.set(key, bytes);
    }
    return bytes;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        bad++;
        return send(res, 401, clientError(401, 'unauthorized', 'Authorization must be "Bearer bench-token"'));
      }
      if (req.headers['box-version'] !== '2025.0') {
        bad++;
        return send(res, 400, clientError(400, 'bad_request', 'box-version must be 2025.0'));
      }
      const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 100) || 100);
      const marker = url.searchParams.get('marker') || undefined;
      let m;
      if (req.method === 'GET' && (m = /^\/2\.0\/docgen_jobs\/([^/]+)$/.exec(path))) {
        const id = decodeURIComponent(m[1]);
        const index = Number(id) - 9_000_000;
        if (index >= 0 && index < WAIT_JOBS) {
          count('GET /docgen_jobs/{wait job}');
          return send(res, 200, waitJob(index));
        }
        count('GET /docgen_jobs/{id}');
        return send(res, 200, id === JOB_ID ? JOB_BYTES : { ...JOB, id });
      }
      if (req.method === 'POST' && path === '/2.0/docgen_batches') {
        count('POST /docgen_batches');
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          bad++;
          return send(res, 400, clientError(400, 'bad_request', 'the body is not JSON'));
        }
        if (
          req.headers['content-type']?.split(';')[0] !== 'application/json' ||
          !Array.isArray(body?.document_generation_data) ||
          !body.document_generation_data.length
        ) {
          bad++;
          return send(res, 400, clientError(400, 'bad_request', 'document_generation_data must be a non-empty array'));
        }
        lastBatchBody = body;
        return send(res, 202, CREATED_BYTES);
      }
      if (req.method === 'GET' && path === '/2.0/docgen_jobs') {
        count('GET /docgen_jobs');
        return send(res, 200, jobsPage(marker, limit));
      }
      if (req.method === 'GET' && (m = /^\/2\.0\/docgen_batch_jobs\/([^/]+)$/.exec(path)) && m[1] === WAIT_BATCH_ID) {
        count('GET /docgen_batch_jobs/{id}');
        const first = marker ? Number(marker) : 0;
        const last = Math.min(WAIT_JOBS, first + limit);
        const entries = [];
        for (let i = first; i < last; i++) entries.push(waitJob(i));
        return send(res, 200, {
          entries,
          limit,
          next_marker: last < WAIT_JOBS ? String(last) : null,
          prev_marker: null,
        });
      }
      bad++;
      count('404');
      send(res, 404, clientError(404, 'not_found', `${req.method} ${path} is not served by the bench server`));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => connections++);

  return {
    server,
    control(message) {
      if (message.type === 'reset') {
        counts = {};
        bad = 0;
        lastBatchBody = null;
        connections = 0;
        looks = new Uint8Array(WAIT_JOBS);
        return { type: 'reset' };
      }
      if (message.type === 'config') {
        jobsTotal = message.jobsTotal;
        pageCache.clear();
        return { type: 'config', jobsTotal };
      }
      if (message.type === 'stats') return { type: 'stats', counts, bad, connections, lastBatchBody };
      throw new Error(`unknown control message ${message.type}`);
    },
    listen: () =>
      new Promise((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)),
      ),
  };
}

// Forked by bench/run.js: listen, say where, answer control messages, exit with the parent.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const bench = createBenchServer();
  const url = await bench.listen();
  process.on('message', (message) => process.send(bench.control(message)));
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', url });
}
