// Every error path, with a recognisable token and a capturing logger: the token reaches the
// server, and appears in no message, JSON, string, stack, inspection or log line.
import { inspect } from 'node:util';
import {
  DocGenApiError,
  DocGenConnectionError,
  DocGenTimeoutError,
  DocGenValidationError,
  DocGenWaitTimeoutError,
} from '@box-docgen/client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  reset,
  resetAfterBody,
  respond,
  stall,
  startFaultServer,
  type FaultServer,
  type Script,
} from '../helpers/fault-server.js';
import { apiError, batchRequest, captureLogger, clientFor, jobPending, rejection } from './support.js';

const SECRET = 'SECRET-TOKEN-';
const OLD = `${SECRET}old-9d41e07c`;
const NEW = `${SECRET}new-52b8aa13`;

let servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

type Client = ReturnType<typeof clientFor>;
interface Case {
  script?: Script;
  /** Run the failing call; the client has the token and the logger. */
  run: (docgen: Client) => PromiseLike<unknown>;
  type: new (...args: any[]) => Error;
  /** The token function instead of the string OLD. */
  rotating?: boolean;
  /** Point the client at a closed port. */
  refused?: boolean;
}

const HTML = `<html><body><h1>502 Bad Gateway</h1>${'<p>x</p>'.repeat(200)}</body></html>`;

const cases: Record<string, Case> = {
  'api error, JSON body': {
    script: () => respond(404, apiError(404, 'not_found')),
    run: (d) => d.templates.get('1'),
    type: DocGenApiError,
  },
  'api error, HTML body': {
    script: () => respond(502, HTML, { 'content-type': 'text/html', 'box-request-id': 'r1' }),
    run: (d) => d.templates.get('1'),
    type: DocGenApiError,
  },
  'api error, truncated JSON': {
    script: () =>
      respond(500, JSON.stringify(apiError(500, 'internal_server_error')).slice(0, 50), {
        'content-type': 'application/json',
      }),
    run: (d) => d.jobs.get('1'),
    type: DocGenApiError,
  },
  'api error, empty body': { script: () => respond(503), run: (d) => d.jobs.get('1'), type: DocGenApiError },
  'POST answered 503 (outcome unknown)': {
    script: () => respond(503, apiError(503, 'unavailable')),
    run: (d) => d.batches.create(batchRequest),
    type: DocGenApiError,
  },
  'connection dropped, GET retried then given up': {
    script: () => resetAfterBody(),
    run: (d) => d.jobs.get('1'),
    type: DocGenConnectionError,
  },
  'connection reset, POST (outcome unknown)': {
    script: () => reset(),
    run: (d) => d.batches.create(batchRequest),
    type: DocGenConnectionError,
  },
  'connection refused': { refused: true, run: (d) => d.jobs.get('1'), type: DocGenConnectionError },
  'timeout, GET': {
    script: () => stall(),
    run: (d) => d.jobs.get('1', { timeoutMs: 80, maxRetries: 1 }),
    type: DocGenTimeoutError,
  },
  'timeout, POST (outcome unknown)': {
    script: () => stall(),
    run: (d) => d.batches.create(batchRequest, { timeoutMs: 80 }),
    type: DocGenTimeoutError,
  },
  '401 twice, after a refresh': {
    rotating: true,
    script: () => respond(401, apiError(401, 'unauthorized')),
    run: (d) => d.jobs.get('1'),
    type: DocGenApiError,
  },
  'tags still 202 past timeoutMs': {
    script: () => respond(202, { message: 'still extracting' }),
    run: (d) => d.templates.listTags('1', undefined, { timeoutMs: 100 }),
    type: DocGenTimeoutError,
  },
  'batch wait timeout': {
    script: () => respond(200, { entries: [jobPending], limit: 1000, next_marker: null, prev_marker: null }),
    run: (d) => d.batches.wait('7000123', { intervalMs: 10, timeoutMs: 150 }),
    type: DocGenWaitTimeoutError,
  },
  'job wait timeout': {
    script: () => respond(200, jobPending),
    run: (d) => d.jobs.wait('5000001', { intervalMs: 10, timeoutMs: 150 }),
    type: DocGenWaitTimeoutError,
  },
  'validation error in a body': {
    run: (d) => d.batches.create({ ...batchRequest, document_generation_data: [] }),
    type: DocGenValidationError,
  },
  'validation error from the token function': {
    script: () => respond(200, jobPending),
    run: (d) => d.jobs.get('1'),
    type: DocGenValidationError,
  },
};

describe('the token appears in no error and no log line', () => {
  it.each(Object.entries(cases))('%s', async (name, c) => {
    const logger = captureLogger();
    const server = c.script ? await startFaultServer(c.script) : undefined;
    if (server) servers.push(server);
    const url = c.refused ? `http://127.0.0.1:${await closedPort()}` : (server?.url ?? 'http://127.0.0.1:9');
    let current = OLD;
    const token =
      name === 'validation error from the token function'
        ? () => '   '
        : c.rotating
          ? ({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? (current = NEW) : current)
          : OLD;
    const docgen = clientFor({ url }, { token, logger, maxRetries: 2 });

    const error = await rejection(c.run(docgen));
    expect(error).toBeInstanceOf(c.type);

    // The token really was in play: the server saw it (unless nothing could be sent).
    if (server && c.type !== DocGenValidationError) {
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.every((r) => r.headers.authorization?.startsWith(`Bearer ${SECRET}`))).toBe(true);
    }
    if (c.rotating)
      expect(server!.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${OLD}`, `Bearer ${NEW}`]);

    const views = {
      message: error.message,
      json: JSON.stringify(error),
      string: String(error),
      stack: String(error.stack),
      inspect: inspect(error, { depth: 10, showHidden: true }),
      logs: JSON.stringify(logger.entries),
    };
    for (const [view, text] of Object.entries(views)) {
      expect(text, `${view} of ${name}`).not.toContain(SECRET);
    }
    expect(views.json).not.toMatch(/bearer/i);
  });
});
