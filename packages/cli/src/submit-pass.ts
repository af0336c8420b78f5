// generate, pass 2 (submission, streaming again): rows of this shard that still need sending
// are grouped into batches; at most --concurrency POSTs are in flight, and the reader waits for
// a free slot, so memory holds concurrency × batch-size rows, never the file.
// Each batch: intent record (on disk) → POST → submitted / unknown / failed record (on disk).
//
// A stop request (SIGINT/SIGTERM) stops the reading; POSTs in flight finish and are recorded.
// A forced stop (a second signal) aborts them, and they are recorded as unknown.
import type { DocGenBatchCreateRequest } from '@box-docgen/client';
import { DocGenApiError, DocGenConnectionError, DocGenValidationError } from '@box-docgen/client';
import { describeError } from './explain.js';
import { TokenError } from './errors.js';
import type { PassContext } from './generate.js';
import { RowState, type IntentRow, type LedgerWriter } from './ledger.js';
import { prepareRow } from './prepare-row.js';
import { readRows } from './rows.js';
import { inShard } from './shard.js';
import { rowsText } from './words.js';

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

const now = () => new Date().toISOString();

export async function submitPass(
  { o, ledger, pattern, resend, summary }: PassContext,
  writer: LedgerWriter,
  run: string,
): Promise<void> {
  const maxConsecutive = o.maxConsecutiveErrors ?? 3;
  const inflight = new Set<Promise<void>>();
  let sequence = 0;
  let consecutiveErrors = 0;
  let fatal: unknown;
  let invalid: { i: number; line: number; error: string }[] = [];
  let batch: Prepared[] = [];
  let sent = 0;
  const stopped = () => o.stop.aborted || summary.stopped !== null || fatal !== undefined;
  const flushInvalid = async () => {
    if (invalid.length === 0) return;
    const rows = invalid;
    invalid = [];
    await writer.append({ t: 'invalid', at: now(), rows });
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
    const intent = {
      t: 'intent' as const,
      key,
      at: now(),
      rows: intentRows,
      ...(rows.some((r) => r.retry) && { retry: true }),
      ...(rows.some((r) => r.resend) && { resend: true }),
    };
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
    const post = async () => {
      // On disk before the request leaves: a crash from here on leaves an intent without an
      // outcome, which is "unknown". A ledger that cannot be written stops the run before it.
      await writer.append(intent);
      sent += rows.length;
      let batchId: string;
      try {
        batchId = (await o.docgen.batches.create(body, { signal: o.force })).id;
      } catch (error) {
        const outcome = classify(error, o.force);
        await writer.append({ t: outcome.t, key, at: now(), rows: indexes, ...outcome.fields });
        const bucket = outcome.t === 'failed' ? summary.failed : summary.unknown;
        bucket.rows += rows.length;
        bucket.batches++;
        // The rows this batch really held: a skipped row in between is not one of them.
        const message = `batch ${key} (${rowsText(indexes)}): ${outcome.fields.error}`;
        if (bucket.errors.length < 20) bucket.errors.push(message);
        o.progress.log(`${outcome.t === 'failed' ? 'failed' : 'outcome unknown'}: ${message}`);
        consecutiveErrors++;
        if (outcome.systemic && summary.stopped === null) {
          summary.stopped = `Box answered ${outcome.fields.status}, which every other batch would get too; stopped submitting`;
        } else if (consecutiveErrors >= maxConsecutive && summary.stopped === null) {
          summary.stopped = `${consecutiveErrors} batches in a row failed or ended unknown; stopped submitting`;
        }
        return;
      }
      await writer.append({ t: 'submitted', key, at: now(), rows: indexes, batch: batchId });
      summary.submitted.rows += rows.length;
      summary.submitted.batches++;
      consecutiveErrors = 0;
    };
    const task = post()
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
    for await (const row of readRows(o.data, o.format, o.encoding, o.delimiter)) {
      if (stopped()) break;
      if (!inShard(row.index, o.shard)) continue;
      const prepared = prepareRow(row, pattern, o.checkInput);
      const before = ledger.rows.get(row.index);
      if ('error' in prepared) {
        if (before === RowState.None) {
          invalid.push({ i: row.index, line: row.line, error: prepared.error });
          if (invalid.length >= 100) await flushInvalid();
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
    await flushInvalid();
    if (batch.length > 0 && !stopped()) {
      await slot();
      if (!stopped()) launch(batch);
    }
  } finally {
    // Every POST that left is recorded before the run ends.
    await Promise.all(inflight);
  }
  if (fatal !== undefined) throw fatal;
  if (o.stop.aborted) summary.interrupted = typeof o.stop.reason === 'string' ? o.stop.reason : 'interrupted';
  summary.notSent = summary.planned - sent;
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
    return {
      t: error.outcomeUnknown ? 'unknown' : 'failed',
      systemic: false,
      fields: { error: describeError(error) },
    };
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
