// The state ledger: an append-only JSONL file, one record per line, each on disk (write() and
// fsync()) before the step it announces. It is the only memory a run has of what it did:
//
//   {"t":"run", ...}                                   a run starts (its options, for the next run to check)
//   {"t":"intent","key":"…","rows":[{i,line,hash,name}]}  BEFORE a batch is POSTed (retry: true under
//                                                      --retry-unknown, resend: true under --retry-failed)
//   {"t":"submitted","key":"…","rows":[i…],"batch":"…"}    Box accepted it (202): the batch id
//   {"t":"unknown","key":"…","rows":[i…],"error":"…"}     it may or may not have been acted on (5xx, timeout, dropped)
//   {"t":"failed","key":"…","rows":[i…],"error":"…"}      it certainly was not (4xx, refused connection)
//   {"t":"invalid","rows":[{i,line,error}]}               rows skipped by --skip-invalid
//   {"t":"end","run":"…","reason":"…"}                    a run stops
//
// On load, an intent without an outcome (the process died between the two) counts as
// unknown. Rows are identified by their 0-based index in the input plus a hash of what was
// sent for them, so a rerun against a changed file is noticed.
//
// Loaded state is kept compact (typed arrays indexed by row, about 13 bytes a row, plus one
// small entry per batch), because a run of a million rows must not need a million objects.
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, openSync, readSync, write, writeSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { safeValue } from './redact.js';

export const LEDGER_VERSION = 1;

export interface RunRecord {
  t: 'run';
  v: number;
  run: string;
  at: string;
  pid: number;
  input: string;
  format: string;
  template: string;
  templateVersion?: string;
  folder: string;
  outputType: string;
  name: string;
  /** 'K/N', or null for the whole input. */
  shard: string | null;
  rows: number;
  rowsInShard: number;
}
export interface IntentRow {
  i: number;
  line: number;
  hash: string;
  name: string;
}
export interface IntentRecord {
  t: 'intent';
  key: string;
  at: string;
  rows: IntentRow[];
  /** Rows whose earlier outcome was unknown, sent again under --retry-unknown. */
  retry?: boolean;
  /** Rows whose earlier jobs failed (Box generated nothing), sent again under --retry-failed. */
  resend?: boolean;
}
export interface OutcomeRecord {
  t: 'submitted' | 'unknown' | 'failed';
  key: string;
  at: string;
  rows: number[];
  batch?: string;
  error?: string;
  status?: number;
  code?: string;
  requestId?: string;
}
export interface InvalidRecord {
  t: 'invalid';
  at: string;
  rows: { i: number; line: number; error: string }[];
}
export interface EndRecord {
  t: 'end';
  run: string;
  at: string;
  reason: string;
}
export type LedgerRecord = RunRecord | IntentRecord | OutcomeRecord | InvalidRecord | EndRecord;

export class LedgerError extends Error {
  override name = 'LedgerError';
}

// ---------------------------------------------------------------------------------------
// Row states

/** The state of one row, as kept in RowTable.state. */
export const RowState = {
  None: 0,
  /** An intent with no outcome yet; becomes Unknown when loading ends. */
  Intent: 1,
  Submitted: 2,
  Unknown: 3,
  Failed: 4,
  Invalid: 5,
} as const;
export type RowState = (typeof RowState)[keyof typeof RowState];

export type BatchOutcome = 'intent' | 'submitted' | 'unknown' | 'failed';

/** One POST (an intent record and its outcome). */
export interface BatchEntry {
  key: string;
  /** Which ledger file it came from (0 for a single ledger). */
  ledger: number;
  outcome: BatchOutcome;
  batch?: string;
  error?: string;
  status?: number;
  rows: number;
}

/** Per-row state in typed arrays, growing as needed. */
export class RowTable {
  state = new Uint8Array(1024);
  hashHi = new Uint32Array(1024);
  hashLo = new Uint32Array(1024);
  /** Index into `batches` of the row's latest intent, or -1. */
  ref = new Int32Array(1024).fill(-1);
  /** One more than the largest row index seen. */
  size = 0;

