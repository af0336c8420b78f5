/**
 * @box-docgen/mock — a contract-true mock of the Box Doc Gen API.
 *
 * Prism (the HTTP server of @stoplight/prism-http-server) runs in this process on its own
 * loopback port, built from the bundled OpenAPI document of @box-docgen/spec with the same
 * configuration `prism mock` uses. A small front server (front.ts) in front of it is what
 * clients talk to: it keeps a journal of the requests, applies scenarios, and turns a request
 * that breaks the contract into an answer naming every violation.
 */
import { get as httpGet } from 'node:http';

import { helperEndpoints } from '@box-docgen/types/endpoints';

import { startChildMockServer } from './child.js';
import { type Violation, describeViolation, messageOf } from './errors.js';
import type { Front, FrontOptions } from './front.js';
import { CONTROL_PREFIX, SCENARIO_HEADER } from './headers.js';
import { Journal, type RecordedRequest } from './journal.js';
import { createStateHost } from './state-host.js';
import type { DocGenStateOptions, MockState, MockStatePreload } from './state.js';
import { LOG_LEVELS, type MockLogLevel } from './log-levels.js';
import {
  checkScenarioOptions,
  parseScenarios,
  scenarioRegistry,
  type AnyScenario,
  type ScenarioOptionsMap,
  type ScenarioUse,
} from './scenarios/index.js';

export interface MockServerOptions {
  /**
   * Default 'stateful': a Box Doc Gen in memory (per server and session) answers, and Prism
   * checks every request and validates every answer. 'static': Prism serves the spec's examples.
   */
  mode?: 'stateful' | 'static';
  /**
   * The stateful mode's settings: tokens, the apps that may sign in (`clients`), how jobs progress
   * and fail, downloads, the first id, default tags.
   */
  state?: DocGenStateOptions;
  /** Port to listen on; default 0 = a free port chosen by the OS. */
  port?: number;
  /** Interface to listen on; default '127.0.0.1'. */
  host?: string;
  /** Default false: serve the spec's examples; true: generate responses from the schemas. */
  dynamic?: boolean;
  /**
   * Seed of the generator used with `dynamic: true` (json-schema-faker's random source): the same
   * seed gives the same generated bodies. Without it, every generated body is new.
   */
  seed?: number | string;
  /**
   * Default true: a response that breaks the spec becomes a 500 ClientError naming the violations
   * (Prism's `--errors`). A request that breaks the spec is always refused (400 bad_request, or 401
   * without valid Authorization) with the violations named in `message` and `context_info.errors`.
   */
  errors?: boolean;
  /** Path, file: URL or http(s) URL of an OpenAPI document; default @box-docgen/spec/openapi.json. */
  spec?: string;
  /** Prism's log level, written as JSON lines to stderr; default 'silent'. */
  logLevel?: MockLogLevel;
  /** Default true: answer CORS preflights and add CORS headers. */
  cors?: boolean;
  /**
   * Scenario(s) for every request that does not name its own with the x-box-docgen-scenario
   * header: 'jobs-progress', 'rate-limited:every=2', 'flaky:rate=0.3,seed=7', 'a+b', 'none'.
   */
  scenario?: string;
  /** Options per scenario name, e.g. `{ 'rate-limited': { every: 2 } }`; inline options win. */
  scenarioOptions?: ScenarioOptionsMap;
  /** Extra scenario definitions for this server (in-process only), next to the built-in ones. */
  scenarios?: readonly AnyScenario[];
  /**
   * Default false: run in this process. true: run in a child Node process (the
   * `box-docgen-mock serve` command) that exits with this process, even on SIGKILL.
   */
  childProcess?: boolean;
  /** Called after each request was answered (in-process only). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface JournalFilter {
  /** Only the requests sent with this x-box-docgen-mock-session header. */
  session?: string;
}

