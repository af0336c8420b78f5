// @box-docgen/client/pacing: one send rate for every request of a client (or of several), found
// from what the server says. Without it each request meets a 429 alone and sleeps out its
// Retry-After while the others keep hitting the limit; with it a 429 pauses every request, and
// the rate settles just under the limit the server enforces.
//
//   const docgen = createDocGenClient({ token, pacer: createPacer() });
//
// How the rate moves: until the first 429 it grows by half every second (the limit is unknown).
// A 429 pauses all sends for its Retry-After and sets the rate to the lower of what the server
// accepted in the second before it (less a margin) and the rate the pacer had a second before it:
// a server's burst allowance hides an excess for a while, so the rate at the 429 is often over the
// limit, while the one a second earlier was taken. (With less than a second of answers seen, the
// rate is halved.) From then on the rate creeps up by 0.5% a second, but for a minute not past
// 99% of what the server accepted in the second before that 429: the limit was found there, and
// each 429 costs every request its Retry-After. After a minute without one the creep goes on, so
// a limit that rises is found again. `maxRate` caps it for a known quota.
import { DocGenValidationError } from './errors.js';
import { onAbort } from './retry.js';

export interface PacerOptions {
  /** Requests per second never to exceed (a known quota). */
  maxRate?: number;
  /** Requests per second to start at (default 16, Box's documented ~1,000 calls a minute; or maxRate when lower). */
  startRate?: number;
}

/** What the transport asks of a pacer: a turn before each attempt, and how the attempt went. */
export interface Pacer {
  /** Resolves when this attempt may be sent; rejects with the signal's reason on abort. */
  take(signal?: AbortSignal): Promise<void>;
  /** The answer's status (undefined: no answer), for a 429 the wait it asked for, and when the attempt was sent. */
  settle(status: number | undefined, retryAfterMs: number, sentAt: number): void;
  /** The current send rate, in requests per second. */
  readonly rate: number;
}

/** Box documents about 1,000 API calls a minute per user: a start that is right for most apps. */
const START_RATE = 16;
const GROWTH_PER_SECOND = 1.5;
const PROBE_PER_SECOND = 0.005;
/** How far under the rate the server accepted a paced client settles. */
const MARGIN = 0.95;
/** One 429 never cuts the rate by more than half. */
const MAX_CUT = 0.5;
const MIN_RATE = 0.1;
/** How long the rate stays under what the server accepted before its last 429, and how far. */
const CEILING_MS = 60_000;
const CEILING_MARGIN = 0.99;
/** The rate's recent values are kept this often, for this long: enough to look a second back.
 * While it grows by half a second, 100 ms apart would be up to 4% stale, a 4% lower rate after the
 * first 429. */
const SAMPLE_MS = 10;
const HISTORY_MS = 2000;

export function createPacer({ maxRate = Infinity, startRate = START_RATE }: PacerOptions = {}): Pacer {
  if (!(maxRate > 0)) throw new DocGenValidationError('maxRate', 'must be a number above 0');
  if (!(startRate > 0)) throw new DocGenValidationError('startRate', 'must be a number above 0');
  let rate = Math.min(startRate, maxRate);
  let limited = false;
  // Attempts waiting for their turn, released one at a time by a single timer: a timer that fires
  // late (a busy event loop) lets one attempt go, never a burst of them.
  const waiting: { go: () => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = 0;
  // Until when a 429 holds everyone back, when that was decided, and since when the server's
  // answers are counted.
  let heldUntil = 0;
  let heldAt = 0;
  let countingSince = Date.now();
  let accepted: number[] = [];
  let grownAt = Date.now();
  let history = [{ at: grownAt, rate }];
  let ceiling = Infinity;
  let ceilingAt = 0;

  const remember = (now: number) => {
    if (now - history.at(-1)!.at >= SAMPLE_MS) history.push({ at: now, rate });
    while (history.length > 1 && history[1]!.at <= now - HISTORY_MS) history.shift();
  };
  /** The rate in force at `time` (the oldest one kept, when that is further back). */
  const rateAt = (time: number) => {
    let { rate: then } = history[0]!;
    for (const sample of history) if (sample.at <= time) then = sample.rate;
    return then;
  };

  const pump = () => {
    timer = undefined;
    if (!waiting.length) return;
    const now = Date.now();
    const at = Math.max(lastSent + 1000 / rate, heldUntil);
    if (at > now) {
      timer = setTimeout(pump, at - now);
      return;
    }
    lastSent = now;
    waiting.shift()!.go();
    pump();
  };

  const grow = (now: number) => {
    const seconds = (now - grownAt) / 1000;
    grownAt = now;
    const cap = now - ceilingAt < CEILING_MS ? Math.max(rate, ceiling) : Infinity;
    rate = Math.min(maxRate, cap, rate * (limited ? 1 + PROBE_PER_SECOND * seconds : GROWTH_PER_SECOND ** seconds));
    remember(now);
  };

  return {
    get rate() {
      return rate;
    },
    take: (signal) =>
      new Promise<void>((resolve, reject) => {
        signal?.throwIfAborted();
        const off = onAbort(signal, (reason) => {
          const at = waiting.indexOf(entry);
          if (at >= 0) waiting.splice(at, 1);
          reject(reason);
        });
        const entry = {
          go: () => {
            off();
            resolve();
          },
        };
        waiting.push(entry);
        if (!timer) pump();
      }),
    settle(status, retryAfterMs, sentAt) {
      const now = Date.now();
      if (status === 429) {
        // Attempts sent before the last hold was decided belong to the burst it answered: only
        // the first 429 of a burst sets the pace.
        if (sentAt < heldAt) return;
        heldAt = now;
        // What the server accepted in the last second bounds its limit, and so does the rate a
        // second ago; less than a second of answers since the last pause mostly shows its
        // burst, so then the rate is halved.
        const counted = now - countingSince >= 1000;
        const seen = accepted.filter((t) => t > now - 1000).length;
        limited = true;
        rate = Math.max(MIN_RATE, rate * MAX_CUT, counted ? Math.min(rate, seen * MARGIN, rateAt(now - 1000)) : 0);
        if (counted) [ceiling, ceilingAt] = [seen * CEILING_MARGIN, now];
        history = [{ at: now, rate }];
        heldUntil = now + retryAfterMs;
        countingSince = grownAt = heldUntil;
        accepted = [];
        if (timer) clearTimeout(timer);
        pump();
      } else if (status !== undefined && status < 500) {
        accepted.push(now);
        if (accepted.length > 2 * rate + 10) accepted = accepted.filter((t) => t > now - 1000);
        if (now > heldUntil) grow(now);
      }
    },
  };
}
