// `box-docgen generate`: its options, and the run that reads them, calls generate() and prints
// the summary.
import { existsSync, statSync } from 'node:fs';
import { createDownloader } from '@box-docgen/client/download';
import { id, int, required, str, type OptionTable } from '../args.js';
import { parseFor, type Command } from '../command.js';
import { client, checkToken } from '../connect.js';
import { encodingOf } from '../decode.js';
import { downloadAll, reportItems, type DownloadSummary } from '../download.js';
import { UsageError } from '../errors.js';
import { generate, type GenerateSummary } from '../generate.js';
import { EXIT, type Io } from '../io.js';
import { OUTPUT_TYPES, outputTypeOf } from '../output-type.js';
import { createProgress, progressMode, type Progress } from '../progress.js';
import { safeValue } from '../redact.js';
import { reportFormatOf } from '../report.js';
import { delimiterOf, formatOf } from '../rows.js';
import { parseShard } from '../shard.js';
import { signalExit, stopper } from '../signals.js';
import { templateCheck } from '../template-check.js';
import { batches, plural } from '../words.js';
import { printDownloads } from './download.js';
import { incomplete, printReport, unmappedNote } from './report.js';

const options: OptionTable = [
  { name: 'template', value: '<file_id>', required: true, help: 'the template file' },
  { name: 'folder', value: '<folder_id>', required: true, help: 'the folder the documents are written to' },
  {
    name: 'data',
    value: 'FILE',
    required: true,
    help: 'CSV with a header row (a dot in a column name nests: order.id, vendor.company; products.0.name makes an array) or JSONL (one JSON object per line)',
  },
  {
    name: 'name',
    value: 'PATTERN',
    required: true,
    help: "file name of each document, e.g. 'PO {order.id} {vendor.company}'; {path} reads the row, {{ }} are literal braces",
  },
  { name: 'output-type', value: OUTPUT_TYPES.join('|'), required: true, help: 'the documents’ file type' },
  { name: 'format', value: 'csv|jsonl', help: 'when the file name does not tell (.csv, .jsonl, .ndjson)' },
  {
    name: 'encoding',
    value: 'utf8|latin1',
    help: "how the file's bytes are read (default utf8: bytes that are not UTF-8 are an error naming the line; latin1 reads Latin-1 / Windows-1252)",
  },
  {
    name: 'delimiter',
    value: 'CHAR',
    help: 'the CSV field separator (default ,); ; is what spreadsheets write in many locales; \\t (or tab) for tab-separated files',
  },
  { name: 'template-version', value: 'ID', help: 'pin a version of the template' },
  { name: 'batch-size', value: 'N', help: 'rows per request (default 25, at most 1000)' },
  {
    name: 'concurrency',
    value: 'N',
    help: "requests in flight at most (default 16, at most 64); the pace is set by --max-rate or by Box's 429s",
  },
  {
    name: 'state',
    value: 'FILE',
    help: 'the ledger (default <data>.ledger.jsonl, or <data>.shard-K-of-N.ledger.jsonl)',
  },
  {
    name: 'shard',
    value: 'K/N',
    help: 'only rows i with i mod N = K (K from 0); run each shard on its own machine',
  },
  { name: 'skip-invalid', help: 'send the valid rows even when some are invalid' },
  {
    name: 'no-check',
    help: "do not check rows against the template's tags (by default a row missing a path a tag reads, or with a list where the template loops, is invalid; fields no tag reads are a warning)",
  },
  { name: 'retry-unknown', help: 'send again rows whose earlier outcome is unknown (check Box first)' },
  {
    name: 'retry-failed',
    help: 'send again rows whose jobs ended failed (their data may have been fixed; no other changed row is accepted, and a completed row is never resent)',
  },
  { name: 'retry-completed-with-error', help: 'with --retry-failed: also rows whose jobs completed with errors' },
  { name: 'wait', help: 'wait for every batch of the ledger and write the report' },
  {
    name: 'download',
    value: 'DIR',
    help: 'with --wait: download every generated document into DIR (as box-docgen download does)',
  },
  {
    name: 'report',
    value: 'FILE',
    help: 'report path (default <data>[.shard-K-of-N].report.csv); .jsonl for JSON lines',
  },
  { name: 'report-format', value: 'csv|jsonl', help: 'the report format when the file name does not tell' },
  { name: 'poll-interval', value: 'MS', help: 'first wait between polls (default 1000, growing)' },
  { name: 'wait-timeout', value: 'S', help: 'give up waiting for one batch after S seconds (default 600)' },
];

