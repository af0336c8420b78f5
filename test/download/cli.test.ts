// `generate --wait --download DIR` and `box-docgen download`: documents on disk, through Box's
// redirect to a download host on another origin (two fault servers on loopback). Names from
// generated_file_name and the output type the run recorded (from a report or from the run's
// ledgers), atomic writes, reruns skip complete files, a line per failure and exit 1.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { envFor, generateArgs, jobsPage, runCli, tempDir } from '../cli/support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const pdf = (id: string) => `%PDF-1.7\n% file ${id}\n%%EOF\n`;

/** The download host: the bytes of /d/<file id>, and a 403 for file ids listed in `refuse`. */
const host = (refuse: string[] = []) =>
  serve((_, head) => {
    const id = head.url.split('/')[2]!;
    return refuse.includes(id) ? respond(403, 'expired') : respond(200, pdf(id), { 'content-type': 'application/pdf' });
  });

/** The API: a batch of `n` completed jobs, and each file's content a 302 to the host. */
const api = (hostUrl: string, n: number, outputType = 'pdf') =>
  serve((_, head) => {
    if (head.method === 'POST') return respond(202, { id: '7000123', type: 'docgen_batch' });
    const file = /^\/2\.0\/files\/(\d+)\/content/.exec(head.url);
    if (file) return respond(302, '', { location: `${hostUrl}/d/${file[1]}/download` });
    const page = jobsPage('7000123', n);
    return respond(200, { ...page, entries: page.entries.map((job) => ({ ...job, output_type: outputType })) });
  });

const rows = (n: number) =>
  `order.id,vendor.company\n${Array.from({ length: n }, (_, i) => `PO-${i + 1},Acme`).join('\n')}\n`;

