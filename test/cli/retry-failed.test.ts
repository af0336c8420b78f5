// --retry-failed: after a job failed in Box and its row was fixed, only that row is sent again,
// with its new data; a changed row whose job completed is still refused, and a completed row is
// never resent. Against a fault server that plays Box's batches and job lists.
import { readFileSync, writeFileSync } from 'node:fs';
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

/** Batch 7000001 (the first POST): 3 jobs, the second failed; later POSTs: batches whose jobs all completed. */
async function box(secondStatus = 'failed') {
  let posts = 0;
  const sizes = new Map<string, number>();
  const server = await serve((_, head) => {
    if (head.method === 'POST') {
      const id = `700000${++posts}`;
      return respond(202, { id, type: 'docgen_batch' });
    }
    const batch = /docgen_batch_jobs\/(\d+)/.exec(head.url)?.[1] ?? '';
    const page = jobsPage(batch, sizes.get(batch) ?? 3);
    if (batch === '7000001')
      page.entries[1] = {
        ...page.entries[1]!,
        status: secondStatus,
        output_file: null as never,
        failures: { errors: ['no value for the tag {{vendor.company}}'], warnings: [] } as never,
      };
    return respond(200, page);
  });
  return {
    server,
    sizes,
    posts: () =>
      server.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body).document_generation_data),
  };
}

const csv = (second: string, first = 'Acme') => `order.id,vendor.company\nPO-1,${first}\nPO-2,${second}\nPO-3,Acme\n`;

describe('--retry-failed', () => {
  it('resends exactly the rows whose jobs failed, with their fixed data, and never a completed one', async () => {
    const { server, sizes, posts } = await box();
    const env = envFor({ url: `${server.url}/2.0` });
    const data = tmp.write('orders.csv', csv(''));
    const state = tmp.path('l.jsonl');
    const run = (extra: string[]) =>
      runCli(
        generateArgs(data, [
          '--name',
          '{order.id}',
          '--state',
          state,
          '--wait',
          '--poll-interval',
          '10',
          '--report',
          tmp.path('r.jsonl'),
          '--json',
          ...extra,
        ]),
        { env },
      );
    expect((await run([])).code).toBe(1); // the second job failed

    writeFileSync(data, csv('Initech'));
    // Without the flag a changed row is refused, as before.
    const refused = await run([]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('differs from what was sent for it');

    sizes.set('7000002', 1);
    const retried = await run(['--retry-failed']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ resent: 1, alreadySubmitted: 2, submitted: { rows: 1 } });
    expect(posts()).toEqual([
      [0, 1, 2].map((i) => expect.objectContaining({ generated_file_name: `PO-${i + 1}` })),
      [{ generated_file_name: 'PO-2', user_input: { order: { id: 'PO-2' }, vendor: { company: 'Initech' } } }],
    ]);
    // The report (in ledger order) follows the row to its new job, once, and sees no duplicate.
    const report = readFileSync(tmp.path('r.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .sort((a, b) => a.row - b.row);
    expect(report.map((l) => [l.row, l.batch_id, l.status])).toEqual([
      [0, '7000001', 'completed'],
      [1, '7000002', 'completed'],
      [2, '7000001', 'completed'],
    ]);
    expect(report.flatMap((l) => l.warnings)).toEqual([]);

    // Nothing failed any more: a rerun sends nothing.
    const again = await run(['--retry-failed']);
    expect(JSON.parse(again.stdout)).toMatchObject({ resent: 0, submitted: { rows: 0 } });
    expect(posts()).toHaveLength(2);
  });

  it('still refuses a changed row whose job completed', async () => {
    const { server, posts } = await box();
    const env = envFor({ url: `${server.url}/2.0` });
    const data = tmp.write('orders.csv', csv(''));
    const state = tmp.path('l.jsonl');
    await runCli(
      generateArgs(data, [
        '--name',
        '{order.id}',
        '--state',
        state,
        '--wait',
        '--poll-interval',
        '10',
        '--report',
        tmp.path('r.jsonl'),
      ]),
      { env },
    );
    writeFileSync(data, csv('Initech', 'Changed'));
    const result = await runCli(generateArgs(data, ['--name', '{order.id}', '--state', state, '--retry-failed']), {
      env,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/row 0 \(line 2, "PO-1"\) differs from what was sent for it/);
    expect(posts()).toHaveLength(1);
  });

  it('completed_with_error rows only with --retry-completed-with-error', async () => {
    const { server, sizes, posts } = await box('completed_with_error');
    const env = envFor({ url: `${server.url}/2.0` });
    const data = tmp.write('orders.csv', csv('Acme'));
    const state = tmp.path('l.jsonl');
    const args = (extra: string[]) =>
      generateArgs(data, ['--name', '{order.id}', '--state', state, '--json', ...extra]);
    await runCli(args([]), { env });
    expect(JSON.parse((await runCli(args(['--retry-failed']), { env })).stdout)).toMatchObject({ resent: 0 });
    sizes.set('7000002', 1);
    expect(
      JSON.parse((await runCli(args(['--retry-failed', '--retry-completed-with-error']), { env })).stdout),
    ).toMatchObject({ resent: 1 });
    expect(posts().map((p) => p.length)).toEqual([3, 1]);
  });
});
