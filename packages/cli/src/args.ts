// Option tables: each command lists its options once, and both the parser (node:util parseArgs)
// and the help text are made from that list, so they cannot disagree.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  /** The flag without its dashes, e.g. 'batch-size'. */
  name: string;
  /** What the value looks like in help ('N', 'FILE', 'pdf|docx'); absent for a switch. */
  value?: string;
  /** Shown in the synopsis line: the command cannot run without it. */
  required?: boolean;
  multiple?: boolean;
  short?: string;
  help: string;
}

export type OptionTable = readonly OptionSpec[];
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Levenshtein distance, for did-you-mean. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest of `candidates` to `word`, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let distance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < distance) [best, distance] = [candidate, d];
  }
  return best;
}

export const didYouMean = (word: string, candidates: readonly string[], dashes = ''): string => {
  const guess = closest(word, candidates);
  return guess === undefined ? '' : `; did you mean ${dashes}${guess}?`;
};

/** Parses `args` against `table`: an unknown flag is a UsageError with a did-you-mean. */
export function parse(args: string[], table: OptionTable, what: string): { values: Values; positionals: string[] } {
  const names = table.map((o) => o.name);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0]!;
    const spec = table.find((o) => o.name === name);
    if (!spec) throw new UsageError(`${what}: unknown option --${name}${didYouMean(name, names, '--')}`);
    if (spec.value !== undefined && !arg.includes('=')) i++; // its value, whatever it looks like
  }
  const options: ParseArgsConfig['options'] = Object.fromEntries(
    table.map((o) => [
      o.name,
      {
        type: o.value === undefined ? ('boolean' as const) : ('string' as const),
        ...(o.multiple && { multiple: true }),
        ...(o.short !== undefined && { short: o.short }),
      },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Help text

const WIDTH = 100;
const COLUMN = 26;

function wrap(text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export const flag = (o: OptionSpec) =>
  `${o.short !== undefined ? `-${o.short}, ` : ''}--${o.name}${o.value !== undefined ? ` ${o.value}` : ''}`;

/** One entry per option: the flag, then its help wrapped in a second column. */
export function optionsHelp(table: OptionTable): string {
  return table
    .map((o) => {
      const head = `  ${flag(o)}`;
      const [first = '', ...rest] = wrap(o.help, COLUMN);
      const lines = head.length < COLUMN ? [`${head.padEnd(COLUMN)}${first}`] : [head, `${' '.repeat(COLUMN)}${first}`];
      return [...lines, ...rest.map((line) => `${' '.repeat(COLUMN)}${line}`)].join('\n');
    })
    .join('\n');
}

/** `--template <file_id> --folder <folder_id> … [options]`: the options a run cannot do without. */
export function synopsis(table: OptionTable): string {
  const needed = table.filter((o) => o.required).map((o) => `--${o.name}${o.value ? ` ${o.value}` : ''}`);
  return [...needed, '[options]'].join(' ');
}

/** A paragraph wrapped to the help's width. */
export const paragraph = (text: string, indent = 2) =>
  wrap(text, indent)
    .map((line) => `${' '.repeat(indent)}${line}`)
    .join('\n');

// ---------------------------------------------------------------------------------------
// Reading values

export const str = (v: Values, key: string) => (typeof v[key] === 'string' ? (v[key] as string) : undefined);

export function required(v: Values, key: string): string {
  const value = str(v, key)?.trim();
  if (!value) throw new UsageError(`--${key} is required`);
  return value;
}

export function int(v: Values, key: string, min: number, max: number, fallback: number): number;
export function int(v: Values, key: string, min: number, max: number, fallback?: number): number | undefined;
export function int(v: Values, key: string, min: number, max: number, fallback?: number): number | undefined {
  const text = str(v, key);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${key} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

export function id(v: Values, key: string): string {
  const value = required(v, key);
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`--${key} must be a Box id (digits), got "${value}"`);
  return value;
}

export function positionalId(positionals: string[], what: string): string {
  const value = positionals[0]?.trim();
  if (!value) throw new UsageError(`missing <${what}>`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  return value;
}

export function noPositionals(positionals: string[], what: string): void {
  if (positionals.length) throw new UsageError(`${what} takes no arguments, got "${positionals[0]}"`);
}
