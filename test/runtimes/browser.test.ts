// The packed client in a real browser: the fixture page is bundled with esbuild (platform
// browser) from the tarball installed in the fixture project, served from its own origin, and
// loaded in Debian's headless Chromium driven by playwright-core. Every call crosses origins
// to the one Prism mock of this test run, so Prism's CORS answers them (preflights included:
// the client sends Authorization and box-version).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  expectScenarioPassed,
  fixture,
  launchChromium,
  root,
  run,
  serveFolder,
  SETUP_TIMEOUT,
  TEST_TIMEOUT,
  type Summary,
} from './helpers.js';

describe('browser (headless Chromium)', () => {
  let served: string;
  let site: Awaited<ReturnType<typeof serveFolder>>;
  let pageOrigin: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const project = await fixture('browser');
    served = mkdtempSync(join(tmpdir(), 'box-docgen-browser-'));
    cpSync(join(project.dir, 'index.html'), join(served, 'index.html'));
    // Bundled from the fixture, so '@box-docgen/client' resolves to the packed, installed copy.
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    await run(
      esbuild,
      [
        'main.js',
        '--bundle',
        '--format=esm',
        '--platform=browser',
        '--target=es2022',
        '--sourcemap',
        `--outfile=${join(served, 'bundle.js')}`,
        '--log-level=warning',
      ],
      { cwd: project.dir },
    );
    site = await serveFolder(served);
    pageOrigin = site.origin;
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (served) rmSync(served, { recursive: true, force: true });
  });

  it(
    'create a batch, wait, walk a list, a 404; CORS from another origin',
    async () => {
      // Fails with how to install it when /usr/bin/chromium is missing.
      browser = await launchChromium();
      // A fresh profile (Playwright gives every new context its own).
      const context = await browser.newContext();
      const page = await context.newPage();
      const log: string[] = [];
      page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => log.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
      const mockUrl = inject('mockUrl');
      const toMock: string[] = [];
      page.on('response', (r) => {
        if (r.url().startsWith(mockUrl))
          toMock.push(`${r.request().method()} ${r.status()} ${r.headers()['access-control-allow-origin']}`);
      });

      await page.goto(`${pageOrigin}/index.html?mock=${encodeURIComponent(mockUrl)}`);
      const handle = await page
        .waitForFunction(() => (window as unknown as { __scenario?: unknown }).__scenario, null, { timeout: 60_000 })
        .catch((error: Error) => {
          throw new Error(`the page did not finish: ${error.message}\n${log.join('\n')}`);
        });
      const outcome = (await handle.jsonValue()) as { ok: boolean; summary?: Summary; error?: string };
      if (!outcome.ok) throw new Error(`the scenario failed in Chromium: ${outcome.error}\n${log.join('\n')}`);

      expect(outcome.summary!.runtime).toContain('Chrome/');
      expectScenarioPassed(outcome.summary!);
      // The calls really crossed origins and Prism allowed the page's origin.
      expect(new URL(pageOrigin).origin).not.toBe(new URL(mockUrl).origin);
      expect(toMock.length).toBeGreaterThanOrEqual(6);
      for (const line of toMock) expect(line.endsWith(` ${pageOrigin}`)).toBe(true);
    },
    TEST_TIMEOUT,
  );
});
