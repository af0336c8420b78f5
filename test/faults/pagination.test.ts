// Pagination stays lazy: 100,000 jobs in pages of 1000, and page k+1 is asked for only once
// every item of page k has been handed out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { clientFor, delay } from './support.js';

const TOTAL = 100_000;

let server: FaultServer;
beforeEach(async () => {
  // Markers are offsets; every page is made on request.
  server = await startFaultServer((_, request) => {
    const url = new URL(request.url, 'http://x');
    const offset = Number(url.searchParams.get('marker') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const end = Math.min(TOTAL, offset + limit);
    const entries = [];
    for (let i = offset; i < end; i++) {
      entries.push({
        id: String(i),
        type: 'docgen_job',
        status: 'completed',
        output_type: 'pdf',
        output_file: null,
        output_file_version: null,
      });
    }
    return respond(200, { entries, limit, next_marker: end < TOTAL ? String(end) : null, prev_marker: null });
  });
});
afterEach(() => server.close());

describe('pagination over 100,000 jobs', () => {
  it('for await fetches page k+1 only after page k is used up, and walks every job once', async () => {
    let seen = 0;
    for await (const job of clientFor(server).jobs.list({ limit: 1000 })) {
      // Item n is on page floor(n / 1000): exactly that many + 1 pages have been asked for.
      const pagesNeeded = Math.floor(seen / 1000) + 1;
      // Handing out items takes no trip through the event loop, so a prefetch would not have
      // reached the server yet; at the last item of every 10th page, give it time to.
      if (seen % 10_000 === 9_999) await delay(20);
      if (server.requests.length !== pagesNeeded) {
        expect.unreachable(`at item ${seen}: ${server.requests.length} requests, expected ${pagesNeeded}`);
      }
      if (job.id !== String(seen)) expect.unreachable(`item ${seen} has id ${job.id}`);
      seen++;
    }
    expect(seen).toBe(TOTAL);
    expect(server.requests).toHaveLength(100);
    expect(server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('marker'))).toEqual(
      Array.from({ length: 100 }, (_, k) => (k === 0 ? null : String(k * 1000))),
    );
  });

  it('break stops the requests', async () => {
    let seen = 0;
    for await (const _ of clientFor(server).jobs.list({ limit: 1000 })) {
      if (++seen === 1_500) break;
    }
    expect(server.requests).toHaveLength(2);
    await delay(100);
    expect(server.requests).toHaveLength(2);
  });

  it('consuming slowly does not prefetch', async () => {
    const iterator = clientFor(server).jobs.list({ limit: 1000 })[Symbol.asyncIterator]();
    expect(server.requests).toHaveLength(0); // nothing before the first next()
    for (let i = 0; i < 1000; i++) await iterator.next();
    await delay(50);
    expect(server.requests).toHaveLength(1); // the last item of page 1 is out, page 2 not asked for
    expect((await iterator.next()).value).toMatchObject({ id: '1000' });
    expect(server.requests).toHaveLength(2);
    await iterator.return?.();
  });

  it('await list() is the first page only; getNextPage() asks for exactly one more', async () => {
    const page = await clientFor(server).jobs.list({ limit: 1000 });
    expect(page.entries).toHaveLength(1000);
    expect(page.hasNextPage()).toBe(true);
    expect(server.requests).toHaveLength(1);
    const next = await page.getNextPage();
    expect(next.entries[0]).toMatchObject({ id: '1000' });
    expect(server.requests).toHaveLength(2);
  });
});
