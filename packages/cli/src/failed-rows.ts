// --retry-failed: which rows of the ledger Box generated nothing (or, with
// --retry-completed-with-error, something with errors) for. The ledger does not know job
// outcomes, so the batches are looked up once, as `box-docgen report` would, into a temporary
// report; only rows whose job is known to have ended so are returned, never one whose job
// completed, is unfinished, or could not be looked up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocGenClient, DocGenJobStatus } from '@box-docgen/client';
import type { LedgerState } from './ledger.js';
import { ledgerRecords } from './ledger.js';
import { writeReport, type ReportLine } from './report.js';

/** The final statuses a resend may replace; typed by the spec's status enum. */
const FAILED: DocGenJobStatus = 'failed';
const WITH_ERRORS: DocGenJobStatus = 'completed_with_error';

export async function failedRows(o: {
  state: string;
  ledger: LedgerState;
  docgen: DocGenClient;
  concurrency: number;
  withErrors: boolean;
  signal?: AbortSignal;
}): Promise<Set<number>> {
  const dir = mkdtempSync(join(tmpdir(), 'box-docgen-retry-'));
  try {
    const output = join(dir, 'report.jsonl');
    await writeReport({
      ledgers: [o.state],
      state: o.ledger,
      output,
      format: 'jsonl',
      docgen: o.docgen,
      wait: false,
      concurrency: o.concurrency,
      signal: o.signal,
    });
    const wanted = new Set<string>(o.withErrors ? [FAILED, WITH_ERRORS] : [FAILED]);
    const rows = new Set<number>();
    // The report's lines, read back as records (one JSON object a line).
    for await (const line of ledgerRecords(output) as AsyncGenerator<unknown>) {
      const { row, status } = line as ReportLine;
      if (wanted.has(status)) rows.add(row);
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
