// The streaming readers: RFC 4180 CSV (quotes, commas, "" and line breaks inside fields,
// CRLF, chunk boundaries anywhere) and JSONL, with line numbers for every row and every error.
import { Readable } from 'node:stream';
import {
  CsvTokenizer,
  InputError,
  readCsvRows,
  readJsonlRows,
  readRows,
  type CsvRecord,
  type Row,
} from '@box-docgen/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './support.js';

function tokenize(text: string, chunkSize = text.length || 1): CsvRecord[] {
  const tokenizer = new CsvTokenizer();
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...tokenizer.push(text.slice(i, i + chunkSize)));
  out.push(...tokenizer.end());
  return out;
}

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const csvRows = (text: string) => all(readCsvRows(Readable.from([text])));
const jsonlRows = (text: string) => all(readJsonlRows(Readable.from([text])));

describe('CSV tokenizer', () => {
  const tricky =
    '\uFEFFa,b,c\r\n' +
    '1,"x, y",plain\r\n' +
    '"she said ""hi""","multi\nline\nvalue",3\r\n' +
    '\r\n' + // a blank line: skipped, still counted
    '"",,"trailing"\r\n' +
    'last,row,"no newline at the end"';

  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM, and numbers lines physically', () => {
    expect(tokenize(tricky)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'plain'] },
      { line: 3, fields: ['she said "hi"', 'multi\nline\nvalue', '3'] },
      { line: 7, fields: ['', '', 'trailing'] },
      { line: 8, fields: ['last', 'row', 'no newline at the end'] },
    ]);
  });

  it('gives the same records whatever the chunk boundaries (1, 2, 3, 7 characters; every split point)', () => {
    const whole = tokenize(tricky);
    for (const size of [1, 2, 3, 7]) expect(tokenize(tricky, size)).toEqual(whole);
    for (let cut = 1; cut < tricky.length; cut++) {
      const tokenizer = new CsvTokenizer();
      const records = [
        ...tokenizer.push(tricky.slice(0, cut)),
        ...tokenizer.push(tricky.slice(cut)),
        ...tokenizer.end(),
      ];
      expect(records, `split at ${cut}`).toEqual(whole);
    }
  });

  it('accepts LF, CRLF and CR line ends alike', () => {
    const expected = [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ];
    expect(tokenize('a,b\n1,2\n')).toEqual(expected);
    expect(tokenize('a,b\r\n1,2\r\n')).toEqual(expected);
    expect(tokenize('a,b\r1,2\r')).toEqual(expected);
  });

  it('flags a stray quote, text after a closing quote and an unclosed quote, on the line the record starts', () => {
    const records = tokenize('a,b\nok,1\nba"d,2\n"closed"x,3\nfine,4\n"never closed,5\nmore\n');
    expect(records.map((r) => [r.line, r.error ?? null])).toEqual([
      [1, null],
      [2, null],
      [3, expect.stringMatching(/double quote inside unquoted field 1/)],
      [4, expect.stringMatching(/text after the closing quote of field 1/)],
      [5, null],
      [6, expect.stringMatching(/quoted field 1 opened on line 6 is never closed/)],
    ]);
  });
});

describe('readCsvRows', () => {
  it('yields { index, line, data } with dotted columns nested, counting data rows from 0', async () => {
    const rows = await csvRows(
      'order.id,vendor.company,vendor.contact.email\nPO-1,"Acme, Inc.",a@x.example\n\nPO-2,"Multi\nLine",b@x.example\n',
    );
    expect(rows).toEqual([
      {
        index: 0,
        line: 2,
        data: { order: { id: 'PO-1' }, vendor: { company: 'Acme, Inc.', contact: { email: 'a@x.example' } } },
      },
      {
        index: 1,
        line: 4,
        data: { order: { id: 'PO-2' }, vendor: { company: 'Multi\nLine', contact: { email: 'b@x.example' } } },
      },
    ]);
  });

  it('reports rows with the wrong number of fields, and goes on reading', async () => {
    const rows = await csvRows('a,b,c\n1,2,3\n1,2\n1,2,3,4\n7,8,9\n');
    expect(rows.map((r: Row) => [r.index, r.line, r.error ?? 'ok'])).toEqual([
      [0, 2, 'ok'],
      [1, 3, 'has 2 fields, but the header has 3 columns'],
      [2, 4, 'has 4 fields, but the header has 3 columns'],
      [3, 5, 'ok'],
    ]);
  });

  it('refuses a header it cannot use, naming line 1 and the column', async () => {
    await expect(csvRows('a,,c\n1,2,3\n')).rejects.toThrow(/line 1: .*column 2 has no name/);
    await expect(csvRows('a,b,a\n1,2,3\n')).rejects.toThrow(/line 1: .*columns 1 and 3 are both named "a"/);
    await expect(csvRows('order,order.id\n1,2\n')).rejects.toThrow(/line 1: .*"order" .*object/);
    await expect(csvRows('order..id\n1\n')).rejects.toThrow(/line 1: .*empty part/);
    await expect(csvRows('a,"b\n1\n')).rejects.toBeInstanceOf(InputError);
    await expect(csvRows('')).rejects.toThrow(/empty/);
  });
});

describe('readJsonlRows', () => {
  it('yields each line as it is; blank lines are skipped but counted; CRLF is fine', async () => {
    const rows = await jsonlRows('{"order":{"id":"PO-1"}}\r\n\r\n  \n{"order":{"id":"PO-2"},"items":[1,2]}\n');
    expect(rows).toEqual([
      { index: 0, line: 1, data: { order: { id: 'PO-1' } } },
      { index: 1, line: 4, data: { order: { id: 'PO-2' }, items: [1, 2] } },
    ]);
  });

  it('reports bad JSON and non-objects with their line numbers, and goes on', async () => {
    const rows = await jsonlRows('{"a":1}\n{"a":\n[1,2]\n42\nnull\n{"a":2}\n');
    expect(rows.map((r) => [r.line, r.error ? r.error.split(':')[0] : 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'not valid JSON'],
      [3, "must be a JSON object (the row's user_input), got an array"],
      [4, "must be a JSON object (the row's user_input), got number"],
      [5, "must be a JSON object (the row's user_input), got null"],
      [6, 'ok'],
    ]);
  });
});

describe('readRows from files', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('streams a large CSV file across many chunks with the right line numbers', async () => {
    const lines = ['id,note'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},"note ${i}${i % 10 === 0 ? '\nsecond line' : ''}, with comma"`);
    const file = tmp.write('big.csv', `${lines.join('\n')}\n`);
    let count = 0;
    let expectedLine = 2;
    for await (const row of readRows(file)) {
      expect(row.error).toBeUndefined();
      expect(row.index).toBe(count);
      expect(row.line).toBe(expectedLine);
      expect(row.data).toEqual({
        id: String(count),
        note: `note ${count}${count % 10 === 0 ? '\nsecond line' : ''}, with comma`,
      });
      expectedLine += count % 10 === 0 ? 2 : 1;
      count++;
    }
    expect(count).toBe(5000);
  });
});
