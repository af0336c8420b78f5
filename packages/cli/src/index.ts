// @box-docgen/cli as a library: the pieces the box-docgen command is made of.
export { EXIT, generateExit, main, tokenFromCommand } from './cli.js';
export type { Io } from './cli.js';
export {
  classify,
  generate,
  parseShard,
  prepareRow,
  RefusedError,
  rowHash,
  TokenError,
  UsageError,
} from './generate.js';
export type { GenerateOptions, GenerateSummary, RowIssue, Shard } from './generate.js';
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
export { createProgress, progressMode } from './progress.js';
export type { Progress, ProgressCounts, ProgressMode } from './progress.js';
export { REPORT_COLUMNS, reportFormatOf, writeReport } from './report.js';
export type { ReportFormat, ReportLine, ReportOptions, ReportSummary } from './report.js';
export { CsvTokenizer, formatOf, InputError, readCsvRecords, readCsvRows, readJsonlRows, readRows } from './rows.js';
export type { CsvRecord, InputFormat, Row } from './rows.js';
export { compileColumns, valueAt } from './user-input.js';
export type { Columns } from './user-input.js';
