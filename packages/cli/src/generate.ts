// `box-docgen generate`: bulk generation that resumes without duplicates, in passes:
//
//   0. the ledger is locked and loaded; a ledger of another run is refused; with --retry-failed
//      the jobs of its batches are looked up (failed-rows.ts);
//   1. validation (validate-pass.ts): every row is read and checked before anything is sent;
//   2. submission (submit-pass.ts): batches are POSTed, each recorded before and after;
//   3. with --wait: every batch of the ledger is waited for and the report written (report.ts).
import { randomBytes } from 'node:crypto';
import type { DocGenClient, OutputType } from '@box-docgen/client';
import type { InputCheck } from '@box-docgen/client/check-input';
import type { InputEncoding } from './decode.js';
import { failedRows } from './failed-rows.js';
import { LEDGER_VERSION, LedgerWriter, loadLedgers, type LedgerState, type RunRecord } from './ledger.js';
import { lockLedger } from './ledger-lock.js';
import { compileNamePattern, type NamePattern } from './name-pattern.js';
import type { Progress } from './progress.js';
import { writeReport, type ReportFormat, type ReportSummary } from './report.js';
import type { Delimiter, InputFormat } from './rows.js';
import { shardLabel, type Shard } from './shard.js';
import { submitPass } from './submit-pass.js';
import { checkRuns, validatePass } from './validate-pass.js';
import { plural } from './words.js';

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
  /** The CSV field separator (default ','). */
  delimiter?: Delimiter;
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

/** What the passes share: the options, the loaded ledger, and the summary they fill in. */
export interface PassContext {
  o: GenerateOptions;
  ledger: LedgerState;
  pattern: NamePattern;
  /** Rows whose jobs failed, to send again (--retry-failed). */
  resend: Set<number>;
  summary: GenerateSummary;
}

const now = () => new Date().toISOString();

function emptySummary(o: GenerateOptions): GenerateSummary {
  return {
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
}

export async function generate(o: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
  const pattern = compileNamePattern(o.name);
  const summary = emptySummary(o);
  const signalName = () => (typeof o.stop.reason === 'string' ? o.stop.reason : 'interrupted');
  const finish = (): GenerateSummary => {
    o.progress.update({ phase: 'done' });
    summary.elapsedMs = Date.now() - started;
    return summary;
  };

  const release = lockLedger(o.state);
  let writer: LedgerWriter | undefined;
  try {
    // ---- 0. the ledger ----
    const ledger = await loadLedgers([o.state], { allowMissing: true });
    for (const warning of ledger.warnings) o.progress.log(`warning: ${warning}`);
    checkRuns(ledger, o);
    // Rows whose jobs failed, looked up in Box before anything is read.
    const resend = o.retryFailed
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
        `--retry-failed: ${plural(resend.size, 'row')} whose jobs ${o.retryCompletedWithError ? 'failed or completed with errors' : 'failed'} will be sent again`,
      );
    const context: PassContext = { o, ledger, pattern, resend, summary };

    // ---- 1. validation ----
    if (!(await validatePass(context))) {
      summary.interrupted = signalName();
      summary.notSent = summary.planned;
      return finish();
    }

    // ---- 2. submission ----
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
    await writer.append(header);
    ledger.runs.push(header);
    o.progress.update({ phase: 'submitting', total: summary.planned, submitted: 0, submitFailed: 0 });
    await submitPass(context, writer, run);
    await writer.append({ t: 'end', run, at: now(), reason: summary.interrupted ?? summary.stopped ?? 'done' });
    await writer.close();
    writer = undefined;

    // ---- 3. wait and report ----
    if (o.wait && !summary.interrupted) {
      try {
        summary.report = await writeReport({
          ledgers: [o.state],
          state: await loadLedgers([o.state]),
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
    // Only on the way out of an error: that error is the one to report, not a failed close.
    await writer?.close().catch(() => undefined);
    release();
  }
}
