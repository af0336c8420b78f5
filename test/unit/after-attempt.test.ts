// The decision after each attempt (packages/client/src/retry.ts): a pure function of how the
// attempt ended, so every case is one row here.
import { describe, expect, it } from 'vitest';
import { afterAttempt, type AttemptEnd } from '../../packages/client/src/retry.js';

const base: AttemptEnd = { method: 'GET', status: 200, unsent: false, retries: 0, maxRetries: 3, canRefresh: true };

describe('afterAttempt', () => {
  it.each<[string, Partial<AttemptEnd>, ReturnType<typeof afterAttempt>]>([
    ['a 2xx is handed back', {}, 'answer'],
    ['a 404 is handed back (the caller throws)', { status: 404 }, 'answer'],
    ['a GET 503 is retried', { status: 503 }, 'retry'],
    ['a GET 503 with no retries left is handed back', { status: 503, retries: 3 }, 'answer'],
    ['a GET 429 is retried', { status: 429 }, 'retry'],
    ['a POST 429 is retried: Box refused it before acting', { method: 'POST', status: 429 }, 'retry'],
    ['a POST 503 is handed back: Box may have acted', { method: 'POST', status: 503 }, 'answer'],
    ['a POST 500 is handed back', { method: 'POST', status: 500 }, 'answer'],
    ['a 401 with a token function that may refresh: refresh', { status: 401 }, 'refresh'],
    ['a 401 after the refresh: handed back', { status: 401, canRefresh: false }, 'answer'],
    ['a POST 401: refresh too (Box did not act)', { method: 'POST', status: 401 }, 'refresh'],
    ['a GET without an answer: retried', { status: undefined }, 'retry'],
    ['a GET without an answer, no retries left: fails', { status: undefined, retries: 3 }, 'fail'],
    ['a POST without an answer that may have been sent: fails', { method: 'POST', status: undefined }, 'fail'],
    ['a POST that never left the machine: retried', { method: 'POST', status: undefined, unsent: true }, 'retry'],
    ['a DELETE 502: retried', { method: 'DELETE', status: 502 }, 'retry'],
    ['a PATCH 502: handed back, like a POST', { method: 'PATCH', status: 502 }, 'answer'],
    ['maxRetries 0: a GET 503 is handed back at once', { status: 503, maxRetries: 0 }, 'answer'],
  ])('%s', (_, change, expected) => {
    expect(afterAttempt({ ...base, ...change })).toBe(expected);
  });
});
