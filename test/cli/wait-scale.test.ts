// --wait for 1,000 batches of one row, against a fast loopback server: each batch's job list is
// read one page per round until it has finished, and never again after; the progress lines are
// few, parse, and end at 1000/1000. The waiting goes through the run's one client, so it shares
// the run's pacer (connect.ts makes one per run).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { envFor, generateArgs, jobsPage, runCli, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const BATCHES = 1_000;

describe('waiting at scale', () => {
  it('1,000 batches: one call per page per batch per round, none once finished; progress ends at 1000/1000', async () => {
    let created = 0;
    const reads = new Map<string, number>();
    const api = await serve((_, head) => {
      if (head.method === 'POST') return respond(202, { id: String(7_000_000 + ++created), type: 'docgen_batch' });
      const batch = /^\/2\.0\/docgen_batch_jobs\/(\d+)/.exec(head.url)?.[1];
      if (!batch) return respond(404, {});
      const n = (reads.get(batch) ?? 0) + 1;
      reads.set(batch, n);
      // Pending on the first read, completed from the second.
      return respond(200, jobsPage(batch, 1, n === 1 ? 'pending' : 'completed'));
    });
    const rows = Array.from({ length: BATCHES }, (_, i) => `PO-${i + 1},Acme`).join('\n');
    const data = tmp.write('orders.csv', `order.id,vendor.company\n${rows}\n`);
    const report = tmp.path('r.jsonl');
    const result = await runCli(
      generateArgs(data, [
        ...['--batch-size', '1', '--concurrency', '64', '--max-rate', '1000'],
        ...['--wait', '--poll-interval', '1', '--report', report, '--state', tmp.path('l.jsonl')],
      ]),
      { env: envFor({ url: `${api.url}/2.0` }) },
    );
    expect(result.code, result.stderr).toBe(0);

    const posts = api.requests.filter((r) => r.method === 'POST');
    const gets = api.requests.filter((r) => r.method === 'GET');
    expect(posts).toHaveLength(BATCHES);
    // Two rounds per batch (pending, then completed), one page each: 2,000 calls, none more.
    expect(reads.size).toBe(BATCHES);
    expect([...reads.values()].every((n) => n === 2)).toBe(true);
    expect(gets).toHaveLength(2 * BATCHES);
    expect(gets.every((r) => new URL(r.url, api.url).searchParams.get('limit') === '1000')).toBe(true);
    expect(readFileSync(report, 'utf8').trim().split('\n')).toHaveLength(BATCHES);

    // Plain progress lines (stderr is a pipe): few, each of a known shape, the last at 1000/1000.
    const progress = result.stderr.split('\n').filter((line) => /^(validating|submitting|waiting): /.test(line));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(40);
    const shape =
      /^(validating: \d+ rows read|(submitting|waiting): \d+\/\d+ rows submitted( · \d+\/\d+ jobs finished)? · \d+ failed( · (<0\.1|[\d.]+) (rows|jobs)\/s( · ETA \d+[smh]( \d+[sm])?)?)?)$/;
    for (const line of progress) expect(line).toMatch(shape);
    expect(progress.at(-1)).toMatch(/^waiting: 1000\/1000 rows submitted · 1000\/1000 jobs finished · 0 failed/);
  });
});
