// `box-docgen report`: merges ledgers (shards, runs) into one report.
import { int, str, type OptionTable } from '../args.js';
import { parseFor, type Command } from '../command.js';
import { client, checkToken } from '../connect.js';
import { UsageError } from '../errors.js';
import { EXIT, type Io } from '../io.js';
import { createProgress, progressMode, type Progress } from '../progress.js';
import { safeValue } from '../redact.js';
import { reportFormatOf, writeReport, type ReportSummary } from '../report.js';
import { signalExit, stopper } from '../signals.js';
import { batches, plural } from '../words.js';

const options: OptionTable = [
  {
    name: 'state',
    value: 'LEDGER',
    multiple: true,
    help: 'a ledger to read (repeatable; ledgers may also be given as arguments)',
  },
  { name: 'output', short: 'o', value: 'FILE|-', help: 'where the report goes (default -, stdout)' },
  { name: 'format', value: 'csv|jsonl', help: 'the report format (default: from the file name; csv on stdout)' },
  { name: 'wait', help: 'wait for unfinished jobs before writing their lines' },
  { name: 'offline', help: 'read the ledgers only: no request to Box (no job ids)' },
  { name: 'concurrency', value: 'N', help: 'batches looked up at once (default 4, at most 32)' },
  { name: 'poll-interval', value: 'MS', help: 'with --wait: first wait between polls (default 1000, growing)' },
  { name: 'wait-timeout', value: 'S', help: 'with --wait: give up on one batch after S seconds (default 600)' },
];

export const reportCommand: Command = {
  name: 'report',
  summary: 'merge ledgers (shards, runs) into one report',
  forms: ['LEDGER ...'],
  options,
  about:
    'One line per row: row, line, name, shard, batch_id, job_id, status, output_file_id, output_type, errors, warnings. The jobs are looked up in Box unless --offline.',
  run,
};

/** After waiting, a row still unfinished or not matched to a job is a failure to complete. */
export const incomplete = (r: ReportSummary) => r.unfinished > 0 || r.unmapped > 0;

export function unmappedNote(r: ReportSummary): string {
  return (
    `the report is incomplete: ${plural(r.unmapped, 'row')} could not be matched to jobs, because ${batches(r.unmappedBatches)} listed a different number of jobs than rows; ` +
    'their rows are reported by batch (box-docgen report <ledger> --wait may match them later)'
  );
}

export function printReport(io: Io, r: ReportSummary): void {
  const out = (label: string, text: string) => io.stdout.write(`${label.padEnd(11)}${text}\n`);
  const statuses = Object.entries(r.statuses)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  out(
    'report',
    `${r.output === '-' ? 'stdout' : r.output}: ${plural(r.rows, 'row')}${statuses ? ` (${statuses})` : ''}`,
  );
  if (r.unmapped) out('', unmappedNote(r));
  if (r.unfinished) out('', `${plural(r.unfinished, 'row')} whose jobs had not finished`);
  if (r.notSubmitted) out('', `${plural(r.notSubmitted, 'row')} of the input not in the ledger yet (rerun generate)`);
  for (const warning of r.warnings) out('warning', warning);
}

async function run(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseFor(reportCommand, args);
  const ledgers = [...((v.state as string[] | undefined) ?? []), ...positionals];
  if (ledgers.length === 0)
    throw new UsageError('report needs at least one ledger: box-docgen report a.ledger.jsonl b.ledger.jsonl');
  const output = str(v, 'output') ?? '-';
  const json = v.json === true;
  if (json && output === '-')
    throw new UsageError('--json prints the summary on stdout, so give the report a file with --output');
  if (v.offline && v.wait) throw new UsageError('--offline and --wait do not go together');
  let format: ReturnType<typeof reportFormatOf>;
  try {
    format = reportFormatOf(output, str(v, 'format'));
  } catch (error) {
    throw new UsageError(`--format: ${(error as Error).message}`);
  }
  const concurrency = int(v, 'concurrency', 1, 32, 4);
  const pollIntervalMs = int(v, 'poll-interval', 1, 600_000);
  const waitTimeoutS = int(v, 'wait-timeout', 1, 7 * 24 * 3600);
  let progress: Progress | undefined;
  const log = (line: string) => (progress ? progress.log(line) : io.stderr.write(`${line}\n`));
  let docgen: ReturnType<typeof client>['docgen'] | undefined;
  if (!v.offline) {
    const made = client(v, io, log);
    await checkToken(made.token);
    docgen = made.docgen;
  }
  progress = createProgress({ mode: progressMode(io.stderr, v.quiet === true || !v.wait), stream: io.stderr });
  const stops = stopper(io, () => progress);
  let summary: ReportSummary;
  try {
    summary = await writeReport({
      ledgers,
      output,
      format,
      docgen,
      wait: v.wait === true,
      concurrency,
      pollIntervalMs,
      waitTimeoutMs: waitTimeoutS === undefined ? undefined : waitTimeoutS * 1000,
      signal: stops.stop,
      progress,
      stdout: io.stdout,
    });
  } catch (error) {
    if (stops.stop.aborted) return signalExit(String(stops.stop.reason));
    throw error;
  } finally {
    progress.stop();
    stops.dispose();
  }
  const code =
    summary.failed > 0 || (v.wait && incomplete(summary)) ? EXIT.failed : summary.unknown > 0 ? EXIT.unknown : EXIT.ok;
  if (json) {
    io.stdout.write(`${JSON.stringify(safeValue({ command: 'report', exitCode: code, ...summary }), null, 2)}\n`);
    if (summary.unmapped) io.stderr.write(`box-docgen: ${unmappedNote(summary)}\n`);
  } else if (output === '-') {
    const statuses = Object.entries(summary.statuses)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    io.stderr.write(
      `${summary.rows} rows from ${summary.ledgers.length} ledger(s)${statuses ? `: ${statuses}` : ''}\n`,
    );
    if (summary.notSubmitted) io.stderr.write(`${summary.notSubmitted} rows of the input are not in the ledgers yet\n`);
    if (summary.unmapped) io.stderr.write(`${unmappedNote(summary)}\n`);
    for (const warning of summary.warnings) io.stderr.write(`warning: ${warning}\n`);
  } else printReport(io, summary);
  return code;
}
