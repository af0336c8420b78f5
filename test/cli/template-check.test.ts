// `generate` checks every row against the template's tags before sending (the mock serves the
// spec's purchase order tags): rows that do not fit are listed with their paths and nothing is
// sent, unless --skip-invalid (the others go) or --no-check (all go); unused fields are a warning.
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { batchPosts, envFor, generateArgs, runCli, tempDir } from './support.js';

let mock: MockServer;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  // The spec's example tags: the template these tests check rows against.
  mock = await startMockServer({ mode: 'static' });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  tmp.cleanup();
  await mock.reset();
});

// What the template reads: order.id, order.date, order.vendor.company, order.vendor.logo (image),
// order.products (a table) with name, quantity and price, order.deliveryNotes (a loop).
const fits = (id: string) => ({
  order: {
    id,
    date: '2025-03-01',
    vendor: { company: 'Acme', logo: 'https://example.com/acme.png' },
    products: [{ name: 'bolt', quantity: 2, price: 0.5 }],
    deliveryNotes: ['gate'],
  },
});
const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
const name = (extra: string[]) => ['--name', '{order.id}', ...extra];
const posts = async () => (await batchPosts(mock)).filter((p) => p.status === 202);

describe('generate checks rows against the template', () => {
  it('refuses rows that do not fit, naming line, row and paths; nothing is sent', async () => {
    const { vendor, ...noVendor } = fits('PO-2').order;
    const data = tmp.write(
      'rows.jsonl',
      jsonl([
        fits('PO-1'),
        { order: noVendor, vendor },
        { order: { ...fits('PO-3').order, products: { name: 'bolt' } } },
      ]),
    );
    const result = await runCli(generateArgs(data, name([]), true), { env: envFor(mock) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('2 invalid rows');
    expect(result.stderr).toContain('--no-check sends them unchecked');
    expect(result.stderr).toContain(
      'line 2 (row 1): does not fit the template: order.vendor is missing ({{order.vendor.company}})',
    );
    expect(result.stderr).toContain(
      'line 3 (row 2): does not fit the template: order.products must be a list ({{tablerow item in order.products}})',
    );
    expect(await posts()).toEqual([]);
    // The tags were read (GET .../tags), and nothing else.
    expect((await mock.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /docgen_templates/1502867340/tags',
    ]);
  });

  it('--skip-invalid sends the rows that fit; fields no tag reads are a warning', async () => {
    const { vendor, ...noVendor } = fits('PO-2').order;
    const data = tmp.write(
      'rows.jsonl',
      jsonl([
        { ...fits('PO-1'), note: 'extra' },
        { order: noVendor, vendor },
      ]),
    );
    const result = await runCli(generateArgs(data, name(['--skip-invalid', '--json']), true), { env: envFor(mock) });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: no tag of the template reads this field of the input: note');
    const summary = JSON.parse(result.stdout);
    expect(summary.invalid.rows).toBe(1);
    expect(summary.unused).toEqual(['note']);
    const sent = (await posts()).flatMap((p) =>
      (p.body as any).document_generation_data.map((d: any) => d.generated_file_name),
    );
    expect(sent).toEqual(['PO-1']);
  });

  it('--no-check sends every row without reading the tags', async () => {
    const data = tmp.write('rows.jsonl', jsonl([{ order: { id: 'PO-1' }, vendor: { company: 'Acme' } }]));
    const result = await runCli(generateArgs(data, name([])), { env: envFor(mock) });
    expect(result.code).toBe(0);
    expect((await mock.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /docgen_batches']);
  });
});
