// Hostile answers and hostile input: what the client builds from an answer never carries the
// token, bad input is refused before anything is sent, nothing hangs past its deadline or loops,
// and a failure of the caller's own logger never changes a request's outcome.
import {
  DocGenApiError,
  DocGenError,
  DocGenTimeoutError,
  DocGenValidationError,
  type DocGenJob,
} from '@box-docgen/client';
import { describe, expect, it } from 'vitest';
import { respond, type Script } from '../helpers/fault-server.js';
import {
  apiError,
  batchCreated,
  batchRequest,
  clientFor,
  delay,
  jobCompleted,
  jobPending,
  rejection,
  TOKEN,
  useFaultServers,
} from './support.js';

const serve = useFaultServers();

/** Answers every request with `status`, echoing its Authorization header into the body and headers. */
const echo =
  (status: number): Script =>
  (_, request) => {
    const auth = String(request.headers.authorization);
    return respond(
      status,
      apiError(status, 'bad_request', { message: `rejected ${auth}`, context_info: { header: auth } }),
      {
        'x-echo': auth,
        'box-request-id': `id ${auth}`,
      },
    );
  };

/** Everything a user, a log line or a ledger could read of an error. */
const readable = (error: any) =>
  [error.message, String(error), JSON.stringify(error), error.stack, JSON.stringify(error.headers), error.rawBody].join(
    '\n',
  );

