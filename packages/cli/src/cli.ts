#!/usr/bin/env node
// box-docgen: argv parsing (node:util parseArgs), the token, the client, dispatch, exit codes.
//
// Exit codes: 0 done · 1 something failed (a job, a submission, a request), or a report left
// incomplete after --wait (rows unfinished or not matched to jobs) · 2 bad usage,
// bad input or a refused run (nothing sent) · 3 done, but some rows have an unknown outcome ·
// 130 stopped by SIGINT · 143 stopped by SIGTERM.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createPacer } from '@box-docgen/client/pacing';
import {
  createDocGenClient,
  DocGenError,
  endpoints,
  type DocGenClient,
  type DocGenClientOptions,
  type Logger,
  type OutputType,
  type TokenSource,
} from '@box-docgen/client';
import { jobsGet, jobsList } from './commands/jobs.js';
import { templatesList, templatesMark, templatesTags, templatesUnmark } from './commands/templates.js';
import { typesCommand } from './commands/types.js';
import { encodingOf } from './decode.js';
import { generate, parseShard, RefusedError, TokenError, UsageError, type GenerateSummary } from './generate.js';
import { LedgerError } from './ledger.js';
import { NamePatternError } from './name-pattern.js';
import { createProgress, progressMode, type Progress } from './progress.js';
import { redact, redactStream, rememberTokens, safeText, safeValue } from './redact.js';
import { reportFormatOf, writeReport, type ReportSummary } from './report.js';
import { formatOf, InputError } from './rows.js';
import { templateCheck } from './template-check.js';
import { signIn } from './sign-in.js';
import { DocGenAuthError } from '@box-docgen/client/auth';
import { createDownloader } from '@box-docgen/client/download';
import { downloadAll, reportItems, type DownloadSummary } from './download.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, unknown: 3, SIGINT: 130, SIGTERM: 143 } as const;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  /** Where SIGINT/SIGTERM come from; default `process`. Tests pass an EventEmitter. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

