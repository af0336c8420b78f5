// The README harness: every fenced code block of a README is type-checked (one tsc for all the
// READMEs of a test file) and run against a mock of its own, so examples cannot rot.
//
//   ```ts / ```js   compiled with tsc against the built packages, then run with node
//   ```sh           run with bash -e, `box-docgen` and `box-docgen-mock` on the PATH
//   ```text, json, jsonl, csv, yaml, md   shown, not code: left alone
//
// Every block runs with BOX_DOCGEN_BASE_URL and BOX_AUTH_BASE_URL set to the mock and made-up
// credentials (BOX_DEVELOPER_TOKEN, BOX_CLIENT_ID, …), in a temporary directory holding the
// `files` the caller names, one block after the other, as a reader would run them. A block that
// must not run says why right before it, `<!-- not-run: needs a Box account -->`: a ts/js block is
// then still type-checked, a sh block still parsed (bash -n). Any other block (no language, an
// unknown one) fails the test: say what it is.
//
// Use from any test file: `testReadmes([{ path: 'packages/mock/README.md' }])`.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockServer, type MockServerOptions, startMockServer } from '@box-docgen/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CODE = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js', sh: 'sh', bash: 'sh', shell: 'sh' };
const SHOWN = new Set(['text', 'txt', 'json', 'jsonl', 'csv', 'yaml', 'yml', 'md', 'diff']);
const BLOCK_TIMEOUT_MS = 60_000;

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  kind: 'ts' | 'js' | 'sh' | 'shown' | 'unknown';
  code: string;
  /** The reason of a `<!-- not-run: … -->` right before the block; undefined when it runs. */
  notRun: string | undefined;
}

/** The fenced blocks of a Markdown text, with the marker before each. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})([^`\s]*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence);
    if (end < 0) throw new Error(`line ${i + 1}: the code block is never closed`);
    const code = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l))
      .join('\n');
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? /^\s*<!--\s*not-run:(.*?)-->\s*$/.exec(lines[before]!) : null;
    const lang = info!.toLowerCase();
    const kind = CODE[lang as keyof typeof CODE] ?? (SHOWN.has(lang) ? 'shown' : 'unknown');
    blocks.push({ line: i + 1, lang, kind, code: `${code}\n`, notRun: marker ? marker[1]!.trim() : undefined });
    i = end;
  }
  return blocks;
}

export interface ReadmeOptions {
  /** The README, relative to the repository root. */
  path: string;
  /** The mock its blocks run against (default: startMockServer()'s stateful mock). */
  mock?: MockServerOptions;
  /** Files the blocks expect in their working directory: name there → path from the repository root. */
  files?: Record<string, string>;
}

interface Prepared extends ReadmeOptions {
  blocks: (ReadmeBlock & { file: string | undefined })[];
}

const slug = (path: string) => path.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/** `box-docgen`, `box-docgen-mock`, …: a shim per `bin` of the workspace packages, on the built files. */
function binDir(dir: string) {
  mkdirSync(dir, { recursive: true });
  const workspaces: string[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).workspaces;
  for (const workspace of workspaces) {
    const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8'));
    for (const [name, target] of Object.entries<string>(manifest.bin ?? {})) {
      const shim = join(dir, name);
      writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, workspace, target)}' "$@"\n`);
      chmodSync(shim, 0o755);
    }
  }
  return dir;
}

/** One tsc over every ts/js block; its diagnostics, each rewritten to the README line it is on. */
function typeCheck(dir: string, readmes: Prepared[]): Promise<Map<string, string[]>> {
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      // What a Node user on TypeScript 5 would write.
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        moduleDetection: 'force',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        allowJs: true,
        checkJs: true,
        rootDir: 'src',
        outDir: 'out',
      },
      include: ['src'],
    }),
  );
  const where = new Map<string, { path: string; line: number }>();
  for (const readme of readmes) {
    for (const block of readme.blocks) {
      if (!block.file) continue;
      writeFileSync(join(dir, 'src', block.file), block.code);
      where.set(`src/${block.file}`, { path: readme.path, line: block.line });
    }
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
      (_error, stdout, stderr) => {
        const byFile = new Map<string, string[]>();
        let key = '*';
        for (const line of `${stdout}${stderr}`.split('\n').filter(Boolean)) {
          const at = /^(src\/[^()]+)\((\d+),(\d+)\): (.*)$/.exec(line);
          const block = at ? where.get(at[1]!) : undefined;
          // An indented line goes on explaining the diagnostic above it.
          if (!line.startsWith(' ')) key = at && block ? at[1]! : '*';
          const text = block ? `${block.path}:${block.line + Number(at![2])}:${at![3]} ${at![4]}` : line;
          byFile.set(key, [...(byFile.get(key) ?? []), text]);
        }
        resolve(byFile);
      },
    );
  });
}

