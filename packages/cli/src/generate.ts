// `box-docgen generate`: bulk generation that resumes without duplicates.
//
//   1. Validation pass (streaming): every row is read, shaped and named; bad rows are listed
//      with their line numbers and nothing is sent unless --skip-invalid. Rows the ledger
//      already recorded are checked against their hash: a changed input is refused.
//   2. Submission pass (streaming again): rows of this shard that still need sending are
//      grouped into batches; at most --concurrency POSTs are in flight, and the reader waits
//      for a free slot, so memory holds concurrency × batch-size rows, never the file.
//      Each batch: intent record (fsync) → POST → submitted / unknown / failed record (fsync).
//   3. With --wait: wait for every batch in the ledger and write the report (report.ts).
//
// A stop request (SIGINT/SIGTERM) stops the reading; POSTs in flight finish and are recorded.
// A forced stop (a second signal) aborts them, and they are recorded as unknown.
import { createHash, randomBytes } from 'node:crypto';
import type { DocGenBatchCreateRequest, DocGenClient, OutputType } from '@box-docgen/client';
import { DocGenApiError, DocGenConnectionError, DocGenValidationError } from '@box-docgen/client';
import type { InputCheck, InputProblem } from '@box-docgen/client/check-input';
import {
  LedgerWriter,
  loadLedgers,
  LEDGER_VERSION,
  RowState,
  type IntentRow,
  type LedgerState,
  type RunRecord,
} from './ledger.js';
import { lockLedger } from './ledger-lock.js';
import { compileNamePattern, type NamePattern } from './name-pattern.js';
import type { Progress } from './progress.js';
import type { InputEncoding } from './decode.js';
import { readRows, type InputFormat, type Row } from './rows.js';
import { writeReport, type ReportFormat, type ReportSummary } from './report.js';
import { failedRows } from './failed-rows.js';

export interface Shard {
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match)
    throw new UsageError(`--shard "${text}": write K/N, as in 0/4 (shards count from 0: row i goes to shard i mod N)`);
  const k = Number(match[1]);
  const n = Number(match[2]);
  if (n < 1) throw new UsageError(`--shard "${text}": N must be at least 1`);
  if (k >= n) throw new UsageError(`--shard "${text}": K counts from 0, so it must be 0 to ${n - 1}`);
  return { k, n };
}

export const shardLabel = (shard: Shard | undefined) => (shard ? `${shard.k}/${shard.n}` : null);

