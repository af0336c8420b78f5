// The pacer (@box-docgen/client/pacing): one send rate for all of a client's requests. A 429
// holds every request back for its Retry-After, not just the one that got it; the rate settles
// under what the server accepts; maxRate caps it; an abort while waiting for a turn sends nothing.
import { DocGenValidationError } from '@box-docgen/client';
import { createPacer } from '@box-docgen/client/pacing';
import { describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { apiError, clientFor, jobCompleted, rejection, useFaultServers } from './support.js';

const serve = useFaultServers();
const tooMany = (retryAfter: string) => respond(429, apiError(429, 'too_many_requests'), { 'retry-after': retryAfter });

describe('pacer', () => {
  it('a 429 with Retry-After: 1 holds back every concurrent request for that second', async () => {
    // The third request is refused; all others are answered.
    const server = await serve((i) => (i === 2 ? tooMany('1') : respond(200, jobCompleted)));
    const docgen = clientFor(server, { pacer: createPacer({ startRate: 1000 }) });
    const jobs = await Promise.all(Array.from({ length: 8 }, (_, i) => docgen.jobs.get(String(i))));
    expect(jobs).toHaveLength(8);
    const refusedAt = server.requests[2]!.at;
    // Requests that left before the 429 came back may still arrive just after it; none after that
    // may arrive until its Retry-After has passed.
    const later = server.requests.slice(3).filter((r) => r.at > refusedAt + 50);
    expect(later.length).toBeGreaterThan(0);
    for (const r of later) expect(r.at - refusedAt).toBeGreaterThanOrEqual(950);
  });

  it('settles under what a token-bucket server accepts, and every request succeeds', async () => {
    // 20 requests a second with a burst of 2; beyond it 429 with Retry-After: 1.
    let tokens = 2;
    let filled = performance.now();
    const server = await serve(() => {
      const now = performance.now();
      tokens = Math.min(2, tokens + ((now - filled) / 1000) * 20);
      filled = now;
      if (tokens < 1) return tooMany('1');
      tokens -= 1;
      return respond(200, jobCompleted);
    });
    const pacer = createPacer({ startRate: 60 });
    const docgen = clientFor(server, { pacer, maxRetries: 10 });
    await Promise.all(
      Array.from({ length: 8 }, async (_, loop) => {
        for (let i = 0; i < 8; i++) await docgen.jobs.get(`${loop}-${i}`);
      }),
    );
    expect(pacer.rate).toBeLessThanOrEqual(21);
    expect(pacer.rate).toBeGreaterThan(5);
    const refused = server.requests.length - 64;
    // Without a pacer, 8 loops against this server are refused about as often as answered.
    expect(refused).toBeLessThan(16);
  });

  it('maxRate spaces requests at least 1/maxRate apart', async () => {
    const server = await serve(() => respond(200, jobCompleted));
    const docgen = clientFor(server, { pacer: createPacer({ maxRate: 50 }) });
    await Promise.all(Array.from({ length: 11 }, (_, i) => docgen.jobs.get(String(i))));
    const times = server.requests.map((r) => r.at).sort((a, b) => a - b);
    // 11 requests at 50 a second: 10 gaps of 20 ms (timers never fire early).
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(10 * 20 - 5);
  });

  it('an abort while waiting for a turn rejects with its reason, and nothing is sent', async () => {
    const server = await serve(() => tooMany('5'));
    const docgen = clientFor(server, { pacer: createPacer(), maxRetries: 3 });
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    // The first 429 holds everyone for 5 s; the second call waits for its turn and is aborted.
    const first = rejection(docgen.jobs.get('1', { maxRetries: 0 }));
    await first;
    const second = docgen.jobs.get('2', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejection(second)).toBe(reason);
    expect(server.requests.map((r) => r.url)).toEqual(['/2.0/docgen_jobs/1']);
  });

  it.each([
    ['maxRate', { maxRate: 0 }],
    ['startRate', { startRate: -1 }],
    ['maxRate', { maxRate: Number.NaN }],
  ])('refuses a bad %s', (field, options) => {
    expect(() => createPacer(options)).toThrow(DocGenValidationError);
    try {
      createPacer(options);
    } catch (error) {
      expect((error as DocGenValidationError).field).toBe(field);
    }
  });
});
