// `box-docgen download`: the documents of a report, or of a run's ledgers, into one folder.
import { existsSync, statSync } from 'node:fs';
import { createDownloader } from '@box-docgen/client/download';
import { int, required, str, type OptionTable } from '../args.js';
import { parseFor, type Command } from '../command.js';
import { client, checkToken } from '../connect.js';
import { downloadAll, isLedger, ledgerItems, reportItems, type DownloadSummary } from '../download.js';
import { UsageError } from '../errors.js';
import { EXIT, type Io } from '../io.js';
import { OUTPUT_TYPES, outputTypeOf } from '../output-type.js';
import { createProgress, progressMode } from '../progress.js';
import { safeValue } from '../redact.js';
import { signalExit, stopper } from '../signals.js';
import { plural } from '../words.js';

const options: OptionTable = [
  { name: 'dir', value: 'DIR', required: true, help: 'the folder the documents are written to (made if missing)' },
  {
    name: 'output-type',
    value: OUTPUT_TYPES.join('|'),
    help: 'the file type of every document; by default the one the report or ledger recorded for each row',
  },
  { name: 'concurrency', value: 'N', help: 'downloads at once (default 4, at most 32)' },
];

export const downloadCommand: Command = {
  name: 'download',
  summary: 'write the generated documents of a report or of a run’s ledgers to a folder',
  forms: ['REPORT|LEDGER ...'],
  options,
  about:
    'Each row with an output file becomes DIR/<name>.<output type>, from the row’s generated_file_name and the output type the run recorded. ' +
    'Ledgers (several shards at once) are read as box-docgen report reads them: the jobs of their batches are looked up in Box. ' +
    'A file is written under a temporary name and renamed when complete, so a rerun skips finished files; one line per failure, exit 1 if any failed.',
  run,
};

export function printDownloads(io: Io, d: DownloadSummary): void {
  io.stdout.write(
    `${'download'.padEnd(11)}${d.dir}: ${plural(d.downloaded, 'file')} written, ${d.skipped} already there, ${d.failed} failed (of ${d.files})${d.noDocument ? `; ${plural(d.noDocument, 'row')} without a document` : ''}${d.interrupted ? '; interrupted, rerun to finish' : ''}\n`,
  );
}

async function run(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseFor(downloadCommand, args);
  if (positionals.length === 0)
    throw new UsageError('download needs a report or ledgers: box-docgen download run.report.jsonl --dir out');
  for (const file of positionals)
    if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file}: no such report or ledger`);
  const dir = required(v, 'dir');
  const given = str(v, 'output-type');
  const ext = given === undefined ? undefined : outputTypeOf(given);
  const concurrency = int(v, 'concurrency', 1, 32, 4);
  const ledgers = positionals.filter(isLedger);
  const reports = positionals.filter((file) => !ledgers.includes(file));
  const progress = createProgress({ mode: progressMode(io.stderr, v.quiet === true), stream: io.stderr });
  const { docgen, token, options } = client(v, io, (line) => progress.log(line));
  await checkToken(token);
  const stops = stopper(io, () => progress);
  let summary: DownloadSummary;
  try {
    const items = (async function* () {
      for (const file of reports) yield* reportItems(file);
      if (ledgers.length) yield* ledgerItems(ledgers, docgen, { concurrency, signal: stops.stop });
    })();
    summary = await downloadAll({
      downloader: createDownloader(options),
      items,
      dir,
      ext,
      concurrency,
      progress,
      signal: stops.stop,
    });
  } finally {
    progress.stop();
    stops.dispose();
  }
  const code = summary.interrupted
    ? signalExit(typeof stops.stop.reason === 'string' ? stops.stop.reason : null)
    : summary.failed
      ? EXIT.failed
      : EXIT.ok;
  if (v.json === true)
    io.stdout.write(`${JSON.stringify(safeValue({ command: 'download', exitCode: code, ...summary }), null, 2)}\n`);
  else printDownloads(io, summary);
  return code;
}