/** Bad command-line use (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The run refuses to start (exit 2): bad rows, a changed input, a ledger of another run. */
export class RefusedError extends Error {
  override name = 'RefusedError';
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** A token that could not be had; nothing was sent. */
export class TokenError extends Error {
  override name = 'TokenError';
}

export interface GenerateOptions {
  docgen: DocGenClient;
  template: string;
  templateVersion?: string;
  folder: string;
  outputType: OutputType;
  data: string;
  format: InputFormat;
  /** How the input's bytes are read (default utf8; invalid bytes are an InputError). */
  encoding?: InputEncoding;
  name: string;
  batchSize: number;
  concurrency: number;
  state: string;
  shard?: Shard;
  skipInvalid: boolean;
  retryUnknown: boolean;
  /** Send again rows whose jobs ended `failed`, accepting changed data for exactly those rows. */
  retryFailed?: boolean;
  /** With retryFailed: also rows whose jobs ended `completed_with_error`. */
  retryCompletedWithError?: boolean;
  wait: boolean;
  report?: string;
  reportFormat?: ReportFormat;
  pollIntervalMs?: number;
  waitTimeoutMs?: number;
  progress: Progress;
  /** Aborted: stop submitting new batches (the reason names the signal). */
  stop: AbortSignal;
  /** Aborted: abort requests in flight too. */
  force: AbortSignal;
  /** How many bad rows to list (all are counted). */
  maxListed?: number;
  /** Stop after this many batches in a row failed or ended unknown (default 3). */
  maxConsecutiveErrors?: number;
  /** Checks a row's user_input against the template's tags (absent with --no-check). */
  checkInput?: (data: Record<string, unknown>) => InputCheck;
}

export interface RowIssue {
  index: number;
  line: number;
  error: string;
}

export interface GenerateSummary {
  input: { path: string; format: InputFormat; rows: number; shard: string | null; rowsInShard: number };
  state: string;
  invalid: { rows: number; listed: RowIssue[]; skipped: boolean };
  /** Fields of the input no tag of the template reads (list items as `[]`), at most 50; null without the check. */
  unused: string[] | null;
  /** Rows of this shard the ledger already had as submitted, skipped. */
  alreadySubmitted: number;
  /** Rows whose earlier jobs failed, sent again (--retry-failed). */
  resent: number;
  /** Rows skipped because an earlier outcome is unknown (without --retry-unknown). */
  unknownSkipped: number;
  /** Rows this run planned to send. */
  planned: number;
  submitted: { rows: number; batches: number };
  failed: { rows: number; batches: number; errors: string[] };
  unknown: { rows: number; batches: number; errors: string[] };
  /** Rows planned but not sent (stopped early). */
  notSent: number;
  /** Why submission stopped early: a signal name, or the reason it gave up. */
  stopped: string | null;
  interrupted: string | null;
  report: ReportSummary | null;
  elapsedMs: number;
}

interface Prepared {
  index: number;
  line: number;
  name: string;
  hash: string;
  data: Record<string, unknown>;
  retry: boolean;
  /** Its earlier job failed: sent again under --retry-failed. */
  resend: boolean;
}

/** What a row that does not fit the template's tags lacks, as one line (the first few problems). */
export function misfit(problems: InputProblem[]): string {
  const what = (p: InputProblem) =>
    p.kind === 'missing'
      ? `${p.path} is missing (${p.tag})`
      : `${p.path} must be ${{ array: 'a list', object: 'an object', value: 'text, a number or true/false', number: 'a number' }[p.expected]} (${p.tag})`;
  const more = problems.length > 5 ? `; …and ${problems.length - 5} more` : '';
  return `${MISFIT}: ${problems.slice(0, 5).map(what).join('; ')}${more}`;
}
const MISFIT = 'does not fit the template';

/** The file name and hash of a row (and the fields no tag reads), or why it is invalid. */
export function prepareRow(
  row: Row,
  pattern: NamePattern,
  checkInput?: GenerateOptions['checkInput'],
): { name: string; hash: string; unused?: string[] } | { error: string } {
  if (row.error !== undefined) return { error: row.error };
  const named = pattern.apply(row.data);
  if ('error' in named) return named;
  const checked = checkInput?.(row.data);
  if (checked?.problems.length) return { error: misfit(checked.problems) };
  return { name: named.name, hash: rowHash(named.name, row.data), ...(checked && { unused: checked.unused }) };
}

/** 64 bits of SHA-256 over what is sent for the row: its file name and its user_input. */
export function rowHash(name: string, data: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify([name, data]))
    .digest('hex')
    .slice(0, 16);
}

const now = () => new Date().toISOString();
const inShard = (index: number, shard: Shard | undefined) => !shard || index % shard.n === shard.k;

