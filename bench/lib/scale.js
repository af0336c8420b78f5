// Cost per row of `box-docgen generate` at 10,000 and 1,000,000 rows: CLI CPU per row, peak RSS,
// and submit rate, against a synthetic Box (node:http in this process, answering each
// POST /docgen_batches with a new batch id at once) so that the CLI is all that is measured.
// The CLI runs as a child pinned to one CPU (taskset), with packages/cli/bench/measure.js preloaded, `--max-rate` high enough
// never to pace. Memory must not grow with the row count (peak RSS ratio ≤ 1.2), and one process
// must submit at ≥ 170 requests/s (10× Box's documented ~1,000 calls a minute) on one core.
// Each run is bounded: a run past `limitS` seconds is killed and reported as such.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_TOKEN, generateArgs, MAKE_SAMPLE, runNode as run } from './util.js';

const MEASURE = new URL('../../packages/cli/bench/measure.js', import.meta.url).href;
const BATCH_SIZE = 25;

/** A Box that accepts every batch at once; counts the rows it was sent. */
function syntheticBox() {
  const seen = { posts: 0, rows: 0 };
  let id = 7_100_000;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') {
        seen.posts++;
        seen.rows += JSON.parse(Buffer.concat(chunks)).document_generation_data.length;
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: String(++id), type: 'docgen_batch' }));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, seen, url: `http://127.0.0.1:${server.address().port}/2.0` }),
    ),
  );
}

export async function benchScale({ sizes = [10_000, 1_000_000], limitS = 300, log = () => {} } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'box-docgen-scale-'));
  const runs = [];
  try {
    for (const rows of sizes) {
      const data = join(work, `orders-${rows}.csv`);
      await run([MAKE_SAMPLE, String(rows), data]);
      const box = await syntheticBox();
      const out = join(work, `measure-${rows}.json`);
      try {
        const started = Date.now();
        const result = await run(
          [
            '--import',
            MEASURE,
            ...generateArgs({ data, batchSize: BATCH_SIZE, state: join(work, `ledger-${rows}.jsonl`) }),
            '--max-rate',
            '100000',
          ],
          {
            env: {
              BOX_DEVELOPER_TOKEN: BENCH_TOKEN,
              BOX_DOCGEN_BASE_URL: box.url,
              BOX_DOCGEN_MEASURE_OUT: out,
            },
            limitS,
            // The CLI's GC and I/O threads share one core with it: the rate is one core's.
            oneCpu: true,
          },
        );
        const seconds = (Date.now() - started) / 1000;
        const done = result.code === 0 && box.seen.rows === rows;
        const m = done ? JSON.parse(readFileSync(out, 'utf8')) : {};
        runs.push({
          rows,
          done,
          seconds,
          posts: box.seen.posts,
          postsPerS: box.seen.posts / seconds,
          cpuUsPerRow: done ? m.cpuUs / rows : NaN,
          cores: done ? m.cpuUs / 1e6 / seconds : NaN,
          maxRss: m.maxRss,
          peakHeapTotal: m.peakHeapTotal,
          peakHeapUsed: m.peakHeapUsed,
          peakExternal: m.peakExternal,
        });
        log(
          `  ${rows} rows: ${done ? `${seconds.toFixed(1)} s` : `not completed (${result.signal ?? `exit ${result.code}`})`}`,
        );
      } finally {
        await new Promise((resolve) => box.server.close(resolve));
        rmSync(data, { force: true });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const [small, large] = [runs[0], runs.at(-1)];
  return {
    batchSize: BATCH_SIZE,
    runs,
    rssRatio: large.maxRss / small.maxRss,
    cpuPerRowRatio: large.cpuUsPerRow / small.cpuUsPerRow,
  };
}
