// packages/mock/README.md runs as written, from the packed tarballs, on Node 22 LTS and Node 24:
// each `ts` block names the file it is on its first line (`// test/shared.test.ts`, or
// `// main.ts (node main.ts)` for a script), and the blocks of a section are written into a
// folder of a consumer project that has the packed spec, types, client and mock installed, then
// run the way that section says: vitest (Node and browser mode, real Chromium), Playwright's
// test runner with the mock's CLI as its webServer, the Storybook story in Chromium through MSW's
// worker, or node. A block in a section with no way to run it fails here.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../../scripts/lib/workspaces.js';
import {
  chromium,
  type Fixture,
  fixture,
  launchChromium,
  node22,
  node24,
  root,
  run,
  type Runtime,
  SETUP_TIMEOUT,
  TEST_TIMEOUT,
} from './helpers.js';
import { mswSite, openMswPage, pageResult } from './msw-page.js';

interface Block {
  section: string;
  lang: string;
  /** The file the block is (its first line names it). */
  file: string;
  /** Set when the block is a script the reader runs with node. */
  script: boolean;
  code: string;
}

const README = readFileSync(join(root, 'packages', 'mock', 'README.md'), 'utf8');

function readmeBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading) section = heading[1]!;
    const fence = /^```(\w*)$/.exec(line);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md: the block at line ${i + 1} is not closed`);
    const code = lines.slice(i + 1, end).join('\n');
    const named = /^\/\/ (\S+)(?: \(node (\S+)\))?$/.exec(lines[i + 1] ?? '');
    if (fence[1] === 'ts' && !named)
      throw new Error(`README.md line ${i + 2}: a ts block starts with "// <file>" (got ${lines[i + 1]})`);
    if (named?.[2] && named[2] !== named[1])
      throw new Error(`README.md line ${i + 2}: "(node ${named[2]})" must run the block's own file ${named[1]}`);
    blocks.push({ section, lang: fence[1] ?? '', file: named?.[1] ?? '', script: Boolean(named?.[2]), code });
    i = end;
  }
  return blocks;
}

const blocks = readmeBlocks(README);

/** The consumer project: the packed packages and the tools the recipes use. */
const consumer = () =>
  fixture('mock-consumer', {
    packages: ['@box-docgen/spec', '@box-docgen/types', '@box-docgen/client', '@box-docgen/mock'],
    tools: ['vitest', '@vitest/browser-playwright', 'playwright', '@playwright/test', 'msw'],
  });
const inSection = (section: string) => blocks.filter((b) => b.section === section);

/** Whether a version meets a range made of `^x.y.z` and `>=x.y.z` joined by `||` (as engines are here). */
function meets(version: string, range: string): boolean {
  const parse = (v: string) => v.replace(/^v/, '').split('.').map(Number) as [number, number, number];
  const atLeast = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const have = parse(version);
  return range.split('||').some((part) => {
    const m = /^\s*(\^|>=)(\d+\.\d+\.\d+)\s*$/.exec(part);
    if (!m) throw new Error(`engines range part not understood: ${part}`);
    const want = parse(m[2]!);
    return atLeast(have, want) >= 0 && (m[1] === '>=' || have[0] === want[0]);
  });
}