export interface MockServer {
  /** Base URL of the mock, e.g. 'http://127.0.0.1:43123' (no trailing slash, no /2.0). */
  url: string;
  /** The port actually listened on (the OS's choice when port 0 was asked). */
  port: number;
  /**
   * Stateful mode, in-process: the download host, another origin, that `GET /files/{id}/content`
   * redirects to (it serves placeholder PDF and DOCX bytes of the files the mock's jobs wrote).
   */
  downloadUrl?: string;
  /** What the server received, oldest first (Authorization redacted). */
  requests(filter?: JournalFilter): Promise<RecordedRequest[]>;
  /** Clears the journal, the scenario counters and the stateful mode's state, of one session or all. */
  reset(filter?: JournalFilter): Promise<void>;
  /** The stateful mode's state (templates, jobs, batches) of one session: inspect and preload it. */
  state: MockStateAccess;
  /** Stops the server and drops open connections; nothing is left listening. Idempotent. */
  close(): Promise<void>;
  /** The child's process id with `childProcess: true`. */
  pid?: number;
}

/** What the state of a server (or of one session) holds, and how to add to it. */
export interface MockStateAccess {
  get(filter?: JournalFilter): Promise<MockState>;
  load(preload: MockStatePreload, filter?: JournalFilter): Promise<void>;
}

const DEFAULT_ANSWER_TIMEOUT_MS = 30_000;

function checkCommon(caller: string, options: { port?: number; host?: string; logLevel?: MockLogLevel }): void {
  const { port = 0, host = '127.0.0.1', logLevel = 'silent' } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`${caller}: options.port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`${caller}: options.host must be a non-empty string`);
  }
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new TypeError(`${caller}: options.logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${String(logLevel)}`);
  }
}

/** A GET that must answer 200, over node:http (a test may have replaced globalThis.fetch). */
function getOk(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: 10_000, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error('no answer within 10000 ms')));
    req.once('error', reject);
  });
}

function checkSeed(caller: string, seed: unknown): string | undefined {
  if (seed === undefined) return undefined;
  if ((typeof seed === 'number' && Number.isInteger(seed)) || (typeof seed === 'string' && seed !== ''))
    return String(seed);
  throw new TypeError(`${caller}: options.seed must be an integer or a non-empty string, got ${String(seed)}`);
}

/** Starts the mock; resolves once it has answered a request through the front server. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const caller = 'startMockServer';
  checkCommon(caller, options);
  const seed = checkSeed(caller, options.seed);
  if (options.scenario !== undefined && typeof options.scenario !== 'string') {
    throw new TypeError(`${caller}: options.scenario must be a string such as 'jobs-progress'`);
  }
  const mode = options.mode ?? 'stateful';
  if (mode !== 'stateful' && mode !== 'static')
    throw new TypeError(`${caller}: options.mode must be 'stateful' or 'static', got ${String(mode)}`);
  if (options.state !== undefined && mode !== 'stateful')
    throw new TypeError(`${caller}: options.state is for the stateful mode`);
  const registry = scenarioRegistry(options.scenarios);
  const scenarioOptions = options.scenarioOptions ?? {};
  let scenario: ScenarioUse[];
  try {
    checkScenarioOptions(scenarioOptions, registry);
    scenario = parseScenarios(options.scenario ?? '', registry, scenarioOptions);
  } catch (error) {
    throw new TypeError(`${caller}: options.scenario: ${messageOf(error)}`, { cause: error });
  }

  if (options.childProcess) {
    if (options.scenarios?.length)
      throw new TypeError(`${caller}: options.scenarios cannot be passed to a child process`);
    if (options.onRequest) throw new TypeError(`${caller}: options.onRequest cannot be used with a child process`);
    if (Object.keys(scenarioOptions).length > 0)
      throw new TypeError(`${caller}: with a child process, write scenario options inline (name:key=value)`);
    if (options.state?.fail || options.state?.now)
      throw new TypeError(`${caller}: options.state.fail and .now cannot be passed to a child process`);
    if (options.state?.clients || options.state?.tokenTtlSeconds || options.state?.downloads)
      throw new TypeError(
        `${caller}: options.state.clients, .tokenTtlSeconds and .downloads are for an in-process server`,
      );
    return startChildMockServer({ ...options, ...(seed !== undefined && { seed }) });
  }

  // Prism is loaded only here: a child-process server or connectMockServer does not pay for it.
  const { resolveSpec, startPrism } = await import('./prism.js');
  const document = resolveSpec(options.spec, caller);
  const cors = options.cors ?? true;
  const states = mode === 'stateful' ? createStateHost(options.state ?? {}) : undefined;
  const journal = new Journal();
  const host = options.host ?? '127.0.0.1';
  const downloads = states
    ? await (await import('./download-host.js')).startDownloadHost({ host, states, journal, cors })
    : undefined;
  const prism = await startPrism({
    document,
    ...(states && { answer: states.answer }),
    dynamic: options.dynamic ?? false,
    seed,
    errors: options.errors ?? true,
    logLevel: options.logLevel ?? 'silent',
    cors,
    caller,
  }).catch(async (error: unknown) => {
    await downloads?.close();
    throw error;
  });
  // The front closes these two with itself.
  const behind = { close: () => Promise.all([prism.close(), downloads?.close()]).then(() => undefined) };
  const server = await frontOn(
    caller,
    behind,
    {
      mode: 'mock',
      prism,
      host,
      port: options.port ?? 0,
      cors,
      registry,
      scenario,
      scenarioOptions,
      journal,
      answerTimeoutMs: DEFAULT_ANSWER_TIMEOUT_MS,
      ...(options.onRequest && { onRequest: options.onRequest }),
      ...(states && { states }),
      ...(options.state?.now && { now: options.state.now }),
      caller,
    },
    journal,
  );
  if (!states || !downloads) return server;
  states.serveAt({ tokenUrl: `${server.url}${helperEndpoints.createAccessToken.path}`, downloadUrl: downloads.url });
  return { ...server, downloadUrl: downloads.url };
}

async function frontOn(
  caller: string,
  prism: { close(): Promise<void> },
  frontOptions: FrontOptions,
  journal: Journal,
): Promise<MockServer> {
  const { startFront } = await import('./front.js');
  let front: Front;
  try {
    front = await startFront(frontOptions);
  } catch (error) {
    await prism.close().catch(() => undefined);
    throw new Error(`${caller}: cannot listen on ${frontOptions.host}:${frontOptions.port}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.allSettled([front.close(), prism.close()]).then(() => undefined));
  try {
    await getOk(`${front.url}${CONTROL_PREFIX}/ready`);
  } catch (error) {
    await close();
    throw new Error(`${caller}: the server at ${front.url} did not answer: ${messageOf(error)}`, { cause: error });
  }
  const states = frontOptions.states;
  const stateOf = (filter: JournalFilter) => {
    if (!states)
      throw new Error(
        `${caller}: mock.state is for the stateful mode; this server is ${frontOptions.mode === 'proxy' ? 'a proxy' : 'static'}`,
      );
    return states.state(filter.session);
  };
  return {
    url: front.url,
    port: front.port,
    requests: async (filter = {}) => journal.list(filter.session),
    reset: async (filter = {}) => front.reset(filter.session),
    state: {
      get: async (filter = {}) => stateOf(filter).get(),
      load: async (preload, filter = {}) => stateOf(filter).load(preload),
    },
    close,
  };
}

