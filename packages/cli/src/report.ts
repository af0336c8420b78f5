// The report: one line per row recorded in one or more ledgers, with its batch, job, status,
// output file and failures. `generate --wait` writes it for its own ledger; `box-docgen
// report` merges the ledgers of several shards (or runs) into one.
//
// Rows are matched to jobs by position: Box creates a batch's jobs in the order of the
// request's document_generation_data, and the batch's job list keeps that order. That is an
// assumption (a job carries no file name to check it by); when a batch lists a different
// number of jobs than it was sent rows, its rows are reported by batch ("unmapped") with a
// tally of its jobs, never matched by guesswork.
//
// Memory: the ledgers are loaded into compact row state, then re-read as a stream; at most
// `concurrency` batches are being waited for (and held) at a time, and lines are written in
// ledger order as soon as the batch at the head of the window is done.
import { once } from 'node:events';
import { createWriteStream, renameSync, unlinkSync } from 'node:fs';
import type { DocGenClient, DocGenJob, DocGenJobStatus } from '@box-docgen/client';
import { DocGenWaitTimeoutError, endpoints, FINISHED_STATUSES } from '@box-docgen/client';
import { ledgerRecords, loadLedgers, RowState, type IntentRecord, type LedgerState } from './ledger.js';
import type { Progress } from './progress.js';
import { redactValue, safeText } from './redact.js';

export type ReportFormat = 'csv' | 'jsonl';

export interface ReportLine {
  row: number;
  line: number;
  name: string;
  shard: string;
  batch_id: string;
  job_id: string;
  /** A job status, or: outcome_unknown, submit_failed, invalid, unmapped, lookup_failed. */
  status: string;
  output_file_id: string;
  /** The documents' file type the batch asked for (pdf, docx): with the name, the file's name on disk. */
  output_type: string;
  errors: string[];
  warnings: string[];
}

export const REPORT_COLUMNS = [
  'row',
  'line',
  'name',
  'shard',
  'batch_id',
  'job_id',
  'status',
  'output_file_id',
  'output_type',
  'errors',
  'warnings',
] as const;

/** What the report is made from; collectReport hands its lines to a callback, writeReport to a file. */
export interface ReportSource {
  ledgers: string[];
  /** Undefined: offline, from the ledgers alone (no job ids). */
  docgen?: DocGenClient;
  /** Wait until every job has finished; otherwise one look at each batch. */
  wait: boolean;
  concurrency: number;
  pollIntervalMs?: number;
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** An already loaded state of `ledgers` (generate has one). */
  state?: LedgerState;
}

export interface ReportOptions extends ReportSource {
  /** A file path, or '-' for stdout. */
  output: string;
  format: ReportFormat;
  stdout?: NodeJS.WritableStream;
}

export interface ReportSummary {
  output: string;
  ledgers: string[];
  rows: number;
  batches: number;
  /** Rows per status. */
  statuses: Record<string, number>;
  /** Rows that need attention: failed or completed_with_error jobs, failed submissions, failed look-ups, unmapped batches with failures. */
  failed: number;
  /** Rows whose submission outcome is unknown. */
  unknown: number;
  /** Rows whose jobs have not finished (without --wait, or after a wait timed out). */
  unfinished: number;
  /** Batches whose job count differs from their row count. */
  unmappedBatches: number;
  /** The rows of those batches: not matched to a job, so the report is incomplete. */
  unmapped: number;
  /** Rows the runs were given but the ledgers do not account for (not submitted yet). */
  notSubmitted: number;
  conflicts: number;
  warnings: string[];
}

export function reportFormatOf(path: string, format?: string): ReportFormat {
  if (format === 'csv' || format === 'jsonl') return format;
  if (format !== undefined) throw new Error(`unknown report format "${format}": use csv or jsonl`);
  return /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'csv';
}

// The client's list of final statuses, so the report and wait() agree on when a job is done.
const FINISHED = new Set<string>(FINISHED_STATUSES);
/** The largest page the spec allows, so a batch is read in as few calls as possible. */
const FULL_PAGE = { limit: endpoints.listBatchJobs.query.properties.limit.maximum };
/** Final statuses that did not give a clean document. */
const BAD_JOB = new Set<string>(['failed', 'completed_with_error'] satisfies DocGenJobStatus[]);

