// Documents to disk: each generated file of a report (or of generate's own report) downloaded
// into one folder as `<generated_file_name>.<output type>`. A file is written to a temporary
// name, flushed, then renamed, so a file under its own name is always complete and a rerun skips
// it (resumable); at most `concurrency` downloads at once; one clear line per failure.

import { mkdirSync, existsSync, createWriteStream, renameSync, rmSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Downloader } from '@box-docgen/client/download';
import type { Progress } from './progress.js';
import { readRows, formatOf } from './rows.js';
import { safeText } from './redact.js';

export interface DownloadItem {
  fileId: string;
  /** The generated_file_name (without extension). */
  name: string;
}

export interface DownloadSummary {
  dir: string;
  /** Files the input lists (rows with an output file). */
  files: number;
  downloaded: number;
  /** Already on disk from an earlier run. */
  skipped: number;
  failed: number;
  errors: string[];
  /** Stopped by a signal: files not reached are left for a rerun. */
  interrupted: boolean;
}

/** The report's rows that have an output file. A CSV report's cells lose the ' that kept them from being formulas. */
export async function* reportItems(path: string): AsyncGenerator<DownloadItem> {
  const format = formatOf(path);
  for await (const row of readRows(path, format)) {
    if (row.error !== undefined) throw new Error(`${path} line ${row.line}: ${row.error}`);
    const cell = (key: string) => {
      const value = row.data[key];
      const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
      return format === 'csv' && /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
    };
    const fileId = cell('output_file_id');
    if (fileId) yield { fileId, name: cell('name') };
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
  ext: string;
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
    const file = `${item.name}.${o.ext}`;
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
