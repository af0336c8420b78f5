// `npm run docs` builds both references offline. Opened from disk in headless Chromium with every
// non-file request blocked, the HTTP reference shows every operation of the bundled spec, and the
// TypeScript reference opens on its landing page for users (authentication, the operations in the
// order a user calls them) with a page for every entry point of the client, the mock and the CLI.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '@box-docgen/types/endpoints';
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
  it('build: the HTTP reference with redocly build-docs, the TypeScript reference with TypeDoc', () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(existsSync(join(out, 'api/index.html'))).toBe(true);
    expect(existsSync(join(out, 'reference/index.html'))).toBe(true);
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

  it('the TypeScript reference opens on the landing page for users, with authentication and the operations in order', async () => {
    const { page, blocked } = await offlinePage();
    await page.goto(pathToFileURL(join(out, 'reference/index.html')).href);
    await page.locator('h1', { hasText: 'box-docgen reference' }).first().waitFor();
    // Not the root README: no maintainer set-up on the landing page.
    expect(await page.locator('.col-content').textContent()).not.toContain('npm ci && npm test');

    // The authentication section links to each sign-in helper's own page.
    await page.locator('h2', { hasText: 'Authentication' }).first().waitFor();
    for (const helper of ['developerToken', 'clientCredentials', 'jwt', 'oauth']) {
      const link = page.getByRole('link', { name: helper, exact: true }).first();
      expect(await link.getAttribute('href'), helper).toMatch(/^functions\/.*client_auth\./);
    }

    // Operations: signing in, then templates, batches, jobs, then downloading; every operation of the table listed.
    const headings = await page.locator('h3').allInnerTexts();
    const at = (text: string) => headings.findIndex((h) => h.includes(text));
    const order = ['Signing in', 'docgen.templates', 'docgen.batches', 'docgen.jobs', 'Downloading the documents'].map(
      at,
    );
    expect(
      order.every((i) => i >= 0),
      headings.join(' | '),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const text = (await page.locator('.col-content').textContent()) ?? '';
    for (const e of Object.values(endpoints)) expect(text).toContain(`docgen.${e.resource}.${e.name}()`);
    expect(text.indexOf('docgen.templates.create()')).toBeLessThan(text.indexOf('docgen.templates.list()'));
    expect(text.indexOf('docgen.batches.create()')).toBeLessThan(text.indexOf('docgen.batches.listJobs()'));
    expect(blocked).toEqual([]);
    await page.close();
  }, 30_000);

  it('the TypeScript reference has a module per entry point: client, mock and CLI', async () => {
    const { page, blocked } = await offlinePage();
    await page.goto(pathToFileURL(join(out, 'reference/modules.html')).href);
    // One module per package, holding one per entry point (its `exports`).
    const entries: Record<string, string[]> = {
      '@box-docgen/client': [
        '@box-docgen/client',
        '@box-docgen/client/auth',
        '@box-docgen/client/download',
        '@box-docgen/client/pacing',
        '@box-docgen/client/check-input',
        '@box-docgen/client/lite',
      ],
      '@box-docgen/mock': [
        '@box-docgen/mock',
        '@box-docgen/mock/vitest',
        '@box-docgen/mock/msw',
        '@box-docgen/mock/remote',
      ],
      '@box-docgen/cli': [],
    };
    /** The links of the page's content: text → href. */
    const links = async () =>
      new Map(
        await page
          .locator('.col-content a[href]')
          .evaluateAll((anchors) =>
            anchors.map((a) => [(a.textContent ?? '').trim(), (a as HTMLAnchorElement).href] as [string, string]),
          ),
      );
    const modulePage = async (path: string[]) => {
      await page.goto(pathToFileURL(join(out, 'reference/modules.html')).href);
      for (const name of path) {
        const href = (await links()).get(name);
        expect(href, `a link to ${name}`).toBeTruthy();
        await page.goto(href!);
      }
    };
    for (const [pkg, modules] of Object.entries(entries)) {
      await modulePage([pkg]);
      const found = await links();
      for (const name of modules) expect(found.has(name), `${pkg}: ${name}`).toBe(true);
    }
    // Each module's page lists what users import from it.
    const members: Record<string, string[]> = {
      '@box-docgen/client': [
        'createDocGenClient',
        'DocGenApiError',
        'DocGenClientOptions',
        'RETRY_DEFAULTS',
        'WaitOptions',
        'DocGenJob',
      ],
      '@box-docgen/client/auth': ['clientCredentials', 'jwt', 'oauth', 'developerToken', 'DocGenAuthError'],
      '@box-docgen/client/download': ['createDownloader'],
      '@box-docgen/mock': ['startMockServer', 'MockServerOptions'],
      '@box-docgen/mock/vitest': ['useMockServer', 'useSharedMockServer'],
      '@box-docgen/mock/msw': ['docgenHandlers'],
      '@box-docgen/mock/remote': ['connectMockServer'],
      '@box-docgen/cli': ['generate', 'main'],
    };
    for (const [module, names] of Object.entries(members)) {
      const pkg = module.split('/').slice(0, 2).join('/');
      await modulePage(module === '@box-docgen/cli' ? [pkg] : [pkg, module]);
      const found = await links();
      for (const name of names) expect(found.has(name), `${module}: ${name}`).toBe(true);
    }
    // A named type is shown by its name, linked to its page, not expanded in place.
    await page.goto(pathToFileURL(join(out, 'reference/index.html')).href);
    await page.getByRole('link', { name: 'createDocGenClient', exact: true }).first().click();
    const options = page.locator('.tsd-signature a', { hasText: 'DocGenClientOptions' }).first();
    expect(await options.getAttribute('href')).toMatch(/DocGenClientOptions\.html$/);
    expect(blocked).toEqual([]);
    await page.close();
  }, 60_000);
});
