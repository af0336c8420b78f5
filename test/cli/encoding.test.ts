// Input bytes that are not UTF-8 are an input error naming the file and line, never a row
// sent with U+FFFD in place of a character; --encoding latin1 reads Latin-1 files.
import { Readable } from 'node:stream';
import { InputError, readCsvRecords, readRows } from '@box-docgen/cli';
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

const latin1Csv = Buffer.concat([
  Buffer.from('order.id,vendor.company\nPO-1,Acme\nPO-2,Caf'),
  Buffer.from([0xe9]),
  Buffer.from('\nPO-3,Acme\n'),
]);

async function accepting() {
  const server = await serve(() => respond(202, { id: '7000123', type: 'docgen_batch' }));
  return { server, env: envFor({ url: `${server.url}/2.0` }) };
}
const sentNames = (server: { requests: { body: string }[] }) =>
  server.requests.flatMap((r) => JSON.parse(r.body).document_generation_data.map((d: any) => d.generated_file_name));

describe('the input encoding', () => {
  it('a Latin-1 CSV is refused with its file and line named, and nothing is sent', async () => {
    const { server, env } = await accepting();
    const data = tmp.write('latin1.csv', latin1Csv as never);
    const result = await runCli(generateArgs(data, ['--state', tmp.path('l.jsonl')]), { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`line 3: ${data} is not valid UTF-8`);
    expect(result.stderr).toContain('pass --encoding latin1');
    expect(server.requests).toEqual([]);
  });

  it('--encoding latin1 sends "Café", not a replacement character', async () => {
    const { server, env } = await accepting();
    const data = tmp.write('latin1.csv', latin1Csv as never);
    const result = await runCli(generateArgs(data, ['--state', tmp.path('l.jsonl'), '--encoding', 'latin1']), { env });
    expect(result.code).toBe(0);
    expect(sentNames(server)).toEqual(['PO-1 Acme', 'PO-2 Café', 'PO-3 Acme']);
  });

  it('a JSONL line that is not UTF-8 is refused by its line; so is an unknown --encoding', async () => {
    const { server, env } = await accepting();
    const good = '{"order":{"id":"J-1"},"vendor":{"company":"Acme"}}\n';
    const data = tmp.write(
      'rows.jsonl',
      Buffer.concat([
        Buffer.from(`${good}\n`),
        Buffer.from('{"order":{"id":"J-2"},"vendor":{"company":"M\xfcller"}}\n', 'latin1'),
      ]) as never,
    );
    const result = await runCli(generateArgs(data, ['--state', tmp.path('l.jsonl')]), { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`line 3: ${data} is not valid UTF-8`);
    const bogus = await runCli(generateArgs(data, ['--encoding', 'ebcdic']), { env });
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/unknown --encoding "ebcdic": use utf8 \(the default\) or latin1/);
    expect(server.requests).toEqual([]);
  });

  it('a U+FFFD already in the file is refused too: an earlier conversion lost that character', async () => {
    const file = tmp.write('damaged.csv', 'id,name\n1,ok\n2,Caf\uFFFD\n');
    await expect(async () => {
      for await (const _ of readRows(file)) void _;
    }).rejects.toThrow(/line 3: .*damaged\.csv holds U\+FFFD, the replacement character/);
  });

  it('names the right line with CR or CRLF line ends and quoted line breaks', async () => {
    for (const [end, line] of [
      ['\r', 4],
      ['\r\n', 4],
      ['\n', 4],
    ] as const) {
      const bytes = Buffer.concat([
        Buffer.from(`id,name${end}1,"two${end}lines"${end}2,`),
        Buffer.from([0xff]),
        Buffer.from(end),
      ]);
      const file = tmp.write('ends.csv', bytes as never);
      const error = await (async () => {
        for await (const _ of readRows(file)) void _;
      })().catch((e: unknown) => e);
      expect(error, JSON.stringify(end)).toBeInstanceOf(InputError);
      expect((error as InputError).line).toBe(line);
    }
  });

  it('a character cut between two chunks stays whole', async () => {
    const bytes = Buffer.from('id,name\n1,Zoë Ångström\n');
    const cut = bytes.indexOf(0xc3) + 1; // in the middle of "ë"
    const records = [];
    for await (const record of readCsvRecords(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)])))
      records.push(record.fields);
    expect(records).toEqual([
      ['id', 'name'],
      ['1', 'Zoë Ångström'],
    ]);
  });

  it("generate's help documents --encoding", async () => {
    const help = await runCli(['generate', '--help']);
    expect(help.stdout).toMatch(/--encoding utf8\|latin1/);
  });
});
