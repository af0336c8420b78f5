// generate, pass 1 (validation, streaming): every row is read, shaped, named and checked; bad
// rows are listed with their line numbers and nothing is sent unless --skip-invalid. Rows the
// ledger already recorded are checked against their hash: a changed input is refused. So is a
// ledger written by a run with other options.
import { RefusedError } from './errors.js';
import type { GenerateOptions, PassContext } from './generate.js';
import { RowState, type LedgerState } from './ledger.js';
import { MISFIT, prepareRow } from './prepare-row.js';
import { readRows } from './rows.js';
import { inShard, shardLabel } from './shard.js';
import { plural } from './words.js';

/** A ledger written for another template, folder, output type, shard or format is not this run's. */
export function checkRuns(ledger: LedgerState, o: GenerateOptions): void {
  const first = ledger.runs[0];
  if (!first) return;
  const differences: string[] = [];
  const compare = (flag: string, was: string | null | undefined, is: string | null | undefined) => {
    if ((was ?? null) !== (is ?? null))
      differences.push(`${flag}: the ledger has ${was ?? '(none)'}, this run has ${is ?? '(none)'}`);
  };
  compare('--template', first.template, o.template);
  compare('--template-version', first.templateVersion, o.templateVersion);
  compare('--folder', first.folder, o.folder);
  compare('--output-type', first.outputType, o.outputType);
  compare('--shard', first.shard, shardLabel(o.shard));
  compare('input format', first.format, o.format);
  if (differences.length > 0) {
    throw new RefusedError(
      `the ledger ${o.state} belongs to a different run; use another --state file, or the same options to resume`,
      differences,
    );
  }
}

/** Counts what the run will send into the summary; false when a signal stopped the reading. */
export async function validatePass({ o, ledger, pattern, resend, summary }: PassContext): Promise<boolean> {
  const maxListed = o.maxListed ?? 50;
  o.progress.update({ phase: 'validating' });
  const changed: string[] = [];
  let changedCount = 0;
  const noteChange = (message: string) => {
    changedCount++;
    if (changed.length < 20) changed.push(message);
  };
  for await (const row of readRows(o.data, o.format, o.encoding, o.delimiter)) {
    if (o.stop.aborted) break;
    summary.input.rows++;
    if ((summary.input.rows & 1023) === 0) o.progress.update({ read: summary.input.rows });
    const prepared = prepareRow(row, pattern, o.checkInput);
    const mine = inShard(row.index, o.shard);
    for (const field of ('unused' in prepared && prepared.unused) || []) {
      if (summary.unused!.length < 50 && !summary.unused!.includes(field)) summary.unused!.push(field);
    }
    if (mine) summary.input.rowsInShard++;
    const before = mine ? ledger.rows.get(row.index) : RowState.None;
    if ('error' in prepared) {
      summary.invalid.rows++;
      if (summary.invalid.listed.length < maxListed)
        summary.invalid.listed.push({ index: row.index, line: row.line, error: prepared.error });
      if ((before === RowState.Submitted && !resend.has(row.index)) || before === RowState.Unknown) {
        noteChange(`row ${row.index} (line ${row.line}) was sent before but is now invalid: ${prepared.error}`);
      }
      continue;
    }
    if (!mine) continue;
    if (before === RowState.Submitted && resend.has(row.index)) {
      // Its job failed: what is sent now may differ (the data was fixed).
      summary.planned++;
      summary.resent++;
    } else if (before === RowState.Submitted || before === RowState.Unknown) {
      if (!ledger.rows.sameHash(row.index, prepared.hash)) {
        noteChange(`row ${row.index} (line ${row.line}, "${prepared.name}") differs from what was sent for it`);
        continue;
      }
      if (before === RowState.Submitted) summary.alreadySubmitted++;
      else if (o.retryUnknown) summary.planned++;
      else summary.unknownSkipped++;
    } else {
      summary.planned++;
    }
  }
  o.progress.update({ read: summary.input.rows });
  if (o.stop.aborted) return false;
  // Rows the ledger has beyond the end of the input.
  for (let i = summary.input.rows; i < ledger.rows.size; i++) {
    const s = ledger.rows.get(i);
    if ((s === RowState.Submitted || s === RowState.Unknown) && inShard(i, o.shard)) {
      noteChange(`row ${i} was sent before, but the input now has only ${summary.input.rows} rows`);
    }
  }
  if (changedCount > 0) {
    throw new RefusedError(
      `the input changed since the ledger ${o.state} recorded it (${plural(changedCount, 'row')}): ` +
        'rows are identified by position and content, so resuming could skip or duplicate documents. ' +
        'Restore the original input to resume, or use a new --state file for a new run.',
      changedCount > changed.length ? [...changed, `…and ${changedCount - changed.length} more`] : changed,
    );
  }
  const { invalid } = summary;
  if (invalid.rows > 0 && !o.skipInvalid) {
    const listed = invalid.listed.map((issue) => `line ${issue.line} (row ${issue.index}): ${issue.error}`);
    if (invalid.rows > listed.length) listed.push(`…and ${invalid.rows - listed.length} more`);
    const misfits = invalid.listed.some((issue) => issue.error.startsWith(MISFIT));
    throw new RefusedError(
      `${plural(invalid.rows, 'invalid row')} in ${o.data}; nothing was sent. Fix them, or pass --skip-invalid to send the others.` +
        (misfits
          ? ' Rows that do not fit the template would be generated with blanks; --no-check sends them unchecked.'
          : ''),
      listed,
    );
  }
  if (summary.unused?.length) {
    o.progress.log(
      `warning: no tag of the template reads ${summary.unused.length === 1 ? 'this field' : 'these fields'} of the input: ${summary.unused.join(', ')}`,
    );
  }
  if (invalid.rows > 0) {
    o.progress.log(`skipping ${plural(invalid.rows, 'invalid row')} (--skip-invalid):`);
    for (const issue of invalid.listed) o.progress.log(`  line ${issue.line} (row ${issue.index}): ${issue.error}`);
    if (invalid.rows > invalid.listed.length) o.progress.log(`  …and ${invalid.rows - invalid.listed.length} more`);
  }
  if (summary.unknownSkipped > 0) {
    o.progress.log(
      `skipping ${plural(summary.unknownSkipped, 'row')} whose earlier submission has an unknown outcome; ` +
        'check in Box whether they were generated, then rerun with --retry-unknown to send them again',
    );
  }
  return true;
}
