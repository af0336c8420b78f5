// A garbage collection during an attempt must not make the client deaf to its own timeout or
// to the caller's abort. Node's fetch follows the signal of a copied Request only through weak
// references (nodejs/undici#4068, nodejs/node#55428), so after a GC an abort can stop reaching a
// fetch given a Request — the attempt then hangs as long as the server stalls.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDocGenClient, DocGenTimeoutError } from '@box-docgen/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stall, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { clientFor, delay, rejection } from './support.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let server: FaultServer;
afterEach(() => server.close());

/** Rejects after `ms` so a hang fails the test with a clear message instead of a test timeout. */
const within = <T>(ms: number, promise: Promise<T>) =>
  Promise.race([promise, delay(ms).then(() => expect.unreachable(`still pending after ${ms} ms: the abort was lost`))]);

// The default fetch, and a fetch that wraps the Request it is given, as tests and users write.
const fetches = {
  'the default fetch': undefined,
  'a fetch that copies the Request': (input: Request) => fetch(new Request(input)),
};

describe.each(Object.entries(fetches))('after a GC mid-attempt, with %s', (_, customFetch) => {
  it('the per-attempt timeout still fires', async () => {
    server = await startFaultServer(() => stall());
    const call = rejection(clientFor(server, { maxRetries: 0, timeoutMs: 300, fetch: customFetch }).jobs.get('1'));
    await server.received(1);
    gc();
    const error = await within(5_000, call);
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    // With the default fetch the request itself is aborted too, so its connection is released.
    if (!customFetch) await vi.waitFor(() => expect(server.requests[0]!.abandoned).toBe(true), { timeout: 2_000 });
  });

  it("the caller's abort still stops the call at once", async () => {
    server = await startFaultServer(() => stall());
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = rejection(
      clientFor(server, { maxRetries: 0, timeoutMs: 60_000, fetch: customFetch }).jobs.get('1', {
        signal: controller.signal,
      }),
    );
    await server.received(1);
    gc();
    controller.abort(reason);
    expect(await within(5_000, call)).toBe(reason);
  });
});

// Node's fetch keeps the signal it was given alive until its own Request is collected. Anything
// hanging off that signal (an 'abort' listener, a promise raced against it) then keeps each
// attempt's answer alive too: a walk over big pages held megabytes it no longer needed.
describe('after a call, nothing it read is kept', () => {
  it.each(['jobs.get', 'raw.GET'])(
    '%s: the answer can be collected while fetch still holds the signal',
    async (how) => {
      const requests: Request[] = []; // what a fetch still holds after the call
      let answer: WeakRef<Response> | undefined;
      const docgen = createDocGenClient({
        token: 't',
        baseUrl: 'https://api.example.test/2.0',
        fetch: async (request) => {
          requests.push(request);
          const response = new Response(JSON.stringify({ id: '1', type: 'docgen_job', status: 'completed' }), {
            headers: { 'content-type': 'application/json' },
          });
          answer = new WeakRef(response);
          return response;
        },
      });
      const job =
        how === 'jobs.get'
          ? await docgen.jobs.get('1')
          : (await docgen.raw.GET('/docgen_jobs/{job_id}', { params: { path: { job_id: '1' } } })).data;
      expect(job).toMatchObject({ id: '1' });
      await delay(0);
      gc();
      expect(requests).toHaveLength(1);
      expect(answer!.deref()).toBeUndefined();
    },
  );
});