interface BatchJobs {
  jobs: DocGenJob[];
  error?: string;
  timedOut?: boolean;
}

/** Writes the report to a file (under a temporary name, renamed when complete) or to stdout. */
export async function writeReport(options: ReportOptions): Promise<ReportSummary> {
  const toStdout = options.output === '-';
  const temp = toStdout ? undefined : `${options.output}.partial`;
  const out = toStdout ? (options.stdout ?? process.stdout) : createWriteStream(temp!, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let aborted = false;
  try {
    if (options.format === 'csv') await write(`${REPORT_COLUMNS.join(',')}\n`);
    const summary = await collectReport(options, (line) =>
      write(options.format === 'csv' ? csvLine(line) : `${JSON.stringify(line)}\n`),
    );
    return { ...summary, output: options.output };
  } catch (error) {
    aborted = true;
    throw error;
  } finally {
    if (!toStdout) {
      const stream = out as ReturnType<typeof createWriteStream>;
      stream.end();
      await once(stream, 'close').catch(() => undefined);
      if (aborted) {
        try {
          unlinkSync(temp!);
        } catch {
          // nothing to remove
        }
      } else {
        renameSync(temp!, options.output);
      }
    }
  }
}

/** The report's lines, in ledger order, each handed to `emit` (redacted) as soon as it is known. */
export async function collectReport(
  options: ReportSource,
  emit: (line: ReportLine) => Promise<void>,
): Promise<ReportSummary> {
  const state = options.state ?? (await loadLedgers(options.ledgers));
  const { rows, batches, keyIndex } = state;
  const progress = options.progress;
  const summary: ReportSummary = {
    output: '',
    ledgers: [...state.paths],
    rows: 0,
    batches: 0,
    statuses: {},
    failed: 0,
    unknown: 0,
    unfinished: 0,
    unmappedBatches: 0,
    unmapped: 0,
    notSubmitted: 0,
    conflicts: state.conflictCount,
    warnings: [...state.warnings],
  };
  for (const c of state.conflicts) {
    summary.warnings.push(
      `row ${c.row} was sent in two batches (${c.first} and ${c.second}): it may have been generated twice`,
    );
  }

  // Expected jobs, for the progress bar.
  let jobsTotal = 0;
  for (const entry of batches) if (entry.outcome === 'submitted') jobsTotal += entry.rows;
  let jobsDone = 0;
  let jobsBad = 0;
  const partial = new Map<number, { finished: number; bad: number }>();
  const showJobs = () => {
    let finished = jobsDone;
    let bad = jobsBad;
    for (const p of partial.values()) {
      finished += p.finished;
      bad += p.bad;
    }
    progress?.update({ jobsTotal, jobsFinished: finished, jobsFailed: bad });
  };
  if (options.docgen) {
    progress?.update({ jobsTotal });
    progress?.update({ phase: 'waiting' });
  }

  const emitAll = async (lines: ReportLine[]) => {
    for (const raw of lines) {
      // No token in any cell. Server texts were also cut (safeText) where they were read, before a hint
      // is added to them, so the note of what was cut survives.
      const line = redactValue(raw);
      summary.rows++;
      summary.statuses[line.status] = (summary.statuses[line.status] ?? 0) + 1;
      await emit(line);
    }
  };

  let sequence = 0;
  const lookUp = async (batchId: string, expected: number, id: number): Promise<BatchJobs> => {
    const docgen = options.docgen!;
    try {
      if (options.wait) {
        partial.set(id, { finished: 0, bad: 0 });
        const jobs = await docgen.batches.wait(batchId, {
          // A batch that lists fewer jobs than it was sent rows is still being filled in.
          expectedJobs: expected,
          signal: options.signal,
          intervalMs: options.pollIntervalMs,
          timeoutMs: options.waitTimeoutMs,
          onProgress: (p) => {
            if (p.total !== expected) return; // unmapped: counted when it is done
            partial.set(id, { finished: p.finished, bad: p.failed + p.completedWithError });
            showJobs();
          },
        });
        return { jobs };
      }
      const jobs: DocGenJob[] = [];
      for await (const job of docgen.batches.listJobs(batchId, FULL_PAGE, { signal: options.signal })) jobs.push(job);
      return { jobs };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof DocGenWaitTimeoutError)
        return { jobs: error.jobs as DocGenJob[], timedOut: true, error: error.message };
      return { jobs: [], error: safeText((error as Error).message) };
    }
  };

  // The ordered window: lines are written in ledger order; at most `concurrency` look-ups run.
  const window: Promise<ReportLine[]>[] = [];
  const windowSize = Math.max(1, options.concurrency);
  const enqueue = (lines: Promise<ReportLine[]>) => {
    lines.catch(() => undefined); // handled when it reaches the head; never an unhandled rejection
    window.push(lines);
  };
  const drain = async (keep: number) => {
    while (window.length > keep) await emitAll(await window.shift()!);
  };

  try {
    for (const [ledger, path] of state.paths.entries()) {
      let shardOfLedger = '';
      let outputTypeOfLedger = '';
      for await (const record of ledgerRecords(path)) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (record.t === 'run') {
          shardOfLedger = record.shard ?? '';
          outputTypeOfLedger = record.outputType;
          continue;
        }
        if (record.t === 'invalid') {
          const lines = record.rows
            .filter((row) => rows.get(row.i) === RowState.Invalid)
            .map((row) =>
              reportLine(row.i, row.line, '', shardOfLedger, {
                status: 'invalid',
                output_type: outputTypeOfLedger,
                errors: [safeText(row.error)],
              }),
            );
          enqueue(Promise.resolve(lines));
          await drain(windowSize);
          continue;
        }
        if (record.t !== 'intent') continue;
        const key = ledger === 0 ? record.key : `${ledger}:${record.key}`;
        const index = keyIndex.get(key);
        if (index === undefined) continue;
        const entry = batches[index]!;
        summary.batches++;
        const id = sequence++;
        enqueue(linesFor(record, index, entry, { shard: shardOfLedger, output_type: outputTypeOfLedger }, id));
        await drain(windowSize);
      }
    }
    await drain(0);
  } catch (error) {
    // Let look-ups still running settle before the caller closes its output.
    await Promise.allSettled(window);
    throw error;
  }

  // Rows the runs were given but the ledgers do not account for.
  let expected = 0;
  const lastRunOf = new Map<string, number>();
  for (const run of state.runs) lastRunOf.set(run.shard ?? '', run.rowsInShard);
  for (const count of lastRunOf.values()) expected += count;
  let accounted = 0;
  for (let i = 0; i < rows.size; i++) {
    const s = rows.get(i);
    if (s === RowState.Submitted || s === RowState.Unknown || s === RowState.Invalid) accounted++;
  }
  summary.notSubmitted = Math.max(0, expected - accounted);
  return summary;

  async function linesFor(
    record: IntentRecord,
    index: number,
    entry: LedgerState['batches'][number],
    of: { shard: string; output_type: string },
    id: number,
  ): Promise<ReportLine[]> {
    const line = (row: number, lineNumber: number, name: string, rest: Partial<ReportLine>) =>
      reportLine(row, lineNumber, name, of.shard, { output_type: of.output_type, ...rest });
    // Only the rows whose latest intent this is (a row retried later is reported there).
    const mine = record.rows.map((row, position) => ({ row, position })).filter(({ row }) => rows.ref[row.i] === index);
    if (entry.outcome === 'unknown') {
      summary.unknown += mine.length;
      const why = safeText(entry.error ?? 'the outcome of the request is unknown');
      return mine.map(({ row }) =>
        line(row.i, row.line, row.name, {
          status: 'outcome_unknown',
          errors: [
            `${why}; check in Box whether it was generated, then rerun generate with --retry-unknown if it was not`,
          ],
        }),
      );
    }
    if (entry.outcome === 'failed') {
      summary.failed += mine.length;
      return mine.map(({ row }) =>
        line(row.i, row.line, row.name, {
          status: 'submit_failed',
          errors: [`${safeText(entry.error ?? 'the request failed')}; a rerun of generate submits it again`],
        }),
      );
    }
    // Submitted.
    const batchId = entry.batch ?? '';
    if (!options.docgen) {
      summary.unfinished += mine.length;
      return mine.map(({ row }) => line(row.i, row.line, row.name, { batch_id: batchId, status: 'submitted' }));
    }
    const found = await lookUp(batchId, record.rows.length, id);
    const tally = () => {
      const counts: Record<string, number> = {};
      for (const job of found.jobs) counts[job.status] = (counts[job.status] ?? 0) + 1;
      return (
        Object.entries(counts)
          .map(([status, n]) => `${n} ${status}`)
          .join(', ') || 'none'
      );
    };
    partial.delete(id);
    // Progress counts the batch's rows: when jobs and rows differ, the whole batch is done or not.
    const finished = found.jobs.filter((job) => FINISHED.has(job.status)).length;
    const bad = found.jobs.filter((job) => BAD_JOB.has(job.status)).length;
    const mapped = found.jobs.length === record.rows.length;
    jobsDone += mapped ? finished : found.jobs.length > 0 && finished === found.jobs.length ? record.rows.length : 0;
    jobsBad += mapped ? bad : bad > 0 ? record.rows.length : 0;
    showJobs();

    if (found.error && !found.timedOut) {
      summary.failed += mine.length;
      return mine.map(({ row }) =>
        line(row.i, row.line, row.name, {
          batch_id: batchId,
          status: 'lookup_failed',
          errors: [`could not read the jobs of batch ${batchId}: ${found.error}`],
        }),
      );
    }
    if (found.jobs.length !== record.rows.length) {
      summary.unmappedBatches++;
      summary.unmapped += mine.length;
      const bad = found.jobs.some((job) => BAD_JOB.has(job.status));
      const unfinished = found.jobs.length === 0 || found.jobs.some((job) => !FINISHED.has(job.status));
      if (bad) summary.failed += mine.length;
      else if (unfinished) summary.unfinished += mine.length;
      const note = `batch ${batchId} lists ${found.jobs.length} job${found.jobs.length === 1 ? '' : 's'} for ${record.rows.length} row${record.rows.length === 1 ? '' : 's'}, so rows cannot be matched to jobs; its jobs: ${tally()}`;
      return mine.map(({ row }) =>
        line(row.i, row.line, row.name, {
          batch_id: batchId,
          status: 'unmapped',
          errors: bad ? [note] : [],
          warnings: bad ? [] : [note],
        }),
      );
    }
    return mine.map(({ row, position }) => {
      const job = found.jobs[position]!;
      if (BAD_JOB.has(job.status)) summary.failed++;
      else if (!FINISHED.has(job.status)) summary.unfinished++;
      const errors = (job.failures?.errors ?? []).map((text) => safeText(text));
      if (found.timedOut && !FINISHED.has(job.status)) errors.push(found.error!);
      return line(row.i, row.line, row.name, {
        batch_id: batchId,
        job_id: job.id,
        status: job.status,
        output_file_id: job.output_file?.id ?? '',
        output_type: job.output_type ?? of.output_type,
        errors,
        warnings: (job.failures?.warnings ?? []).map((text) => safeText(text)),
      });
    });
  }
}

function reportLine(
  row: number,
  lineNumber: number,
  name: string,
  shard: string,
  rest: Partial<ReportLine>,
): ReportLine {
  return {
    row,
    line: lineNumber,
    name,
    shard,
    batch_id: '',
    job_id: '',
    status: '',
    output_file_id: '',
    output_type: '',
    errors: [],
    warnings: [],
    ...rest,
  };
}

/**
 * One CSV cell. A text cell starting with = + - @, a tab or a CR is a formula to a spreadsheet
 * (names and error messages come from users and servers), so it gets a leading ' (OWASP's
 * advice for CSV injection); numbers are written as they are.
 */
export function csvField(value: string | number): string {
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(line: ReportLine): string {
  return `${REPORT_COLUMNS.map((column) => {
    const value = line[column];
    return csvField(Array.isArray(value) ? value.join(' | ') : value);
  }).join(',')}\n`;
}
