// Documents to disk: each generated file of a report or of the ledgers of a run (or of generate's
// own report) downloaded into one folder as `<generated_file_name>.<output type>`. A file is written to a temporary
// name, flushed, then renamed, so a file under its own name is always complete and a rerun skips
// it (resumable); at most `concurrency` downloads at once; one clear line per failure.

import {
  closeSync,
  createWriteStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DocGenClient } from '@box-docgen/client';
import type { Downloader } from '@box-docgen/client/download';
import type { Progress } from './progress.js';
import { pull } from './pull.js';
import { safeText } from './redact.js';
import { collectReport, type ReportLine } from './report.js';
import { formatOf, readRows } from './rows.js';

export interface DownloadItem {
  /** The output file's id; empty for a row without a document (its job failed or has not finished). */
  fileId: string;
  /** The generated_file_name (without extension). */
  name: string;
  /** The output type the run recorded (pdf, docx); absent in reports of earlier versions. */
  ext?: string;
  /** Why the row's output file is not known (its batch could not be looked up). */
  error?: string;
}

export interface DownloadSummary {
  dir: string;
  /** Files the input lists (rows with an output file). */
  files: number;
  downloaded: number;
  /** Already on disk from an earlier run. */
  skipped: number;
  failed: number;
  /** Rows without an output file (a failed or unfinished job, a batch not sent): nothing to download. */
  noDocument: number;
  errors: string[];
  /** Stopped by a signal: files not reached are left for a rerun. */
  interrupted: boolean;
}

/** The report's rows. A CSV report's cells lose the ' that kept them from being formulas. */
export async function* reportItems(path: string): AsyncGenerator<DownloadItem> {
  const format = formatOf(path);
  for await (const row of readRows(path, format)) {
    if (row.error !== undefined) throw new Error(`${path} line ${row.line}: ${row.error}`);
    const cell = (key: string) => {
      const value = row.data[key];
      const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
      return format === 'csv' && /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
    };
    const ext = cell('output_type');
    yield { fileId: cell('output_file_id'), name: cell('name'), ...(ext && { ext }) };
  }
}

const itemOf = (line: ReportLine): DownloadItem => ({
  fileId: line.output_file_id,
  name: line.name,
  ...(line.output_type && { ext: line.output_type }),
  ...(line.status === 'lookup_failed' && { error: line.errors.join(' | ') }),
});

/**
 * The rows of a run's ledgers (several: shards, merged), with their jobs looked up in Box once,
 * as `box-docgen report` does: the ledger records batches, Box knows their output files.
 */
export function ledgerItems(
  ledgers: string[],
  docgen: DocGenClient,
  o: { concurrency: number; signal?: AbortSignal },
): AsyncGenerator<DownloadItem> {
  return pull<DownloadItem>((push) =>
    collectReport({ ledgers, docgen, wait: false, concurrency: o.concurrency, signal: o.signal }, (line) =>
      push(itemOf(line)),
    ),
  );
}

/** Whether `path` is a ledger (its first line is a ledger record) rather than a report. */
export function isLedger(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const first = head
      .subarray(0, readSync(fd, head, 0, head.length, 0))
      .toString('utf8')
      .split('\n')[0]!;
    const record: unknown = JSON.parse(first);
    return typeof record === 'object' && record !== null && typeof (record as { t?: unknown }).t === 'string';
  } catch {
    return false; // a CSV report, or a JSON lines report whose first line is a report line
  } finally {
    closeSync(fd);
  }
}

/** Why a name cannot be a file in the folder, or undefined. Names from --name patterns never fail this. */
const badName = (name: string) =>
  !name.trim()
    ? 'it is empty'
    : /[\\/\0\r\n]/.test(name) || name === '.' || name === '..'
      ? 'it is not a plain file name'
      : undefined;

export async function downloadAll(o: {
  downloader: Downloader;
  items: AsyncIterable<DownloadItem> | Iterable<DownloadItem>;
  dir: string;
  /** The file type for every document; default: what the report or ledger recorded for each. */
  ext?: string;
  concurrency: number;
  progress?: Progress;
  signal?: AbortSignal;
}): Promise<DownloadSummary> {
  mkdirSync(o.dir, { recursive: true });
  const summary: DownloadSummary = {
    dir: o.dir,
    files: 0,
    downloaded: 0,
    skipped: 0,
    failed: 0,
    noDocument: 0,
    errors: [],
    interrupted: false,
  };
  const log = (line: string) => o.progress?.log(safeText(line));
  const fail = (item: DownloadItem, why: string) => {
    summary.failed++;
    const line = `download failed: "${item.name}" (file ${item.fileId}): ${why}`;
    if (summary.errors.length < 50) summary.errors.push(line);
    log(line);
  };
  const claimed = new Map<string, string>();

  async function one(item: DownloadItem): Promise<void> {
    const bad = badName(item.name);
    if (bad) return fail(item, `the file name cannot be used: ${bad}`);
    const ext = o.ext ?? item.ext;
    if (!ext)
      return fail(item, 'the report does not say the output type (an earlier box-docgen wrote it): pass --output-type');
    const file = `${item.name}.${ext}`;
    const other = claimed.get(file);
    if (other !== undefined && other !== item.fileId)
      return fail(item, `file ${other} has the same name ${file}; give the rows unique --name values`);
    claimed.set(file, item.fileId);
    const target = join(o.dir, file);
    if (existsSync(target)) {
      summary.skipped++;
      return;
    }
    const temp = join(o.dir, `.${file}.part`);
    try {
      const { body } = await o.downloader.download(item.fileId, { signal: o.signal });
      await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), createWriteStream(temp), {
        signal: o.signal,
      });
      const fd = openSync(temp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
      summary.downloaded++;
    } catch (error) {
      rmSync(temp, { force: true });
      // Stopped: not a failure of this file, which a rerun downloads.
      if (o.signal?.aborted) return;
      fail(item, error instanceof Error ? error.message : String(error));
    }
  }

  // A pool of `concurrency` workers over one iterator: the input is read as files are done.
  const iterator = (
    Symbol.asyncIterator in o.items
      ? o.items[Symbol.asyncIterator]()
      : (o.items as Iterable<DownloadItem>)[Symbol.iterator]()
  ) as AsyncIterator<DownloadItem> | Iterator<DownloadItem>;
  let done = 0;
  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      const next = await iterator.next();
      if (next.done) return;
      if (!next.value.fileId) {
        if (next.value.error === undefined) summary.noDocument++;
        else {
          summary.files++;
          fail(next.value, next.value.error);
        }
        continue;
      }
      summary.files++;
      await one(next.value);
      done++;
      if (done % 25 === 0)
        log(
          `downloads: ${done} done (${summary.downloaded} written, ${summary.skipped} already there, ${summary.failed} failed)`,
        );
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  summary.interrupted = !!o.signal?.aborted;
  return summary;
}
