// The app's tests against the shared mock of the global setup (vitest.config.ts). Each file
// gets a session of its own, so mock.requests() lists only what this file's code sent.
import { createDocGenClient } from '@box-docgen/client';
import { useSharedMockServer } from '@box-docgen/mock/vitest';
import { beforeEach, describe, expect, it } from 'vitest';

import { sendInvoices, type Invoice } from '../src/invoices.js';

const mock = useSharedMockServer();
const docgen = createDocGenClient({ token: 'consumer-test-token', baseUrl: mock.url, headers: mock.headers });

const invoices: Invoice[] = [
  {
    number: 'INV-1001',
    customer: 'Northwind Traders',
    currency: 'EUR',
    lines: [{ description: 'Paper', quantity: 3, unitPrice: 0.1 }],
  },
  {
    number: 'INV-1002',
    customer: 'Contoso',
    currency: 'EUR',
    lines: [
      { description: 'Toner', quantity: 2, unitPrice: 45.5 },
      { description: 'Delivery', quantity: 1, unitPrice: 9 },
    ],
  },
  { number: 'INV-1003', customer: 'Fabrikam', currency: 'USD', lines: [] },
];
const options = { templateFileId: '1502867340', folderId: '9000100', pollIntervalMs: 1 };

beforeEach(async () => {
  await mock.reset();
});

describe('sendInvoices', () => {
  it('sends one batch with one document per invoice, totals computed, then polls the batch', async () => {
    const run = await sendInvoices(docgen, invoices, options);

    const requests = await mock.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /docgen_batches',
      `GET /docgen_batch_jobs/${run.batchId}`,
    ]);
    const [create] = requests;
    expect(create!.headers['authorization']).toBe('Bearer [REDACTED]');
    expect(create!.headers['box-version']).toBe('2025.0');
    expect(create!.body).toEqual({
      file: { id: '1502867340', type: 'file' },
      input_source: 'api',
      destination_folder: { id: '9000100', type: 'folder' },
      output_type: 'pdf',
      document_generation_data: [
        {
          generated_file_name: 'Invoice INV-1001 - Northwind Traders',
          user_input: {
            invoice: {
              number: 'INV-1001',
              customer: { name: 'Northwind Traders' },
              currency: 'EUR',
              lines: [{ description: 'Paper', quantity: 3, unitPrice: 0.1, amount: 0.3 }],
              total: 0.3,
            },
          },
        },
        expect.objectContaining({
          generated_file_name: 'Invoice INV-1002 - Contoso',
          user_input: { invoice: expect.objectContaining({ total: 100 }) },
        }),
        expect.objectContaining({
          generated_file_name: 'Invoice INV-1003 - Fabrikam',
          user_input: { invoice: expect.objectContaining({ lines: [], total: 0 }) },
        }),
      ],
    });
    // Nothing the app sent broke the contract.
    expect(requests.flatMap((r) => r.violations)).toEqual([]);

    // The plain mock answers with the spec's example: every job completed.
    expect(run.generated).toHaveLength(3);
    expect(run.withErrors).toEqual([]);
    expect(run.failed).toEqual([]);
  });

  it('sends nothing for no invoices', async () => {
    expect(await sendInvoices(docgen, [], options)).toEqual({
      batchId: undefined,
      generated: [],
      withErrors: [],
      failed: [],
    });
    expect(await mock.requests()).toEqual([]);
  });

  it('docx output is asked for in the body', async () => {
    await sendInvoices(docgen, invoices.slice(0, 1), { ...options, outputType: 'docx' });
    const [create] = await mock.requests();
    expect(create!.body).toMatchObject({ output_type: 'docx' });
  });
});