describe('documents to disk', () => {
  it('generate --wait --download DIR writes <name>.<output type> for every completed job, the token never reaching the host', async () => {
    const files = await host();
    const box = await api(files.url, 3);
    const data = tmp.write('orders.csv', rows(3));
    const out = tmp.path('docs');
    const result = await runCli(
      generateArgs(data, [
        '--state',
        tmp.path('l.jsonl'),
        '--wait',
        '--poll-interval',
        '10',
        '--report',
        tmp.path('r.jsonl'),
        '--download',
        out,
      ]),
      { env: envFor({ url: `${box.url}/2.0` }) },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['PO-1 Acme.pdf', 'PO-2 Acme.pdf', 'PO-3 Acme.pdf']);
    expect(readFileSync(join(out, 'PO-2 Acme.pdf'), 'utf8')).toBe(pdf('970001231'));
    expect(result.stdout).toMatch(/download +.*: 3 files written, 0 already there, 0 failed \(of 3\)/);
    expect(files.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    const content = box.requests.filter((r) => r.url.includes('/content'));
    expect(content).toHaveLength(3);
    expect(
      content.every(
        (r) => r.headers.authorization === 'Bearer cli-test-token' && r.headers['box-version'] === undefined,
      ),
    ).toBe(true);
  });

  it('download REPORT: a rerun skips complete files, a failure is one line and exit 1, and no temporary file is left', async () => {
    const files = await host(['970001231']);
    const box = await api(files.url, 3);
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({ row: i, name: `PO-${i + 1} Acme`, output_file_id: `97000123${i}`, status: 'completed' }),
    );
    const report = tmp.write('r.jsonl', `${lines.join('\n')}\n`);
    const out = tmp.path('docs');
    const env = envFor({ url: `${box.url}/2.0` });
    const first = await runCli(
      ['download', report, '--dir', out, '--output-type', 'pdf', '--concurrency', '2', '--json'],
      { env },
    );
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('download failed: "PO-2 Acme" (file 970001231): GET');
    expect(first.stderr).toContain('failed with 403');
    expect(first.stderr).not.toContain('/d/970001231/download');
    expect(JSON.parse(first.stdout)).toMatchObject({ files: 3, downloaded: 2, skipped: 0, failed: 1 });
    expect(readdirSync(out).sort()).toEqual(['PO-1 Acme.pdf', 'PO-3 Acme.pdf']);

    // A complete file is never fetched again; the one that failed is.
    writeFileSync(join(out, 'PO-1 Acme.pdf'), 'kept');
    const before = box.requests.length;
    const second = await runCli(['download', report, '--dir', out, '--output-type', 'pdf', '--json'], { env });
    expect(JSON.parse(second.stdout)).toMatchObject({ downloaded: 0, skipped: 2, failed: 1 });
    expect(box.requests.slice(before).map((r) => r.url)).toEqual(['/2.0/files/970001231/content']);
    expect(readFileSync(join(out, 'PO-1 Acme.pdf'), 'utf8')).toBe('kept');
    expect(existsSync(join(out, '.PO-2 Acme.pdf.part'))).toBe(false);
  });

  it('download LEDGER: the jobs are looked up in Box, the output type comes from the ledger, no --output-type', async () => {
    const files = await host();
    const box = await api(files.url, 3, 'docx');
    const data = tmp.write('orders.csv', rows(3));
    const ledger = tmp.path('l.jsonl');
    const env = envFor({ url: `${box.url}/2.0` });
    const docx = generateArgs(data, ['--state', ledger]).map((a) => (a === 'pdf' ? 'docx' : a));
    expect((await runCli(docx, { env })).code).toBe(0);
    const out = tmp.path('docs');
    const first = await runCli(['download', ledger, '--dir', out, '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ files: 3, downloaded: 3, failed: 0, noDocument: 0 });
    expect(readdirSync(out).sort()).toEqual(['PO-1 Acme.docx', 'PO-2 Acme.docx', 'PO-3 Acme.docx']);
    // One look at the batch's job list (one page), then the three files.
    const lookups = box.requests.filter((r) => r.url.startsWith('/2.0/docgen_batch_jobs/7000123'));
    expect(lookups).toHaveLength(1);
    // A rerun skips the complete files.
    const again = await runCli(['download', ledger, '--dir', out], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 files written, 3 already there, 0 failed \(of 3\)/);
    // --output-type still overrides.
    const pdf = await runCli(['download', ledger, '--dir', tmp.path('pdf'), '--output-type', 'pdf', '--json'], { env });
    expect(JSON.parse(pdf.stdout)).toMatchObject({ downloaded: 3 });
    expect(readdirSync(tmp.path('pdf'))).toContain('PO-1 Acme.pdf');
  });

  it('download REPORT written by --wait: its output_type column names the files; a report without it needs --output-type', async () => {
    const files = await host();
    const box = await api(files.url, 2);
    const data = tmp.write('orders.csv', rows(2));
    const report = tmp.path('r.csv');
    const env = envFor({ url: `${box.url}/2.0` });
    const run = await runCli(
      generateArgs(data, ['--state', tmp.path('l.jsonl'), '--wait', '--poll-interval', '10', '--report', report]),
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(report, 'utf8').split('\n')[0]).toBe(
      'row,line,name,shard,batch_id,job_id,status,output_file_id,output_type,errors,warnings',
    );
    const result = await runCli(['download', report, '--dir', tmp.path('docs')], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(tmp.path('docs')).sort()).toEqual(['PO-1 Acme.pdf', 'PO-2 Acme.pdf']);

    const old = tmp.write(
      'old.jsonl',
      `${JSON.stringify({ row: 0, name: 'PO-1 Acme', output_file_id: '970001230' })}\n`,
    );
    const without = await runCli(['download', old, '--dir', tmp.path('old')], { env });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain(
      'download failed: "PO-1 Acme" (file 970001230): the report does not say the output type',
    );
  });

  it('--download without --wait is a usage error', async () => {
    const data = tmp.write('orders.csv', rows(1));
    const result = await runCli(generateArgs(data, ['--download', tmp.path('docs')]), {
      env: envFor({ url: 'http://127.0.0.1:9' }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--download needs --wait');
  });
});