  ensure(index: number): void {
    if (index < this.state.length) {
      if (index >= this.size) this.size = index + 1;
      return;
    }
    let length = this.state.length;
    while (length <= index) length *= 2;
    const grow = <T extends Uint8Array | Uint32Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(length);
      next.set(old);
      return next;
    };
    this.state = grow(this.state, (n) => new Uint8Array(n));
    this.hashHi = grow(this.hashHi, (n) => new Uint32Array(n));
    this.hashLo = grow(this.hashLo, (n) => new Uint32Array(n));
    const ref = new Int32Array(length).fill(-1);
    ref.set(this.ref);
    this.ref = ref;
    this.size = index + 1;
  }

  get(index: number): RowState {
    return index < this.size ? (this.state[index] as RowState) : RowState.None;
  }

  setHash(index: number, hash: string): void {
    this.hashHi[index] = parseInt(hash.slice(0, 8), 16) >>> 0;
    this.hashLo[index] = parseInt(hash.slice(8, 16), 16) >>> 0;
  }

  sameHash(index: number, hash: string): boolean {
    return (
      this.hashHi[index] === parseInt(hash.slice(0, 8), 16) >>> 0 &&
      this.hashLo[index] === parseInt(hash.slice(8, 16), 16) >>> 0
    );
  }
}

export interface LedgerState {
  /** The files read, in order. */
  paths: string[];
  runs: RunRecord[];
  rows: RowTable;
  batches: BatchEntry[];
  keyIndex: Map<string, number>;
  /** Rows found in more than one intent while an earlier one was not a failure (a duplicate submission, or overlapping ledgers). */
  conflicts: { row: number; first: string; second: string }[];
  conflictCount: number;
  /** Ignored torn last lines (a crash in the middle of a write). */
  warnings: string[];
}

export function emptyLedgerState(): LedgerState {
  return {
    paths: [],
    runs: [],
    rows: new RowTable(),
    batches: [],
    keyIndex: new Map(),
    conflicts: [],
    conflictCount: 0,
    warnings: [],
  };
}

const OUTCOME_STATE = { submitted: RowState.Submitted, unknown: RowState.Unknown, failed: RowState.Failed } as const;

/**
 * Reads one or more ledger files into one state, streaming. Missing files are an error
 * unless `allowMissing`. Several files (shards) merge: a row in two of them is a conflict.
 */
export async function loadLedgers(
  paths: readonly string[],
  options: { allowMissing?: boolean } = {},
): Promise<LedgerState> {
  const state = emptyLedgerState();
  for (const [ledger, path] of paths.entries()) {
    if (!existsSync(path)) {
      if (options.allowMissing) continue;
      throw new LedgerError(`ledger ${path} does not exist`);
    }
    state.paths.push(path);
    await readInto(state, path, ledger);
  }
  // An intent with no outcome: the process stopped between sending and recording.
  for (let i = 0; i < state.rows.size; i++)
    if (state.rows.state[i] === RowState.Intent) state.rows.state[i] = RowState.Unknown;
  for (const entry of state.batches) {
    if (entry.outcome === 'intent') {
      entry.outcome = 'unknown';
      entry.error = 'no outcome was recorded: the run stopped after the batch was about to be sent';
    }
  }
  return state;
}

async function readInto(state: LedgerState, path: string, ledger: number): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  let pending: { line: number; text: string; error: Error } | undefined;
  for await (const text of lines) {
    number++;
    if (pending)
      throw new LedgerError(
        `${path} line ${pending.line} is not valid JSON (${pending.error.message}); the ledger is damaged`,
      );
    if (!text.trim()) continue;
    let record: LedgerRecord;
    try {
      record = JSON.parse(text) as LedgerRecord;
    } catch (error) {
      // Only the last line may be torn (a crash mid-write); decide when we know it was last.
      pending = { line: number, text, error: error as Error };
      continue;
    }
    apply(state, record, ledger, path);
  }
  if (pending)
    state.warnings.push(`${path} line ${pending.line} was cut short (a crash while writing it?) and is ignored`);
}

