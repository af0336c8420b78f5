// Downloads from the stateful mock: `GET /files/{id}/content` of a file its jobs wrote answers 302
// to its download host (a second loopback origin) that serves a small valid PDF or DOCX showing
// the file name. The client's /download helper and the CLI's `generate --wait --download` and
// `download` write files that parse; the download host never sees the bearer token.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { createDocGenClient, DocGenApiError } from '@box-docgen/client';
import { createDownloader } from '@box-docgen/client/download';
import { startMockServer, type MockServer } from '@box-docgen/mock';
import type { DocGenBatchCreateRequest } from '@box-docgen/types';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envFor, FOLDER, generateArgs, runCli, TEMPLATE, tempDir } from '../cli/support.js';

/** The structure of a PDF: header, trailer, and every xref offset pointing at its object. */
function parsePdf(bytes: Buffer): { objects: number; text: string } {
  const text = bytes.toString('latin1');
  expect(text.startsWith('%PDF-1.')).toBe(true);
  expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!.map(Number) as number[];
  expect(first).toBe(0);
  const rows = text
    .slice(startxref)
    .split('\n')
    .slice(2, 2 + count!);
  rows.slice(1).forEach((row, i) => {
    const offset = Number(row.slice(0, 10));
    expect(row).toMatch(/^\d{10} 00000 n $/);
    expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
  });
  const stream = /\/Length (\d+) >>\nstream\n/.exec(text)!;
  const body = text.slice(stream.index + stream[0].length, stream.index + stream[0].length + Number(stream[1]));
  expect(text.slice(stream.index + stream[0].length + Number(stream[1]))).toMatch(/^\nendstream/);
  return { objects: count! - 1, text: body };
}

/** The entries of a zip from its central directory, each checked against its local header and CRC-32. */
function parseZip(bytes: Buffer): Record<string, string> {
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const files: Record<string, string> = {};
  for (let i = 0; i < entries; i++) {
    expect(bytes.readUInt32LE(at)).toBe(0x02014b50);
    const method = bytes.readUInt16LE(at + 10);
    const crc = bytes.readUInt32LE(at + 16);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(bytes.readUInt32LE(local)).toBe(0x04034b50);
    const data = bytes.subarray(local + 30 + nameLength, local + 30 + nameLength + size);
    expect(method).toBe(0);
    expect(crc32(data)).toBe(crc);
    files[name] = data.toString('utf8');
    at += 46 + nameLength;
  }
  return files;
}

const expectDocx = (bytes: Buffer, title: string) => {
  const files = parseZip(bytes);
  expect(Object.keys(files)).toEqual(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
  expect(files['[Content_Types].xml']).toContain('PartName="/word/document.xml"');
  expect(files['_rels/.rels']).toContain('Target="word/document.xml"');
  expect(files['word/document.xml']).toContain(`<w:t xml:space="preserve">${title}</w:t>`);
};

const TOKEN = 'download-token-123456';
const FAST = { baseDelayMs: 1, maxDelayMs: 5 };

function batch(outputType: 'pdf' | 'docx', names: string[]): DocGenBatchCreateRequest {
  return {
    file: { id: TEMPLATE, type: 'file' },
    input_source: 'api',
    destination_folder: { id: FOLDER, type: 'folder' },
    output_type: outputType,
    document_generation_data: names.map((generated_file_name) => ({ generated_file_name, user_input: { n: 1 } })),
  };
}

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ state: { polls: 0, downloads: { notReady: 1, retryAfter: 0 } } });
});
afterAll(() => mock.close());

