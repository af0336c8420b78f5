// How the pacer's rate moves, on a fake clock (settle() alone: no requests, no timers fired).
// A 429 sets the rate to the lowest of what the server accepted in the second before (less the
// margin) and the rate a second earlier, since a burst allowance can hide an excess; then the
// rate creeps up slowly, and for a minute not past what the server accepted, so one limit does
// not cost a 429 every few seconds.
import { createPacer } from '@box-docgen/client/pacing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

/** Answers accepted every `everyMs` for `ms`, each sent just before it was answered. */
function accept(pacer: ReturnType<typeof createPacer>, ms: number, everyMs = 10) {
  for (let t = 0; t < ms; t += everyMs) {
    vi.advanceTimersByTime(everyMs);
    pacer.settle(202, 0, Date.now() - 1);
  }
}

describe('pacer rate', () => {
  it('grows by half a second until the first 429, which sets it to the rate of a second before', () => {
    const pacer = createPacer({ startRate: 10 });
    accept(pacer, 2000);
    expect(pacer.rate).toBeCloseTo(10 * 1.5 ** 2, 0);
    // 100 answers in the last second: that alone would allow 95 a second.
    pacer.settle(429, 1000, Date.now() - 1);
    expect(pacer.rate).toBeCloseTo(15, 0);
  });

  it('looks back at the rate in force exactly a second before, not at an older one', () => {
    const pacer = createPacer({ startRate: 10 });
    accept(pacer, 2090);
    pacer.settle(429, 1000, Date.now() - 1);
    // A rate from 100 ms earlier would be 4% lower (15.0); so would the rate after every first 429.
    expect(pacer.rate / (10 * 1.5 ** 1.09)).toBeCloseTo(1, 2);
  });

  it('takes what the server accepted when that is lower', () => {
    const pacer = createPacer({ startRate: 20 });
    // 25 answers a second accepted for 2 s, while the pacer's rate grew to 45 (30 a second ago).
    accept(pacer, 2000, 40);
    pacer.settle(429, 1000, Date.now() - 1);
    expect(pacer.rate).toBeCloseTo(25 * 0.95, 5);
  });

  it('after a 429 creeps up by about 0.5% a second', () => {
    const pacer = createPacer({ startRate: 10 });
    accept(pacer, 2000);
    pacer.settle(429, 1000, Date.now() - 1);
    const settled = pacer.rate;
    vi.advanceTimersByTime(1000);
    accept(pacer, 10_000);
    expect(pacer.rate / settled).toBeGreaterThan(1.04);
    expect(pacer.rate / settled).toBeLessThan(1.06);
  });

  it('for a minute after a 429, does not creep past 99% of what the server accepted before it; then it may', () => {
    const pacer = createPacer({ startRate: 20 });
    // 25 answers a second while the rate grew: the 429 sets the rate to 23.75 and the ceiling to 24.75.
    accept(pacer, 2000, 40);
    pacer.settle(429, 1000, Date.now() - 1);
    vi.advanceTimersByTime(1000);
    accept(pacer, 50_000, 40);
    expect(pacer.rate).toBeCloseTo(25 * 0.99, 5);
    accept(pacer, 20_000, 40);
    expect(pacer.rate).toBeGreaterThan(25);
  });

  it('a 429 from a request sent before the last hold changes nothing', () => {
    const pacer = createPacer({ startRate: 10 });
    accept(pacer, 2000);
    const sentEarlier = Date.now() - 5;
    pacer.settle(429, 1000, Date.now() - 1);
    const settled = pacer.rate;
    pacer.settle(429, 1000, sentEarlier);
    expect(pacer.rate).toBe(settled);
  });
});
