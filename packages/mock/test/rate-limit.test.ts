// The rate-limit scenario on the stateful mock, with the server's clock in the test's hands:
// bursts beyond a token bucket or a fixed window answer 429 with the Retry-After the shape says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { scenarioHeaders, startMockServer, type MockServer } from '../src/index.js';
import { BOX_HEADERS } from './helpers.js';

let clock = 1_000_000_000;
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ state: { now: () => clock } });
});
afterAll(() => mock.close());

/** `n` requests one after the other with the scenario; their status and Retry-After. */
async function burst(scenario: string, n: number, method = 'GET') {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${mock.url}/docgen_jobs`, {
      method,
      headers: { ...BOX_HEADERS, ...scenarioHeaders(scenario) },
    });
    const body = await response.json();
    if (response.status === 429) expect(body).toMatchObject({ type: 'error', status: 429, code: 'too_many_requests' });
    out.push(response.status === 429 ? `429 ${response.headers.get('retry-after')}` : String(response.status));
  }
  return out;
}

describe('rate-limit', () => {
  it('token bucket: burst requests pass, then 429 with the seconds until a token is back', async () => {
    await mock.reset();
    clock = 1_000_000_000;
    const bucket = 'rate-limit:rps=0.1,burst=3';
    expect(await burst(bucket, 5)).toEqual(['200', '200', '200', '429 10', '429 10']);
    clock += 4_000; // 0.4 of a token back: 6 s to go
    expect(await burst(bucket, 1)).toEqual(['429 6']);
    clock += 6_000;
    expect(await burst(bucket, 2)).toEqual(['200', '429 10']);
    clock += 60_000; // refilled to the burst, not beyond
    expect(await burst(bucket, 4)).toEqual(['200', '200', '200', '429 10']);
  });

  it('a wait shorter than a second is sent as Retry-After: 1', async () => {
    await mock.reset();
    expect(await burst('rate-limit:rps=25,burst=2', 3)).toEqual(['200', '200', '429 1']);
  });

  it('fixed window: limit requests per window, then 429 until the window turns', async () => {
    await mock.reset();
    clock = 1_000_000_000; // 20 s before a 60 s window ends (1_000_020_000 = 16667 × 60_000)
    const window = 'rate-limit:window=60,limit=2';
    expect(await burst(window, 3)).toEqual(['200', '200', '429 20']);
    clock += 19_500;
    expect(await burst(window, 1)).toEqual(['429 1']);
    clock += 500; // the next window
    expect(await burst(window, 3)).toEqual(['200', '200', '429 60']);
  });

  it('methods=POST counts only POSTs; GETs pass however many', async () => {
    await mock.reset();
    const scenario = 'rate-limit:window=60,limit=1,methods=POST';
    expect(await burst(scenario, 4)).toEqual(['200', '200', '200', '200']);
    // POST /docgen_jobs is no operation: the first is counted (and answered 405), the second refused by the limit.
    expect(await burst(scenario, 2, 'POST')).toEqual(['405', '429 60']);
  });

  it('composes with the stateful mode and other scenarios, per session', async () => {
    await mock.reset();
    const scenario = 'rate-limit:rps=0.1,burst=1+jobs-progress:polls=0';
    const headers = (session: string) => ({
      ...BOX_HEADERS,
      'content-type': 'application/json',
      'x-box-docgen-mock-session': session,
      ...scenarioHeaders(scenario),
    });
    const create = (session: string) =>
      fetch(`${mock.url}/docgen_batches`, {
        method: 'POST',
        headers: headers(session),
        body: JSON.stringify({
          file: { id: '1', type: 'file' },
          input_source: 'api',
          destination_folder: { id: '2', type: 'folder' },
          output_type: 'pdf',
          document_generation_data: [{ generated_file_name: 'A', user_input: { a: 1 } }],
        }),
      });
    expect((await create('one')).status).toBe(202);
    expect((await create('one')).status).toBe(429);
    // Another session has its own bucket and its own state.
    expect((await create('two')).status).toBe(202);
    clock += 10_000;
    const { batches } = await mock.state.get({ session: 'two' });
    expect(batches).toHaveLength(1);
    // jobs-progress still sets how the state's jobs progress: finished at the first read.
    const read = await fetch(`${mock.url}/docgen_batch_jobs/${batches[0]!.id}`, { headers: headers('two') });
    expect((await read.json()).entries.map((job: { status: string }) => job.status)).toEqual(['completed']);
  });

  it('refuses options out of range', async () => {
    const response = await fetch(`${mock.url}/docgen_jobs`, {
      headers: { ...BOX_HEADERS, ...scenarioHeaders('rate-limit:burst=0') },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain('option burst of scenario rate-limit must be at least 1');
  });
});
