// The README's quickstart, run as written against the mock: every `box-docgen` line of its
// command block, in order, with the environment the README gives for the mock. Each must exit 0,
// and the documents must end up on disk.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './support.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Quickstart'),
  readme.indexOf('\n## ', readme.indexOf('## Quickstart') + 1),
);
const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const commands = block.split('\n').filter((line) => line.startsWith('box-docgen '));

/** Shell words: spaces split, single quotes group (all the README uses). */
const words = (line: string) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);

let mock: MockServer;
const tmp = tempDir();
beforeAll(async () => {
  mock = await startMockServer({ scenario: 'bulk-batches:polls=1' });
  copyFileSync(join(ROOT, 'packages/cli/samples/quickstart-orders.csv'), tmp.path('quickstart-orders.csv'));
});
afterAll(async () => {
  await mock.close();
  tmp.cleanup();
});

describe('the README quickstart against the mock', () => {
  it('has the steps: mark, tags, types, generate with --download, download', () => {
    expect(commands.map((c) => words(c)[1])).toEqual(['templates', 'templates', 'types', 'generate', 'download']);
    expect(section).toContain('BOX_AUTH_BASE_URL');
  });

  it('runs every command as written, signing in with client credentials, and leaves the documents in docs/', async () => {
    const env = {
      BOX_CLIENT_ID: 'quickstart-id',
      BOX_CLIENT_SECRET: 'quickstart-secret',
      BOX_ENTERPRISE_ID: '738291',
      BOX_DOCGEN_BASE_URL: mock.url,
      BOX_AUTH_BASE_URL: mock.url,
    };
    for (const command of commands) {
      const result = await runCli(words(command).slice(1), { env, cwd: tmp.dir });
      expect(result.code, `${command}\n${result.stderr}`).toBe(0);
    }
    expect(readdirSync(tmp.path('docs')).sort()).toEqual([
      'PO-1001 Fabrikam Inks.pdf',
      'PO-1002 Lindqvist Paper Co..pdf',
      'PO-1003 Contoso Office Supply.pdf',
    ]);
    expect(readFileSync(tmp.path('docs/PO-1001 Fabrikam Inks.pdf'), 'utf8')).toMatch(/^%PDF-/);
    expect(readFileSync(tmp.path('purchase-order.ts'), 'utf8')).toContain('export interface PurchaseOrder');
    const requests = await mock.requests();
    expect(requests.filter((r) => r.path === '/oauth2/token').length).toBeGreaterThanOrEqual(1);
    // The client secret travels only in the token request's form, never in a header of any request.
    expect(requests.every((r) => !JSON.stringify(r.headers ?? {}).includes('quickstart-secret'))).toBe(true);
  }, 60_000);
});