// ---------------------------------------------------------------------------------------------
// The validation proxy

export interface ProxyServerOptions {
  /** Base URL of the real API, e.g. 'https://api.box.com/2.0'; request paths are appended to it. */
  upstream: string | URL;
  port?: number;
  host?: string;
  spec?: string;
  /**
   * Default true: a request that breaks the spec is refused (400, not forwarded) and a response
   * that breaks it becomes a 500 ClientError naming the violations. false: everything passes
   * through unchanged and the violations are only reported.
   */
  errors?: boolean;
  logLevel?: MockLogLevel;
  cors?: boolean;
  /** Called for each violation, as soon as the request that had it was answered. */
  onViolation?: (violation: ContractViolation) => void;
  /** Called after each request was answered. */
  onRequest?: (request: RecordedRequest) => void;
  /** How long to wait for the upstream; default 120 s. */
  answerTimeoutMs?: number;
}

/** A violation together with the request it was found on. */
export interface ContractViolation extends Violation {
  seq: number;
  method: string;
  /** Path and query of the request. */
  path: string;
  /** The status sent back to the caller (null when nothing was sent). */
  status: number | null;
}

export interface ProxyServer extends MockServer {
  upstream: string;
  /** Every violation seen since the start (or the last reset), oldest first. */
  violations(): Promise<ContractViolation[]>;
}

