// Crash and resume: the built CLI is killed mid-run with a real signal (SIGINT, SIGTERM,
// SIGKILL) and run again; the mock's journal shows what Box would have received. Every row
// must be accepted exactly once across the runs, and the ledger must account for every row.
//
// The runs are slowed down by the mock's rate-limited scenario: the client honours its
// Retry-After, so a batch takes about a second and a kill lands mid-run.
import { existsSync, readFileSync } from 'node:fs';
import { loadLedgers, RowState } from '@box-docgen/cli';
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acceptedNames,
  batchPosts,
  collect,
  envFor,
  generateArgs,
  ledgerLines,
  ordersCsv,
  runCli,
  spawnCli,
  tempDir,
  until,
} from './support.js';

const ROWS = 30;
const nameOf = (i: number) => `PO-${String(i + 1).padStart(5, '0')} Vendor ${i % 7}, Inc.`;
const count = (names: string[]) => names.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());

let tmp: ReturnType<typeof tempDir>;
const servers: MockServer[] = [];
async function server(scenario?: string): Promise<MockServer> {
  const mock = await startMockServer({ mode: 'static', ...(scenario && { scenario }) });
  servers.push(mock);
  return mock;
}

beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  tmp.cleanup();
});

describe('a stop signal mid-run, then a rerun', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: stops after the batch in flight is recorded, exits ${code}; the rerun sends the rest; every row accepted exactly once`, async () => {
      const mock = await server('rate-limited:every=2,retryAfter=1');
      const data = tmp.write('orders.csv', ordersCsv(ROWS));
      const state = tmp.path('ledger.jsonl');
      const args = generateArgs(data, ['--batch-size', '5', '--concurrency', '1', '--state', state]);

      const child = spawnCli(args, { env: envFor(mock) });
      const done = collect(child);
      await until(
        () => ledgerLines(state).filter((r) => r.t === 'submitted').length >= 2,
        20_000,
        'two submitted batches',
      );
      child.kill(signal);
      const first = await done;
      expect(first.signal).toBeNull(); // it handled the signal and exited by itself
      expect(first.code).toBe(code);
      expect(first.stderr).toContain(`${signal}: stopping`);
      expect(first.stdout).toMatch(new RegExp(`interrupted.*${signal}; rerun the same command to resume`));

      const records = ledgerLines(state);
      expect(records.at(-1)).toMatchObject({ t: 'end', reason: signal });
      const intents = records.filter((r) => r.t === 'intent');
      const outcomes = records.filter((r) => r.t === 'submitted');
      expect(outcomes.map((r) => r.key)).toEqual(intents.map((r) => r.key)); // nothing left unknown
      expect(intents.length).toBeLessThan(ROWS / 5);
      expect(existsSync(`${state}.lock`)).toBe(false);

      const rerun = await runCli([...args, '--json'], { env: envFor(mock) });
      expect(rerun.code).toBe(0);
      const summary = JSON.parse(rerun.stdout);
      expect(summary.alreadySubmitted).toBe(outcomes.length * 5);
      expect(summary.submitted.rows).toBe(ROWS - outcomes.length * 5);

      const names = count(await acceptedNames(mock));
      expect(names.size).toBe(ROWS);
      for (let i = 0; i < ROWS; i++) expect(names.get(nameOf(i)), nameOf(i)).toBe(1);
      const ledger = await loadLedgers([state]);
      for (let i = 0; i < ROWS; i++) expect(ledger.rows.get(i)).toBe(RowState.Submitted);
      expect(ledger.conflictCount).toBe(0);
    }, 60_000);
  }
});

describe('a crash (SIGKILL) mid-run, then a rerun', () => {
  it('no row is accepted twice; the ledger accounts for every row; rows in doubt are skipped until --retry-unknown', async () => {
    const mock = await server('rate-limited:every=2,retryAfter=1');
    const data = tmp.write('orders.csv', ordersCsv(ROWS));
    const state = tmp.path('ledger.jsonl');
    const args = generateArgs(data, ['--batch-size', '5', '--concurrency', '2', '--state', state]);

    const child = spawnCli(args, { env: envFor(mock) });
    const done = collect(child);
    await until(
      () => ledgerLines(state).filter((r) => r.t === 'submitted').length >= 2,
      20_000,
      'two submitted batches',
    );
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(existsSync(`${state}.lock`)).toBe(true); // left behind by the crash; the rerun takes it over

    const rerun = await runCli([...args, '--json'], { env: envFor(mock) });
    const summary = JSON.parse(rerun.stdout);
    const ledger = await loadLedgers([state]);
    const unknown = Array.from({ length: ROWS }, (_, i) => i).filter((i) => ledger.rows.get(i) === RowState.Unknown);
    expect(rerun.code).toBe(unknown.length > 0 ? 3 : 0);
    expect(summary.unknownSkipped).toBe(unknown.length);

    const names = count(await acceptedNames(mock));
    for (let i = 0; i < ROWS; i++) {
      const state = ledger.rows.get(i);
      expect([RowState.Submitted, RowState.Unknown], `row ${i}`).toContain(state);
      // Submitted: accepted exactly once. Unknown: the crash came between intent and outcome, so at most once.
      if (state === RowState.Submitted) expect(names.get(nameOf(i)), nameOf(i)).toBe(1);
      else expect(names.get(nameOf(i)) ?? 0).toBeLessThanOrEqual(1);
    }

    // Here the journal can tell what the CLI could not: were the rows in doubt received? If
    // not (the crash came during the Retry-After pause), --retry-unknown completes the run.
    if (unknown.length > 0 && unknown.every((i) => !names.has(nameOf(i)))) {
      const retry = await runCli([...args, '--retry-unknown', '--json'], { env: envFor(mock) });
      expect(retry.code).toBe(0);
      expect(JSON.parse(retry.stdout).submitted.rows).toBe(unknown.length);
    }
    if (unknown.every((i) => !names.has(nameOf(i)))) {
      const final = count(await acceptedNames(mock));
      for (let i = 0; i < ROWS; i++) expect(final.get(nameOf(i)), nameOf(i)).toBe(1);
    }
  }, 60_000);

  it('killed between intent and outcome: the rerun skips that batch and reports it unknown; --retry-unknown sends it', async () => {
    // Every request is refused with Retry-After: 30, so the first batch sits in the pause,
    // its intent on disk and no outcome, when the process is killed.
    const stalled = await server('rate-limited:every=1,retryAfter=30');
    const data = tmp.write('orders.csv', ordersCsv(12));
    const state = tmp.path('ledger.jsonl');
    const args = generateArgs(data, ['--batch-size', '4', '--concurrency', '1', '--state', state]);

    const child = spawnCli(args, { env: envFor(stalled) });
    const done = collect(child);
    await until(
      async () => ledgerLines(state).some((r) => r.t === 'intent') && (await batchPosts(stalled)).length > 0,
      20_000,
      'the first intent and its POST',
    );
    child.kill('SIGKILL');
    await done;
    expect(ledgerLines(state).map((r) => r.t)).toEqual(['run', 'intent']);
    expect((await batchPosts(stalled)).map((p) => p.status)).toEqual([429]);

    const mock = await server();
    const rerun = await runCli([...args, '--json'], { env: envFor(mock) });
    expect(rerun.code).toBe(3);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ unknownSkipped: 4, planned: 8, submitted: { rows: 8 } });
    expect(rerun.stderr).toMatch(/skipping 4 rows whose earlier submission has an unknown outcome; check in Box/);
    expect((await acceptedNames(mock)).sort()).toEqual([4, 5, 6, 7, 8, 9, 10, 11].map(nameOf).sort());

    const report = await runCli(['report', state, '--offline', '--format', 'jsonl'], { env: {} });
    expect(report.code).toBe(3);
    const lines = report.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.status === 'outcome_unknown').map((l) => l.row)).toEqual([0, 1, 2, 3]);
    expect(lines.find((l) => l.row === 0).errors[0]).toMatch(
      /no outcome was recorded: the run stopped after the batch was about to be sent; check in Box/,
    );
    expect(lines.filter((l) => l.status === 'submitted')).toHaveLength(8);

    const retry = await runCli([...args, '--retry-unknown', '--json'], { env: envFor(mock) });
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ alreadySubmitted: 8, submitted: { rows: 4 } });
    const names = count([...(await acceptedNames(stalled)), ...(await acceptedNames(mock))]);
    for (let i = 0; i < 12; i++) expect(names.get(nameOf(i)), nameOf(i)).toBe(1);
  }, 60_000);

  it('a second SIGINT aborts the request in flight and records it unknown', async () => {
    const stalled = await server('rate-limited:every=1,retryAfter=30');
    const data = tmp.write('orders.csv', ordersCsv(8));
    const state = tmp.path('ledger.jsonl');
    const child = spawnCli(generateArgs(data, ['--batch-size', '4', '--concurrency', '1', '--state', state]), {
      env: envFor(stalled),
    });
    const done = collect(child);
    await until(async () => (await batchPosts(stalled)).length > 0, 20_000, 'the first POST');
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300)); // the first stop has begun; the request still sits in its Retry-After pause
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/SIGINT again: aborting requests in flight/);
    expect(ledgerLines(state).map((r) => r.t)).toEqual(['run', 'intent', 'unknown', 'end']);
    expect(ledgerLines(state)[2]).toMatchObject({ rows: [0, 1, 2, 3] });
  }, 30_000);
});

describe('stopping while waiting', () => {
  it('SIGINT during --wait: exit 130, no half-written report; the same command resumes the wait and writes it', async () => {
    const mock = await server('bulk-batches:polls=6');
    const data = tmp.write('orders.csv', ordersCsv(10));
    const state = tmp.path('ledger.jsonl');
    const report = tmp.path('report.csv');
    const args = generateArgs(data, [
      '--batch-size',
      '5',
      '--state',
      state,
      '--wait',
      '--poll-interval',
      '50',
      '--report',
      report,
    ]);

    const child = spawnCli(args, { env: envFor(mock) });
    const done = collect(child);
    await until(
      async () => (await mock.requests()).some((r) => r.path.startsWith('/docgen_batch_jobs/')),
      20_000,
      'the first poll',
    );
    child.kill('SIGINT');
    const first = await done;
    expect(first.code).toBe(130);
    expect(existsSync(report)).toBe(false);
    expect(existsSync(`${report}.partial`)).toBe(false);
    expect(ledgerLines(state).filter((r) => r.t === 'submitted')).toHaveLength(2);

    const rerun = await runCli([...args, '--json'], { env: envFor(mock) });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      alreadySubmitted: 10,
      submitted: { rows: 0 },
      report: { rows: 10, statuses: { completed: 10 } },
    });
    expect(await batchPosts(mock)).toHaveLength(2);
  }, 30_000);

  it('a wait that times out reports the jobs as they stood and exits 1', async () => {
    const mock = await server('bulk-batches:polls=1000');
    const data = tmp.write('orders.csv', ordersCsv(4));
    const report = tmp.path('report.jsonl');
    const result = await runCli(
      generateArgs(data, [
        '--state',
        tmp.path('l.jsonl'),
        '--wait',
        '--poll-interval',
        '50',
        '--wait-timeout',
        '1',
        '--report',
        report,
        '--json',
      ]),
      { env: envFor(mock) },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).report).toMatchObject({ rows: 4, unfinished: 4, failed: 0 });
    const lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status)).toEqual(['submitted', 'submitted', 'submitted', 'submitted']);
    expect(lines[0].errors[0]).toMatch(/did not finish within 1000 ms/);
  }, 30_000);
});
