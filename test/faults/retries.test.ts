// Which failures are retried, how long the client waits, and — most of all — that a POST
// that may have reached Box is never sent twice.
import { DocGenApiError, DocGenConnectionError, DocGenTimeoutError } from '@box-docgen/client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  gaps,
  reset,
  resetAfterBody,
  respond,
  stall,
  stallBody,
  startFaultServer,
  type FaultServer,
  type Script,
} from '../helpers/fault-server.js';
import { apiError, batchCreated, batchRequest, captureLogger, clientFor, jobCompleted, rejection } from './support.js';

let servers: FaultServer[] = [];
async function serve(script: Script, options?: { port: number }) {
  const server = await startFaultServer(script, options);
  servers.push(server);
  return server;
}
// Closed at the end, not after each test: the Retry-After tests run concurrently.
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const BODY = JSON.stringify(batchRequest);
const UNKNOWN = /outcome is unknown/;

describe('POST /docgen_batches is sent once when it may have reached Box', () => {
  it('answered by 503: sent exactly once, throws DocGenApiError 503 saying the outcome is unknown', async () => {
    const server = await serve([respond(503, apiError(503, 'unavailable')), respond(202, batchCreated)]);
    const error = await rejection(clientFor(server, { maxRetries: 3 }).batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(503);
    expect(error.code).toBe('unavailable');
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(UNKNOWN);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/2.0/docgen_batches', body: BODY });
  });

  it.each([500, 502, 504])(
    'answered by %i: sent exactly once, throws DocGenApiError with that status',
    async (status) => {
      const server = await serve([
        respond(status, apiError(status, 'internal_server_error')),
        respond(202, batchCreated),
      ]);
      const error = await rejection(clientFor(server).batches.create(batchRequest));
      expect(error).toBeInstanceOf(DocGenApiError);
      expect(error.status).toBe(status);
      expect(error.outcomeUnknown).toBe(true);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('answered by 408: not retried either (a POST is retried on 429 only)', async () => {
    const server = await serve([respond(408, apiError(408, 'request_timeout')), respond(202, batchCreated)]);
    const error = await rejection(clientFor(server).batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(408);
    expect(server.requests).toHaveLength(1);
  });

  it('answered by a dropped connection after the body was read: sent exactly once, DocGenConnectionError outcomeUnknown', async () => {
    const server = await serve([resetAfterBody(), respond(202, batchCreated)]);
    const error = await rejection(clientFor(server, { maxRetries: 3 }).batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenConnectionError);
    expect(error).not.toBeInstanceOf(DocGenTimeoutError);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(UNKNOWN);
    expect(error.message).toContain('POST /2.0/docgen_batches');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toBe(BODY);
  });

  it('answered by a reset before the body was read: sent exactly once, DocGenConnectionError outcomeUnknown', async () => {
    const server = await serve([reset(), respond(202, batchCreated)]);
    const error = await rejection(clientFor(server, { maxRetries: 3 }).batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenConnectionError);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(UNKNOWN);
    expect(server.requests).toHaveLength(1);
  });

  it('answered by a stall past timeoutMs: sent exactly once, DocGenTimeoutError outcomeUnknown', async () => {
    const server = await serve([stall(), respond(202, batchCreated)]);
    const error = await rejection(clientFor(server, { maxRetries: 3, timeoutMs: 150 }).batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(/timed out after 150 ms/);
    expect(error.message).toMatch(UNKNOWN);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toBe(BODY);
  });

  it('answered by headers and then a stalled body: sent exactly once, DocGenTimeoutError outcomeUnknown', async () => {
    const server = await serve([stallBody(202, '{"id":"7'), respond(202, batchCreated)]);
    const error = await rejection(clientFor(server, { maxRetries: 3, timeoutMs: 150 }).batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(error.outcomeUnknown).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('answered by 429 with Retry-After, then 202: sent twice with the same full body, and succeeds', async () => {
    const server = await serve([
      respond(429, apiError(429, 'too_many_requests'), { 'Retry-After': '1' }),
      respond(202, batchCreated),
    ]);
    const created = await clientFor(server).batches.create(batchRequest);
    expect(created).toEqual(batchCreated);
    expect(server.requests).toHaveLength(2);
    // Each attempt is a fresh request around the same bytes.
    for (const request of server.requests) {
      expect(request.method).toBe('POST');
      expect(request.body).toBe(BODY);
      expect(JSON.parse(request.body)).toEqual(batchRequest);
      expect(request.headers['content-type']).toMatch(/application\/json/);
      expect(request.headers['box-version']).toBe('2025.0');
    }
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(900);
  });

  it('429 on every attempt: sent maxRetries + 1 times, then DocGenApiError 429 (outcome known)', async () => {
    const server = await serve(() => respond(429, apiError(429, 'too_many_requests'), { 'retry-after-ms': '1' }));
    const error = await rejection(clientFor(server, { maxRetries: 2 }).batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(429);
    expect(error.outcomeUnknown).toBe(false);
    expect(server.requests.map((r) => r.body)).toEqual([BODY, BODY, BODY]);
  });

  it('connection refused (a closed port) never reached a server, so even a POST is retried until it arrives', async () => {
    const port = await closedPort();
    let attempts = 0;
    let late: Promise<FaultServer> | undefined;
    const docgen = clientFor(
      { url: `http://127.0.0.1:${port}` },
      {
        maxRetries: 3,
        fetch: async (request) => {
          attempts++;
          try {
            return await fetch(request);
          } catch (error) {
            // After the first refusal, a server comes up on that very port.
            late ??= serve([respond(202, batchCreated)], { port });
            await late;
            throw error;
          }
        },
      },
    );
    expect(await docgen.batches.create(batchRequest)).toEqual(batchCreated);
    expect(attempts).toBe(2);
    const server = await late!;
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toBe(BODY);
  });

  it('connection refused on every attempt: tried maxRetries + 1 times, then DocGenConnectionError with a known outcome', async () => {
    const port = await closedPort();
    let attempts = 0;
    const docgen = clientFor(
      { url: `http://127.0.0.1:${port}` },
      {
        maxRetries: 2,
        fetch: (request) => {
          attempts++;
          return fetch(request);
        },
      },
    );
    const error = await rejection(docgen.batches.create(batchRequest));
    expect(error).toBeInstanceOf(DocGenConnectionError);
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).not.toMatch(UNKNOWN);
    expect(error.message).toMatch(/after 3 attempts/);
    expect(attempts).toBe(3);
  });
});

describe('the same scripts for a GET are retried', () => {
  // 250 ms per attempt: a stall costs that much, and an answer has ample time on a busy machine.
  const get = (server: FaultServer, options = {}) =>
    clientFor(server, { maxRetries: 3, timeoutMs: 250, ...options }).jobs.get('5000001');

  it('503, then 200: sent twice, succeeds', async () => {
    const server = await serve([respond(503, apiError(503, 'unavailable')), respond(200, jobCompleted)]);
    expect(await get(server)).toEqual(jobCompleted);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /2.0/docgen_jobs/5000001',
      'GET /2.0/docgen_jobs/5000001',
    ]);
  });

  it('a dropped connection after the request was read, then 200: sent twice, succeeds', async () => {
    const server = await serve([resetAfterBody(), respond(200, jobCompleted)]);
    expect(await get(server)).toEqual(jobCompleted);
    expect(server.requests).toHaveLength(2);
  });

  it('a reset before the request was read, then 200: sent twice, succeeds', async () => {
    const server = await serve([reset(), respond(200, jobCompleted)]);
    expect(await get(server)).toEqual(jobCompleted);
    expect(server.requests).toHaveLength(2);
  });

  it('a stall past timeoutMs, then 200: sent twice, succeeds', async () => {
    const server = await serve([stall(), respond(200, jobCompleted)]);
    expect(await get(server)).toEqual(jobCompleted);
    expect(server.requests).toHaveLength(2);
    // The first attempt ran its 250 ms (its clock starts before the request arrives: allow for latency).
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(150);
  });

  it('headers and then a stalled body, then 200: sent twice, succeeds', async () => {
    const server = await serve([stallBody(200, '{"id":"50'), respond(200, jobCompleted)]);
    expect(await get(server)).toEqual(jobCompleted);
    expect(server.requests).toHaveLength(2);
  });

  it('429 with Retry-After, then 200: sent twice, succeeds', async () => {
    const server = await serve([
      respond(429, apiError(429, 'too_many_requests'), { 'Retry-After': '1' }),
      respond(200, jobCompleted),
    ]);
    expect(await get(server)).toEqual(jobCompleted);
    expect(server.requests).toHaveLength(2);
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(900);
  });

  it('always 503: sent maxRetries + 1 times, then DocGenApiError 503 with a known outcome', async () => {
    const server = await serve(() => respond(503, apiError(503, 'unavailable')));
    const error = await rejection(get(server, { maxRetries: 2 }));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(503);
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).not.toMatch(UNKNOWN);
    expect(server.requests).toHaveLength(3);
  });

  it('always dropped: sent maxRetries + 1 times, then DocGenConnectionError with a known outcome', async () => {
    const server = await serve(() => resetAfterBody());
    const error = await rejection(get(server, { maxRetries: 2 }));
    expect(error).toBeInstanceOf(DocGenConnectionError);
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toMatch(/after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });

  it('always stalled: sent maxRetries + 1 times, then DocGenTimeoutError', async () => {
    const server = await serve(() => stall());
    const error = await rejection(get(server, { maxRetries: 1, timeoutMs: 100 }));
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(error.outcomeUnknown).toBe(false);
    expect(server.requests).toHaveLength(2);
  });
});

describe('which statuses are retried', () => {
  const RETRIED = [408, 429, 500, 502, 503, 504];
  const NOT_RETRIED = [400, 403, 404, 409, 412, 501];

  it.each(RETRIED)('GET is retried on %i', async (status) => {
    const server = await serve([respond(status, apiError(status, 'x')), respond(200, jobCompleted)]);
    expect(await clientFor(server).jobs.get('1')).toEqual(jobCompleted);
    expect(server.requests).toHaveLength(2);
  });

  it.each(RETRIED)('DELETE is retried on %i', async (status) => {
    const server = await serve([respond(status, apiError(status, 'x')), respond(204)]);
    await expect(clientFor(server).templates.delete('4711')).resolves.toBeUndefined();
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });

  it.each(NOT_RETRIED)('GET is not retried on %i', async (status) => {
    const server = await serve([respond(status, apiError(status, 'x')), respond(200, jobCompleted)]);
    const error = await rejection(clientFor(server).jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  it('DELETE is retried after a dropped connection and a timeout', async () => {
    const server = await serve([resetAfterBody(), stall(), respond(204)]);
    await clientFor(server, { timeoutMs: 250 }).templates.delete('4711');
    expect(server.requests).toHaveLength(3);
  });
});

describe.concurrent('Retry-After', () => {
  const twice = (headers: Record<string, string> | (() => Record<string, string>)) => (i: number) =>
    i === 0
      ? respond(503, apiError(503, 'unavailable'), typeof headers === 'function' ? headers() : headers)
      : respond(200, jobCompleted);

  it('in seconds is honoured', async () => {
    const server = await serve(twice({ 'Retry-After': '1' }));
    await clientFor(server).jobs.get('1');
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(900);
  });

  it('as an HTTP date is honoured', async () => {
    // The date is made when the answer is sent; whole seconds, so 1-2 s ahead.
    const server = await serve(twice(() => ({ 'Retry-After': new Date(Date.now() + 2_000).toUTCString() })));
    await clientFor(server).jobs.get('1');
    const [gap] = gaps(server.requests);
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(5_000);
  });

  it('retry-after-ms is honoured', async () => {
    const server = await serve(twice({ 'retry-after-ms': '400' }));
    await clientFor(server, { retry: { baseDelayMs: 1, maxDelayMs: 1 } }).jobs.get('1');
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(380);
  });

  it('header names are case-insensitive', async () => {
    const server = await serve((i) =>
      i === 0
        ? respond(503, apiError(503, 'unavailable'), { 'RETRY-AFTER': '1' })
        : i === 1
          ? respond(503, apiError(503, 'unavailable'), { 'Retry-After-MS': '300' })
          : respond(200, jobCompleted),
    );
    await clientFor(server, { retry: { baseDelayMs: 1, maxDelayMs: 1 } }).jobs.get('1');
    const [first, second] = gaps(server.requests);
    expect(first).toBeGreaterThanOrEqual(900);
    expect(second).toBeGreaterThanOrEqual(280);
  });

  it('is capped at maxRetryAfterMs', async () => {
    const server = await serve(twice({ 'Retry-After': '30' }));
    const started = Date.now();
    await clientFor(server, { retry: { baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 300 } }).jobs.get('1');
    const [gap] = gaps(server.requests);
    expect(gap).toBeGreaterThanOrEqual(280);
    expect(gap).toBeLessThan(10_000); // far below the 30 s asked for
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a date in the past means no wait beyond the next attempt', async () => {
    const server = await serve(twice({ 'Retry-After': new Date(Date.now() - 60_000).toUTCString() }));
    // Were the date ignored, the backoff would wait at least 5 s.
    await clientFor(server, { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } }).jobs.get('1');
    expect(gaps(server.requests)[0]).toBeLessThan(4_000);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter, capped at maxDelayMs, and the waits reach the wire', async () => {
    const logger = captureLogger();
    const server = await serve((i) =>
      i < 10 ? respond(503, apiError(503, 'unavailable')) : respond(200, jobCompleted),
    );
    await clientFor(server, { maxRetries: 10, logger, retry: { baseDelayMs: 10, maxDelayMs: 40 } }).jobs.get('1');
    expect(server.requests).toHaveLength(11);
    const delays = logger.entries.filter((e) => e.level === 'warn').map((e) => e.data!.delayMs as number);
    expect(delays).toHaveLength(10);
    // Retry n waits between half and all of min(maxDelayMs, baseDelayMs * 2^n).
    delays.forEach((delayMs, n) => {
      const step = Math.min(40, 10 * 2 ** n);
      expect(delayMs).toBeGreaterThanOrEqual(step / 2);
      expect(delayMs).toBeLessThanOrEqual(step);
    });
    // Jitter: eight retries at the capped step do not all wait the same time.
    expect(new Set(delays.slice(2)).size).toBeGreaterThan(1);
    // The server saw the waits: every gap is at least the delay the client chose.
    for (const [n, gap] of gaps(server.requests).entries()) expect(gap).toBeGreaterThanOrEqual(delays[n]! - 2);
  });
});

describe('maxRetries and per-call options', () => {
  it('maxRetries: 0 disables retries', async () => {
    const server = await serve(() => respond(503, apiError(503, 'unavailable')));
    const error = await rejection(clientFor(server, { maxRetries: 0 }).jobs.get('1'));
    expect(error.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('maxRetries: 0 also stops retries of connection failures', async () => {
    const server = await serve(() => resetAfterBody());
    await rejection(clientFor(server, { maxRetries: 0 }).jobs.get('1'));
    expect(server.requests).toHaveLength(1);
  });

  it('a per-call maxRetries overrides the client option, both ways', async () => {
    const server = await serve(() => respond(503, apiError(503, 'unavailable')));
    await rejection(clientFor(server, { maxRetries: 0 }).jobs.get('1', { maxRetries: 2 }));
    expect(server.requests).toHaveLength(3);
    await rejection(clientFor(server, { maxRetries: 3 }).jobs.get('1', { maxRetries: 0 }));
    expect(server.requests).toHaveLength(4);
  });

  it('a per-call timeoutMs overrides the client option', async () => {
    const server = await serve(() => stall());
    const started = Date.now();
    const error = await rejection(
      clientFor(server, { maxRetries: 0, timeoutMs: 15_000 }).jobs.get('1', { timeoutMs: 100 }),
    );
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(error.message).toMatch(/timed out after 100 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('per-call headers reach every attempt, alongside the auth and version headers', async () => {
    const server = await serve([respond(503, apiError(503, 'unavailable')), respond(200, jobCompleted)]);
    await clientFor(server, { headers: { 'x-client': 'c' } }).jobs.get('1', { headers: { 'x-call': 'k' } });
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.headers).toMatchObject({ 'x-client': 'c', 'x-call': 'k', 'box-version': '2025.0' });
      expect(request.headers.authorization).toMatch(/^Bearer /);
    }
  });
});