const USAGE = `box-docgen — bulk document generation with Box Doc Gen

usage:
  box-docgen generate --template <file_id> --folder <folder_id> --data <rows.csv|rows.jsonl>
                      --name '<pattern, e.g. PO {order.id} {vendor.company}>' --output-type pdf|docx
                      [--encoding utf8|latin1] [--batch-size N] [--concurrency N] [--state FILE] [--shard K/N]
                      [--skip-invalid] [--no-check] [--retry-unknown] [--retry-failed] [--wait] [--report FILE] [--json]
  box-docgen report [LEDGER ...] [--state LEDGER ...] [--output FILE|-] [--wait] [--offline] [--json]
  box-docgen download REPORT ... --dir DIR --output-type pdf|docx [--concurrency N] [--json]
  box-docgen jobs list [--template ID | --batch ID] [--max N] [--json]
  box-docgen jobs get <job_id> [--json]
  box-docgen templates list [--max N] [--json]
  box-docgen templates tags <template_id> [--template-version ID] [--json]
  box-docgen templates mark <file_id> [--json]
  box-docgen templates unmark <template_id> [--json]
  box-docgen types --template <template_id> [--template-version ID] [--out FILE] [--type-name NAME]

generate:
  --data FILE            CSV with a header row (a dot in a column name nests: order.id, vendor.company;
                         products.0.name makes an array) or JSONL (one JSON object per line)
  --format csv|jsonl     when the file name does not tell (.csv, .jsonl, .ndjson)
  --encoding utf8|latin1 how the file's bytes are read (default utf8: bytes that are not UTF-8 are
                         an error naming the line; latin1 reads Latin-1 / Windows-1252)
  --name PATTERN         file name of each document; {path} reads the row, {{ }} are literal braces
  --template-version ID  pin a version of the template
  --batch-size N         rows per request (default 25, at most 1000)
  --concurrency N        requests in flight at most (default 16, at most 64); the pace is set by
                         --max-rate or by Box's 429s
  --state FILE           the ledger (default <data>.ledger.jsonl, or <data>.shard-K-of-N.ledger.jsonl)
  --shard K/N            only rows i with i mod N = K (K from 0); run each shard on its own machine
  --skip-invalid         send the valid rows even when some are invalid
  --no-check             do not check rows against the template's tags (by default a row missing a
                         path a tag reads, or with a list where the template loops, is invalid;
                         fields no tag reads are a warning)
  --retry-unknown        send again rows whose earlier outcome is unknown (check Box first)
  --retry-failed         send again rows whose jobs ended failed (their data may have been fixed;
                         no other changed row is accepted, and a completed row is never resent)
  --retry-completed-with-error  with --retry-failed: also rows whose jobs completed with errors
  --wait                 wait for every batch of the ledger and write the report
  --download DIR         with --wait: download every generated document into DIR (see download)
  --report FILE          report path (default <data>[.shard-K-of-N].report.csv); .jsonl for JSON lines
  --poll-interval MS     first wait between polls (default 1000, growing)
  --wait-timeout S       give up waiting for one batch after S seconds (default 600)
  --quiet                no progress output

types:
  writes a TypeScript interface of the template's user_input (default name UserInput) from its
  tags, to --out (written whole, then renamed) or stdout; use it as docgen.batches.create<UserInput>()

download:
  writes the output file of every report row that has one to DIR/<name>.<output type>; a file is
  written under a temporary name and renamed when complete, so a rerun skips finished files;
  --concurrency N downloads at once (default 4); one line per failure, exit 1 if any failed

report:
  merges ledgers (shards) into one report; --wait waits for unfinished jobs, --offline
  reads the ledgers only; --output - (default) writes to stdout

common:
  --auth KIND            how to sign in (default developer), from the environment:
                           developer  BOX_DEVELOPER_TOKEN (lasts 60 minutes)
                           ccg        BOX_CLIENT_ID, BOX_CLIENT_SECRET, BOX_ENTERPRISE_ID (or BOX_USER_ID)
                           jwt        BOX_JWT_CONFIG (path to the app's config JSON), BOX_USER_ID optional
                           oauth      BOX_CLIENT_ID, BOX_CLIENT_SECRET, BOX_OAUTH_TOKEN_FILE (a file with the
                                      refresh token; rewritten with each new one)
                         BOX_AUTH_BASE_URL: another token endpoint (default https://api.box.com)
  --token-command CMD    run CMD (in a shell) for a token instead of reading BOX_DEVELOPER_TOKEN
  --base-url URL         API base URL (default BOX_DOCGEN_BASE_URL or https://api.box.com/2.0)
  --max-retries N        retries of a request (default 5; a generate POST is only retried on 429)
  --max-rate N           requests per second at most, for a known quota; without it the rate is
                         found from Box's 429s, which pause every request for their Retry-After
  --timeout MS           per request attempt (default 60000)
  --json                 machine-readable output on stdout
  --verbose              log every request to stderr
  -h, --help             this text;  --version  the version

exit codes: 0 ok, 1 failures, 2 bad usage/input (nothing sent), 3 unknown outcomes, 130/143 signals`;

const COMMON: ParseArgsConfig['options'] = {
  auth: { type: 'string' },
  'token-command': { type: 'string' },
  'base-url': { type: 'string' },
  'max-retries': { type: 'string' },
  'max-rate': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const GENERATE: ParseArgsConfig['options'] = {
  ...COMMON,
  template: { type: 'string' },
  'template-version': { type: 'string' },
  folder: { type: 'string' },
  data: { type: 'string' },
  format: { type: 'string' },
  encoding: { type: 'string' },
  name: { type: 'string' },
  'output-type': { type: 'string' },
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  state: { type: 'string' },
  shard: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  'no-check': { type: 'boolean' },
  'retry-unknown': { type: 'boolean' },
  'retry-failed': { type: 'boolean' },
  'retry-completed-with-error': { type: 'boolean' },
  wait: { type: 'boolean' },
  download: { type: 'string' },
  report: { type: 'string' },
  'report-format': { type: 'string' },
  'poll-interval': { type: 'string' },
  'wait-timeout': { type: 'string' },
};

const REPORT: ParseArgsConfig['options'] = {
  ...COMMON,
  state: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  wait: { type: 'boolean' },
  offline: { type: 'boolean' },
  concurrency: { type: 'string' },
  'poll-interval': { type: 'string' },
  'wait-timeout': { type: 'string' },
};

const DOWNLOAD: ParseArgsConfig['options'] = {
  ...COMMON,
  dir: { type: 'string' },
  'output-type': { type: 'string' },
  concurrency: { type: 'string' },
};
const JOBS: ParseArgsConfig['options'] = {
  ...COMMON,
  template: { type: 'string' },
  batch: { type: 'string' },
  max: { type: 'string' },
};
const TYPES: ParseArgsConfig['options'] = {
  ...COMMON,
  template: { type: 'string' },
  'template-version': { type: 'string' },
  out: { type: 'string' },
  'type-name': { type: 'string' },
};
const TEMPLATES: ParseArgsConfig['options'] = {
  ...COMMON,
  'template-version': { type: 'string' },
  max: { type: 'string' },
};

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], options: ParseArgsConfig['options']): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const str = (v: Values, key: string) => (typeof v[key] === 'string' ? (v[key] as string) : undefined);

