// The ledger: append-only JSONL, states derived on load (an intent without an outcome is
// unknown), torn last lines, damage in the middle, and the lock.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LedgerError, LedgerWriter, loadLedgers, lockLedger, RowState } from '@box-docgen/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const at = '2025-03-04T00:00:00.000Z';
const run = {
  t: 'run',
  v: 1,
  run: 'r1',
  at,
  pid: 1,
  input: 'x.csv',
  format: 'csv',
  template: '1',
  folder: '2',
  outputType: 'pdf',
  name: '{id}',
  shard: null,
  rows: 6,
  rowsInShard: 6,
};
const intent = (key: string, rows: number[], extra: object = {}) => ({
  t: 'intent',
  key,
  at,
  rows: rows.map((i) => ({ i, line: i + 2, hash: `${String(i).padStart(8, '0')}00000000`, name: `row ${i}` })),
  ...extra,
});
const lines = (...records: object[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('loadLedgers', () => {
  it('derives each row state from its latest intent and outcome; an intent without an outcome is unknown', async () => {
    const file = tmp.write(
      'states.jsonl',
      lines(
        run,
        intent('r1.1', [0, 1]),
        { t: 'submitted', key: 'r1.1', at, rows: [0, 1], batch: '700' },
        intent('r1.2', [2]),
        { t: 'failed', key: 'r1.2', at, rows: [2], error: '400 bad', status: 400 },
        intent('r1.3', [3]),
        { t: 'unknown', key: 'r1.3', at, rows: [3], error: '503' },
        intent('r1.4', [4]), // the process died here
        { t: 'invalid', at, rows: [{ i: 5, line: 7, error: 'bad row' }] },
      ),
    );
    const state = await loadLedgers([file]);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => state.rows.get(i))).toEqual([
      RowState.Submitted,
      RowState.Submitted,
      RowState.Failed,
      RowState.Unknown,
      RowState.Unknown,
      RowState.Invalid,
      RowState.None,
    ]);
    expect(state.batches.map((b) => [b.key, b.outcome, b.batch ?? null])).toEqual([
      ['r1.1', 'submitted', '700'],
      ['r1.2', 'failed', null],
      ['r1.3', 'unknown', null],
      ['r1.4', 'unknown', null],
    ]);
    expect(state.batches[3]!.error).toMatch(/no outcome was recorded/);
    expect(state.rows.sameHash(0, '0000000000000000')).toBe(true);
    expect(state.rows.sameHash(0, '0000000100000000')).toBe(false);
    expect(state.conflictCount).toBe(0);
  });

  it('a retried unknown row is not a conflict; a row sent twice otherwise is', async () => {
    const file = tmp.write(
      'retry.jsonl',
      lines(
        run,
        intent('a.1', [0]),
        intent('b.1', [0], { retry: true }),
        { t: 'submitted', key: 'b.1', at, rows: [0], batch: '9' },
        intent('b.2', [0]),
      ),
    );
    const state = await loadLedgers([file]);
    expect(state.conflictCount).toBe(1);
    expect(state.conflicts[0]).toMatchObject({ row: 0, first: 'b.1', second: 'b.2' });
  });

  it('ignores a torn last line (a crash mid-write) with a warning, but refuses damage in the middle', async () => {
    const torn = tmp.write(
      'torn.jsonl',
      `${lines(run, intent('r1.1', [0]), { t: 'submitted', key: 'r1.1', at, rows: [0], batch: '7' })}{"t":"intent","key":"r1.2","ro`,
    );
    const state = await loadLedgers([torn]);
    expect(state.rows.get(0)).toBe(RowState.Submitted);
    expect(state.warnings).toEqual([expect.stringMatching(/line 4 was cut short/)]);

    const damaged = tmp.write('damaged.jsonl', `${lines(run)}{oops\n${lines(intent('r1.1', [0]))}`);
    await expect(loadLedgers([damaged])).rejects.toThrow(/line 2 is not valid JSON/);

    const orphan = tmp.write('orphan.jsonl', lines(run, { t: 'submitted', key: 'nope', at, rows: [0], batch: '7' }));
    await expect(loadLedgers([orphan])).rejects.toBeInstanceOf(LedgerError);
  });

  it('merges several ledgers; a row in two of them is a conflict', async () => {
    const a = tmp.write(
      'a.jsonl',
      lines({ ...run, shard: '0/2' }, intent('x.1', [0, 2]), {
        t: 'submitted',
        key: 'x.1',
        at,
        rows: [0, 2],
        batch: '1',
      }),
    );
    const b = tmp.write(
      'b.jsonl',
      lines({ ...run, shard: '1/2' }, intent('x.1', [1, 2]), {
        t: 'submitted',
        key: 'x.1',
        at,
        rows: [1, 2],
        batch: '2',
      }),
    );
    const state = await loadLedgers([a, b]);
    expect([0, 1, 2].map((i) => state.rows.get(i))).toEqual([
      RowState.Submitted,
      RowState.Submitted,
      RowState.Submitted,
    ]);
    expect(state.batches.map((x) => x.key)).toEqual(['x.1', '1:x.1']);
    expect(state.conflictCount).toBe(1);
  });
});

describe('LedgerWriter and the lock', () => {
  it('appends whole lines, and repairs a torn last line before appending', async () => {
    const file = tmp.write('append.jsonl', `${JSON.stringify(run)}\n{"t":"inte`);
    const writer = LedgerWriter.open(file);
    await writer.append(intent('r2.1', [0]) as never);
    await writer.close();
    const text = readFileSync(file, 'utf8').split('\n');
    expect(text[1]).toBe('{"t":"inte');
    expect(JSON.parse(text[2]!)).toMatchObject({ t: 'intent', key: 'r2.1' });
  });

  it('an append resolves once its record is in the file; appends made at once keep their order', async () => {
    const file = tmp.path('group.jsonl');
    const writer = LedgerWriter.open(file);
    const keys = Array.from({ length: 50 }, (_, n) => `r3.${n + 1}`);
    const inFileWhenDone = await Promise.all(
      keys.map((key) => writer.append(intent(key, [0]) as never).then(() => readFileSync(file, 'utf8').includes(key))),
    );
    expect(inFileWhenDone.every(Boolean)).toBe(true);
    await writer.close();
    const written = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).key);
    expect(written).toEqual(keys);
  });

  it('after a failed write, that append and every later one fail with the ledger named', async () => {
    // /dev/full takes the open and refuses every write (ENOSPC), like a full disk.
    const writer = LedgerWriter.open('/dev/full');
    const first = writer.append(intent('r4.1', [0]) as never);
    await expect(first).rejects.toThrow(LedgerError);
    await expect(first).rejects.toThrow(/cannot write the ledger \/dev\/full: .*ENOSPC/);
    await expect(writer.append(intent('r4.2', [1]) as never)).rejects.toThrow(/\/dev\/full: .*ENOSPC/);
    await writer.close().catch(() => undefined);
    await expect(writer.append(intent('r4.3', [2]) as never)).rejects.toThrow(/is closed/);
  });

  it('refuses a ledger locked by a live process, takes over a lock whose process is gone', async () => {
    const file = tmp.path('locked.jsonl');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${file}.lock`, `${sleeper.pid}\n`);
      expect(() => lockLedger(file)).toThrow(
        new RegExp(`another box-docgen \\(pid ${sleeper.pid}\\) is using the ledger`),
      );
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((r) => sleeper.once('exit', r));
    }
    // The holder is gone now: the lock is stale.
    const release = lockLedger(file);
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
