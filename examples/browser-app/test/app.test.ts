// The browser app in headless Chromium (Debian's, through playwright-core), its requests to
// https://api.box.com answered by MSW's real service worker with @box-docgen/mock/msw: a user
// fills the form and presses Generate, and the page shows the batch's jobs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, root, SETUP_TIMEOUT, TEST_TIMEOUT } from '../../../test/runtimes/helpers.js';
import { type MswSite, mswSite, openMswPage } from '../../../test/runtimes/msw-page.js';

const here = join(root, 'examples', 'browser-app');

describe('examples/browser-app in headless Chromium through MSW', () => {
  let site: MswSite | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const html = readFileSync(join(here, 'index.html'), 'utf8');
    expect(html).toContain('./dist/bundle.js');
    site = await mswSite(join(here, 'test', 'with-msw.ts'), {
      msw: join(root, 'node_modules', 'msw'),
      html: html.replace('./dist/bundle.js', './bundle.js'),
    });
    browser = await launchChromium();
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it(
    'marks the template, sends one batch with a job per order, waits and lists the jobs',
    async () => {
      const { page, log, network } = await openMswPage(browser!, `${site!.origin}/index.html`);
      await page.fill('input[name=token]', 'browser-app-token');
      await page.fill('input[name=template]', '1200345');
      await page.fill('input[name=folder]', '9000100');
      await page.fill('textarea[name=orders]', 'PO 1\nPO 2\nPO 3');
      // The worker controls the page before the app may send anything.
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await page.click('button[type=submit]');
      const status = page.locator('[role=status]');
      await status
        .and(page.locator('[data-state=done], [data-state=failed]'))
        .waitFor({ timeout: 60_000 })
        .catch((error: Error) => {
          throw new Error(`the page did not finish: ${error.message}\n${log.join('\n')}`);
        });
      expect(await status.textContent()).toBe('Batch 7100001: done');
      const jobs = await page.locator('.jobs li').allTextContents();
      expect(jobs).toHaveLength(3);
      for (const job of jobs) expect(job).toMatch(/^\d+: completed, file \d+$/);
      expect(new Set(jobs).size).toBe(3);
      expect(network).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows what Box answered when the token is refused (a 401 from the mock, which knows one token)',
    async () => {
      const { page, log } = await openMswPage(browser!, `${site!.origin}/index.html`);
      await page.fill('input[name=token]', 'someone-elses-token');
      await page.fill('input[name=template]', '1200345');
      await page.fill('input[name=folder]', '9000100');
      await page.fill('textarea[name=orders]', 'PO 1');
      await page.click('button[type=submit]');
      await page
        .locator('[role=status][data-state=failed]')
        .waitFor({ timeout: 60_000 })
        .catch((error: Error) => {
          throw new Error(`the page did not fail: ${error.message}\n${log.join('\n')}`);
        });
      expect(await page.locator('[role=status]').textContent()).toMatch(/^Box answered 401: /);
    },
    TEST_TIMEOUT,
  );
});