export const generateCommand: Command = {
  name: 'generate',
  summary: 'bulk document generation from a CSV or JSONL file, resumable without duplicates',
  options,
  about:
    'Every row is checked before anything is sent; the ledger records each batch before and after it is sent, so a rerun of the same command sends only what is left.',
  run,
};

async function run(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseFor(generateCommand, args);
  if (positionals.length > 0) throw new UsageError(`generate takes no positional arguments, got "${positionals[0]}"`);
  const data = required(v, 'data');
  if (data === '-')
    throw new UsageError(
      '--data - (stdin) cannot work: generate reads the input twice (validation, then submission); give a file',
    );
  if (!existsSync(data) || !statSync(data).isFile()) throw new UsageError(`--data ${data}: no such file`);
  const format = formatOf(data, str(v, 'format'));
  const encoding = encodingOf(str(v, 'encoding'));
  const delimiter = delimiterOf(str(v, 'delimiter'));
  if (format !== 'csv' && str(v, 'delimiter') !== undefined)
    throw new UsageError('--delimiter is for CSV input; this input is JSONL');
  const outputType = outputTypeOf(required(v, 'output-type'));
  if (v['retry-completed-with-error'] === true && v['retry-failed'] !== true)
    throw new UsageError('--retry-completed-with-error goes with --retry-failed');
  const downloadDir = str(v, 'download');
  if (downloadDir !== undefined && v.wait !== true)
    throw new UsageError('--download needs --wait: documents exist once their jobs have finished');
  const shardText = str(v, 'shard');
  const shard = shardText !== undefined ? parseShard(shardText) : undefined;
  const base = shard ? `${data}.shard-${shard.k}-of-${shard.n}` : data;
  const reportFormat = str(v, 'report-format');
  const report = str(v, 'report') ?? `${base}.report.${reportFormat === 'jsonl' ? 'jsonl' : 'csv'}`;
  const template = id(v, 'template');
  const folder = id(v, 'folder');
  const templateVersion = str(v, 'template-version');
  if (templateVersion !== undefined && !/^[0-9]+$/.test(templateVersion))
    throw new UsageError(`--template-version must be digits, got "${templateVersion}"`);
  const name = required(v, 'name');
  const batchSize = int(v, 'batch-size', 1, 1000, 25);
  const concurrency = int(v, 'concurrency', 1, 64, 16);
  const pollIntervalMs = int(v, 'poll-interval', 1, 600_000);
  const waitTimeoutS = int(v, 'wait-timeout', 1, 7 * 24 * 3600);
  let reportFormatChecked: ReturnType<typeof reportFormatOf>;
  try {
    reportFormatChecked = reportFormatOf(report, reportFormat);
  } catch (error) {
    throw new UsageError(`--report-format: ${(error as Error).message}`);
  }

  let progress: Progress | undefined;
  const log = (line: string) => (progress ? progress.log(line) : io.stderr.write(`${line}\n`));
  const { docgen, token, options } = client(v, io, log);
  await checkToken(token);
  // The tags are read before anything else, so a wrong template id stops the run at once.
  const checkInput = v['no-check'] === true ? undefined : await templateCheck(docgen, template, templateVersion);
  progress = createProgress({ mode: progressMode(io.stderr, v.quiet === true), stream: io.stderr });
  const stops = stopper(io, () => progress);
  let summary: GenerateSummary;
  let downloads: DownloadSummary | undefined;
  try {
    summary = await generate({
      docgen,
      template,
      templateVersion,
      folder,
      outputType,
      data,
      format,
      encoding,
      delimiter,
      name,
      batchSize,
      concurrency,
      state: str(v, 'state') ?? `${base}.ledger.jsonl`,
      shard,
      skipInvalid: v['skip-invalid'] === true,
      checkInput,
      retryUnknown: v['retry-unknown'] === true,
      retryFailed: v['retry-failed'] === true,
      retryCompletedWithError: v['retry-completed-with-error'] === true,
      wait: v.wait === true,
      report,
      reportFormat: reportFormatChecked,
      pollIntervalMs,
      waitTimeoutMs: waitTimeoutS === undefined ? undefined : waitTimeoutS * 1000,
      progress,
      stop: stops.stop,
      force: stops.force,
    });
    if (downloadDir !== undefined && summary.report && !summary.interrupted) {
      downloads = await downloadAll({
        downloader: createDownloader(options),
        items: reportItems(report),
        dir: downloadDir,
        ext: outputType,
        concurrency,
        progress,
        signal: stops.stop,
      });
    }
  } finally {
    progress.stop();
    stops.dispose();
  }

  const code = Math.max(generateExit(summary), downloads?.failed ? EXIT.failed : EXIT.ok);
  if (v.json === true) {
    io.stdout.write(
      `${JSON.stringify(safeValue({ command: 'generate', exitCode: code, ...summary, ...(downloads && { download: downloads }) }), null, 2)}\n`,
    );
    if (summary.report?.unmapped) io.stderr.write(`box-docgen: ${unmappedNote(summary.report)}\n`);
  } else {
    printGenerate(io, summary);
    if (downloads) printDownloads(io, downloads);
  }
  return code;
}

