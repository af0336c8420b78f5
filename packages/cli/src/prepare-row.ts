// One input row made ready to send: its file name (--name), its hash (for the ledger) and its
// check against the template's tags; or why it cannot be sent.
import { createHash } from 'node:crypto';
import type { InputCheck, InputProblem } from '@box-docgen/client/check-input';
import type { NamePattern } from './name-pattern.js';
import type { Row } from './rows.js';

export const MISFIT = 'does not fit the template';

/** What a row that does not fit the template's tags lacks, as one line (the first few problems). */
export function misfit(problems: InputProblem[]): string {
  const what = (p: InputProblem) =>
    p.kind === 'missing'
      ? `${p.path} is missing (${p.tag})`
      : `${p.path} must be ${{ array: 'a list', object: 'an object', value: 'text, a number or true/false', number: 'a number' }[p.expected]} (${p.tag})`;
  const more = problems.length > 5 ? `; …and ${problems.length - 5} more` : '';
  return `${MISFIT}: ${problems.slice(0, 5).map(what).join('; ')}${more}`;
}

/** The file name and hash of a row (and the fields no tag reads), or why it is invalid. */
export function prepareRow(
  row: Row,
  pattern: NamePattern,
  checkInput?: (data: Record<string, unknown>) => InputCheck,
): { name: string; hash: string; unused?: string[] } | { error: string } {
  if (row.error !== undefined) return { error: row.error };
  const named = pattern.apply(row.data);
  if ('error' in named) return named;
  const checked = checkInput?.(row.data);
  if (checked?.problems.length) return { error: misfit(checked.problems) };
  return { name: named.name, hash: rowHash(named.name, row.data), ...(checked && { unused: checked.unused }) };
}

/** 64 bits of SHA-256 over what is sent for the row: its file name and its user_input. */
export function rowHash(name: string, data: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify([name, data]))
    .digest('hex')
    .slice(0, 16);
}