interface Ran {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), BLOCK_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Registers, per README, one test per code block; all of them share one tsc run. */
export function testReadmes(readmes: ReadmeOptions[]) {
  // Inside the repository (its /tmp/ is ignored), so the blocks resolve @box-docgen/* and @types/node as users would.
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'tmp', 'readme-blocks-'));
  mkdirSync(join(dir, 'src'));
  const bin = binDir(join(dir, 'bin'));
  const prepared: Prepared[] = readmes.map((readme) => ({
    ...readme,
    blocks: readmeBlocks(readFileSync(join(ROOT, readme.path), 'utf8')).map((block) => ({
      ...block,
      file: block.kind === 'ts' || block.kind === 'js' ? `${slug(readme.path)}-${block.line}.${block.kind}` : undefined,
    })),
  }));
  let diagnostics: Promise<Map<string, string[]>>;

  beforeAll(() => {
    diagnostics = typeCheck(dir, prepared);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const readme of prepared) {
    describe(readme.path, () => {
      let mock: MockServer | undefined;
      const work = join(dir, `work-${slug(readme.path)}`);
      const env = () => ({
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        NO_COLOR: '1',
        BOX_DOCGEN_BASE_URL: mock!.url,
        BOX_AUTH_BASE_URL: mock!.url,
        BOX_DEVELOPER_TOKEN: 'readme-developer-token',
        BOX_CLIENT_ID: 'readme-client-id',
        BOX_CLIENT_SECRET: 'readme-client-secret',
        BOX_ENTERPRISE_ID: '738291',
        BOX_USER_ID: undefined,
        BOX_JWT_CONFIG: undefined,
        BOX_OAUTH_TOKEN_FILE: undefined,
      });
      const runs = readme.blocks.some((b) => (b.kind === 'ts' || b.kind === 'js' || b.kind === 'sh') && !b.notRun);
      beforeAll(async () => {
        mkdirSync(work, { recursive: true });
        for (const [name, from] of Object.entries(readme.files ?? {})) copyFileSync(join(ROOT, from), join(work, name));
        if (runs) mock = await startMockServer(readme.mock);
      }, 60_000);
      afterAll(() => mock?.close());

      it('has code blocks the harness knows', () => {
        const unknown = readme.blocks.filter((b) => b.kind === 'unknown');
        expect(
          unknown.map((b) => `${readme.path}:${b.line}: a block in "${b.lang || 'no language'}"`),
          'name the language (ts, js, sh, or text/json/… for what is only shown)',
        ).toEqual([]);
        const unexplained = readme.blocks.filter((b) => b.notRun === '');
        expect(
          unexplained.map((b) => `${readme.path}:${b.line}`),
          'a not-run marker says why',
        ).toEqual([]);
      });

      for (const block of readme.blocks.filter((b) => b.kind === 'ts' || b.kind === 'js' || b.kind === 'sh')) {
        const how = block.notRun ? `checked, not run (${block.notRun})` : 'runs against the mock';
        it(
          `${basename(readme.path)}:${block.line} (${block.lang}) ${how}`,
          async () => {
            if (block.kind === 'sh') {
              const parsed = await run('bash', ['-n', '-c', block.code], work, env());
              expect(parsed.output, `${readme.path}:${block.line} is not valid shell`).toBe('');
              if (block.notRun) return;
              const ran = await run('bash', ['-e', '-o', 'pipefail', '-c', block.code], work, env());
              expect(ran.code, `${readme.path}:${block.line} failed:\n${ran.output}`).toBe(0);
              return;
            }
            const found = await diagnostics;
            expect(found.get('*') ?? [], 'tsc itself').toEqual([]);
            expect(found.get(`src/${block.file}`) ?? [], 'type errors').toEqual([]);
            if (block.notRun) return;
            const compiled = join(dir, 'out', block.file!.replace(/\.ts$/, '.js'));
            const ran = await run(process.execPath, [compiled], work, env());
            expect(ran.code, `${readme.path}:${block.line} (${relative(ROOT, compiled)}) failed:\n${ran.output}`).toBe(
              0,
            );
          },
          BLOCK_TIMEOUT_MS + 10_000,
        );
      }
    });
  }
}
