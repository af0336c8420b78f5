// The optional logger: one debug line per attempt (method, path, status, attempt, delay) and
// one warning per retry.
import { describe, expect, it } from 'vitest';
import { resetAfterBody, respond, stall } from '../helpers/fault-server.js';
import {
  TOKEN,
  apiError,
  batchCreated,
  batchRequest,
  captureLogger,
  clientFor,
  jobCompleted,
  rejection,
  useFaultServers,
} from './support.js';

const serve = useFaultServers();

const PATH = '/2.0/docgen_jobs/5000001';

describe('logger', () => {
  it('gets one debug line per attempt and one warning per retry', async () => {
    const server = await serve([
      respond(503, apiError(503, 'unavailable')),
      resetAfterBody(),
      stall(),
      respond(200, jobCompleted),
    ]);
    const logger = captureLogger();
    await clientFor(server, { logger, timeoutMs: 250 }).jobs.get('5000001');
    expect(server.requests).toHaveLength(4);

    const debug = logger.entries.filter((e) => e.level === 'debug');
    const warn = logger.entries.filter((e) => e.level === 'warn');
    expect(debug).toHaveLength(4);
    expect(warn).toHaveLength(3);
    expect(logger.entries.filter((e) => e.level === 'info' || e.level === 'error')).toHaveLength(0);

    expect(debug.map((e) => e.data)).toEqual([
      { method: 'GET', path: PATH, status: 503, attempt: 1, delayMs: warn[0]!.data!.delayMs },
      { method: 'GET', path: PATH, error: 'connection', attempt: 2, delayMs: warn[1]!.data!.delayMs },
      { method: 'GET', path: PATH, error: 'timeout', attempt: 3, delayMs: warn[2]!.data!.delayMs },
      { method: 'GET', path: PATH, status: 200, attempt: 4 },
    ]);
    for (const [i, entry] of debug.entries()) {
      expect(entry.message).toContain(`GET ${PATH}`);
      expect(entry.message).toContain(`attempt ${i + 1}`);
    }
    expect(debug[0]!.message).toContain('503');
    expect(debug[3]!.message).toContain('200');

    warn.forEach((entry, i) => {
      expect(entry.data).toMatchObject({ method: 'GET', path: PATH, attempt: i + 1, delayMs: expect.any(Number) });
      expect(entry.message).toContain(`in ${entry.data!.delayMs as number} ms`);
    });
    expect(warn[0]!.message).toContain('503');
    expect(warn[1]!.message).toContain('connection error');
    expect(warn[2]!.message).toContain('timeout');
  });

  it('a POST answered 429 then 202: two debug lines, one warning with the Retry-After delay', async () => {
    const server = await serve([
      respond(429, apiError(429, 'too_many_requests'), { 'retry-after-ms': '40' }),
      respond(202, batchCreated),
    ]);
    const logger = captureLogger();
    await clientFor(server, { logger }).batches.create(batchRequest);
    const debug = logger.entries.filter((e) => e.level === 'debug').map((e) => e.data);
    expect(debug).toEqual([
      { method: 'POST', path: '/2.0/docgen_batches', status: 429, attempt: 1, delayMs: 40 },
      { method: 'POST', path: '/2.0/docgen_batches', status: 202, attempt: 2 },
    ]);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.data)).toEqual([
      { method: 'POST', path: '/2.0/docgen_batches', status: 429, attempt: 1, delayMs: 40 },
    ]);
  });

  it('a POST answered 503 is logged once and not warned about, since it is not retried', async () => {
    const server = await serve(() => respond(503, apiError(503, 'unavailable')));
    const logger = captureLogger();
    await rejection(clientFor(server, { logger }).batches.create(batchRequest));
    expect(logger.entries.map((e) => [e.level, e.data?.status])).toEqual([['debug', 503]]);
  });

  it('never logs the token, nor any header', async () => {
    const server = await serve([
      respond(503, apiError(503, 'unavailable')),
      respond(401, apiError(401, 'unauthorized')),
      respond(200, jobCompleted),
    ]);
    const logger = captureLogger();
    await clientFor(server, { logger, token: () => TOKEN }).jobs.get('5000001');
    expect(logger.entries.length).toBeGreaterThanOrEqual(3);
    const everything = JSON.stringify(logger.entries);
    expect(everything).not.toContain(TOKEN);
    expect(everything.toLowerCase()).not.toContain('bearer');
    expect(everything.toLowerCase()).not.toContain('authorization');
  });
});