export async function generate(o: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
  const pattern = compileNamePattern(o.name);
  const maxListed = o.maxListed ?? 50;
  const summary: GenerateSummary = {
    input: { path: o.data, format: o.format, rows: 0, shard: shardLabel(o.shard), rowsInShard: 0 },
    state: o.state,
    invalid: { rows: 0, listed: [], skipped: o.skipInvalid },
    unused: o.checkInput ? [] : null,
    alreadySubmitted: 0,
    resent: 0,
    unknownSkipped: 0,
    planned: 0,
    submitted: { rows: 0, batches: 0 },
    failed: { rows: 0, batches: 0, errors: [] },
    unknown: { rows: 0, batches: 0, errors: [] },
    notSent: 0,
    stopped: null,
    interrupted: null,
    report: null,
    elapsedMs: 0,
  };
  const signalName = () => (typeof o.stop.reason === 'string' ? o.stop.reason : 'interrupted');

  // Rows whose jobs failed, to send again (--retry-failed); read once the ledger is loaded.
  let resend = new Set<number>();
  const release = lockLedger(o.state);
  let writer: LedgerWriter | undefined;
  try {
    const ledger = await loadLedgers([o.state], { allowMissing: true });
    for (const warning of ledger.warnings) o.progress.log(`warning: ${warning}`);
    checkRuns(ledger, o);
    // Rows whose jobs failed, looked up in Box before anything is read.
    resend = o.retryFailed
      ? await failedRows({
          state: o.state,
          ledger,
          docgen: o.docgen,
          concurrency: o.concurrency,
          withErrors: o.retryCompletedWithError === true,
          signal: o.stop,
        })
      : new Set<number>();
    if (o.retryFailed)
      o.progress.log(
        `--retry-failed: ${resend.size} row${resend.size === 1 ? '' : 's'} whose jobs ${o.retryCompletedWithError ? 'failed or completed with errors' : 'failed'} will be sent again`,
      );

    // ---- 1. validation pass ----
    o.progress.update({ phase: 'validating' });
    const changed: string[] = [];
    let changedCount = 0;
    const noteChange = (message: string) => {
      changedCount++;
      if (changed.length < 20) changed.push(message);
    };
    for await (const row of readRows(o.data, o.format, o.encoding)) {
      if (o.stop.aborted) break;
      summary.input.rows++;
      if ((summary.input.rows & 1023) === 0) o.progress.update({ read: summary.input.rows });
      const prepared = prepareRow(row, pattern, o.checkInput);
      const mine = inShard(row.index, o.shard);
      for (const field of ('unused' in prepared && prepared.unused) || []) {
        if (summary.unused!.length < 50 && !summary.unused!.includes(field)) summary.unused!.push(field);
      }
      if (mine) summary.input.rowsInShard++;
      const before = mine ? ledger.rows.get(row.index) : RowState.None;
      if ('error' in prepared) {
        summary.invalid.rows++;
        if (summary.invalid.listed.length < maxListed)
          summary.invalid.listed.push({ index: row.index, line: row.line, error: prepared.error });
        if ((before === RowState.Submitted && !resend.has(row.index)) || before === RowState.Unknown) {
          noteChange(`row ${row.index} (line ${row.line}) was sent before but is now invalid: ${prepared.error}`);
        }
        continue;
      }
      if (!mine) continue;
      if (before === RowState.Submitted && resend.has(row.index)) {
        // Its job failed: what is sent now may differ (the data was fixed).
        summary.planned++;
        summary.resent++;
      } else if (before === RowState.Submitted || before === RowState.Unknown) {
        if (!ledger.rows.sameHash(row.index, prepared.hash)) {
          noteChange(`row ${row.index} (line ${row.line}, "${prepared.name}") differs from what was sent for it`);
          continue;
        }
        if (before === RowState.Submitted) summary.alreadySubmitted++;
        else if (o.retryUnknown) summary.planned++;
        else summary.unknownSkipped++;
      } else {
        summary.planned++;
      }
    }
    o.progress.update({ read: summary.input.rows });
    if (o.stop.aborted) {
      summary.interrupted = signalName();
      summary.notSent = summary.planned;
      return finish();
    }
    // Rows the ledger has beyond the end of the input.
    for (let i = summary.input.rows; i < ledger.rows.size; i++) {
      const s = ledger.rows.get(i);
      if ((s === RowState.Submitted || s === RowState.Unknown) && inShard(i, o.shard)) {
        noteChange(`row ${i} was sent before, but the input now has only ${summary.input.rows} rows`);
      }
    }
    if (changedCount > 0) {
      throw new RefusedError(
        `the input changed since the ledger ${o.state} recorded it (${changedCount} row${changedCount === 1 ? '' : 's'}): ` +
          'rows are identified by position and content, so resuming could skip or duplicate documents. ' +
          'Restore the original input to resume, or use a new --state file for a new run.',
        changedCount > changed.length ? [...changed, `…and ${changedCount - changed.length} more`] : changed,
      );
    }
    if (summary.invalid.rows > 0 && !o.skipInvalid) {
      const listed = summary.invalid.listed.map((issue) => `line ${issue.line} (row ${issue.index}): ${issue.error}`);
      if (summary.invalid.rows > listed.length) listed.push(`…and ${summary.invalid.rows - listed.length} more`);
      const misfits = summary.invalid.listed.some((issue) => issue.error.startsWith(MISFIT));
      throw new RefusedError(
        `${summary.invalid.rows} invalid row${summary.invalid.rows === 1 ? '' : 's'} in ${o.data}; nothing was sent. Fix them, or pass --skip-invalid to send the others.` +
          (misfits
            ? ' Rows that do not fit the template would be generated with blanks; --no-check sends them unchecked.'
            : ''),
        listed,
      );
    }
    if (summary.unused?.length) {
      o.progress.log(
        `warning: no tag of the template reads ${summary.unused.length === 1 ? 'this field' : 'these fields'} of the input: ${summary.unused.join(', ')}`,
      );
    }
    if (summary.invalid.rows > 0) {
      o.progress.log(
        `skipping ${summary.invalid.rows} invalid row${summary.invalid.rows === 1 ? '' : 's'} (--skip-invalid):`,
      );
      for (const issue of summary.invalid.listed)
        o.progress.log(`  line ${issue.line} (row ${issue.index}): ${issue.error}`);
      if (summary.invalid.rows > summary.invalid.listed.length)
        o.progress.log(`  …and ${summary.invalid.rows - summary.invalid.listed.length} more`);
    }
    if (summary.unknownSkipped > 0) {
      o.progress.log(
        `skipping ${summary.unknownSkipped} row${summary.unknownSkipped === 1 ? '' : 's'} whose earlier submission has an unknown outcome; ` +
          'check in Box whether they were generated, then rerun with --retry-unknown to send them again',
      );
    }

    // ---- 2. submission pass ----
    writer = LedgerWriter.open(o.state);
    const run = randomBytes(4).toString('hex');
    const header: RunRecord = {
      t: 'run',
      v: LEDGER_VERSION,
      run,
      at: now(),
      pid: process.pid,
      input: o.data,
      format: o.format,
      template: o.template,
      ...(o.templateVersion !== undefined && { templateVersion: o.templateVersion }),
      folder: o.folder,
      outputType: o.outputType,
      name: o.name,
      shard: shardLabel(o.shard),
      rows: summary.input.rows,
      rowsInShard: summary.input.rowsInShard,
    };
    writer.append(header);
    ledger.runs.push(header);
    o.progress.update({ phase: 'submitting', total: summary.planned, submitted: 0, submitFailed: 0 });
    await submit(ledger, writer, run);
    writer.append({ t: 'end', run, at: now(), reason: summary.interrupted ?? summary.stopped ?? 'done' });
    writer.close();
    writer = undefined;

    // ---- 3. wait and report ----
    if (o.wait && !summary.interrupted) {
      const state = await loadLedgers([o.state]);
      try {
        summary.report = await writeReport({
          ledgers: [o.state],
          state,
          output: o.report ?? `${o.state}.report.csv`,
          format: o.reportFormat ?? 'csv',
          docgen: o.docgen,
          wait: true,
          concurrency: o.concurrency,
          pollIntervalMs: o.pollIntervalMs,
          waitTimeoutMs: o.waitTimeoutMs,
          signal: o.stop,
          progress: o.progress,
        });
      } catch (error) {
        if (!o.stop.aborted) throw error;
        summary.interrupted = signalName();
      }
    }
    return finish();
  } finally {
    writer?.close();
    release();
  }

  function finish(): GenerateSummary {
    o.progress.update({ phase: 'done' });
    summary.elapsedMs = Date.now() - started;
    return summary;
  }

  async function submit(ledger: LedgerState, writer: LedgerWriter, run: string): Promise<void> {
    const maxConsecutive = o.maxConsecutiveErrors ?? 3;
    const inflight = new Set<Promise<void>>();
    let sequence = 0;
    let consecutiveErrors = 0;
    let fatal: unknown;
    let invalid: { i: number; line: number; error: string }[] = [];
    let batch: Prepared[] = [];
    let sent = 0;
    const stopped = () => o.stop.aborted || summary.stopped !== null || fatal !== undefined;
    const flushInvalid = () => {
      if (invalid.length === 0) return;
      writer.append({ t: 'invalid', at: now(), rows: invalid });
      invalid = [];
    };
    const show = () =>
      o.progress.update({
        submitted: summary.submitted.rows,
        submitFailed: summary.failed.rows + summary.unknown.rows,
      });

    const slot = async () => {
      while (inflight.size >= o.concurrency) await Promise.race(inflight);
    };

    const launch = (rows: Prepared[]) => {
      const key = `${run}.${++sequence}`;
      const intentRows: IntentRow[] = rows.map((r) => ({ i: r.index, line: r.line, hash: r.hash, name: r.name }));
      const indexes = rows.map((r) => r.index);
      // On disk before the request leaves: a crash from here on leaves an intent without an outcome, which is "unknown".
      writer.append({
        t: 'intent',
        key,
        at: now(),
        rows: intentRows,
        ...(rows.some((r) => r.retry) && { retry: true }),
        ...(rows.some((r) => r.resend) && { resend: true }),
      });
      sent += rows.length;
      const body: DocGenBatchCreateRequest = {
        file: { id: o.template, type: 'file' },
        ...(o.templateVersion !== undefined && {
          file_version: { id: o.templateVersion, type: 'file_version' as const },
        }),
        input_source: 'api',
        destination_folder: { id: o.folder, type: 'folder' },
        output_type: o.outputType,
        document_generation_data: rows.map((r) => ({ generated_file_name: r.name, user_input: r.data })),
      };
      const task = o.docgen.batches
        .create(body, { signal: o.force })
        .then(
          (batch) => {
            writer.append({ t: 'submitted', key, at: now(), rows: indexes, batch: batch.id });
            summary.submitted.rows += rows.length;
            summary.submitted.batches++;
            consecutiveErrors = 0;
          },
          (error: unknown) => {
            const outcome = classify(error, o.force);
            writer.append({ t: outcome.t, key, at: now(), rows: indexes, ...outcome.fields });
            const bucket = outcome.t === 'failed' ? summary.failed : summary.unknown;
            bucket.rows += rows.length;
            bucket.batches++;
            const message = `batch ${key} (rows ${indexes[0]}…${indexes[indexes.length - 1]}): ${outcome.fields.error}`;
            if (bucket.errors.length < 20) bucket.errors.push(message);
            o.progress.log(`${outcome.t === 'failed' ? 'failed' : 'outcome unknown'}: ${message}`);
            consecutiveErrors++;
            if (outcome.systemic && summary.stopped === null) {
              summary.stopped = `Box answered ${outcome.fields.status}, which every other batch would get too; stopped submitting`;
            } else if (consecutiveErrors >= maxConsecutive && summary.stopped === null) {
              summary.stopped = `${consecutiveErrors} batches in a row failed or ended unknown; stopped submitting`;
            }
          },
        )
        .catch((error: unknown) => {
          // The ledger could not be written: nothing more may be sent.
          fatal ??= error;
        })
        .finally(() => {
          inflight.delete(task);
          show();
        });
      inflight.add(task);
    };

    try {
      for await (const row of readRows(o.data, o.format, o.encoding)) {
        if (stopped()) break;
        if (!inShard(row.index, o.shard)) continue;
        const prepared = prepareRow(row, pattern, o.checkInput);
        const before = ledger.rows.get(row.index);
        if ('error' in prepared) {
          if (before === RowState.None) {
            invalid.push({ i: row.index, line: row.line, error: prepared.error });
            if (invalid.length >= 100) flushInvalid();
          }
          continue;
        }
        const again = before === RowState.Submitted && resend.has(row.index);
        if (before === RowState.Submitted && !again) continue;
        if (before === RowState.Unknown && !o.retryUnknown) continue;
        if (before === RowState.Unknown && !ledger.rows.sameHash(row.index, prepared.hash)) {
          // Not a RefusedError (exit 2 means nothing was sent): batches before this one may have been.
          throw new Error(
            `${o.data} changed while this run was reading it (row ${row.index}, line ${row.line}); stopped submitting`,
          );
        }
        batch.push({
          index: row.index,
          line: row.line,
          name: prepared.name,
          hash: prepared.hash,
          data: row.data,
          retry: before === RowState.Unknown,
          resend: again,
        });
        if (batch.length >= o.batchSize) {
          await slot();
          if (stopped()) break;
          launch(batch);
          batch = [];
        }
      }
      flushInvalid();
      if (batch.length > 0 && !stopped()) {
        await slot();
        if (!stopped()) launch(batch);
      }
    } finally {
      // Every POST that left is recorded before the run ends.
      await Promise.all(inflight);
    }
    if (fatal !== undefined) throw fatal;
    if (o.stop.aborted) summary.interrupted = signalName();
    summary.notSent = summary.planned - sent;
  }
}

