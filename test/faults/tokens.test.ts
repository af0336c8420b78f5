// The token function: called for every request, forced to refresh once on a 401, and one
// refresh shared by concurrent requests.
import { DocGenApiError, DocGenValidationError } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';
import { respond, type Script } from '../helpers/fault-server.js';
import {
  apiError,
  batchCreated,
  batchRequest,
  clientFor,
  delay,
  jobCompleted,
  rejection,
  useFaultServers,
} from './support.js';

const serve = useFaultServers();

const unauthorized = () => respond(401, apiError(401, 'unauthorized'));

/** A token function that hands out `old` until forced to refresh, then `new`. */
function rotatingToken(refreshDelayMs = 0) {
  const calls: { forceRefresh: boolean }[] = [];
  let current = 'old';
  const token = async (ctx: { forceRefresh: boolean }) => {
    calls.push(ctx);
    if (ctx.forceRefresh) {
      await delay(refreshDelayMs);
      current = 'new';
    }
    return current;
  };
  return { token, calls, refreshes: () => calls.filter((c) => c.forceRefresh).length };
}

/** 401 for the old token, the answer for any other. */
const acceptsOnlyNew =
  (answer = respond(200, jobCompleted)): Script =>
  (_, request) =>
    request.headers.authorization === 'Bearer old' ? unauthorized() : answer;

describe('token function', () => {
  it('is called for every request, retries included, never forced without a 401', async () => {
    const server = await serve([
      respond(503, apiError(503, 'unavailable')),
      respond(200, jobCompleted),
      respond(200, jobCompleted),
    ]);
    const calls: { forceRefresh: boolean }[] = [];
    let n = 0;
    const docgen = clientFor(server, {
      token: (ctx) => {
        calls.push(ctx);
        return `token-${++n}`;
      },
    });
    await docgen.jobs.get('1');
    await docgen.jobs.get('2');
    expect(calls).toEqual([{ forceRefresh: false }, { forceRefresh: false }, { forceRefresh: false }]);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-3',
    ]);
  });

  it('on a 401 is called once with forceRefresh, and the request is repeated once with the new token', async () => {
    const server = await serve(acceptsOnlyNew());
    const { token, refreshes } = rotatingToken();
    expect(await clientFor(server, { token }).jobs.get('1')).toEqual(jobCompleted);
    expect(refreshes()).toBe(1);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('the repeat after a refresh is not a retry: it works with maxRetries 0', async () => {
    const server = await serve(acceptsOnlyNew());
    const { token, refreshes } = rotatingToken();
    expect(await clientFor(server, { token, maxRetries: 0 }).jobs.get('1')).toEqual(jobCompleted);
    expect(refreshes()).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('a POST answered 401 is repeated once, with the same full body', async () => {
    const server = await serve(acceptsOnlyNew(respond(202, batchCreated)));
    const { token, refreshes } = rotatingToken();
    expect(await clientFor(server, { token }).batches.create(batchRequest)).toEqual(batchCreated);
    expect(refreshes()).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([batchRequest, batchRequest]);
  });

  it.each([0, 50])(
    'five concurrent requests that all get 401 share one refresh (refresh takes %i ms)',
    async (refreshDelayMs) => {
      const server = await serve(acceptsOnlyNew());
      const { token, refreshes } = rotatingToken(refreshDelayMs);
      const docgen = clientFor(server, { token });
      const results = await Promise.all(['1', '2', '3', '4', '5'].map((id) => docgen.jobs.get(id)));
      expect(results).toEqual(Array(5).fill(jobCompleted));
      expect(refreshes()).toBe(1);
      const auth = server.requests.map((r) => r.headers.authorization);
      expect(auth.filter((a) => a === 'Bearer old')).toHaveLength(5);
      expect(auth.filter((a) => a === 'Bearer new')).toHaveLength(5);
      expect(server.requests).toHaveLength(10);
    },
  );

  it('a second 401 throws DocGenApiError 401 after exactly one refresh', async () => {
    const server = await serve(() => unauthorized());
    const { token, refreshes } = rotatingToken();
    const error = await rejection(clientFor(server, { token }).jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthorized');
    expect(refreshes()).toBe(1);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('a string token cannot be refreshed: a 401 throws at once', async () => {
    const server = await serve(() => unauthorized());
    const error = await rejection(clientFor(server, { token: 'fixed' }).jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error.status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });

  it('a token function returning nothing is a DocGenValidationError naming the token, and nothing is sent', async () => {
    const server = await serve(() => respond(200, jobCompleted));
    const error = await rejection(clientFor(server, { token: () => '' }).jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenValidationError);
    expect(error.field).toBe('token');
    expect(server.requests).toHaveLength(0);
  });
});
