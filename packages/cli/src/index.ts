// @box-docgen/cli as a library: the pieces the box-docgen command is made of.
export { COMMANDS, main } from './cli.js';
export { helpText, optionsOf, parseFor } from './command.js';
export type { Command } from './command.js';
export type { OptionSpec, OptionTable } from './args.js';
export { generateExit } from './commands/generate.js';
export { tokenFromCommand } from './connect.js';
export { RefusedError, TokenError, UsageError } from './errors.js';
export { EXIT } from './io.js';
export type { Io } from './io.js';
export { generate } from './generate.js';
export type { GenerateOptions, GenerateSummary, RowIssue } from './generate.js';
export { prepareRow, rowHash } from './prepare-row.js';
export { parseShard } from './shard.js';
export type { Shard } from './shard.js';
export { classify } from './submit-pass.js';
export {
  emptyLedgerState,
  ledgerRecords,
  LedgerError,
  LedgerWriter,
  loadLedgers,
  RowState,
  RowTable,
} from './ledger.js';
export { lockLedger } from './ledger-lock.js';
export type { BatchEntry, LedgerRecord, LedgerState } from './ledger.js';
export { compileNamePattern, NamePatternError } from './name-pattern.js';
export type { NamePattern } from './name-pattern.js';
export { createProgress, duration, progressMode } from './progress.js';
export type { Progress, ProgressCounts, ProgressMode } from './progress.js';
export { REPORT_COLUMNS, reportFormatOf, writeReport } from './report.js';
export type { ReportFormat, ReportLine, ReportOptions, ReportSummary } from './report.js';
export { CsvTokenizer, formatOf, InputError, readCsvRecords, readCsvRows, readJsonlRows, readRows } from './rows.js';
export type { CsvRecord, InputFormat, Row } from './rows.js';
export { compileColumns, valueAt } from './user-input.js';
export type { Columns } from './user-input.js';
