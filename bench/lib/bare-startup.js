// The startup baseline for the mock's figure, measured like packages/mock/bench/startup.js
// --once: in this fresh process, import the bench's plain node:http server, listen, and get the
// first answer to GET /docgen_jobs/{job_id}. Prints one JSON line with the same fields.
const t0 = performance.now();
const { createBenchServer, JOB_ID, TOKEN } = await import('../server.js');
const t1 = performance.now();
const bench = createBenchServer();
const url = await bench.listen();
const t2 = performance.now();
const response = await fetch(`${url}/2.0/docgen_jobs/${JOB_ID}`, {
  headers: { 'box-version': '2025.0', authorization: `Bearer ${TOKEN}` },
});
await response.arrayBuffer();
const t3 = performance.now();
bench.server.close();
bench.server.closeAllConnections();
if (response.status !== 200) throw new Error(`unexpected status ${response.status}`);
process.stdout.write(
  `${JSON.stringify({ import: t1 - t0, start: t2 - t1, firstAnswer: t3 - t2, total: t3 - t0, nodeBoot: t0 })}\n`,
);
process.exit(0);
