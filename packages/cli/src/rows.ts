// Streaming readers for the input rows: CSV (RFC 4180, header row) and JSONL.
// Both are async generators over a file stream: they hold one chunk and one record at a
// time, never the whole file, so a pass over 10,000 rows costs what a pass over 10 costs.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { decodeText, fileChunks, type InputEncoding } from './decode.js';
import { UsageError } from './errors.js';
import { InputError } from './input-error.js';
import { compileColumns, type Columns } from './user-input.js';

export { InputError };

export type InputFormat = 'csv' | 'jsonl';

/** One data row. `index` counts data rows from 0 (the header is not a row); `line` is where the row starts (1-based). */
export interface Row {
  index: number;
  line: number;
  /** The row's user_input: CSV columns nested at their dots, or the JSONL object as it is. */
  data: Record<string, unknown>;
  /** Why the row is malformed; `data` is then `{}`. */
  error?: string;
}

export function formatOf(path: string, format?: string): InputFormat {
  if (format !== undefined) {
    if (format === 'csv' || format === 'jsonl') return format;
    if (format === 'ndjson') return 'jsonl';
    throw new InputError(`unknown input format "${format}": use csv or jsonl`);
  }
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  throw new InputError(
    `cannot tell the format of ${path} from its name: name it .csv or .jsonl, or pass --format csv|jsonl`,
  );
}

/** The field separators a CSV input may use: `;` is what spreadsheets write in many locales. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** --delimiter's value: one of DELIMITERS, a tab also written `\t` or `tab`. */
export function delimiterOf(text: string | undefined): Delimiter {
  if (text === undefined) return ',';
  const given = text === '\\t' || text === 'tab' ? '\t' : text;
  const found = DELIMITERS.find((d) => d === given);
  if (!found) throw new UsageError(`--delimiter ${JSON.stringify(text)} is not one of , ; | or \\t (tab)`);
  return found;
}

/** Reads the rows of a CSV or JSONL file, streaming; bytes that do not decode are an InputError (decode.ts). */
export function readRows(
  path: string,
  format: InputFormat = formatOf(path),
  encoding: InputEncoding = 'utf8',
  delimiter: Delimiter = ',',
): AsyncGenerator<Row> {
  const text = decodeText(fileChunks(path), encoding, path);
  return format === 'csv' ? readCsvRows(text, delimiter) : readJsonlRows(text);
}

// ---------------------------------------------------------------------------------------
// CSV

/** One CSV record: its fields and the line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** The first problem found in the record (a stray quote, text after a closing quote, an unclosed quote). */
  error?: string;
}

// biome-ignore lint/suspicious/noConstEnum: inlined in the parser's per-character loop; never exported.
const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of "" or the closing one. */
  QuoteInQuoted,
}

/**
 * An RFC 4180 tokenizer fed chunk by chunk: comma-separated fields (or another `delimiter`), fields in double quotes
 * may hold commas, line breaks and doubled quotes (""), records end at LF, CRLF or CR.
 * Blank lines between records are skipped. Line numbers count physical lines from 1.
 */
export class CsvTokenizer {
  private state = S.FieldStart;
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private error: string | undefined;
  private skipLf = false;
  private started = false;

  constructor(private readonly delimiter: Delimiter = ',') {}