function required(v: Values, key: string): string {
  const value = str(v, key)?.trim();
  if (!value) throw new UsageError(`--${key} is required`);
  return value;
}

function int(v: Values, key: string, min: number, max: number, fallback: number): number;
function int(v: Values, key: string, min: number, max: number, fallback?: number): number | undefined;
function int(v: Values, key: string, min: number, max: number, fallback?: number): number | undefined {
  const text = str(v, key);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${key} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function id(v: Values, key: string): string {
  const value = required(v, key);
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`--${key} must be a Box id (digits), got "${value}"`);
  return value;
}

function positionalId(positionals: string[], what: string): string {
  const value = positionals[0]?.trim();
  if (!value) throw new UsageError(`missing <${what}>`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  return value;
}

// ---------------------------------------------------------------------------------------
// Token and client

/** A token source that runs `command` in a shell; its trimmed stdout is the token. Run again on a 401. */
export function tokenFromCommand(command: string, env: Record<string, string | undefined>): TokenSource {
  let current: Promise<string> | undefined;
  const run = () =>
    new Promise<string>((resolve, reject) => {
      execFile(
        command,
        { shell: true, timeout: 60_000, maxBuffer: 1 << 20, encoding: 'utf8', env: env as NodeJS.ProcessEnv },
        (error, stdout, stderr) => {
          if (error) {
            const detail = stderr.trim().split('\n')[0]?.slice(0, 300) || error.message;
            const how = (error as { killed?: boolean }).killed
              ? 'timed out'
              : `failed (exit code ${String((error as { code?: unknown }).code ?? '?')})`;
            reject(new TokenError(`--token-command ${how}: ${detail}`));
            return;
          }
          const token = stdout.trim();
          if (!token) reject(new TokenError('--token-command printed nothing: it must print a token on stdout'));
          else if (/\s/.test(token))
            reject(new TokenError('--token-command printed more than one word: it must print only the token'));
          else resolve(token);
        },
      );
    });
  return ({ forceRefresh }) => {
    if (!current || forceRefresh) {
      const attempt = run();
      current = attempt;
      attempt.catch(() => {
        if (current === attempt) current = undefined; // a failure is not cached
      });
    }
    return current;
  };
}

/** The token, remembered (redact.ts) so that no output can carry it. */
function tokenSource(v: Values, env: Record<string, string | undefined>): TokenSource {
  const auth = str(v, 'auth');
  if (auth !== undefined && str(v, 'token-command') !== undefined)
    throw new UsageError('--auth and --token-command are two ways to get a token: give one');
  if (auth !== undefined) return signIn(auth.trim(), env);
  const command = str(v, 'token-command');
  if (command !== undefined) {
    if (!command.trim()) throw new UsageError('--token-command is empty');
    return rememberTokens(tokenFromCommand(command, env));
  }
  const token = env.BOX_DEVELOPER_TOKEN?.trim();
  if (!token)
    throw new UsageError(
      'no token: set BOX_DEVELOPER_TOKEN, or pass --token-command "<a command that prints a token>"',
    );
  return rememberTokens(token);
}

function client(
  v: Values,
  io: Io,
  log: (line: string) => void,
): { docgen: DocGenClient; token: TokenSource; options: DocGenClientOptions } {
  const token = tokenSource(v, io.env);
  const baseUrl = str(v, 'base-url') ?? (io.env.BOX_DOCGEN_BASE_URL?.trim() || undefined);
  if (baseUrl !== undefined && !URL.canParse(baseUrl))
    throw new UsageError(`--base-url "${baseUrl}" is not an absolute URL`);
  const logger: Logger | undefined = v.verbose
    ? {
        debug: (m) => log(safeText(`debug: ${m}`)),
        info: (m) => log(safeText(`info: ${m}`)),
        warn: (m) => log(safeText(`warn: ${m}`)),
        error: (m) => log(safeText(`error: ${m}`)),
      }
    : undefined;
  const rate = str(v, 'max-rate');
  const maxRate = rate === undefined ? undefined : Number(rate);
  if (maxRate !== undefined && !(/^\d+(\.\d+)?$/.test(rate!) && maxRate > 0))
    throw new UsageError(`--max-rate must be a number of requests per second above 0, got "${rate}"`);
  const options: DocGenClientOptions = {
    token,
    baseUrl,
    maxRetries: int(v, 'max-retries', 0, 20, 5),
    timeoutMs: int(v, 'timeout', 1, 3_600_000),
    logger,
    // Every request of the run shares one send rate: a 429 pauses them all.
    pacer: createPacer(maxRate === undefined ? {} : { maxRate, startRate: maxRate }),
  };
  return { docgen: createDocGenClient(options), token, options };
}

/** Gets a token once before anything else, so a broken --token-command fails before any work. */
async function checkToken(token: TokenSource): Promise<void> {
  if (typeof token === 'string') return;
  try {
    await token({ forceRefresh: false });
  } catch (error) {
    // Box refused the sign-in: nothing was sent (exit 2), and the message holds no secret.
    if (error instanceof DocGenAuthError) throw new TokenError(`sign-in failed: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// Signals

function stopper(io: Io, progress: () => Progress | undefined) {
  const stop = new AbortController();
  const force = new AbortController();
  const signals = io.signals ?? process;
  let count = 0;
  const on = (name: 'SIGINT' | 'SIGTERM') => () => {
    count++;
    if (count === 1) {
      stop.abort(name);
      const message = `${name}: stopping — no new batches; requests in flight are finishing and being recorded (send it again to abort them)`;
      const p = progress();
      if (p) p.log(message);
      else io.stderr.write(`${message}\n`);
    } else if (!force.signal.aborted) {
      force.abort(new Error(`${name} received twice: aborted`));
      io.stderr.write(`${name} again: aborting requests in flight; they are recorded as unknown\n`);
    }
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  return {
    stop: stop.signal,
    force: force.signal,
    dispose() {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
    },
  };
}

const signalExit = (name: string | null) => (name === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT);

// ---------------------------------------------------------------------------------------
// Commands

async function runGenerate(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse(args, GENERATE);
  if (v.help) return help(io);
  if (positionals.length > 0) throw new UsageError(`generate takes no positional arguments, got "${positionals[0]}"`);
  const data = required(v, 'data');
  if (data === '-')
    throw new UsageError(
      '--data - (stdin) cannot work: generate reads the input twice (validation, then submission); give a file',
    );
  if (!existsSync(data) || !statSync(data).isFile()) throw new UsageError(`--data ${data}: no such file`);
  const format = formatOf(data, str(v, 'format'));
  const encoding = encodingOf(str(v, 'encoding'));
  const outputType = outputTypeOf(v);
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
  const json = v.json === true;
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
      reportFormat: reportFormatOf(report, reportFormat),
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
  if (json) {
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

/** The formats the spec allows in a batch request, which are the documents' file types. */
function outputTypeOf(v: Values): OutputType {
  const given = required(v, 'output-type');
  const formats: readonly OutputType[] = endpoints.createBatch.body.schema.properties.output_type.enum;
  const outputType = formats.find((format) => format === given);
  if (!outputType) throw new UsageError(`--output-type must be ${formats.join(' or ')}, got "${given}"`);
  return outputType;
}

function printDownloads(io: Io, d: DownloadSummary): void {
  io.stdout.write(
    `${'download'.padEnd(11)}${d.dir}: ${plural(d.downloaded, 'file')} written, ${d.skipped} already there, ${d.failed} failed (of ${d.files})${d.interrupted ? '; interrupted, rerun to finish' : ''}\n`,
  );
}

async function runDownload(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse(args, DOWNLOAD);
  if (v.help) return help(io);
  if (positionals.length === 0)
    throw new UsageError('download needs a report: box-docgen download run.report.jsonl --dir out --output-type pdf');
  for (const file of positionals)
    if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file}: no such report`);
  const dir = required(v, 'dir');
  const ext = outputTypeOf(v);
  const concurrency = int(v, 'concurrency', 1, 32, 4);
  const progress = createProgress({ mode: progressMode(io.stderr, v.quiet === true), stream: io.stderr });
  const { token, options } = client(v, io, (line) => progress.log(line));
  await checkToken(token);
  const stops = stopper(io, () => progress);
  let summary: DownloadSummary;
  try {
    const items = (async function* () {
      for (const file of positionals) yield* reportItems(file);
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

export function generateExit(s: GenerateSummary): number {
  if (s.interrupted) return signalExit(s.interrupted);
  if (s.failed.rows > 0 || s.stopped !== null || (s.report && (s.report.failed > 0 || incomplete(s.report))))
    return EXIT.failed;
  if (s.unknown.rows > 0 || s.unknownSkipped > 0 || (s.report && s.report.unknown > 0)) return EXIT.unknown;
  return EXIT.ok;
}

/** After waiting, a row still unfinished or not matched to a job is a failure to complete. */
const incomplete = (r: ReportSummary) => r.unfinished > 0 || r.unmapped > 0;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const batches = (n: number) => plural(n, 'batch', 'batches');

function unmappedNote(r: ReportSummary): string {
  return (
    `the report is incomplete: ${plural(r.unmapped, 'row')} could not be matched to jobs, because ${batches(r.unmappedBatches)} listed a different number of jobs than rows; ` +
    'their rows are reported by batch (box-docgen report <ledger> --wait may match them later)'
  );
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

function printReport(io: Io, r: ReportSummary): void {
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

async function runReport(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse(args, REPORT);
  if (v.help) return help(io);
  const ledgers = [...((v.state as string[] | undefined) ?? []), ...positionals];
  if (ledgers.length === 0)
    throw new UsageError('report needs at least one ledger: box-docgen report a.ledger.jsonl b.ledger.jsonl');
  const output = str(v, 'output') ?? '-';
  const json = v.json === true;
  if (json && output === '-')
    throw new UsageError('--json prints the summary on stdout, so give the report a file with --output');
  if (v.offline && v.wait) throw new UsageError('--offline and --wait do not go together');
  const format = reportFormatOf(output, str(v, 'format'));
  let progress: Progress | undefined;
  const log = (line: string) => (progress ? progress.log(line) : io.stderr.write(`${line}\n`));
  let docgen: DocGenClient | undefined;
  if (!v.offline) {
    const made = client(v, io, log);
    await checkToken(made.token);
    docgen = made.docgen;
  }
  progress = createProgress({ mode: progressMode(io.stderr, v.quiet === true || !v.wait), stream: io.stderr });
  const stops = stopper(io, () => progress);
  let summary: ReportSummary;
  try {
    const waitTimeoutS = int(v, 'wait-timeout', 1, 7 * 24 * 3600);
    summary = await writeReport({
      ledgers,
      output,
      format,
      docgen,
      wait: v.wait === true,
      concurrency: int(v, 'concurrency', 1, 32, 4),
      pollIntervalMs: int(v, 'poll-interval', 1, 600_000),
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

async function runJobs(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values: v, positionals } = parse(rest, JOBS);
  if (v.help || sub === undefined) return help(io, sub === undefined ? EXIT.usage : EXIT.ok);
  const { docgen, token } = client(v, io, (line) => io.stderr.write(`${line}\n`));
  await checkToken(token);
  const json = v.json === true;
  if (sub === 'list') {
    if (positionals.length) throw new UsageError(`jobs list takes no arguments, got "${positionals[0]}"`);
    return jobsList(docgen, io.stdout, {
      template: str(v, 'template'),
      batch: str(v, 'batch'),
      max: int(v, 'max', 1, Number.MAX_SAFE_INTEGER),
      json,
    });
  }
  if (sub === 'get') return jobsGet(docgen, io.stdout, positionalId(positionals, 'job_id'), json);
  throw new UsageError(`unknown command "jobs ${sub}": use jobs list or jobs get`);
}

async function runTypes(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse(args, TYPES);
  if (v.help) return help(io);
  if (positionals.length) throw new UsageError(`types takes no positional arguments, got "${positionals[0]}"`);
  const template = id(v, 'template');
  const name = str(v, 'type-name') ?? 'UserInput';
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name))
    throw new UsageError(`--type-name must be a TypeScript type name such as PurchaseOrder, got "${name}"`);
  const { docgen, token } = client(v, io, (line) => io.stderr.write(`${line}\n`));
  await checkToken(token);
  return typesCommand(docgen, io.stdout, {
    template,
    templateVersion: str(v, 'template-version'),
    name,
    file: str(v, 'out'),
  });
}

async function runTemplates(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values: v, positionals } = parse(rest, TEMPLATES);
  if (v.help || sub === undefined) return help(io, sub === undefined ? EXIT.usage : EXIT.ok);
  const { docgen, token } = client(v, io, (line) => io.stderr.write(`${line}\n`));
  await checkToken(token);
  const json = v.json === true;
  switch (sub) {
    case 'list':
      if (positionals.length) throw new UsageError(`templates list takes no arguments, got "${positionals[0]}"`);
      return templatesList(docgen, io.stdout, { max: int(v, 'max', 1, Number.MAX_SAFE_INTEGER), json });
    case 'tags':
      return templatesTags(docgen, io.stdout, positionalId(positionals, 'template_id'), {
        templateVersion: str(v, 'template-version'),
        json,
        timeoutMs: int(v, 'timeout', 1, 3_600_000),
      });
    case 'mark':
      return templatesMark(docgen, io.stdout, positionalId(positionals, 'file_id'), json);
    case 'unmark':
      return templatesUnmark(docgen, io.stdout, positionalId(positionals, 'template_id'), json);
    default:
      throw new UsageError(`unknown command "templates ${sub}": use templates list, tags, mark or unmark`);
  }
}

function help(io: Io, code: number = EXIT.ok): number {
  (code === EXIT.ok ? io.stdout : io.stderr).write(`${USAGE}\n`);
  return code;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs one command line; resolves to the exit code. Never calls process.exit. */
export async function main(
  argv: string[],
  given: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  // Whatever reaches the terminal passes redact.ts first.
  const io: Io = { ...given, stdout: redactStream(given.stdout), stderr: redactStream(given.stderr) };
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    switch (command) {
      case 'generate':
        return await runGenerate(rest, io);
      case 'report':
        return await runReport(rest, io);
      case 'download':
        return await runDownload(rest, io);
      case 'types':
        return await runTypes(rest, io);
      case 'jobs':
        return await runJobs(rest, io);
      case 'templates':
        return await runTemplates(rest, io);
      case '--version':
      case '-v':
        io.stdout.write(`${version()}\n`);
        return EXIT.ok;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return help(io, command === undefined ? EXIT.usage : EXIT.ok);
      default:
        throw new UsageError(`unknown command "${command}"; run box-docgen --help`);
    }
  } catch (error) {
    return fail(io, error, json);
  }
}

function fail(io: Io, error: unknown, json: boolean): number {
  const usage =
    error instanceof UsageError ||
    error instanceof RefusedError ||
    error instanceof NamePatternError ||
    error instanceof InputError ||
    error instanceof LedgerError ||
    error instanceof TokenError;
  const code = usage ? EXIT.usage : EXIT.failed;
  const details = (error instanceof RefusedError ? error.details : []).map(safeText);
  const message = safeText(error instanceof Error ? error.message : String(error));
  if (json) {
    const kind = error instanceof Error ? error.name : 'Error';
    const extra = error instanceof DocGenError ? { error: error.toJSON() } : {};
    io.stdout.write(`${JSON.stringify(safeValue({ exitCode: code, kind, message, details, ...extra }), null, 2)}\n`);
  }
  io.stderr.write(`box-docgen: ${message}\n`);
  for (const detail of details) io.stderr.write(`  ${detail}\n`);
  if (error instanceof UsageError) io.stderr.write('run box-docgen --help for usage\n');
  return code;
}

// Run when executed (directly, through a bin symlink, or by `node dist/cli.js`), not when imported.
function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `box-docgen: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
      );
      process.exitCode = EXIT.failed;
    },
  );
}
