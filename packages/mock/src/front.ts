/**
 * The front server: a small node:http server in front of Prism. It is what clients talk to.
 *
 * For each request it
 *  1. reads the body and answers 400 itself when a JSON body does not parse (Prism 5.16 would
 *     never answer such a request);
 *  2. records the request in the journal (Authorization redacted);
 *  3. applies the scenario: let Prism answer with a chosen `Prefer`, answer by itself (429, 503)
 *     or drop the connection;
 *  4. forwards to Prism on its loopback port and rewrites Prism's answer to a request that broke
 *     the contract (and Prism's own problem+json errors) into a ClientError that names every
 *     violation.
 *
 * Control endpoints live under /__box-docgen-mock__/ (ready, requests, reset, scenarios); only
 * callers on this machine reach them (control-access.ts).
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import {
  clientError,
  messageOf,
  problemError,
  requestViolationError,
  responseViolationError,
  violationsOf,
  type ClientErrorBody,
  type ProblemJson,
  type Violation,
} from './errors.js';
import { controlRefusal } from './control-access.js';
import { CONTROL_PREFIX, SCENARIO_HEADER, SESSION_HEADER } from './headers.js';
import { redactBody, redactHeader, redactQueryValue, type Journal, type RecordedRequest } from './journal.js';
import type { HttpOperations, PrismInstance } from './prism.js';
import {
  parseScenarios,
  scenarioKey,
  type AnyScenario,
  type ScenarioOptionsMap,
  type ScenarioUse,
} from './scenarios/index.js';
import type { ScenarioAnswer, ScenarioContext, ScenarioHandler, ScenarioRequest } from './scenarios/types.js';
import { helperRouteOf, matchTemplate, routeOf } from './route.js';
import { endpoints } from '@box-docgen/types/endpoints';
import type { DocGenTags, OAuth2Error } from '@box-docgen/types';
import { CALL_HEADER, type StateHost } from './state-host.js';
import type { MockStatePreload, ProgressSettings } from './state.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);
const PRISM_PROBLEM = /^https:\/\/stoplight\.io\/prism\/errors#/;
/** The problem type Prism's proxy answers with when it cannot fetch the upstream (node-fetch's error name). */
const FETCH_ERROR = 'FetchError';
/** node-fetch's messages, in words; the first match wins. */
const UPSTREAM_FAILURES: [RegExp, string][] = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ECONNRESET|socket hang up/i, 'connection reset before an answer'],
  [/Premature close|Invalid response body/i, 'connection closed in the middle of the answer'],
  [/ETIMEDOUT|timed? ?out/i, 'connection timed out'],
  [/ENOTFOUND|EAI_AGAIN/, 'host name not found'],
  [/cert|ssl|tls/i, 'TLS failed'],
];

/** Why the upstream failed, with the system error code when there is one, e.g. 'connection refused (ECONNREFUSED)'. */
function upstreamFailure(fetchMessage: string): string {
  // Drop the URL first: nothing from it (a path, a query token) may reach the answer.
  const text = fetchMessage.replace(/\S+:\/\/\S*/g, '');
  const why = UPSTREAM_FAILURES.find(([pattern]) => pattern.test(text))?.[1] ?? 'the request failed';
  const code = /\b(E[A-Z]{4,}|[A-Z_]*CERT[A-Z_]*)\b/.exec(text)?.[1];
  return code ? `${why} (${code})` : why;
}

export interface FrontOptions {
  mode: 'mock' | 'proxy';
  prism: PrismInstance;
  host: string;
  port: number;
  cors: boolean;
  registry: Map<string, AnyScenario>;
  /** The server's scenarios (used when a request names none). */
  scenario: ScenarioUse[];
  scenarioOptions: ScenarioOptionsMap;
  journal: Journal;
  /** Proxy mode: the API Prism forwards to (only its host is ever shown). */
  upstream?: URL;
  /** How long to wait for Prism's answer (in proxy mode, that includes the upstream). */
  answerTimeoutMs: number;
  /** Called once a request has been answered (or dropped). */
  onRequest?: (entry: RecordedRequest) => void;
  /** The stateful mode's states (Prism asks them for its answers); absent in the static mode. */
  states?: StateHost;
  /** The scenarios' clock (default Date.now). */
  now?: () => number;
  caller: string;
}

