// The app under conditions the plain mock never shows: jobs that take a few polls to finish,
// one of them with errors, and rate limiting. A server of this file's own (useMockServer).
import { createDocGenClient } from '@box-docgen/client';
import { scenarioHeaders } from '@box-docgen/mock';
import { useMockServer } from '@box-docgen/mock/vitest';
import { beforeEach, describe, expect, it } from 'vitest';

import { sendInvoices, type Invoice } from '../src/invoices.js';

// The spec's examples (mode: 'static'): jobs-progress finishes them with one completed_with_error.
const mock = useMockServer({ mode: 'static', scenario: 'jobs-progress' });

const invoices: Invoice[] = ['A', 'B', 'C'].map((customer, i) => ({
  number: `INV-20${i}`,
  customer,
  currency: 'EUR',
  lines: [{ description: 'Service', quantity: 1, unitPrice: 100 }],
}));
const options = { templateFileId: '1502867340', folderId: '9000100', pollIntervalMs: 1 };

beforeEach(async () => {
  await mock.reset();
});

describe('sendInvoices while the jobs are still running (jobs-progress)', () => {
  it('polls until every job finished, reporting progress, and sets aside the invoice with errors', async () => {
    const docgen = createDocGenClient({ token: 't', baseUrl: mock.url });
    const pending: number[] = [];
    const run = await sendInvoices(docgen, invoices, { ...options, onProgress: (p) => pending.push(p.pending) });

    expect(pending).toEqual([3, 3, 0]);
    expect((await mock.requests()).filter((r) => r.method === 'GET')).toHaveLength(3);
    expect(run.generated.length).toBeGreaterThanOrEqual(1);
    expect(run.withErrors).toHaveLength(1);
    expect(run.withErrors[0]!.errors[0]).toMatch(/could not be read/);
  });
});

describe('sendInvoices when Box rate-limits (rate-limited, per request)', () => {
  it('gets through: the client waits out the 429 and asks again', async () => {
    const docgen = createDocGenClient({
      token: 't',
      baseUrl: mock.url,
      headers: scenarioHeaders('rate-limited:every=2,retryAfter=0'),
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    const run = await sendInvoices(docgen, invoices, options);
    expect(run.generated).toHaveLength(3);
    expect((await mock.requests()).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 202', 'GET 429', 'GET 200']);
  });
});
