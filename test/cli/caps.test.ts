// A megabyte error message from the server is cut (with a note of how much) before it is
// recorded in the ledger or the report, or logged: what the CLI writes stays small.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { clientError, envFor, generateArgs, ledgerLines, ordersCsv, runCli, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const HUGE = 'x'.repeat(1 << 20);

describe('size caps', () => {
  it('a 1 MB error message: the ledger, the report, stdout and stderr stay small and say it was cut', async () => {
    const server = await serve(() => respond(400, clientError(400, HUGE)));
    const env = envFor({ url: `${server.url}/2.0` });
    const data = tmp.write('orders.csv', ordersCsv(6));
    const state = tmp.path('l.jsonl');
    const report = tmp.path('r.csv');
    const result = await runCli(
      generateArgs(data, [
        '--batch-size',
        '2',
        '--concurrency',
        '1',
        '--state',
        state,
        '--wait',
        '--report',
        report,
        '--json',
      ]),
      { env },
    );
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(3); // three batches, each answered with a megabyte

    const failed = ledgerLines(state).filter((r) => r.t === 'failed');
    expect(failed).toHaveLength(3);
    for (const record of failed) {
      expect(record.error.length).toBeLessThan(2_100);
      expect(record.error).toMatch(/x… \[cut \d{7} characters\]/);
    }
    expect(statSync(state).size).toBeLessThan(20_000);
    expect(statSync(report).size).toBeLessThan(30_000);
    expect(readFileSync(report, 'utf8')).toMatch(/\[cut \d{7} characters\]/);
    expect(result.stdout.length).toBeLessThan(20_000);
    expect(result.stderr.length).toBeLessThan(20_000);
    expect(JSON.parse(result.stdout).failed.errors[0]).toMatch(/\[cut \d{7} characters\]/);
  });

  it('the error of a failed command (jobs get --json) is cut too', async () => {
    const server = await serve(() => respond(404, clientError(404, HUGE)));
    const env = envFor({ url: `${server.url}/2.0` });
    const result = await runCli(['jobs', 'get', '42', '--json'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout.length).toBeLessThan(10_000);
    expect(result.stderr.length).toBeLessThan(3_000);
    expect(JSON.parse(result.stdout).message).toMatch(/x… \[cut \d{7} characters\]/);
  });
});