/** Whether a failed POST may have been acted on. Only a certain "no" is "failed". */
export function classify(
  error: unknown,
  force?: AbortSignal,
): {
  t: 'failed' | 'unknown';
  systemic: boolean;
  fields: { error: string; status?: number; code?: string; requestId?: string };
} {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DocGenApiError) {
    const fields = {
      error: message,
      status: error.status,
      ...(error.code && { code: error.code }),
      ...(error.requestId && { requestId: error.requestId }),
    };
    if (error.outcomeUnknown) return { t: 'unknown', systemic: false, fields };
    return { t: 'failed', systemic: [401, 403, 404].includes(error.status), fields };
  }
  if (error instanceof DocGenConnectionError)
    return { t: error.outcomeUnknown ? 'unknown' : 'failed', systemic: false, fields: { error: message } };
  if (error instanceof DocGenValidationError || error instanceof TokenError)
    return { t: 'failed', systemic: true, fields: { error: message } };
  if (force?.aborted)
    return {
      t: 'unknown',
      systemic: false,
      fields: { error: 'aborted by a forced stop while the request was in flight' },
    };
  return { t: 'unknown', systemic: false, fields: { error: message } };
}

/** A ledger written for another template, folder, output type, shard or format is not this run's. */
function checkRuns(ledger: LedgerState, o: GenerateOptions): void {
  const first = ledger.runs[0];
  if (!first) return;
  const differences: string[] = [];
  const compare = (flag: string, was: string | null | undefined, is: string | null | undefined) => {
    if ((was ?? null) !== (is ?? null))
      differences.push(`${flag}: the ledger has ${was ?? '(none)'}, this run has ${is ?? '(none)'}`);
  };
  compare('--template', first.template, o.template);
  compare('--template-version', first.templateVersion, o.templateVersion);
  compare('--folder', first.folder, o.folder);
  compare('--output-type', first.outputType, o.outputType);
  compare('--shard', first.shard, shardLabel(o.shard));
  compare('input format', first.format, o.format);
  if (differences.length > 0) {
    throw new RefusedError(
      `the ledger ${o.state} belongs to a different run; use another --state file, or the same options to resume`,
      differences,
    );
  }
}
