// Bulk generation against a server that rate-limits: `box-docgen generate` (defaults, no
// --max-rate, so the pacer has to find the limit; and with --max-rate set to the quota) sends
// rows in batches of 10 to the mock with its `rate-limit` scenario in front of `bulk-batches`
// (--no-check: the rows are not checked against a template here, only sent). Two shapes, the
// ones APIs use: a token bucket (25 requests/s, burst 5, `429` with `Retry-After: 1`) and a fixed
// window (100 requests per 4 s window, `Retry-After` = seconds to the next window).
//
// share of limit used = POSTs accepted / what the limit's rate (plus the bucket's burst) allows
// over the run, from the first POST to the last; share refused = 429s / POSTs; plus the shortest
// run the limit allows, and a check that every row reached the mock exactly once. All of it is
// read from the mock's journal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer } from '@box-docgen/mock';
import { BENCH_TOKEN, generateArgs, MAKE_SAMPLE, runNode as run } from './util.js';

export const SHAPES = {
  bucket: {
    label: 'token bucket 25/s, burst 5',
    rps: 25,
    burst: 5,
    scenario: 'rate-limit:rps=25,burst=5,methods=POST',
  },
  window: {
    label: 'fixed window 100 per 4 s',
    limit: 100,
    windowMs: 4000,
    scenario: 'rate-limit:window=4,limit=100,methods=POST',
  },
};

/**
 * The shortest run the limit allows for `posts` POSTs starting at `first` (ms): the bucket's
 * burst, then its refill rate; or, for a window, until the window that admits the last POST opens.
 */
function idealMs(shape, posts, first) {
  if (shape.rps) return ((posts - shape.burst) / shape.rps) * 1000;
  const windows = Math.ceil(posts / shape.limit);
  return (Math.floor(first / shape.windowMs) + windows - 1) * shape.windowMs - first;
}

/**
 * Each shape found from 429s and with --max-rate, on `rows`; and the token bucket found from 429s
 * on `longRows` too: a single 1-second hold is 8% of a 12-second run, less of a longer one.
 */
export async function benchRateLimit({ rows = 3000, longRows = 10_000, batchSize = 10, log = () => {} } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'box-docgen-rate-'));
  const results = {};
  const cases = [
    ...Object.keys(SHAPES).flatMap((name) => [false, true].map((known) => ({ name, known, rows }))),
    ...(longRows ? [{ name: 'bucket', known: false, rows: longRows }] : []),
  ];
  try {
    for (const { name, known, rows } of cases) {
      const shape = SHAPES[name];
      const data = join(work, `orders-${rows}.csv`);
      await run([MAKE_SAMPLE, String(rows), data]);
      const mock = await startMockServer({ scenario: `${shape.scenario}+bulk-batches:polls=0` });
      try {
        const rate = shape.rps ?? shape.limit / (shape.windowMs / 1000);
        const args = [
          ...generateArgs({ data, batchSize, state: join(work, `${name}-${known}-${rows}.ledger.jsonl`) }),
          '--max-retries',
          '20',
          ...(known ? ['--max-rate', String(rate)] : []),
        ];
        const result = await run(args, {
          env: { BOX_DEVELOPER_TOKEN: BENCH_TOKEN, BOX_DOCGEN_BASE_URL: mock.url },
        });
        const posts = (await mock.requests()).filter((r) => r.method === 'POST');
        const accepted = posts.filter((r) => r.status === 202);
        const times = posts.map((r) => Date.parse(r.time));
        const stats = {
          accepted: accepted.length,
          refused: posts.filter((r) => r.status === 429).length,
          first: Math.min(...times),
          last: Math.max(...times),
        };
        const names = accepted.flatMap((r) => r.body.document_generation_data.map((d) => d.generated_file_name));
        results[`${name}${known ? '-known' : ''}${rows === longRows ? '-long' : ''}`] = {
          shape: shape.label,
          rows,
          posts: rows / batchSize,
          maxRate: known ? rate : undefined,
          exit: result.code,
          seconds: (stats.last - stats.first) / 1000,
          idealSeconds: idealMs(shape, rows / batchSize, stats.first) / 1000,
          accepted: stats.accepted,
          refused: stats.refused,
          // Throughput against the limit's: its burst plus its rate over the run.
          shareOfLimit: stats.accepted / ((shape.burst ?? 0) + (rate * (stats.last - stats.first)) / 1000),
          shareRefused: stats.refused / (stats.accepted + stats.refused),
          rowsOnce: names.length === rows && new Set(names).size === rows,
        };
        log(
          `  ${name}${known ? ' --max-rate' : ''}, ${rows} rows: ${stats.accepted} accepted, ${stats.refused} refused in ${((stats.last - stats.first) / 1000).toFixed(1)} s`,
        );
      } finally {
        await mock.close();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
