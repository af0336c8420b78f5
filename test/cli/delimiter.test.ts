// --delimiter (CSV written by spreadsheets in locales whose decimal mark is a comma use `;`),
// and the rows a failed batch names: the rows it really held, not a range over a skipped one.
import { readCsvRows } from '@box-docgen/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { envFor, generateArgs, runCli, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

async function rows(text: string, delimiter?: Parameters<typeof readCsvRows>[1]) {
  const out = [];
  for await (const row of readCsvRows([text], delimiter)) out.push(row.error ?? row.data);
  return out;
}

describe('--delimiter', () => {
  it('splits on ; tab or | (quoted fields keep theirs), and a comma is then plain text', async () => {
    expect(await rows('order.id;order.amount\nPO-1;"1,5"\n"PO;2";2,25\n', ';')).toEqual([
      { order: { id: 'PO-1', amount: '1,5' } },
      { order: { id: 'PO;2', amount: '2,25' } },
    ]);
    expect(await rows('a\tb\nx\ty\n', '\t')).toEqual([{ a: 'x', b: 'y' }]);
    expect(await rows('a|b\nx|"y|z"\n', '|')).toEqual([{ a: 'x', b: 'y|z' }]);
    // The default is still the comma: a ; file then has one column.
    expect(await rows('a;b\nx;y\n')).toEqual([{ 'a;b': 'x;y' }]);
  });

  it('generate --delimiter ";" sends the nested rows; \\t and tab name the tab', async () => {
    let batch = 0;
    const api = await serve(() => respond(202, { id: `70000${++batch}`, type: 'docgen_batch' }));
    const data = tmp.write('orders.csv', 'order.id;vendor.company\nPO-1;"Acme; Inc."\nPO-2;Globex\n');
    const result = await runCli(generateArgs(data, ['--delimiter', ';', '--state', tmp.path('l.jsonl')]), {
      env: envFor({ url: `${api.url}/2.0` }),
    });
    expect(result.code, result.stderr).toBe(0);
    const sent = JSON.parse(api.requests[0]!.body).document_generation_data;
    expect(sent).toEqual([
      {
        generated_file_name: 'PO-1 Acme; Inc.',
        user_input: { order: { id: 'PO-1' }, vendor: { company: 'Acme; Inc.' } },
      },
      { generated_file_name: 'PO-2 Globex', user_input: { order: { id: 'PO-2' }, vendor: { company: 'Globex' } } },
    ]);
    const tsv = tmp.write('orders.tsv.csv', 'order.id\tvendor.company\nPO-3\tInitech\n');
    for (const spelling of ['\\t', 'tab']) {
      const run = await runCli(
        generateArgs(tsv, ['--delimiter', spelling, '--state', tmp.path(`t-${spelling === 'tab' ? 1 : 2}.jsonl`)]),
        { env: envFor({ url: `${api.url}/2.0` }) },
      );
      expect(run.code, run.stderr).toBe(0);
    }
    expect(JSON.parse(api.requests.at(-1)!.body).document_generation_data[0].generated_file_name).toBe('PO-3 Initech');
  });
});

describe('the rows of a failed batch', () => {
  it('after a skipped row, names the rows sent ("rows 0–1, 3–4"), not a range over the skipped one', async () => {
    const api = await serve(() => respond(403, { type: 'error', status: 403, code: 'forbidden', message: 'no' }));
    const data = tmp.write('orders.csv', 'order.id,vendor.company\nPO-1,A\nPO-2,B\n,C\nPO-4,D\nPO-5,E\n');
    const result = await runCli(
      generateArgs(data, ['--skip-invalid', '--batch-size', '5', '--state', tmp.path('l.jsonl')]),
      { env: envFor({ url: `${api.url}/2.0` }) },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed: batch \w+\.1 \(rows 0–1, 3–4\): POST/);
    expect(result.stderr).not.toContain('0…4');
  });
});