  /** Feeds a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const sep = this.delimiter;
    let i = 0;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1; // byte order mark
    }
    for (const n = chunk.length; i < n; i++) {
      const c = chunk[i]!;
      if (this.skipLf) {
        this.skipLf = false;
        if (c === '\n') continue; // the LF of a CRLF whose CR ended the record
      }
      switch (this.state) {
        case S.FieldStart:
          if (c === '"') {
            this.state = S.Quoted;
            this.quoteLine = this.line;
          } else if (c === sep) {
            this.fields.push('');
          } else if (c === '\n' || c === '\r') {
            this.endRecord(out, c);
          } else {
            this.state = S.Unquoted;
            this.field = c;
          }
          break;
        case S.Unquoted: {
          // Copy the run of ordinary characters in one slice.
          let j = i;
          while (j < n) {
            const d = chunk[j]!;
            if (d === sep || d === '\n' || d === '\r' || d === '"') break;
            j++;
          }
          if (j > i) {
            this.field += chunk.slice(i, j);
            i = j - 1;
            break;
          }
          if (c === sep) {
            this.fields.push(this.field);
            this.field = '';
            this.state = S.FieldStart;
          } else if (c === '"') {
            this.fail(
              `a double quote inside unquoted field ${this.fields.length + 1}: put the whole field in quotes and double the quote ("")`,
            );
            this.field += c;
          } else {
            this.endRecord(out, c);
          }
          break;
        }
        case S.Quoted: {
          let j = i;
          while (j < n) {
            const d = chunk[j]!;
            if (d === '"') break;
            if (d === '\n') this.line++;
            j++;
          }
          this.field += chunk.slice(i, j);
          i = j; // at the quote, or past the end
          if (j < n) this.state = S.QuoteInQuoted;
          break;
        }
        case S.QuoteInQuoted:
          if (c === '"') {
            this.field += '"';
            this.state = S.Quoted;
          } else if (c === sep) {
            this.fields.push(this.field);
            this.field = '';
            this.state = S.FieldStart;
          } else if (c === '\n' || c === '\r') {
            this.endRecord(out, c);
          } else {
            this.fail(
              `text after the closing quote of field ${this.fields.length + 1}: a quote inside a quoted field must be doubled ("")`,
            );
            this.field += c;
            this.state = S.Unquoted;
          }
          break;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record, if any. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === S.Quoted) {
      this.fail(
        `the quoted field ${this.fields.length + 1} opened on line ${this.quoteLine} is never closed (a missing closing quote swallows the rest of the file)`,
      );
    }
    if (this.state !== S.FieldStart || this.fields.length > 0) this.endRecord(out, '');
    return out;
  }

  private fail(message: string) {
    this.error ??= message;
  }

  /** Called at a line break outside quotes (or at the end of input with c = ''). */
  private endRecord(out: CsvRecord[], c: string) {
    const blank = this.state === S.FieldStart && this.fields.length === 0;
    if (!blank) {
      this.fields.push(this.field);
      out.push(
        this.error === undefined
          ? { line: this.recordLine, fields: this.fields }
          : { line: this.recordLine, fields: this.fields, error: this.error },
      );
    }
    this.field = '';
    this.fields = [];
    this.error = undefined;
    this.state = S.FieldStart;
    if (c === '\r') this.skipLf = true;
    if (c !== '') this.line++;
    this.recordLine = this.line;
  }
}

/** CSV records, streaming. Byte chunks are read as UTF-8 (a character cut between two chunks stays whole). */
export async function* readCsvRecords(
  chunks: AsyncIterable<string | Buffer>,
  delimiter: Delimiter = ',',
): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer(delimiter);
  for await (const text of decodeText(chunks)) yield* tokenizer.push(text);
  yield* tokenizer.end();
}

/** CSV rows: the first record is the header, its column names (dots nest) shape each row's data. */
export async function* readCsvRows(
  chunks: AsyncIterable<string | Buffer>,
  delimiter: Delimiter = ',',
): AsyncGenerator<Row> {
  let columns: Columns | undefined;
  let index = 0;
  for await (const record of readCsvRecords(chunks, delimiter)) {
    if (columns === undefined) {
      if (record.error) throw new InputError(`the header row is malformed: ${record.error}`, record.line);
      try {
        columns = compileColumns(record.fields);
      } catch (error) {
        throw new InputError(`the header row is not usable: ${(error as Error).message}`, record.line);
      }
      continue;
    }
    const row: Row = { index: index++, line: record.line, data: {} };
    if (record.error) row.error = record.error;
    else if (record.fields.length !== columns.count) {
      row.error = `has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, but the header has ${columns.count} columns`;
    } else {
      row.data = columns.build(record.fields);
    }
    yield row;
  }
  if (columns === undefined)
    throw new InputError('the file is empty: a CSV input needs a header row naming its columns');
}

// ---------------------------------------------------------------------------------------
// JSONL

/** JSONL rows: one JSON object per line; blank lines are skipped (and still counted as lines). */
export async function* readJsonlRows(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<Row> {
  // Bytes are decoded strictly (decode.ts), not by readline, which would substitute U+FFFD.
  const lines = createInterface({ input: Readable.from(decodeText(chunks)), crlfDelay: Infinity });
  let line = 0;
  let index = 0;
  try {
    for await (let text of lines) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (!text.trim()) continue;
      const row: Row = { index: index++, line, data: {} };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        row.error = `not valid JSON: ${(error as Error).message}`;
        yield row;
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        row.error = `must be a JSON object (the row's user_input), got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
      } else {
        row.data = value as Record<string, unknown>;
      }
      yield row;
    }
  } finally {
    lines.close();
  }
}
