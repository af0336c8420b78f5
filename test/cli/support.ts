// Shared pieces of the CLI tests: run the built CLI as a real child process, temp dirs,
// sample inputs, and reading what the mock received from its journal.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MockServer } from '@box-docgen/mock';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..', '..');
export const CLI = join(ROOT, 'packages', 'cli', 'dist', 'cli.js');
export const SAMPLE = join(ROOT, 'packages', 'cli', 'samples', 'purchase-orders.csv');
export const TEMPLATE = '1502867340';
export const FOLDER = '290044817';

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -b packages/cli before the CLI tests`);

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The Node that runs the CLI: the test runner's, or BOX_DOCGEN_CLI_NODE (e.g. a Node 20 to check the CLI's floor). */
export const CLI_NODE = process.env.BOX_DOCGEN_CLI_NODE || process.execPath;

export function spawnCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): ChildProcess {
  return spawn(CLI_NODE, [CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<RunResult> {
  return collect(spawnCli(args, options));
}

export function tempDir(): {
  dir: string;
  path(name: string): string;
  write(name: string, text: string): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'box-docgen-cli-test-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A CSV of `n` purchase orders with unique names ("PO-<i> <vendor>"). */
export function ordersCsv(n: number, offset = 0): string {
  const lines = ['order.id,vendor.company,order.amount,notes'];
  for (let i = 0; i < n; i++) {
    const id = `PO-${String(offset + i + 1).padStart(5, '0')}`;
    lines.push(`${id},"Vendor ${(offset + i) % 7}, Inc.",${(i * 13.7).toFixed(2)},"line one\nline ""two"""`);
  }
  return `${lines.join('\n')}\n`;
}

export const NAME = '{order.id} {vendor.company}';

/**
 * `generate` with the usual flags. These suites are about sending, resuming and reporting, with
 * small inputs that do not fit the mock's template, so the template check is off (`--no-check`)
 * unless `check` is set; template-check.test.ts tests the check itself.
 */
export function generateArgs(data: string, extra: string[] = [], check = false): string[] {
  return [
    'generate',
    '--template',
    TEMPLATE,
    '--folder',
    FOLDER,
    '--data',
    data,
    '--name',
    NAME,
    '--output-type',
    'pdf',
    ...(check ? [] : ['--no-check']),
    ...extra,
  ];
}

export function envFor(mock: Pick<MockServer, 'url'>, extra: Record<string, string> = {}): Record<string, string> {
  return { BOX_DEVELOPER_TOKEN: 'cli-test-token', BOX_DOCGEN_BASE_URL: mock.url, ...extra };
}

/** The generated_file_name of every row of every POST /docgen_batches the mock accepted (202). */
export async function acceptedNames(mock: Pick<MockServer, 'requests'>): Promise<string[]> {
  const requests = await mock.requests();
  return requests
    .filter((r) => r.method === 'POST' && r.path === '/docgen_batches' && r.status === 202)
    .flatMap((r) =>
      (r.body as { document_generation_data: { generated_file_name: string }[] }).document_generation_data.map(
        (d) => d.generated_file_name,
      ),
    );
}

/** Every POST /docgen_batches the mock received, whatever it answered. */
export async function batchPosts(mock: Pick<MockServer, 'requests'>) {
  return (await mock.requests()).filter((r) => r.method === 'POST' && r.path === '/docgen_batches');
}

export function ledgerLines(path: string): Record<string, any>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
}

/** Polls `check` every 20 ms until it returns true, or fails after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A tiny RFC 4180 reader for asserting on reports (not the one under test). */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  const [header, ...data] = rows;
  return data.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

/** Every file under `dir` (recursively) with its text: what the CLI left on disk. */
export function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, text: readFileSync(path, 'utf8') };
    });
}

/** A ClientError body, as Box sends it. */
export const clientError = (status: number, message: string) => ({
  type: 'error',
  status,
  code: status >= 500 ? 'internal_server_error' : 'bad_request',
  message,
  context_info: null,
  help_url: 'https://developer.box.com',
  request_id: `req-${status}`,
});

/** A page of `n` jobs of batch `batch`, all with `status`. */
export function jobsPage(batch: string, n: number, status = 'completed') {
  const entries = Array.from({ length: n }, (_, i) => ({
    id: `${batch}${String(i).padStart(4, '0')}`,
    type: 'docgen_job',
    batch: { id: batch, type: 'docgen_batch' },
    template_file: { id: TEMPLATE, type: 'file' },
    template_file_version: { id: '1652298017', type: 'file_version' },
    status,
    output_type: 'pdf',
    output_file: { id: `9${batch}${i}`, type: 'file' },
    output_file_version: { id: `8${batch}${i}`, type: 'file_version' },
    failures: null,
  }));
  return { entries, limit: 1000, next_marker: null, prev_marker: null };
}