export function generateExit(s: GenerateSummary): number {
  if (s.interrupted) return signalExit(s.interrupted);
  if (s.failed.rows > 0 || s.stopped !== null || (s.report && (s.report.failed > 0 || incomplete(s.report))))
    return EXIT.failed;
  if (s.unknown.rows > 0 || s.unknownSkipped > 0 || (s.report && s.report.unknown > 0)) return EXIT.unknown;
  return EXIT.ok;
}

function printGenerate(io: Io, s: GenerateSummary): void {
  const out = (label: string, text: string) => io.stdout.write(`${label.padEnd(11)}${text}\n`);
  out(
    'input',
    `${s.input.path} (${s.input.format}): ${plural(s.input.rows, 'row')}${s.input.shard ? `, shard ${s.input.shard}: ${plural(s.input.rowsInShard, 'row')}` : ''}`,
  );
  if (s.invalid.rows) out('invalid', `${plural(s.invalid.rows, 'row')} skipped (--skip-invalid)`);
  if (s.alreadySubmitted || s.unknownSkipped) {
    out(
      'resumed',
      `${plural(s.alreadySubmitted, 'row')} already submitted${s.unknownSkipped ? `, ${s.unknownSkipped} with an unknown outcome skipped (see --retry-unknown)` : ''}`,
    );
  }
  if (s.resent) out('resent', `${plural(s.resent, 'row')} whose jobs failed (--retry-failed)`);
  out('submitted', `${plural(s.submitted.rows, 'row')} in ${batches(s.submitted.batches)}`);
  if (s.failed.rows)
    out('failed', `${plural(s.failed.rows, 'row')} in ${batches(s.failed.batches)} (a rerun sends them again)`);
  if (s.unknown.rows)
    out(
      'unknown',
      `${plural(s.unknown.rows, 'row')} in ${batches(s.unknown.batches)}: Box may or may not have generated them`,
    );
  if (s.notSent) out('not sent', `${plural(s.notSent, 'row')} (rerun the same command to send them)`);
  if (s.stopped) out('stopped', s.stopped);
  if (s.interrupted) out('interrupted', `${s.interrupted}; rerun the same command to resume`);
  if (s.report) printReport(io, s.report);
  out('ledger', s.state);
  out('time', `${(s.elapsedMs / 1000).toFixed(1)} s`);
}
