// What a command module exports: its name, its option table, its run(). Its help text is made
// from the table (args.ts), as is its parser, so neither can list an option the other lacks.
import { optionsHelp, paragraph, parse, synopsis, type OptionTable } from './args.js';
import { COMMON } from './connect.js';
import type { Io } from './io.js';

export interface Command {
  name: string;
  summary: string;
  /** Forms that differ in their arguments (`list`, `get <job_id>`); default: one form, no arguments. */
  forms?: readonly string[];
  options: OptionTable;
  /** A paragraph after the options: what the command does that the options do not say. */
  about?: string;
  run(args: string[], io: Io): Promise<number>;
}

/** The command's options and the common ones: everything its parser accepts. */
export const optionsOf = (command: Command): OptionTable => [...command.options, ...COMMON];

export const parseFor = (command: Command, args: string[]) => parse(args, optionsOf(command), command.name);

/** `box-docgen <name> <form> --required … [options]`, one line per form. */
export function usageLines(command: Command): string[] {
  const rest = synopsis(command.options);
  return (command.forms ?? ['']).map((form) => `box-docgen ${command.name}${form ? ` ${form}` : ''} ${rest}`);
}

export function helpText(command: Command): string {
  return [
    `box-docgen ${command.name}: ${command.summary}`,
    '',
    'usage:',
    ...usageLines(command).map((line) => `  ${line}`),
    ...(command.about ? ['', paragraph(command.about)] : []),
    ...(command.options.length ? ['', 'options:', optionsHelp(command.options)] : []),
    '',
    'common options:',
    optionsHelp(COMMON),
  ].join('\n');
}
