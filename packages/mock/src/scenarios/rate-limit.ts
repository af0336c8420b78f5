// A rate limit shaped like an API's: a token bucket (`rps` refilled per second, up to `burst`
// at once) or, with `window` set, a fixed window (`limit` requests per `window` seconds). A
// request beyond it answers 429 with Retry-After: the whole seconds until a token is back or
// the window turns (at least 1). Counted per server and session, on the server's clock.
import { clientError } from '../errors.js';
import { defineScenario } from './types.js';

/** Which methods count: 'all', or a list such as 'POST' or 'GET/POST'. */
function methodFilter(methods: string): (method: string) => boolean {
  if (methods.trim().toLowerCase() === 'all') return () => true;
  const chosen = new Set(methods.split('/').map((m) => m.trim().toUpperCase()));
  return (method) => chosen.has(method);
}

export default defineScenario({
  name: 'rate-limit',
  description:
    'A rate limit: a token bucket (rps, burst) or, with window > 0, a fixed window (limit requests per window ' +
    'seconds). Beyond it, 429 too_many_requests with Retry-After in whole seconds until a request would pass ' +
    '(at least 1). Put it first when combined, so it counts every request.',
  options: {
    rps: { type: 'number', default: 25, min: 0.001, description: 'token bucket: requests per second it refills' },
    burst: { type: 'number', default: 5, integer: true, min: 1, description: 'token bucket: requests at once' },
    window: {
      type: 'number',
      default: 0,
      min: 0,
      description: 'fixed window: its length in seconds (0: the token bucket instead)',
    },
    limit: { type: 'number', default: 1000, integer: true, min: 1, description: 'fixed window: requests per window' },
    methods: { type: 'string', default: 'all', description: 'methods that count: all, or e.g. POST or GET/POST' },
  },
  create({ rps, burst, window, limit, methods }, context) {
    const counts = methodFilter(methods);
    /** Seconds until a request would pass, or 0 when this one passes (and is counted). */
    let wait: (now: number) => number;
    if (window > 0) {
      const windowMs = window * 1000;
      let current = Number.NaN;
      let used = 0;
      wait = (now) => {
        const index = Math.floor(now / windowMs);
        if (index !== current) [current, used] = [index, 0];
        if (used >= limit) return ((index + 1) * windowMs - now) / 1000;
        used++;
        return 0;
      };
    } else {
      let tokens: number = burst;
      let filled = context.now();
      wait = (now) => {
        tokens = Math.min(burst, tokens + (Math.max(0, now - filled) / 1000) * rps);
        filled = now;
        if (tokens < 1) return (1 - tokens) / rps;
        tokens -= 1;
        return 0;
      };
    }
    const shape = window > 0 ? `${limit} requests per ${window} s` : `${rps} requests/s, burst ${burst}`;
    return (request) => {
      if (request.method === 'OPTIONS' || !counts(request.method)) return undefined;
      const seconds = wait(context.now());
      if (seconds === 0) return undefined;
      const retryAfter = Math.max(1, Math.ceil(seconds));
      return {
        status: 429,
        headers: { 'retry-after': String(retryAfter) },
        body: clientError(
          429,
          `Request rate limit exceeded (rate-limit scenario: ${shape}). Retry after ${retryAfter} s.`,
        ),
      };
    };
  },
});
