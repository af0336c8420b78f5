// --wait for 1,000 batches of one row, against a fast loopback server: each batch's job list is
// read one page per round until it has finished, and never again after; the progress lines are
// few, parse, and end at 1000/1000. The waiting goes through the run's one client, so it shares
// the run's pacer (connect.ts makes one per run).
//
// The ledger of the 1,000 submitted batches is written here (what a first run would have left), so
// generate --wait sends nothing and only waits: 1,000 POSTs with two fsyncs each would cost more
// time than the waiting under test.
import { readFileSync, writeFileSync } from 'node:fs';
import { rowHash } from '@box-docgen/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { envFor, FOLDER, generateArgs, jobsPage, runCli, TEMPLATE, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const BATCHES = 1_000;

describe('waiting at scale', () => {
  it('1,000 batches: one call per page per batch per round, none once finished; progress ends at 1000/1000', {
    timeout: 60_000,
  }, async () => {
    const reads = new Map<string, number>();
    const api = await serve((_, head) => {
      const batch = /^\/2\.0\/docgen_batch_jobs\/(\d+)/.exec(head.url)?.[1];
      if (!batch) return respond(404, {});
      const n = (reads.get(batch) ?? 0) + 1;
      reads.set(batch, n);
      // Pending on the first read, completed from the second.
      return respond(200, jobsPage(batch, 1, n === 1 ? 'pending' : 'completed'));
    });
    const rows = Array.from({ length: BATCHES }, (_, i) => `PO-${i + 1},Acme`).join('\n');
    const data = tmp.write('orders.csv', `order.id,vendor.company\n${rows}\n`);
    const ledger = tmp.path('l.jsonl');
    const records: object[] = [
      { t: 'run', v: 1, run: 'r1', at: '', pid: 1, input: data, format: 'csv', template: TEMPLATE, folder: FOLDER },
    ];
    Object.assign(records[0]!, { outputType: 'pdf', name: '', shard: null, rows: BATCHES, rowsInShard: BATCHES });
    for (let i = 0; i < BATCHES; i++) {
      const name = `PO-${i + 1} Acme`;
      const hash = rowHash(name, { order: { id: `PO-${i + 1}` }, vendor: { company: 'Acme' } });
      records.push({ t: 'intent', key: `r1.${i + 1}`, at: '', rows: [{ i, line: i + 2, hash, name }] });
      records.push({ t: 'submitted', key: `r1.${i + 1}`, at: '', rows: [i], batch: String(7_000_001 + i) });
    }
    writeFileSync(ledger, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const report = tmp.path('r.jsonl');
    const result = await runCli(
      generateArgs(data, [
        ...['--concurrency', '64', '--max-rate', '1000'],
        ...['--wait', '--poll-interval', '1', '--report', report, '--state', ledger],
      ]),
      { env: envFor({ url: `${api.url}/2.0` }) },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/resumed +1000 rows already submitted/);

    const gets = api.requests.filter((r) => r.method === 'GET');
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
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
      /^(validating: \d+ rows read|(submitting|waiting): (\d+\/\d+ rows submitted · )?(\d+\/\d+ jobs finished · )?\d+ failed( · (<0\.1|[\d.]+) (rows|jobs)\/s( · ETA \d+[smh]( \d+[sm])?)?)?)$/;
    for (const line of progress) expect(line).toMatch(shape);
    expect(progress.at(-1)).toMatch(/^waiting: 1000\/1000 jobs finished · 0 failed/);
    // The one warning Node prints when a signal has many listeners is not there either.
    expect(result.stderr).not.toContain('MaxListenersExceededWarning');
  });
});
