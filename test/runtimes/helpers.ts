// Shared by the runtime tests: pack the packages once, install the tarballs into a fixture
// project under the OS temp folder, find each runtime (or fail saying how to get it), run a
// fixture and read the summary it prints, and what the spec says that summary must be.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative } from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';
import { expect } from 'vitest';
// Plain JavaScript shared with the scripts (npm run check:packages, size, release:dry).
import { cachedDir, hash } from '../../scripts/lib/cache.js';
import { pack } from '../../scripts/lib/pack.js';
import { cleanEnv, root } from '../../scripts/lib/workspaces.js';
import { example } from '../helpers/spec.js';
import { RESULT_PREFIX } from './fixtures/scenario.mjs';

export { root };
export const fixtures = join(root, 'test', 'runtimes', 'fixtures');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** Per-test and hook time limits: installs and browsers are slow on a 2-core machine. */
export const TEST_TIMEOUT = 180_000;
export const SETUP_TIMEOUT = 600_000;

// ---------------------------------------------------------------------------------------------
// Fixture projects

export interface Fixture {
  /** The fixture project: its files plus node_modules holding the packed packages. */
  dir: string;
  /** The packed tarballs installed into it, by package name. */
  tarballs: Record<string, string>;
}

export interface FixtureOptions {
  /** The workspaces to pack and install; default the client and its types. */
  packages?: string[];
  /** Root devDependencies to install too, at the version the repo has installed (npm's cache has it). */
  tools?: string[];
}

/** The version of a root devDependency that `npm ci` installed. */
export function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/**
 * Copies test/runtimes/fixtures/<name> (and the shared scenario.mjs, and consumer.ts where a
 * tsconfig.json asks for it) to a temp folder and `npm install`s the packed packages (and the
 * tools asked for) into it. Cached by content: a second call, or a second test file, reuses
 * the same install.
 */
export async function fixture(name: string, options: FixtureOptions = {}, retry = true): Promise<Fixture> {
  const packed = await pack(options.packages ?? ['@box-docgen/types', '@box-docgen/client']);
  const tools = (options.tools ?? []).map((tool) => `${tool}@${installedVersion(tool)}`);
  const tarballs: Record<string, string> = Object.fromEntries(
    Object.values(packed as Record<string, { name: string; tarball: string }>).map((p) => [p.name, p.tarball]),
  );
  const source = join(fixtures, name);
  const shared = ['scenario.mjs', 'consumer.ts'].map((f) => join(fixtures, f));
  const files = [...walk(source), ...shared];
  const key = hash(
    name,
    tools,
    Object.values(tarballs).map((t) => hash(readFileSync(t))),
    files.map((f) => [relative(fixtures, f), hash(readFileSync(f))]),
  );
  const base = await cachedDir(`fixture-${name}`, key, async (dir: string) => {
    cpSync(join(fixtures, 'scenario.mjs'), join(dir, 'scenario.mjs'));
    cpSync(source, join(dir, name), { recursive: true });
    if (existsSync(join(source, 'tsconfig.json')))
      cpSync(join(fixtures, 'consumer.ts'), join(dir, name, 'consumer.ts'));
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...Object.values(tarballs),
        ...tools,
      ],
      { cwd: join(dir, name), env: cleanEnv(), timeout: SETUP_TIMEOUT },
    );
  });
  const dir = join(base, name);
  // A cached copy that lost files (someone cleaned the temp folder under a running build) is
  // rebuilt once.
  const expected = [
    ...files.filter((f) => f.startsWith(source)).map((f) => join(dir, relative(source, f))),
    join(base, 'scenario.mjs'),
    ...Object.keys(tarballs).map((pkg) => join(dir, 'node_modules', pkg, 'package.json')),
  ];
  const missing = expected.filter((f) => !existsSync(f));
  if (missing.length) {
    if (!retry) throw new Error(`the fixture ${name} in ${dir} lacks ${missing.join(', ')}`);
    rmSync(base, { recursive: true, force: true });
    return fixture(name, options, false);
  }
  return { dir, tarballs };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

// ---------------------------------------------------------------------------------------------
// Runtimes: each one is required; a missing one fails with how to get it.

export class MissingRuntimeError extends Error {
  override name = 'MissingRuntimeError';
}

export interface Runtime {
  path: string;
  version: string;
}