/** One line: 'GET /docgen_jobs/1 → 500: response body status: Response body property status must be …'. */
export function formatViolation(v: ContractViolation): string {
  return `${v.method} ${v.path} → ${v.status ?? 'dropped'}: ${describeViolation(v)}`;
}

function violationsOfEntry(entry: RecordedRequest): ContractViolation[] {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(entry.query)) for (const v of [value].flat()) query.append(key, v);
  const path = query.size > 0 ? `${entry.path}?${query}` : entry.path;
  return entry.violations.map((v) => ({ ...v, seq: entry.seq, method: entry.method, path, status: entry.status }));
}

/**
 * Starts Prism's validation proxy in front of a real API: every request and response is
 * checked against the spec, and each violation is reported through `onViolation` and
 * `violations()`.
 */
export async function startProxyServer(options: ProxyServerOptions): Promise<ProxyServer> {
  const caller = 'startProxyServer';
  if (!options || options.upstream === undefined)
    throw new TypeError(`${caller}: options.upstream (the API's base URL) is required`);
  checkCommon(caller, options);
  let upstream: URL;
  try {
    upstream = new URL(String(options.upstream));
  } catch {
    throw new TypeError(`${caller}: options.upstream must be an absolute http(s) URL, got ${String(options.upstream)}`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
    throw new TypeError(`${caller}: options.upstream must be an http(s) URL, got ${upstream.href}`);
  }
  const cors = options.cors ?? true;
  const { resolveSpec, startPrism } = await import('./prism.js');
  const prism = await startPrism({
    document: resolveSpec(options.spec, caller),
    dynamic: false,
    seed: undefined,
    errors: options.errors ?? true,
    logLevel: options.logLevel ?? 'silent',
    cors,
    upstream,
    caller,
  });
  const journal = new Journal();
  const server = await frontOn(
    caller,
    prism,
    {
      mode: 'proxy',
      prism,
      upstream,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      cors,
      registry: scenarioRegistry(),
      scenario: [],
      scenarioOptions: {},
      journal,
      answerTimeoutMs: options.answerTimeoutMs ?? 120_000,
      onRequest: (entry) => {
        options.onRequest?.(entry);
        if (options.onViolation) for (const violation of violationsOfEntry(entry)) options.onViolation(violation);
      },
      caller,
    },
    journal,
  );
  return {
    ...server,
    upstream: upstream.href,
    violations: async () => journal.list().flatMap(violationsOfEntry),
  };
}

export { connectMockServer, type MockConnection, type MockConnectionOptions } from './remote.js';
export { SCENARIO_HEADER, SESSION_HEADER, CONTROL_PREFIX } from './headers.js';
export {
  BUILT_IN_SCENARIOS,
  defineScenario,
  parseScenarios,
  scenarioRegistry,
  ScenarioSpecError,
} from './scenarios/index.js';
export type {
  AnyScenario,
  Scenario,
  ScenarioAnswer,
  ScenarioContext,
  ScenarioHandler,
  ScenarioOptionsMap,
  ScenarioOptionSpec,
  ScenarioOptionValue,
  ScenarioRequest,
} from './scenarios/index.js';
export { clientError, describeViolation, type ClientErrorBody, type Violation } from './errors.js';
export { mulberry32, seedFrom } from './random.js';
export type { OperationRequest, RecordedRequest, RequestBodyOf, RequestQueryOf } from './journal.js';
export type { OperationId } from './route.js';
export { createDocGenState, OUTCOME_FIELD } from './state.js';
export type {
  DocGenState,
  DocGenStateOptions,
  JobOutcome,
  MockState,
  MockStatePreload,
  MockTemplate,
  ProgressSettings,
  RowInfo,
  StateAnswer,
  StateRequest,
  StateServing,
} from './state.js';
export type { MockClient } from './sign-in.js';
export type { MockLogLevel } from './log-levels.js';

/** Headers that make a client's requests use a scenario: `createDocGenClient({ headers: scenarioHeaders('flaky') })`. */
export function scenarioHeaders(scenario: string): Record<string, string> {
  return { [SCENARIO_HEADER]: scenario };
}
