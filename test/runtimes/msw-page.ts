// A page whose requests MSW's real service worker answers, in Debian's headless Chromium: an
// entry bundled with esbuild for the browser, served from loopback next to MSW's worker file.
// Shared by the MSW browser test, the mock README's Storybook recipe and examples/browser-app.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { root, run, serveFolder } from './helpers.js';

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>box-docgen with MSW</title></head>
  <body><script type="module" src="./bundle.js"></script></body>
</html>
`;

export interface MswSite {
  origin: string;
  close(): Promise<void>;
}

/**
 * Bundles `entry` (esbuild, platform browser; its imports resolve from where it is) into a temp
 * folder with an index.html (the given one, or a page that only loads the bundle) and the
 * mockServiceWorker.js of the msw package at `msw`, and serves that folder on loopback.
 */
export async function mswSite(entry: string, options: { msw: string; html?: string }): Promise<MswSite> {
  const served = mkdtempSync(join(tmpdir(), 'box-docgen-msw-'));
  try {
    writeFileSync(join(served, 'index.html'), options.html ?? PAGE);
    cpSync(join(options.msw, 'lib', 'mockServiceWorker.js'), join(served, 'mockServiceWorker.js'));
    await run(
      join(root, 'node_modules', '.bin', 'esbuild'),
      [
        entry,
        '--bundle',
        '--format=esm',
        '--platform=browser',
        '--target=es2022',
        `--outfile=${join(served, 'bundle.js')}`,
        '--log-level=warning',
      ],
      { cwd: dirname(entry) },
    );
    const site = await serveFolder(served);
    return {
      origin: site.origin,
      close: async () => {
        await site.close();
        rmSync(served, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(served, { recursive: true, force: true });
    throw error;
  }
}

export interface MswPage {
  page: Page;
  /** The page's console lines and errors, for failure messages. */
  log: string[];
  /** Requests to api.box.com that reached the network instead of the worker (should stay empty). */
  network: string[];
}

/** Opens `url` in a new context of `browser`, recording its log and any real api.box.com request. */
export async function openMswPage(browser: Browser, url: string): Promise<MswPage> {
  const page = await (await browser.newContext()).newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  const network: string[] = [];
  page.on('requestfinished', (r) => {
    if (r.url().startsWith('https://api.box.com') && !r.serviceWorker() && r.response() === null) network.push(r.url());
  });
  await page.goto(url);
  return { page, log, network };
}

/** Waits (bounded) for the page to set `window.__result`, and returns it; fails with the page's log. */
export async function pageResult<T>({ page, log }: MswPage, timeout = 60_000): Promise<T> {
  const handle = await page
    .waitForFunction(() => (window as unknown as { __result?: unknown }).__result, null, { timeout })
    .catch((error: Error) => {
      throw new Error(`the page did not finish: ${error.message}\n${log.join('\n')}`);
    });
  return (await handle.jsonValue()) as T;
}