function probe(path: string, args: string[]): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return execFileSync(path, args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function versionAtLeast(version: string, min: [number, number]): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

/** The system Node 20 (>= 20.19, where require() of an ES module works): /usr/bin/node or $NODE20. */
export function node20(): Runtime {
  const path = process.env.NODE20 ?? '/usr/bin/node';
  const version = probe(path, ['--version']);
  if (!version?.startsWith('v20.') || !versionAtLeast(version, [20, 19])) {
    throw new MissingRuntimeError(
      `Node 20.19+ is needed at ${path} (found ${version ?? 'nothing'}). Install it (e.g. apt-get install nodejs from ` +
        'NodeSource node_20.x, or a Node 20 tarball from nodejs.org), or point NODE20=/path/to/node20 at one.',
    );
  }
  return { path, version };
}

/**
 * Node 22 LTS from the private workspace test/runtimes/node22: its `node` devDependency is nested
 * there (the root's `node` is Node 24, and both cannot own node_modules/.bin/node).
 */
export function node22(): Runtime {
  const path = process.env.NODE22 ?? join(root, 'test', 'runtimes', 'node22', 'node_modules', 'node', 'bin', 'node');
  const version = probe(path, ['--version']);
  if (!version?.startsWith('v22.') || !versionAtLeast(version, [22, 12])) {
    throw new MissingRuntimeError(
      `Node 22.12+ is needed at ${path} (found ${version ?? 'nothing'}). It comes with the workspace ` +
        'test/runtimes/node22 (its `node` devDependency): run `npm ci` in the repo (or point NODE22=/path/to/node22 at one).',
    );
  }
  return { path, version };
}

/** Node 24 from the `node` devDependency (node_modules/.bin/node). */
export function node24(): Runtime {
  const path = process.env.NODE24 ?? bin('node');
  const version = probe(path, ['--version']);
  if (!version || !versionAtLeast(version, [24, 0])) {
    throw new MissingRuntimeError(
      `Node 24 is needed at ${path} (found ${version ?? 'nothing'}). It comes with the root devDependency ` +
        '`node`: run `npm ci` in the repo (or point NODE24=/path/to/node24 at one).',
    );
  }
  return { path, version };
}

/** A runtime that comes as a root devDependency (its platform binary an optional dependency). */
function packaged(name: string, label: string, env: string): Runtime {
  const path = process.env[env] ?? bin(name);
  const version = probe(path, ['--version'])?.split('\n')[0];
  if (!version) {
    throw new MissingRuntimeError(
      `${label} is needed at ${path}. It comes with the root devDependency \`${name}\` (its platform binary is an ` +
        `optional dependency): run \`npm ci\` in the repo, without --omit=optional (or point ${env}=/path/to/${name} at one).`,
    );
  }
  return { path, version };
}

/** Deno from the `deno` devDependency. */
export const deno = (): Runtime => packaged('deno', 'Deno', 'DENO');

/** Bun from the `bun` devDependency. */
export const bun = (): Runtime => packaged('bun', 'Bun', 'BUN');

/** Debian's Chromium: /usr/bin/chromium or $CHROMIUM. Never a downloaded browser. */
export function chromium(): Runtime {
  const path = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const version = existsSync(path) && statSync(path).isFile() ? probe(path, ['--version']) : undefined;
  if (!version) {
    throw new MissingRuntimeError(
      `Chromium is needed at ${path}. Install the Debian package: \`sudo bash scripts/ensure-chromium.sh\` ` +
        '(apt-get install chromium), or point CHROMIUM=/path/to/chromium at one.',
    );
  }
  return { path, version };
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return playwright.launch({
    executablePath: chromium().path,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 60_000,
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
};

/** Serves the files of `dir` on a loopback port of its own; resolves with the origin. */
export async function serveFolder(dir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    let body: Buffer;
    try {
      body = readFileSync(join(dir, path));
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------
// Running things

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeout?: number;
}

/** Runs a command; rejects with its exit code and output when it fails or runs out of time. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const timeout = options.timeout ?? TEST_TIMEOUT - 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      if (code === 0) resolve(result);
      else {
        const why = signal
          ? `was killed (${signal}${signal === 'SIGKILL' ? `, after ${timeout} ms` : ''})`
          : `exited with ${code}`;
        reject(
          new Error(`${command} ${args.join(' ')} ${why}\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`),
        );
      }
    });
  });
}

const tail = (text: string) => (text.length > 6000 ? `…${text.slice(-6000)}` : text);

/** The summary line a fixture printed. */
export function readSummary(result: RunResult): Summary {
  const line = result.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (!line)
    throw new Error(
      `the fixture printed no result line\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`,
    );
  return JSON.parse(line.slice(RESULT_PREFIX.length));
}

// ---------------------------------------------------------------------------------------------
// What the scenario must report, from the spec's examples

export interface Summary {
  runtime: string;
  resolved?: string;
  batchId: string;
  jobs: string[];
  progress: string[];
  walked: string[];
  pages: number;
  error: Record<string, unknown>;
  entries: string[];
}

const FINISHED = ['completed', 'failed', 'completed_with_error'];

export function expectedSummary(): Omit<Summary, 'runtime' | 'resolved'> {
  const batchJobs = (name: string) =>
    example('/docgen_batch_jobs/{batch_id}', 'get', 200, name).entries as { id: string; status: string }[];
  const finished = (jobs: { status: string }[]) =>
    `${jobs.filter((j) => FINISHED.includes(j.status)).length}/${jobs.length}`;
  const notFound = example('/docgen_jobs/{job_id}', 'get', 404);
  const jobPage = (name: string) =>
    (example('/docgen_jobs', 'get', 200, name).entries as { id: string }[]).map((j) => j.id);
  return {
    batchId: example('/docgen_batches', 'post', 202).id,
    jobs: batchJobs('completed').map((j) => `${j.id}:${j.status}`),
    progress: [finished(batchJobs('pending')), finished(batchJobs('completed'))],
    walked: [...jobPage('first_page'), ...jobPage('last_page')],
    pages: 2,
    entries: ['@box-docgen/client', '@box-docgen/client/lite'],
    error: {
      name: 'DocGenApiError',
      status: 404,
      code: notFound.code,
      requestId: notFound.request_id,
      helpUrl: notFound.help_url,
      contextInfo: notFound.context_info,
      method: 'GET',
      path: '/docgen_jobs/1502869999',
      mentionsStatus: true,
    },
  };
}

/** Checks a fixture's summary against the spec, and that it ran the packed package. */
export function expectScenarioPassed(summary: Summary, fixtureDir?: string): void {
  const { runtime, resolved, ...rest } = summary;
  expect(rest).toEqual(expectedSummary());
  expect(runtime).toBeTypeOf('string');
  if (fixtureDir && resolved) {
    const path = resolved.startsWith('file:') ? new URL(resolved).pathname : resolved;
    expect(path.startsWith(join(fixtureDir, 'node_modules', '@box-docgen', 'client'))).toBe(true);
  }
}
