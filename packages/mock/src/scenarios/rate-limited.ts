// Rate limiting: every Nth request is refused with 429 and a Retry-After header.
import { clientError } from '../errors.js';
import { defineScenario } from './types.js';

export default defineScenario({
  name: 'rate-limited',
  description: 'Every Nth request (counted per server and session) answers 429 too_many_requests with Retry-After.',
  options: {
    every: { type: 'number', default: 3, integer: true, min: 1, description: 'refuse the Nth, 2Nth, … request' },
    retryAfter: {
      type: 'number',
      default: 1,
      integer: true,
      min: 0,
      description: 'seconds sent in Retry-After',
    },
  },
  create({ every, retryAfter }) {
    let count = 0;
    return (request) => {
      if (request.method === 'OPTIONS') return undefined;
      count += 1;
      if (count % every !== 0) return undefined;
      return {
        status: 429,
        headers: { 'retry-after': String(retryAfter) },
        body: clientError(
          429,
          `Request rate limit exceeded (rate-limited scenario: request ${count}, one in ${every} is refused). Retry after ${retryAfter} s.`,
        ),
      };
    };
  },
});