function apply(state: LedgerState, record: LedgerRecord, ledger: number, path: string): void {
  const { rows } = state;
  switch (record.t) {
    case 'run':
      if (record.v !== LEDGER_VERSION)
        throw new LedgerError(`${path} was written by a newer box-docgen (ledger version ${record.v})`);
      state.runs.push(record);
      return;
    case 'intent': {
      const key = ledger === 0 ? record.key : `${ledger}:${record.key}`;
      const index = state.batches.length;
      state.batches.push({ key, ledger, outcome: 'intent', rows: record.rows.length });
      state.keyIndex.set(key, index);
      for (const row of record.rows) {
        rows.ensure(row.i);
        const before = rows.state[row.i] as RowState;
        // A row sent again on purpose (--retry-unknown, --retry-failed) is no conflict.
        if (
          (before === RowState.Submitted && !record.resend) ||
          ((before === RowState.Intent || before === RowState.Unknown) && !record.retry)
        ) {
          state.conflictCount++;
          if (state.conflicts.length < 20)
            state.conflicts.push({ row: row.i, first: state.batches[rows.ref[row.i]!]?.key ?? '?', second: key });
        }
        rows.state[row.i] = RowState.Intent;
        rows.setHash(row.i, row.hash);
        rows.ref[row.i] = index;
      }
      return;
    }
    case 'submitted':
    case 'unknown':
    case 'failed': {
      const key = ledger === 0 ? record.key : `${ledger}:${record.key}`;
      const index = state.keyIndex.get(key);
      if (index === undefined)
        throw new LedgerError(
          `${path}: a "${record.t}" record for ${record.key}, which has no intent before it; the ledger is damaged`,
        );
      const entry = state.batches[index]!;
      entry.outcome = record.t;
      if (record.batch !== undefined) entry.batch = record.batch;
      if (record.error !== undefined) entry.error = record.error;
      if (record.status !== undefined) entry.status = record.status;
      for (const i of record.rows) if (rows.ref[i] === index) rows.state[i] = OUTCOME_STATE[record.t];
      return;
    }
    case 'invalid':
      for (const row of record.rows) {
        rows.ensure(row.i);
        if (rows.state[row.i] === RowState.None) rows.state[row.i] = RowState.Invalid;
      }
      return;
    default:
      return; // 'end', and records of later versions this one does not know
  }
}

// ---------------------------------------------------------------------------------------
// Writing

/**
 * Appends records to a ledger. `append()` resolves once its record is on disk (written and
 * fsync()ed), so a caller awaits it before the step the record announces. The writes and fsyncs
 * run off the event loop: a slow disk (an fsync can take hundreds of milliseconds while other
 * writes compete) must not stall the requests in flight and the pacer's timer. Records appended
 * while one write is under way go out together in the next write, with one fsync (a group
 * commit), in the order they were appended. After a failed write every append fails: what is on
 * disk is no longer known. Take the ledger's lock (ledger-lock.ts) first: two processes must
 * never write the same ledger.
 */
export class LedgerWriter {
  private queued: { line: string; done: (error?: LedgerError) => void }[] = [];
  private writing: Promise<void> | undefined;
  private failure: LedgerError | undefined;

  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  static open(path: string): LedgerWriter {
    let fd = -1;
    try {
      const created = !existsSync(path);
      fd = openSync(path, 'a+');
      if (created) syncDirectory(dirname(path));
      // A torn last line (a crash mid-write) must not swallow the next record.
      const size = fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) writeSync(fd, '\n');
      }
    } catch (error) {
      if (fd >= 0) closeSync(fd);
      throw new LedgerError(`cannot open the ledger ${path}: ${(error as Error).message}`);
    }
    return new LedgerWriter(path, fd);
  }

  append(record: LedgerRecord): Promise<void> {
    if (this.fd < 0) return Promise.reject(new LedgerError(`the ledger ${this.path} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    // Error texts come from the server: redacted and cut before they are kept for good.
    const line = `${JSON.stringify(safeValue(record))}\n`;
    return new Promise((resolve, reject) => {
      this.queued.push({ line, done: (error) => (error ? reject(error) : resolve()) });
      this.writing ??= this.drain();
    });
  }

  /** Waits for every append, then closes the file. */
  async close(): Promise<void> {
    if (this.fd < 0) return;
    await this.writing;
    const fd = this.fd;
    this.fd = -1;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const group = this.queued;
      this.queued = [];
      try {
        if (this.failure) throw this.failure;
        await writeAll(this.fd, Buffer.from(group.map((q) => q.line).join('')));
        await new Promise<void>((resolve, reject) => fsync(this.fd, (error) => (error ? reject(error) : resolve())));
        for (const q of group) q.done();
      } catch (error) {
        this.failure ??=
          error instanceof LedgerError
            ? error
            : new LedgerError(`cannot write the ledger ${this.path}: ${(error as Error).message}`);
        for (const q of group) q.done(this.failure);
      }
    }
    this.writing = undefined;
  }
}

/** write() until every byte is out: one call may write less than it was given. */
async function writeAll(fd: number, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    at += await new Promise<number>((resolve, reject) =>
      write(fd, bytes, at, bytes.length - at, null, (error, written) => (error ? reject(error) : resolve(written))),
    );
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not possible on every platform; the file's own fsync still holds its records
  }
}

/** Streams a ledger's records in order (for the report). */
export async function* ledgerRecords(path: string): AsyncGenerator<LedgerRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of lines) {
    if (!text.trim()) continue;
    try {
      yield JSON.parse(text) as LedgerRecord;
    } catch {
      // a torn last line; loadLedgers has already reported it
    }
  }
}