export interface Front {
  url: string;
  port: number;
  /** Clears the journal and the scenario state (of one session, or all). */
  reset(session?: string): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** Reads facts about examples from the operations Prism loaded. */
export function scenarioContext(operations: HttpOperations, now: () => number = Date.now): ScenarioContext {
  const contentsOf = (path: string, method: string, status: number | 'default') =>
    operations
      .find((op) => op.path === path && op.method.toLowerCase() === method.toLowerCase())
      ?.responses.find((response) => response.code === String(status))
      ?.contents?.find((content) => /json/.test(content.mediaType)) ?? undefined;
  const examplesOf = (path: string, method: string, status: number | 'default') =>
    (contentsOf(path, method, status)?.examples ?? []) as { key: string; value?: unknown }[];
  return {
    now,
    exampleNames: (path, method, status) => examplesOf(path, method, status).map((example) => example.key),
    example: (path, method, status, name) => {
      const examples = examplesOf(path, method, status);
      const chosen = name === undefined ? examples[0] : examples.find((example) => example.key === name);
      return chosen && 'value' in chosen ? structuredClone(chosen.value) : undefined;
    },
  };
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key).map((value) => redactQueryValue(key, value));
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function recordedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = headerText(value);
    if (text !== undefined) out[name] = redactHeader(name, text);
  }
  return out;
}

function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', () => (tooLarge ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}

function corsHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  // The same headers Prism sets.
  return {
    'access-control-allow-origin': req.headers.origin || '*',
    'access-control-allow-headers': headerText(req.headers['access-control-request-headers']) || '*',
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': headerText(req.headers['access-control-expose-headers']) || '*',
  };
}

function jsonAnswer(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): Answer {
  return {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
  };
}

