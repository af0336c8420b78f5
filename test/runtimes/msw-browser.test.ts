// @box-docgen/mock/msw in a real browser: a page bundled with esbuild (platform browser) from the
// workspace packages, served from loopback with MSW's own service worker file, loaded in Debian's
// headless Chromium. MSW's worker answers the client's requests to https://api.box.com (no
// network is reached) from the stateful mock.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, launchChromium, root, SETUP_TIMEOUT, TEST_TIMEOUT } from './helpers.js';
import { type MswSite, mswSite, openMswPage, pageResult } from './msw-page.js';

describe('@box-docgen/mock/msw in headless Chromium (MSW service worker)', () => {
  let site: MswSite | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    site = await mswSite(join(fixtures, 'msw-browser', 'main.ts'), { msw: join(root, 'node_modules', 'msw') });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it(
    'the client in the page creates a batch, waits for its 3 jobs and gets a 404, all answered by the worker',
    async () => {
      browser = await launchChromium();
      const opened = await openMswPage(browser, `${site!.origin}/index.html`);
      const outcome = await pageResult<{
        ok: boolean;
        error?: string;
        batch: string;
        statuses: string[];
        notFound: number;
        controlled: boolean;
        userAgent: string;
      }>(opened);
      if (!outcome.ok) throw new Error(`the page failed: ${outcome.error}\n${opened.log.join('\n')}`);
      expect(outcome.userAgent).toContain('Chrome/');
      expect(outcome.controlled).toBe(true);
      expect(outcome.batch).toBe('7100001');
      expect(outcome.statuses).toEqual(['completed', 'completed', 'completed']);
      expect(outcome.notFound).toBe(404);
      expect(opened.network).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