/** A port nobody listens on now (for the Playwright recipe's fixed port). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The sections whose blocks make a project run by vitest, Playwright or the story harness;
// every other section's ts blocks must be scripts run with node.
const VITEST = ['@box-docgen/mock', 'vitest in Node'];
const BROWSER_VITEST = 'vitest browser mode';
const PLAYWRIGHT = 'Playwright';
const STORYBOOK = 'Storybook with MSW';
const PROJECTS = [...VITEST, BROWSER_VITEST, PLAYWRIGHT, STORYBOOK];
const SCRIPTS = blocks.filter((b) => b.lang === 'ts' && !PROJECTS.includes(b.section));
const CLI = 'The CLI';

describe('packages/mock/README.md: every block', () => {
  it('is a ts block this suite runs, or the CLI synopsis and sample output', () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      if (block.lang === 'text') expect(block.section).toBe(CLI);
      else expect(block.lang).toBe('ts');
    }
    for (const block of SCRIPTS) expect(block.script, `${block.section}: ${block.file} is run with node`).toBe(true);
    for (const section of PROJECTS) expect(inSection(section).length, section).toBeGreaterThan(0);
  });
});

describe.each([
  ['Node 22', node22],
  ['Node 24', node24],
])('packages/mock/README.md recipes from the packed tarballs, %s', (label, find) => {
  let project: Fixture;
  let node: Runtime;
  let work: string;
  // The runtime under test comes first on PATH, for npx and the #!/usr/bin/env node of bins.
  const env = (extra: Record<string, string> = {}) => ({
    ...cleanEnv(),
    PATH: `${dirname(node.path)}${delimiter}${process.env.PATH ?? ''}`,
    CHROMIUM_PATH: chromium().path,
    ...extra,
  });

  beforeAll(async () => {
    node = find();
    project = await consumer();
    work = mkdtempSync(join(project.dir, `readme-${label.replace(' ', '')}-`));
  }, SETUP_TIMEOUT);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Writes a section's blocks into a folder of their own; returns it. */
  const write = (section: string) => {
    const dir = join(work, section.replace(/\W+/g, '-'));
    for (const block of inSection(section)) {
      mkdirSync(dirname(join(dir, block.file)), { recursive: true });
      writeFileSync(join(dir, block.file), `${block.code}\n`);
    }
    return dir;
  };

  it("the runtime meets the packed mock's engines", () => {
    const { engines } = JSON.parse(
      readFileSync(join(project.dir, 'node_modules', '@box-docgen', 'mock', 'package.json'), 'utf8'),
    );
    expect(meets(node.version, engines.node), `${node.version} vs ${engines.node}`).toBe(true);
  });

  for (const section of VITEST) {
    it(
      `${section}: vitest runs the section's test files and they pass`,
      async () => {
        const dir = write(section);
        const out = join(dir, 'vitest.json');
        const vitest = join(project.dir, 'node_modules', 'vitest', 'vitest.mjs');
        await run(node.path, [vitest, 'run', '--reporter=json', `--outputFile=${out}`], { cwd: dir, env: env() });
        const report = JSON.parse(readFileSync(out, 'utf8'));
        const files = inSection(section).filter((b) => b.file.endsWith('.test.ts'));
        expect(report.numPassedTestSuites).toBe(files.length);
        expect(report.numFailedTests).toBe(0);
        expect(report.numPassedTests).toBeGreaterThanOrEqual(files.length);
      },
      TEST_TIMEOUT,
    );
  }

  it.each(SCRIPTS.map((b) => [`${b.section}: node ${b.file}`, b] as const))(
    '%s exits 0',
    async (_name, block) => {
      const dir = join(work, 'scripts');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, block.file), `${block.code}\n`);
      await run(node.path, [block.file], { cwd: dir, env: env() });
    },
    TEST_TIMEOUT,
  );

  it(
    `${BROWSER_VITEST}: vitest runs the test file in headless Chromium against the global mock`,
    async () => {
      const dir = write(BROWSER_VITEST);
      const out = join(dir, 'vitest.json');
      const vitest = join(project.dir, 'node_modules', 'vitest', 'vitest.mjs');
      await run(node.path, [vitest, 'run', '--reporter=json', `--outputFile=${out}`], { cwd: dir, env: env() });
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.numPassedTests).toBeGreaterThan(0);
      expect(report.numFailedTests).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    `${PLAYWRIGHT}: playwright test starts \`box-docgen-mock serve\` as its webServer, waits for the ready URL, and the spec passes`,
    async () => {
      const dir = write(PLAYWRIGHT);
      const cli = join(project.dir, 'node_modules', '@playwright', 'test', 'cli.js');
      const port = await freePort();
      const result = await run(node.path, [cli, 'test', '--reporter=json'], {
        cwd: dir,
        env: env({ MOCK_PORT: String(port), CI: '1' }),
      });
      const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
      expect(report.stats).toMatchObject({ unexpected: 0, flaky: 0 });
      expect(report.stats.expected).toBe(inSection(PLAYWRIGHT).filter((b) => b.file.endsWith('.spec.ts')).length);
      // webServer stopped the mock when the run ended: nothing listens on the port any more.
      await expect(fetch(`http://127.0.0.1:${port}/__box-docgen-mock__/ready`)).rejects.toThrow();
    },
    TEST_TIMEOUT,
  );
});

describe(`packages/mock/README.md, ${STORYBOOK}: the story in headless Chromium, MSW's worker started from its parameters.msw.handlers`, () => {
  let browser: Browser | undefined;
  let close: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it(
    'renders the templates the handlers were loaded with, answered by the worker',
    async () => {
      const project = await consumer();
      const dir = mkdtempSync(join(project.dir, 'readme-storybook-'));
      try {
        const [story] = inSection(STORYBOOK);
        mkdirSync(dirname(join(dir, story!.file)), { recursive: true });
        writeFileSync(join(dir, story!.file), `${story!.code}\n`);
        // What msw-storybook-addon's loader does with a story's parameters, then the render.
        writeFileSync(
          join(dir, 'preview.ts'),
          `import { setupWorker } from 'msw/browser';
import meta, * as stories from './${story!.file}';
const result = window as unknown as { __result?: unknown };
try {
  await setupWorker(...meta.parameters.msw.handlers).start({ onUnhandledFrame: 'error', quiet: true, serviceWorker: { url: '/mockServiceWorker.js' } });
  const [name, story] = Object.entries(stories).find(([key]) => key !== 'default')!;
  const element = (story as { render(): HTMLElement }).render();
  document.body.append(element);
  await new Promise<void>((resolve) => new MutationObserver(() => element.dataset['loaded'] && resolve()).observe(element, { attributes: true }));
  result.__result = { ok: true, name, items: [...element.querySelectorAll('li')].map((li) => li.textContent) };
} catch (error) {
  result.__result = { ok: false, error: String((error as Error)?.stack ?? error) };
}
`,
        );
        const site = await mswSite(join(dir, 'preview.ts'), { msw: join(project.dir, 'node_modules', 'msw') });
        close = site.close;
        browser = await launchChromium();
        const opened = await openMswPage(browser, `${site.origin}/index.html`);
        const outcome = await pageResult<{ ok: boolean; error?: string; name: string; items: string[] }>(opened);
        if (!outcome.ok) throw new Error(`the story failed: ${outcome.error}\n${opened.log.join('\n')}`);
        expect(outcome.items).toEqual(['1200345 Invoice.docx', '1200346 Order.docx']);
        expect(opened.network).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT,
  );
});

describe(`packages/mock/README.md, ${CLI}`, () => {
  it(
    'every flag of the synopsis is one the packed CLI documents in --help',
    async () => {
      const project = await consumer();
      const [synopsis] = inSection(CLI);
      const help = await run(node24().path, [join(project.dir, 'node_modules', '.bin', 'box-docgen-mock'), '--help'], {
        cwd: project.dir,
      });
      const flags = [...new Set(synopsis!.code.match(/--[a-z-]+/g))];
      expect(flags.length).toBeGreaterThan(5);
      for (const flag of flags) expect(help.stdout + help.stderr, flag).toContain(flag);
    },
    SETUP_TIMEOUT,
  );
});
