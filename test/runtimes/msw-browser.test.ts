// @box-docgen/mock/msw in a real browser: a page bundled with esbuild (platform browser) from the
// workspace packages, served from loopback with MSW's own service worker file, loaded in Debian's
// headless Chromium. MSW's worker answers the client's requests to https://api.box.com (no
// network is reached) from the stateful mock.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, launchChromium, root, run, serveFolder, SETUP_TIMEOUT, TEST_TIMEOUT } from './helpers.js';

describe('@box-docgen/mock/msw in headless Chromium (MSW service worker)', () => {
  let served: string;
  let site: Awaited<ReturnType<typeof serveFolder>>;
  let browser: Browser | undefined;

  beforeAll(async () => {
    served = mkdtempSync(join(tmpdir(), 'box-docgen-msw-'));
    const fixture = join(fixtures, 'msw-browser');
    cpSync(join(fixture, 'index.html'), join(served, 'index.html'));
    cpSync(join(root, 'node_modules/msw/lib/mockServiceWorker.js'), join(served, 'mockServiceWorker.js'));
    await run(
      join(root, 'node_modules/.bin/esbuild'),
      [
        join(fixture, 'main.ts'),
        '--bundle',
        '--format=esm',
        '--platform=browser',
        '--target=es2022',
        `--outfile=${join(served, 'bundle.js')}`,
        '--log-level=warning',
      ],
      { cwd: root },
    );
    site = await serveFolder(served);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (served) rmSync(served, { recursive: true, force: true });
  });

  it(
    'the client in the page creates a batch, waits for its 3 jobs and gets a 404, all answered by the worker',
    async () => {
      browser = await launchChromium();
      const page = await (await browser.newContext()).newPage();
      const log: string[] = [];
      page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
      // Anything that reached the real network for api.box.com would show here.
      const network: string[] = [];
      page.on('requestfinished', (r) => {
        if (r.url().startsWith('https://api.box.com') && !r.serviceWorker() && r.response() === null)
          network.push(r.url());
      });
      await page.goto(`${site.origin}/index.html`);
      const handle = await page
        .waitForFunction(() => (window as unknown as { __result?: unknown }).__result, null, { timeout: 60_000 })
        .catch((error: Error) => {
          throw new Error(`the page did not finish: ${error.message}\n${log.join('\n')}`);
        });
      const outcome = (await handle.jsonValue()) as {
        ok: boolean;
        error?: string;
        batch: string;
        statuses: string[];
        notFound: number;
        controlled: boolean;
        userAgent: string;
      };
      if (!outcome.ok) throw new Error(`the page failed: ${outcome.error}\n${log.join('\n')}`);
      expect(outcome.userAgent).toContain('Chrome/');
      expect(outcome.controlled).toBe(true);
      expect(outcome.batch).toBe('7100001');
      expect(outcome.statuses).toEqual(['completed', 'completed', 'completed']);
      expect(outcome.notFound).toBe(404);
      expect(network).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
