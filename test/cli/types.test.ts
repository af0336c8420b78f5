// `box-docgen types --template ID`: the user_input type from the template's tags (the mock
// serves the spec's purchase order tags), and tsc proves rows that do not fit do not compile.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envFor, ROOT, runCli, tempDir, TEMPLATE } from './support.js';

let mock: MockServer;
const tmp = tempDir();
beforeAll(async () => {
  // The spec's example tags: the template the type is written from.
  mock = await startMockServer({ mode: 'static' });
});
afterAll(async () => {
  await mock.close();
  tmp.cleanup();
});

describe('box-docgen types', () => {
  it('writes the user_input interface: nested objects, the table and the loop as arrays, the condition optional', async () => {
    const out = tmp.path('purchase-order.ts');
    const result = await runCli(['types', '--template', TEMPLATE, '--out', out, '--type-name', 'PurchaseOrder'], {
      env: envFor(mock),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`wrote ${out}: PurchaseOrder from 9 tags\n`);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain(`box-docgen types --template ${TEMPLATE}`);
    expect(text.slice(text.indexOf('export'))).toBe(`export interface PurchaseOrder {
  order: {
    id: string | number | boolean;
    date: string | number | boolean;
    vendor: {
      company: string | number | boolean;
      logo: string | number | boolean;
    };
    products: Array<{
      name: string | number | boolean;
      quantity: number | string;
      price: number | string;
    }>;
    taxRate?: unknown;
    deliveryNotes: Array<unknown>;
  };
}
`);
  });

  it('the type compiles for rows that fit and not for rows that do not', async () => {
    const out = tmp.path('input.ts');
    await runCli(['types', '--template', TEMPLATE, '--out', out], { env: envFor(mock) });
    writeFileSync(
      tmp.path('use.ts'),
      `import type { UserInput } from './input.js';
export const fits: UserInput = { order: { id: 'PO-1', date: '2025-03-01', vendor: { company: 'Acme', logo: 'x.png' }, products: [{ name: 'bolt', quantity: 2, price: '0.5' }], deliveryNotes: [] } };
// @ts-expect-error vendor under the wrong parent: order.vendor is missing
export const misplaced: UserInput = { order: { id: 'PO-1', date: 'd', products: [], deliveryNotes: [] }, vendor: { company: 'Acme', logo: 'x' } };
// @ts-expect-error products must be a list
export const notAList: UserInput = { order: { id: 'PO-1', date: 'd', vendor: { company: 'A', logo: 'x' }, products: { name: 'bolt', quantity: 1, price: 1 }, deliveryNotes: [] } };
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // Throws (with tsc's output) when a line that should compile does not, or an expected error is missing.
    execFileSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        tmp.path('use.ts'),
      ],
      { stdio: 'pipe' },
    );
  });
});
