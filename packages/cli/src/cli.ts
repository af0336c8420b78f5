#!/usr/bin/env node
// box-docgen: finds the command, runs it, and turns what it throws into a message and an exit
// code. Each command (commands/*.ts) owns its options, its help and its run().
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { DocGenError } from '@box-docgen/client';
import { didYouMean, optionsHelp } from './args.js';
import { helpText, usageLines, type Command } from './command.js';
import { downloadCommand } from './commands/download.js';
import { generateCommand } from './commands/generate.js';
import { jobsCommand } from './commands/jobs.js';
import { reportCommand } from './commands/report.js';
import { templatesCommand } from './commands/templates.js';
import { typesCommand } from './commands/types.js';
import { COMMON } from './connect.js';
import { RefusedError, TokenError, UsageError } from './errors.js';
import { advice, authModeOf, describeError } from './explain.js';
import { InputError } from './input-error.js';
import { EXIT, type Io } from './io.js';
import { LedgerError } from './ledger.js';
import { NamePatternError } from './name-pattern.js';
import { redact, redactStream, safeText, safeValue } from './redact.js';

export const COMMANDS: readonly Command[] = [
  generateCommand,
  reportCommand,
  downloadCommand,
  typesCommand,
  jobsCommand,
  templatesCommand,
];

const names = COMMANDS.map((c) => c.name);

function overview(): string {
  return [
    'box-docgen — bulk document generation with Box Doc Gen',
    '',
    'usage:',
    ...COMMANDS.flatMap((command) => [...usageLines(command).map((line) => `  ${line}`), `      ${command.summary}`]),
    '',
    'run box-docgen help <command> (or box-docgen <command> --help) for its options.',
    '',
    'common options:',
    optionsHelp(COMMON),
    '  --version               the version',
    '',
    'exit codes: 0 ok, 1 failures, 2 bad usage/input (nothing sent), 3 unknown outcomes, 130/143 signals',
  ].join('\n');
}

function find(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"${didYouMean(name, names)}`);
  return command;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** --help or -h among the arguments (before a `--`). */
const asksHelp = (args: string[]) => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** Runs one command line; resolves to the exit code. Never calls process.exit. */
export async function main(
  argv: string[],
  given: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  // Whatever reaches the terminal passes redact.ts first.
  const io: Io = { ...given, stdout: redactStream(given.stdout), stderr: redactStream(given.stderr) };
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    switch (name) {
      case '--version':
      case '-v':
        io.stdout.write(`${version()}\n`);
        return EXIT.ok;
      case undefined:
        io.stderr.write(`${overview()}\n`);
        return EXIT.usage;
      case '--help':
      case '-h':
        io.stdout.write(`${overview()}\n`);
        return EXIT.ok;
      case 'help': {
        if (rest.length > 1) throw new UsageError(`help takes one command, got "${rest.join(' ')}"`);
        io.stdout.write(`${rest[0] === undefined ? overview() : helpText(find(rest[0]))}\n`);
        return EXIT.ok;
      }
      default: {
        if (name.startsWith('-')) throw new UsageError(`"${name}" before a command; run box-docgen --help`);
        const command = find(name);
        if (asksHelp(rest)) {
          io.stdout.write(`${helpText(command)}\n`);
          return EXIT.ok;
        }
        return await command.run(rest, io);
      }
    }
  } catch (error) {
    return fail(io, error, json, argv);
  }
}

function fail(io: Io, error: unknown, json: boolean, argv: string[]): number {
  const usage =
    error instanceof UsageError ||
    error instanceof RefusedError ||
    error instanceof NamePatternError ||
    error instanceof InputError ||
    error instanceof LedgerError ||
    error instanceof TokenError;
  const code = usage ? EXIT.usage : EXIT.failed;
  const details = [...(error instanceof RefusedError ? error.details : []), ...advice(error, authModeOf(argv))].map(
    safeText,
  );
  const message = safeText(describeError(error));
  if (json) {
    const kind = error instanceof Error ? error.name : 'Error';
    const extra = error instanceof DocGenError ? { error: error.toJSON() } : {};
    io.stdout.write(`${JSON.stringify(safeValue({ exitCode: code, kind, message, details, ...extra }), null, 2)}\n`);
  }
  io.stderr.write(`box-docgen: ${message}\n`);
  for (const detail of details) io.stderr.write(`  ${detail}\n`);
  if (error instanceof UsageError) {
    const command = COMMANDS.find((c) => c.name === argv[0]);
    io.stderr.write(`run box-docgen ${command ? `help ${command.name}` : '--help'} for usage\n`);
  }
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

/**
 * A heap that stays the size of what is live. A long run allocates at a steady rate and keeps
 * little (the live set is about 11 MB at any row count), but V8 by default doubles its young
 * generation again and again and lets the old one grow to several times the live set: peak memory
 * then grew with the row count (1.3-2× from 10,000 to 1,000,000 rows) though nothing was retained.
 * Both flags still take effect after start-up; a Node version that ignores them only uses more
 * memory. `npm run bench` (section 7) measures both sizes.
 */
const STEADY_HEAP = '--semi-space-growth-factor=1 --heap-growing-percent=50';

if (isEntry()) {
  setFlagsFromString(STEADY_HEAP);
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
