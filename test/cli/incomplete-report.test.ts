// After --wait, a report with rows that match no job is incomplete, and the exit code says
// so: a server listing only some of a batch's jobs must not end in a quiet exit 0. (The client's
// wait keeps polling such a batch until its deadline, hence the short --wait-timeout.)
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { envFor, generateArgs, jobsPage, ordersCsv, parseCsv, runCli, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** Accepts every batch as 7000123 and lists 3 finished jobs for it, whatever it was sent. */
const partialLister = () =>
  serve((_, head) =>
    head.method === 'POST'
      ? respond(202, { id: '7000123', type: 'docgen_batch' })
      : respond(200, jobsPage('7000123', 3)),
  );

describe('--wait with fewer jobs than rows', () => {
  it('generate --wait: exit 1, the rows are unmapped in the report, and the message counts them', async () => {
    const server = await partialLister();
    const env = envFor({ url: `${server.url}/2.0` });
    const data = tmp.write('orders.csv', ordersCsv(5));
    const report = tmp.path('report.csv');
    const args = generateArgs(data, [
      '--state',
      tmp.path('l.jsonl'),
      '--wait',
      '--poll-interval',
      '10',
      '--wait-timeout',
      '1',
      '--report',
      report,
    ]);

    const text = await runCli(args, { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /the report is incomplete: 5 rows could not be matched to jobs, because 1 batch listed a different number of jobs than rows/,
    );
    expect(parseCsv(readFileSync(report, 'utf8')).map((l) => l.status)).toEqual(Array(5).fill('unmapped'));

    const json = await runCli([...args, '--json'], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      exitCode: 1,
      report: { rows: 5, unmapped: 5, unmappedBatches: 1, failed: 0, unfinished: 0 },
    });
    expect(json.stderr).toMatch(/box-docgen: the report is incomplete: 5 rows could not be matched to jobs/);
  });

  it('report --wait: exit 1 with the same message; to stdout too', async () => {
    const server = await partialLister();
    const env = envFor({ url: `${server.url}/2.0` });
    const data = tmp.write('orders.csv', ordersCsv(4));
    const state = tmp.path('l.jsonl');
    expect((await runCli(generateArgs(data, ['--state', state]), { env })).code).toBe(0);

    const json = await runCli(
      [
        'report',
        state,
        '--wait',
        '--poll-interval',
        '10',
        '--wait-timeout',
        '1',
        '--output',
        tmp.path('r.csv'),
        '--json',
      ],
      { env },
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 1, unmapped: 4 });
    expect(json.stderr).toMatch(/4 rows could not be matched to jobs/);

    const stdout = await runCli(['report', state, '--wait', '--poll-interval', '10', '--wait-timeout', '1'], { env });
    expect(stdout.code).toBe(1);
    expect(stdout.stderr).toMatch(/the report is incomplete: 4 rows could not be matched to jobs/);
  });
});