export async function startFront(options: FrontOptions): Promise<Front> {
  const { prism, journal, registry, mode } = options;
  const upstreamHost = options.upstream?.host ?? 'upstream';
  const context = scenarioContext(prism.operations, options.now);
  const exampleTags = context.example(endpoints.listTemplateTags.path, 'get', 200) as DocGenTags | undefined;
  options.states?.setDefaultTags(exampleTags?.entries ?? []);
  const prismAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** Scenario handlers per session and scenario text. */
  const state = new Map<string, { session: string | undefined; handlers: ScenarioHandler[] }>();

  const handlersFor = (session: string | undefined, uses: ScenarioUse[], text: string): ScenarioHandler[] => {
    const key = `${session ?? ''}\n${text}`;
    let entry = state.get(key);
    if (!entry) {
      entry = { session, handlers: uses.map(({ scenario, options: o }) => scenario.create(o, context)) };
      state.set(key, entry);
    }
    return entry.handlers;
  };

  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the front itself: answer rather than hang.
      if (!res.headersSent) {
        send(req, res, jsonAnswer(500, clientError(500, `box-docgen-mock failed: ${messageOf(error)}`)));
      } else {
        res.destroy();
      }
    });
  });
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const send = (req: IncomingMessage, res: ServerResponse, answer: Answer, cors = options.cors) => {
    const headers: OutgoingHttpHeaders = { ...(cors ? corsHeaders(req) : {}), ...answer.headers };
    const noBody = answer.status === 204 || answer.status === 304 || req.method === 'HEAD';
    if (!noBody) headers['content-length'] = answer.body.length;
    res.writeHead(answer.status, headers);
    res.end(noBody ? undefined : answer.body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://box-docgen-mock.invalid');
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      if (!(method === 'POST' && url.pathname === `${CONTROL_PREFIX}/state`)) req.resume();
      return control(req, res, method, url);
    }

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return send(
          req,
          res,
          jsonAnswer(
            400,
            clientError(400, `${method} ${url.pathname}: the request body is larger than ${MAX_BODY_BYTES} bytes`),
          ),
        );
      }
      res.destroy();
      return;
    }

    const contentType = headerText(req.headers['content-type']);
    const route = routeOf(method, url.pathname);
    const session = headerText(req.headers[SESSION_HEADER]);
    const scenarioHeader = headerText(req.headers[SCENARIO_HEADER]);
    const entry = journal.add({
      time: new Date().toISOString(),
      method,
      path: url.pathname,
      ...(route && { operationId: route.operationId }),
      query: queryOf(url),
      headers: recordedHeaders(req.headers),
      body: null,
      status: null,
      ...(session !== undefined && { session }),
      scenario: '',
      violations: [],
    });
    const finish = (answer: Answer | undefined) => {
      if (answer) {
        entry.status = answer.status;
        send(req, res, answer);
      } else {
        // Drop: close the connection without a byte of answer.
        req.socket.destroy();
      }
      options.onRequest?.(structuredClone(entry) as RecordedRequest);
    };

    // 1. The body. Prism 5.16 never answers a JSON body that does not parse, so refuse it here.
    let body: unknown = null;
    if (raw.length > 0) {
      const text = raw.toString('utf8');
      if (isJsonType(contentType)) {
        try {
          body = JSON.parse(text);
        } catch (error) {
          body = text;
          entry.body = redactBody(text);
          const violation: Violation = {
            side: 'request',
            location: ['body'],
            severity: 'Error',
            code: 'json',
            message: `The request body is not valid JSON: ${messageOf(error)}`,
          };
          entry.violations = [violation];
          return finish(
            jsonAnswer(
              400,
              clientError(400, `${method} ${url.pathname}: the request body is not valid JSON (${messageOf(error)})`, {
                contextInfo: {
                  errors: [{ reason: 'invalid_parameter', name: 'body', location: 'body', message: violation.message }],
                },
              }),
            ),
          );
        }
      } else {
        body = text;
      }
    }
    entry.body = redactBody(structuredClone(body));

    // 2. The scenario: the request's own, else the server's.
    let uses: ScenarioUse[] = [];
    if (mode === 'mock') {
      try {
        uses =
          scenarioHeader !== undefined
            ? parseScenarios(scenarioHeader, registry, options.scenarioOptions)
            : options.scenario;
      } catch (error) {
        return finish(jsonAnswer(400, clientError(400, `${SCENARIO_HEADER}: ${messageOf(error)}`)));
      }
    }
    entry.scenario = scenarioKey(uses);

    // In the stateful mode, a scenario with a `state` part (jobs-progress, bulk-batches) sets how
    // the state's jobs progress instead of answering from the examples.
    const states = options.states;
    const settings: Partial<ProgressSettings> = {};
    if (states) {
      for (const use of uses) if (use.scenario.state) Object.assign(settings, use.scenario.state(use.options));
      uses = uses.filter((use) => !use.scenario.state);
    }
    let prefer: string | undefined;
    if (uses.length > 0) {
      const request: ScenarioRequest = {
        method,
        path: url.pathname,
        query: entry.query,
        headers: entry.headers,
        body,
        match: (template) => matchTemplate(template, url.pathname),
      };
      let action: ScenarioAnswer | undefined;
      let handlers: ScenarioHandler[];
      try {
        handlers = handlersFor(session, uses, entry.scenario);
      } catch (error) {
        return finish(
          jsonAnswer(500, clientError(500, `scenario ${entry.scenario} could not start: ${messageOf(error)}`)),
        );
      }
      for (let i = 0; i < handlers.length && action === undefined; i++) {
        try {
          action = handlers[i]!(request);
        } catch (error) {
          return finish(
            jsonAnswer(500, clientError(500, `scenario ${uses[i]!.scenario.name} failed: ${messageOf(error)}`)),
          );
        }
      }
      if (action && 'drop' in action) return finish(undefined);
      if (action && 'status' in action) return finish(jsonAnswer(action.status, action.body, action.headers));
      if (action && 'prefer' in action) prefer = action.prefer;
    }

    // 3. Prism.
    const forwardHeaders: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name === SCENARIO_HEADER || name === SESSION_HEADER) continue;
      forwardHeaders[name] = value;
    }
    // A request's own Prefer wins over the scenario's choice.
    if (prefer !== undefined && forwardHeaders['prefer'] === undefined) forwardHeaders['prefer'] = prefer;
    // Prism's proxy decodes what it fetches but keeps content-encoding: ask the upstream for plain bytes.
    if (mode === 'proxy') forwardHeaders['accept-encoding'] = 'identity';
    if (raw.length > 0) forwardHeaders['content-length'] = raw.length;
    const call = states?.begin({ session, settings, example: forwardHeaders['prefer'] !== undefined });
    if (call !== undefined) forwardHeaders[CALL_HEADER] = call;

    let answer: Answer;
    try {
      answer = await forward(method, `${url.pathname}${url.search}`, forwardHeaders, raw.length > 0 ? raw : undefined);
    } catch (error) {
      const timedOut = error instanceof AnswerTimeout;
      const what = mode === 'proxy' ? `the upstream ${upstreamHost} (through Prism)` : 'Prism';
      return finish(
        jsonAnswer(
          timedOut ? 504 : 502,
          clientError(
            timedOut ? 504 : 502,
            `${method} ${url.pathname}: ${what} ${timedOut ? `did not answer within ${options.answerTimeoutMs} ms` : `failed: ${messageOf(error)}`}`,
          ),
        ),
      );
    } finally {
      if (call !== undefined) states!.end(call);
    }
    const rewritten = rewrite(method, url.pathname, answer);
    entry.violations = rewritten.violations;
    return finish(rewritten.answer);
  }

  /** Prism's answer, or a ClientError that says what is wrong instead of it. */
  function rewrite(method: string, path: string, answer: Answer): { answer: Answer; violations: Violation[] } {
    const contentType = headerText(answer.headers['content-type'] as string | string[] | undefined) ?? '';
    let parsed: ProblemJson | undefined;
    if (/^application\/problem\+json/i.test(contentType)) {
      try {
        parsed = JSON.parse(answer.body.toString('utf8')) as ProblemJson;
      } catch {
        // not Prism's
      }
    }
    const problem = PRISM_PROBLEM.test(parsed?.type ?? '') ? parsed : undefined;
    const keep: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (name.startsWith('access-control-') || name === 'sl-violations' || name === 'vary') keep[name] = value;
    }
    // Prism could not fetch the upstream. Its problem's title is node-fetch's message, which
    // holds the whole upstream URL (query included), so only the kind of failure is passed on.
    if (mode === 'proxy' && parsed?.type === FETCH_ERROR) {
      const body = clientError(
        502,
        `${method} ${path}: the upstream ${upstreamHost} failed: ${upstreamFailure(parsed.title ?? '')}`,
      );
      return { answer: jsonAnswer(502, body, keep), violations: [] };
    }
    const violations = violationsOf(headerText(answer.headers['sl-violations'] as string | undefined), problem);
    const requestErrors = violations.filter((v) => v.side === 'request' && v.severity === 'Error');
    // A mock never answers a request that broke the contract with anything but the violation; a
    // proxy only replaces Prism's own refusal (with errors off, the upstream's answer goes through).
    if (requestErrors.length > 0 && (mode === 'mock' || problem)) {
      // The sign-in endpoints refuse with Box's OAuth 2.0 error body, not a ClientError.
      if (helperRouteOf(method, path)?.endpoint.entry === 'auth') {
        const body = signInRefusal(requestViolationError(method, path, requestErrors), requestErrors);
        return { answer: jsonAnswer(400, body, keep), violations };
      }
      const body: ClientErrorBody = requestViolationError(method, path, requestErrors);
      return { answer: jsonAnswer(body.status, body, keep), violations };
    }
    if (problem) {
      const responseErrors = violations.filter((v) => v.side === 'response' && v.severity === 'Error');
      const body =
        /#VIOLATIONS$/.test(problem.type ?? '') && responseErrors.length > 0
          ? responseViolationError(method, path, responseErrors)
          : problemError(method, path, problem, answer.status);
      return { answer: jsonAnswer(body.status, body, keep), violations };
    }
    return { answer, violations };
  }

  function forward(
    method: string,
    target: string,
    headers: OutgoingHttpHeaders,
    body: Buffer | undefined,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: prism.port, method, path: target, headers, agent: prismAgent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', reject);
          res.once('end', () => {
            clearTimeout(timer);
            const out: OutgoingHttpHeaders = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
            }
            resolve({ status: res.statusCode ?? 500, headers: out, body: Buffer.concat(chunks) });
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new AnswerTimeout()), options.answerTimeoutMs);
      req.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });
  }

  function control(req: IncomingMessage, res: ServerResponse, method: string, url: URL): void {
    const refusal = controlRefusal(req, options.host);
    if (refusal !== undefined) {
      // No CORS headers: a page of another site must not even read the refusal.
      const message = `${method} ${url.pathname}: refused, ${refusal}; the control endpoints answer only callers on this machine`;
      return send(req, res, jsonAnswer(403, clientError(403, message)), false);
    }
    // CORS headers only for a page that sent an Origin (a loopback one, by now), so it can read the answer.
    const cors = options.cors && req.headers.origin !== undefined;
    const answer = (result: Answer) => send(req, res, result, cors);
    const what = url.pathname.slice(CONTROL_PREFIX.length);
    const session = url.searchParams.get('session') ?? undefined;
    const noContent = { status: 204, headers: {}, body: Buffer.alloc(0) };
    if (method === 'OPTIONS')
      return answer({ ...noContent, headers: { 'access-control-allow-methods': 'GET, POST, OPTIONS' } });
    if (what === '/ready' && method === 'GET') return answer(jsonAnswer(200, { ready: true, mode }));
    if (what === '/requests' && method === 'GET') return answer(jsonAnswer(200, journal.list(session)));
    if (what === '/reset' && method === 'POST') {
      reset(session);
      return answer(noContent);
    }
    if (what === '/state' && options.states) {
      if (method === 'GET') return answer(jsonAnswer(200, options.states.state(session).get()));
      if (method === 'POST') {
        return void readBody(req).then(
          (raw) => {
            try {
              options.states!.state(session).load(JSON.parse(raw.toString('utf8') || '{}') as MockStatePreload);
              answer(noContent);
            } catch (error) {
              answer(jsonAnswer(400, clientError(400, `${method} ${url.pathname}: ${messageOf(error)}`)));
            }
          },
          () => res.destroy(),
        );
      }
    }
    if (what === '/scenarios' && method === 'GET') {
      return answer(
        jsonAnswer(
          200,
          [...registry.values()].map(({ name, description, options: o }) => ({ name, description, options: o })),
        ),
      );
    }
    return answer(
      jsonAnswer(
        404,
        clientError(
          404,
          `${method} ${url.pathname}: no such control endpoint; there are GET ${CONTROL_PREFIX}/ready, GET ${CONTROL_PREFIX}/requests, POST ${CONTROL_PREFIX}/reset, GET and POST ${CONTROL_PREFIX}/state and GET ${CONTROL_PREFIX}/scenarios`,
        ),
      ),
    );
  }

  function reset(session?: string): void {
    journal.clear(session);
    options.states?.reset(session);
    for (const [key, entry] of state) if (session === undefined || entry.session === session) state.delete(key);
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).finally(() => prismAgent.destroy()));

  return { url: `http://${urlHost(options.host)}:${port}`, port, reset, close };
}

/** A request to a sign-in endpoint that broke the spec, as Box's OAuth 2.0 error (an unknown grant has its own code). */
function signInRefusal(error: ClientErrorBody, violations: Violation[]): OAuth2Error {
  const grant = violations.some((v) => v.location.at(-1) === 'grant_type' && v.code === 'enum');
  return { error: grant ? 'unsupported_grant_type' : 'invalid_request', error_description: error.message };
}

class AnswerTimeout extends Error {
  constructor() {
    super('no answer in time');
  }
}

/** The host part of a URL that reaches a server listening on `host`. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`;
  return host;
}
