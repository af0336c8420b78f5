// `npm run docs` builds both references offline, and the HTTP reference, opened from disk in
// headless Chromium with every non-file request blocked, shows every operation of the bundled spec.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node, root, tempDir } from './run.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const spec = JSON.parse(readFileSync(join(root, 'packages/spec/openapi.json'), 'utf8'));
const operations = Object.entries<any>(spec.paths).flatMap(([path, item]) =>
  Object.entries<any>(item)
    .filter(([, operation]) => operation?.operationId)
    .map(([method, operation]) => ({
      method,
      path,
      summary: operation.summary as string,
      operationId: operation.operationId as string,
    })),
);

const out = tempDir('docs');
let build: Awaited<ReturnType<typeof node>>;
let browser: Browser;

beforeAll(async () => {
  build = await node(['scripts/build-docs.js', '--out', out]);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}; install it or set CHROMIUM_PATH`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(out, { recursive: true, force: true });
});

/** A page that may load only file: and data: URLs; everything else is aborted and recorded. */
async function offlinePage() {
  // Tall enough for the whole sidebar: Redoc renders only the menu items in view.
  const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
  const blocked: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route('**/*', (route) => {
    const request = route.request();
    if (/^(file|data|blob):/.test(request.url())) return route.continue();
    blocked.push(`${request.resourceType()} ${request.url()}`);
    return route.abort();
  });
  return { page, blocked, errors };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('reference docs', () => {
  it('build: the HTTP reference with redocly build-docs, the client reference with TypeDoc', () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(existsSync(join(out, 'api/index.html'))).toBe(true);
    expect(existsSync(join(out, 'client/index.html'))).toBe(true);
  });

  it('the HTTP reference needs nothing from the network: no CDN script, stylesheet or font', () => {
    const html = readFileSync(join(out, 'api/index.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/);
    expect(html).not.toMatch(/fonts\.googleapis|fonts\.gstatic/);
  });

  it(`the HTTP reference, rendered in headless Chromium, shows all ${operations.length} operations`, async () => {
    expect(operations).toHaveLength(13);
    const { page, blocked, errors } = await offlinePage();
    const url = pathToFileURL(join(out, 'api/index.html')).href;
    await page.goto(url);
    // Once hydrated, the overview lists every operation as a link "<method><path>" to its section.
    const links = page.locator('a[href^="#/"]');
    await links
      .filter({ hasText: `${operations.at(-1)!.method}${operations.at(-1)!.path}` })
      .first()
      .waitFor();
    const targets = await links.evaluateAll((anchors) =>
      anchors.map((anchor) => [
        anchor.getAttribute('href') ?? '',
        (anchor.textContent ?? '').replace(/\s+/g, '').toLowerCase(),
      ]),
    );
    for (const operation of operations) {
      const href = targets.find(([, text]) => text === `${operation.method}${operation.path}`.toLowerCase())?.[0];
      expect(href, `a link to ${operation.method.toUpperCase()} ${operation.path} on the overview`).toBeTruthy();
      await page.goto(`${url}${href}`);
      const heading = page.locator('h1, h2, h3', {
        hasText: new RegExp(`^\\s*${escapeRegExp(operation.summary)}\\s*$`),
      });
      await heading.first().waitFor({ state: 'visible', timeout: 10_000 });
      expect(await heading.first().isVisible(), `heading "${operation.summary}"`).toBe(true);
    }
    expect(errors).toEqual([]);
    // The only outside request Redoc makes is the "API docs by Redocly" logo image, which it hides on failure.
    expect(blocked.filter((request) => !request.startsWith('image '))).toEqual([]);
    await page.close();
  }, 60_000);

  it('the client reference documents the public API of @box-docgen/client', async () => {
    const { page, blocked } = await offlinePage();
    await page.goto(pathToFileURL(join(out, 'client/index.html')).href);
    await expect(
      page.locator('h1, h2', { hasText: 'box-docgen' }).first().isVisible(),
      'the README as the landing page',
    ).resolves.toBe(true);
    await page.goto(pathToFileURL(join(out, 'client/modules.html')).href);
    for (const name of [
      'createDocGenClient',
      'DocGenApiError',
      'DocGenClientOptions',
      'RETRY_DEFAULTS',
      'WaitOptions',
      'DocGenJob',
    ]) {
      await expect(page.getByRole('link', { name, exact: true }).first().isVisible(), name).resolves.toBe(true);
    }
    expect(blocked).toEqual([]);
    await page.close();
  }, 30_000);
});