describe('a token echoed back by the server', () => {
  it.each([400, 401, 500])('is in no part of the DocGenApiError of a %i', async (status) => {
    const server = await serve(echo(status));
    const error = await rejection(clientFor(server, { maxRetries: 0 }).jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(readable(error)).not.toContain(TOKEN);
    expect(error.message).toContain('rejected Bearer [redacted]');
    expect(error.headers['x-echo']).toBe('Bearer [redacted]');
    expect(JSON.stringify(error.contextInfo)).not.toContain(TOKEN);
  });

  it('in a body that is not JSON, the same', async () => {
    const server = await serve((_, request) =>
      respond(502, `<html>bad gateway for ${request.headers.authorization}</html>`),
    );
    const error = await rejection(clientFor(server, { maxRetries: 0 }).jobs.get('1'));
    expect(error.rawBody).toContain('[redacted]');
    expect(readable(error)).not.toContain(TOKEN);
  });

  it('every token a token function handed out is redacted, the old one and the refreshed one', async () => {
    const server = await serve(echo(401));
    let n = 0;
    const token = ({ forceRefresh }: { forceRefresh: boolean }) =>
      forceRefresh ? `fresh-${TOKEN}-${++n}` : `stale-${TOKEN}`;
    const error = await rejection(clientFor(server, { token }).jobs.get('1'));
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer stale-${TOKEN}`,
      `Bearer fresh-${TOKEN}-1`,
    ]);
    expect(readable(error)).not.toContain(TOKEN);
  });

  it('raw: the error body and headers it hands back are redacted too', async () => {
    const server = await serve(echo(400));
    const { error, response } = await clientFor(server, { maxRetries: 0 }).raw.GET('/docgen_jobs/{job_id}', {
      params: { path: { job_id: '1' } },
    });
    expect(JSON.stringify(error)).toContain('[redacted]');
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(response.headers.get('x-echo')).toBe('Bearer [redacted]');
  });

  it('a 1 MB error message is cut in the error, and says so', async () => {
    const server = await serve(() => respond(400, apiError(400, 'bad_request', { message: 'x'.repeat(1_000_000) })));
    const error = await rejection(clientFor(server).jobs.get('1'));
    expect(error.message.length).toBeLessThan(1_200);
    expect(error.message).toContain('… [cut 999000 characters]');
  });
});

describe('header values that cannot be sent', () => {
  it.each(['line\r\nbreak', 'nul\0', 'new\nline'])(
    'a string token %j is refused when the client is made, without quoting it',
    (token) => {
      const made = () => clientFor({ url: 'http://127.0.0.1:9' }, { token });
      expect(made).toThrow(DocGenValidationError);
      try {
        made();
      } catch (error) {
        expect((error as DocGenValidationError).field).toBe('token');
        expect((error as Error).message).not.toContain(token);
      }
    },
  );

  it('a token function returning one rejects the call as bad input, before anything is sent', async () => {
    const server = await serve(() => respond(202, batchCreated));
    const error = await rejection(
      clientFor(server, { token: () => `${TOKEN}\r\nx-injected: 1` }).batches.create(batchRequest),
    );
    expect(error).toBeInstanceOf(DocGenValidationError);
    expect(error.field).toBe('token');
    expect(error.outcomeUnknown).toBeUndefined();
    expect(JSON.stringify(error) + String(error) + error.stack).not.toContain(TOKEN);
    expect(server.requests).toEqual([]);
  });

  it('a custom header with a line break is a DocGenValidationError, on the client or on a call', async () => {
    const server = await serve(() => respond(200, jobCompleted));
    expect(() => clientFor(server, { headers: { 'x-trace': 'a\r\nb' } })).toThrow(DocGenValidationError);
    const error = await rejection(clientFor(server).jobs.get('1', { headers: { 'x-trace': 'a\nb' } }));
    expect(error).toBeInstanceOf(DocGenValidationError);
    expect(error.field).toBe('headers');
    expect(server.requests).toEqual([]);
  });
});

describe('a token function that never settles', () => {
  const never = () => new Promise<string>(() => {});

  it('times out at timeoutMs; a POST so stopped was never sent, so its outcome is known', async () => {
    const server = await serve(() => respond(202, batchCreated));
    const error = await rejection(
      clientFor(server, { token: never, timeoutMs: 100, maxRetries: 0 }).batches.create(batchRequest),
    );
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toMatch(/waiting for the token function/);
    expect(server.requests).toEqual([]);
  });

  it('gives way to an abort of the caller', async () => {
    const server = await serve(() => respond(200, jobCompleted));
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    const call = clientFor(server, { token: never, timeoutMs: 60_000 }).jobs.get('1', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 30);
    expect(await rejection(call)).toBe(reason);
  });

  it('a refresh that never settles times out too', async () => {
    const server = await serve(() => respond(401, apiError(401, 'unauthorized')));
    const token = ({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? never() : 'old');
    const error = await rejection(clientFor(server, { token, timeoutMs: 100, maxRetries: 0 }).jobs.get('1'));
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('one forced refresh for many 401s', () => {
  it('50 concurrent calls answered 401, with a token function that keeps its token: one forced refresh', async () => {
    const server = await serve(() => respond(401, apiError(401, 'unauthorized')));
    let forced = 0;
    const token = async ({ forceRefresh }: { forceRefresh: boolean }) => {
      if (forceRefresh) forced++;
      await delay(1);
      return 'same-token';
    };
    const docgen = clientFor(server, { token });
    const errors = await Promise.all(Array.from({ length: 50 }, (_, i) => rejection(docgen.jobs.get(String(i)))));
    expect(errors.every((e) => e instanceof DocGenApiError && e.status === 401)).toBe(true);
    expect(forced).toBe(1);
    // Each call: the first attempt and one repeat after the refresh.
    expect(server.requests).toHaveLength(100);
  });
});

describe('pages that loop', () => {
  it('A → B → A: for await stops with a clear error after three pages', async () => {
    const next: Record<string, string> = { '': 'A', A: 'B', B: 'A' };
    const server = await serve((_, request) => {
      const marker = new URL(request.url, 'http://x').searchParams.get('marker') ?? '';
      return respond(200, {
        entries: [{ ...jobCompleted, id: `job-${marker}` }],
        limit: 1,
        next_marker: next[marker],
        prev_marker: null,
      });
    });
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const job of clientFor(server).jobs.list()) seen.push(job.id);
      })(),
    );
    expect(error).toBeInstanceOf(DocGenError);
    expect(error.message).toBe('next_marker "A" leads back to page 2: the server\'s pages loop');
    expect(seen).toEqual(['job-', 'job-A', 'job-B']);
    expect(server.requests).toHaveLength(3);
  });

  it('asking one page for its next page twice is not a loop', async () => {
    const server = await serve((_, request) => {
      const marker = new URL(request.url, 'http://x').searchParams.get('marker');
      return respond(200, { entries: [jobCompleted], limit: 1, next_marker: marker ? null : 'B', prev_marker: null });
    });
    const first = await clientFor(server).jobs.list();
    await first.getNextPage();
    await expect(first.getNextPage()).resolves.toMatchObject({ next_marker: null });
  });
});

describe('durations and wait options', () => {
  it.each([
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['retry.maxRetryAfterMs', { retry: { maxRetryAfterMs: 2 ** 32 } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
  ])('a client %s a timer cannot hold is refused', (field, options) => {
    try {
      clientFor({ url: 'http://127.0.0.1:9' }, options);
      expect.unreachable('expected a DocGenValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(DocGenValidationError);
      expect((error as DocGenValidationError).field).toBe(field);
    }
  });

  it('a call timeoutMs of 2^31 ms rejects as bad input; nothing is sent, no outcome is unknown', async () => {
    const server = await serve(() => respond(202, batchCreated));
    const error = await rejection(clientFor(server).batches.create(batchRequest, { timeoutMs: 2 ** 31 }));
    expect(error).toBeInstanceOf(DocGenValidationError);
    expect(error.field).toBe('timeoutMs');
    expect(server.requests).toEqual([]);
  });

  it.each([0, -1, Number.NaN, 1.5, 2 ** 31])(
    'wait({ intervalMs: %s }) is refused before polling',
    async (intervalMs) => {
      const server = await serve(() => respond(200, jobPending));
      const error = await rejection(clientFor(server).jobs.wait('1', { intervalMs }));
      expect(error).toBeInstanceOf(DocGenValidationError);
      expect(error.field).toBe('intervalMs');
      expect(server.requests).toEqual([]);
    },
  );

  it('wait({ timeoutMs: 2^31 }) and a non-function onProgress are refused', async () => {
    const server = await serve(() => respond(200, jobPending));
    expect((await rejection(clientFor(server).batches.wait('1', { timeoutMs: 2 ** 31 }))).field).toBe('timeoutMs');
    expect((await rejection(clientFor(server).batches.wait('1', { onProgress: 'yes' as never }))).field).toBe(
      'onProgress',
    );
    expect(server.requests).toEqual([]);
  });
});

describe('a logger that throws', () => {
  const throwing = {
    debug: () => {
      throw new Error('disk full');
    },
    info() {},
    warn: () => {
      throw new Error('disk full');
    },
    error() {},
  };

  it('after a 202 does not turn the batch into a failure: it is sent once and resolves', async () => {
    const server = await serve([respond(202, batchCreated)]);
    await expect(clientFor(server, { logger: throwing }).batches.create(batchRequest)).resolves.toEqual(batchCreated);
    expect(server.requests).toHaveLength(1);
  });

  it('while warning of a retry does not stop the retry', async () => {
    const server = await serve([respond(503, apiError(503, 'unavailable')), respond(200, jobCompleted)]);
    await expect(clientFor(server, { logger: throwing }).jobs.get('1')).resolves.toEqual(jobCompleted);
    expect(server.requests).toHaveLength(2);
  });
});

describe('wait() and a batch that lists only some of its jobs', () => {
  // Round r (first page reads) lists min(r + 1, 3) jobs, all completed: a partial list at first.
  function growingBatch() {
    let round = 0;
    return (_: number, request: { url: string }): ReturnType<typeof respond> => {
      if (!new URL(request.url, 'http://x').searchParams.get('marker')) round++;
      const entries: DocGenJob[] = Array.from(
        { length: Math.min(round, 3) },
        (_, i) => ({ ...jobCompleted, id: `J${i}` }) as DocGenJob,
      );
      return respond(200, { entries, limit: 1000, next_marker: null, prev_marker: null });
    };
  }

  it('with expectedJobs it waits until as many jobs are listed, and reports the unlisted ones as pending', async () => {
    const server = await serve(growingBatch());
    const progress: { total: number; pending: number }[] = [];
    const jobs = await clientFor(server).batches.wait('B1', {
      expectedJobs: 3,
      intervalMs: 5,
      onProgress: ({ total, pending }) => progress.push({ total, pending }),
    });
    expect(jobs.map((j) => j.id)).toEqual(['J0', 'J1', 'J2']);
    expect(progress).toEqual([
      { total: 3, pending: 2 },
      { total: 3, pending: 1 },
      { total: 3, pending: 0 },
    ]);
  });

  it('a deadline before the list is complete says how many were listed', async () => {
    const server = await serve((_, request) => growingBatch()(0, request));
    const error = await rejection(
      clientFor(server).batches.wait('B1', { expectedJobs: 3, intervalMs: 20, timeoutMs: 150 }),
    );
    expect(error.message).toMatch(/1 of 3 jobs finished \(1 listed\)$/);
  });
});