describe('client download against the mock', () => {
  it('a PDF and a DOCX through the 302 to the download host: valid files, the bearer token only on the API', async () => {
    await mock.reset();
    const docgen = createDocGenClient({ baseUrl: mock.url, token: TOKEN, retry: FAST });
    const jobs = [
      ...(await docgen.batches.wait((await docgen.batches.create(batch('pdf', ['Invoice (A) \\ 1']))).id)),
      ...(await docgen.batches.wait((await docgen.batches.create(batch('docx', ['Letter <B> & C']))).id)),
    ];
    const files = createDownloader({ baseUrl: mock.url, token: TOKEN, retry: FAST });
    const [pdf, docx] = await Promise.all(
      jobs.map(async (job) => {
        const got = await files.download(job.output_file!.id);
        return { ...got, bytes: Buffer.from(await new Response(got.body).arrayBuffer()) };
      }),
    );
    expect(pdf!.contentType).toBe('application/pdf');
    expect(pdf!.size).toBe(pdf!.bytes.length);
    expect(parsePdf(pdf!.bytes)).toEqual({
      objects: 5,
      text: 'BT /F1 16 Tf 72 720 Td (Invoice \\(A\\) \\\\ 1.pdf) Tj ET',
    });
    expect(docx!.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expectDocx(docx!.bytes, 'Letter &lt;B&gt; &amp; C.docx');

    const requests = await mock.requests();
    const api = requests.filter((r) => r.path.startsWith('/files/'));
    const host = requests.filter((r) => r.server === 'download');
    // notReady: 1 — each file's first read is a 202 with Retry-After, the client waited it out.
    expect(api.map((r) => r.status).sort()).toEqual([202, 202, 302, 302]);
    expect(api.every((r) => r.headers['authorization'] === 'Bearer [REDACTED]' && !r.headers['box-version'])).toBe(
      true,
    );
    expect(host).toHaveLength(2);
    expect(host.every((r) => r.status === 200 && r.headers['authorization'] === undefined)).toBe(true);
    expect(requests.flatMap((r) => r.violations)).toEqual([]);
  });

  it('an unknown file or version is a 404 DocGenApiError; a download URL not handed out is a 404 on the host', async () => {
    await mock.reset();
    const docgen = createDocGenClient({ baseUrl: mock.url, token: TOKEN, retry: FAST });
    const [job] = await docgen.batches.wait((await docgen.batches.create(batch('pdf', ['One']))).id);
    const files = createDownloader({ baseUrl: mock.url, token: TOKEN, retry: FAST });
    const missing = await files.download('123456').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DocGenApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    await expect(files.download(job!.output_file!.id, { version: '1' })).rejects.toMatchObject({ status: 404 });
    const right = await files.download(job!.output_file!.id, { version: job!.output_file_version!.id });
    expect(
      Buffer.from(await new Response(right.body).arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const forged = await fetch(`${mock.downloadUrl}/d/1/00000000-0000-4000-8000-000000000000/download`);
    expect(forged.status).toBe(404);
  });
});

describe('the CLI downloads from the mock', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('generate --wait --download DIR writes DOCX files that parse; download REPORT writes the same again', async () => {
    await mock.reset();
    const data = tmp.write('orders.csv', 'order.id,vendor.company\nPO-1,Acme\nPO-2,Globex\n');
    const args = generateArgs(data, ['--wait', '--poll-interval', '10', '--report', tmp.path('r.jsonl')]);
    args[args.indexOf('--output-type') + 1] = 'docx';
    const out = tmp.path('docs');
    const env = envFor(mock);
    const result = await runCli([...args, '--download', out], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['PO-1 Acme.docx', 'PO-2 Globex.docx']);
    for (const name of ['PO-1 Acme', 'PO-2 Globex'])
      expectDocx(readFileSync(join(out, `${name}.docx`)), `${name}.docx`);

    const again = tmp.path('again');
    const download = await runCli(
      ['download', tmp.path('r.jsonl'), '--dir', again, '--output-type', 'docx', '--json'],
      { env },
    );
    expect(download.code, download.stderr).toBe(0);
    expect(JSON.parse(download.stdout)).toMatchObject({ files: 2, downloaded: 2, failed: 0 });
    expect(readFileSync(join(again, 'PO-1 Acme.docx'))).toEqual(readFileSync(join(out, 'PO-1 Acme.docx')));
    const host = (await mock.requests()).filter((r) => r.server === 'download');
    expect(host).toHaveLength(4);
    expect(host.every((r) => r.headers['authorization'] === undefined)).toBe(true);
  });

  it('generate --wait --download DIR with pdf: files start with %PDF- and parse', async () => {
    await mock.reset();
    const data = tmp.write('orders.csv', 'order.id,vendor.company\nPO-7,Initech\n');
    const out = tmp.path('docs');
    const result = await runCli(generateArgs(data, ['--wait', '--poll-interval', '10', '--download', out]), {
      env: envFor(mock),
    });
    expect(result.code, result.stderr).toBe(0);
    const bytes = readFileSync(join(out, 'PO-7 Initech.pdf'));
    expect(parsePdf(bytes).text).toContain('(PO-7 Initech.pdf)');
  });
});
