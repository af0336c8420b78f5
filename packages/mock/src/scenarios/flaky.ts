// A flaky upstream: at a seeded rate, 503 unavailable or a connection dropped without an answer.
import { clientError } from '../errors.js';
import { mulberry32, seedFrom } from '../random.js';
import { defineScenario } from './types.js';

export default defineScenario({
  name: 'flaky',
  description:
    'At a seeded rate, a request answers 503 unavailable or its connection is dropped without an answer. ' +
    'The same seed gives the same failures for the same sequence of requests.',
  options: {
    rate: { type: 'number', default: 0.2, min: 0, max: 1, description: 'share of requests that fail' },
    drop: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      description: 'share of the failures that drop the connection (the rest answer 503)',
    },
    seed: { type: 'string', default: '1', description: 'seed of the random sequence (any number or word)' },
  },
  create({ rate, drop, seed }) {
    const random = mulberry32(seedFrom(/^\d+$/.test(seed) ? Number(seed) : seed));
    return (request) => {
      if (request.method === 'OPTIONS') return undefined;
      if (random() >= rate) return undefined;
      if (random() < drop) return { drop: true };
      return {
        status: 503,
        body: clientError(503, 'The service is temporarily unavailable (flaky scenario). Try again.'),
      };
    };
  },
});
