// timeoutMs bounds each attempt; the caller's signal stops everything at once, including a
// backoff sleep, and is never retried.
import { DocGenTimeoutError } from '@box-docgen/client';
import { describe, expect, it, vi } from 'vitest';
import { gaps, respond, stall } from '../helpers/fault-server.js';
import {
  apiError,
  batchCreated,
  batchRequest,
  captureLogger,
  clientFor,
  delay,
  jobCompleted,
  rejection,
  useFaultServers,
} from './support.js';

const serve = useFaultServers();

/** Slow enough that "at once" and "after a timeout or backoff" cannot be confused. */
const SLOW = { timeoutMs: 10_000, retry: { baseDelayMs: 10_000, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 } };
const QUICKLY_MS = 3_000;

describe('timeoutMs is per attempt', () => {
  it('two stalled attempts of 250 ms, then an answer: the call outlives timeoutMs and succeeds', async () => {
    const server = await serve([stall(), stall(), respond(200, jobCompleted)]);
    expect(await clientFor(server, { timeoutMs: 250, maxRetries: 2 }).jobs.get('1')).toEqual(jobCompleted);
    expect(server.requests).toHaveLength(3);
    // The attempt's clock starts before its request reaches the server, so allow for latency.
    for (const gap of gaps(server.requests)) expect(gap).toBeGreaterThanOrEqual(150);
  });

  it('covers a body that stalls after the headers', async () => {
    const server = await serve(() => ({ kind: 'stall-body', status: 200, partial: '{"id":' }));
    const error = await rejection(clientFor(server, { timeoutMs: 120, maxRetries: 1 }).jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(server.requests).toHaveLength(2);
  });

  it('composes with the caller signal: the attempt timeout still fires while a signal is given, and is retried', async () => {
    const server = await serve([stall(), respond(200, jobCompleted)]);
    const controller = new AbortController();
    expect(await clientFor(server, { timeoutMs: 250 }).jobs.get('1', { signal: controller.signal })).toEqual(
      jobCompleted,
    );
    expect(server.requests).toHaveLength(2);
  });
});

describe('an abort by the caller', () => {
  it('during a stalled request: rejects with the signal reason at once, and nothing is retried', async () => {
    const server = await serve(() => stall());
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = rejection(clientFor(server, SLOW).jobs.get('1', { signal: controller.signal }));
    await server.received(1);
    const abortedAt = Date.now();
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(QUICKLY_MS);
    await delay(200);
    expect(server.requests).toHaveLength(1);
  });

  it('during a backoff sleep after a 503: rejects with the signal reason at once, no further request arrives', async () => {
    const server = await serve(() => respond(503, apiError(503, 'unavailable')));
    const logger = captureLogger();
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const call = rejection(clientFor(server, { ...SLOW, logger }).jobs.get('1', { signal: controller.signal }));
    // The client has logged its retry, so it is now sleeping 5-10 s.
    await vi.waitFor(() => expect(logger.entries.some((e) => e.level === 'warn')).toBe(true));
    const abortedAt = Date.now();
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(QUICKLY_MS);
    await delay(200);
    expect(server.requests).toHaveLength(1);
  });

  it('during a Retry-After wait of a POST 429: rejects with the signal reason at once, sent once', async () => {
    const server = await serve(() => respond(429, apiError(429, 'too_many_requests'), { 'Retry-After': '30' }));
    const logger = captureLogger();
    const controller = new AbortController();
    const call = rejection(
      clientFor(server, { ...SLOW, logger }).batches.create(batchRequest, { signal: controller.signal }),
    );
    await vi.waitFor(() => expect(logger.entries.some((e) => e.level === 'warn')).toBe(true));
    const abortedAt = Date.now();
    controller.abort(); // no reason given: the signal's own AbortError
    const error = await call;
    expect(error).toBe(controller.signal.reason);
    expect(error.name).toBe('AbortError');
    expect(Date.now() - abortedAt).toBeLessThan(QUICKLY_MS);
    await delay(200);
    expect(server.requests).toHaveLength(1);
  });

  it('with a signal already aborted: rejects with its reason and sends nothing', async () => {
    const server = await serve(() => respond(202, batchCreated));
    const reason = new Error('too late');
    const error = await rejection(
      clientFor(server).batches.create(batchRequest, { signal: AbortSignal.abort(reason) }),
    );
    expect(error).toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it('while the token function is still working: rejects with the signal reason and sends nothing', async () => {
    const server = await serve(() => respond(200, jobCompleted));
    const controller = new AbortController();
    const reason = new Error('cancelled during sign-in');
    const token = async () => {
      await delay(150);
      return 'slow-token';
    };
    const call = rejection(clientFor(server, { ...SLOW, token }).jobs.get('1', { signal: controller.signal }));
    await delay(20);
    controller.abort(reason);
    expect(await call).toBe(reason);
    await delay(100);
    expect(server.requests).toHaveLength(0);
  });

  it('is not turned into a DocGenTimeoutError even when the reason is a TimeoutError', async () => {
    const server = await serve(() => stall());
    const signal = AbortSignal.timeout(100);
    const error = await rejection(clientFor(server, SLOW).jobs.get('1', { signal }));
    expect(error).toBe(signal.reason);
    expect(error).not.toBeInstanceOf(DocGenTimeoutError);
    await delay(100);
    expect(server.requests).toHaveLength(1);
  });
});
