/**
 * Vitest integration.
 *
 * One mock for the whole run (global setup), its URL read with inject('mockUrl'):
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['@box-docgen/mock/vitest'] } });
 *   // The scenario of that server: BOX_DOCGEN_MOCK_SCENARIO=jobs-progress npx vitest run
 *
 *   // a test file
 *   import { useSharedMockServer } from '@box-docgen/mock/vitest';
 *   const mock = useSharedMockServer();   // this file's session on the shared server
 *   const docgen = createDocGenClient({ token: 't', baseUrl: mock.url, headers: mock.headers });
 *   await expect(mock).toHaveReceived('createBatch', { body: { output_type: 'pdf' } });
 *
 * Or a server of the file's own (started in beforeAll, closed in afterAll):
 *
 *   import { useMockServer } from '@box-docgen/mock/vitest';
 *   const mock = useMockServer({ scenario: 'jobs-progress' });
 */
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { TestProject } from 'vitest/node';

import { LOG_LEVELS, type MockLogLevel } from './log-levels.js';
import { mockMatchers, type MockMatchers } from './matchers.js';
import {
  connectMockServer,
  startMockServer,
  type JournalFilter,
  type MockConnection,
  type MockServer,
  type MockServerOptions,
  type MockStateAccess,
} from './index.js';
import type { RecordedRequest } from './journal.js';

export { fitsSubset, mockMatchers, type DeepPartial, type HasJournal, type MockMatchers } from './matchers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the mock server started by @box-docgen/mock/vitest. */
    mockUrl: string;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends MockMatchers {}
}

// Importing this module adds the matchers (toHaveReceived) to expect.
expect.extend(mockMatchers as never);

/**
 * Environment variables read by the default global setup:
 * BOX_DOCGEN_MOCK_SCENARIO (e.g. 'jobs-progress'), BOX_DOCGEN_MOCK_MODE ('static'), BOX_DOCGEN_MOCK_DYNAMIC ('1'),
 * BOX_DOCGEN_MOCK_SEED, BOX_DOCGEN_MOCK_LOG_LEVEL.
 */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): MockServerOptions {
  const options: MockServerOptions = {};
  const scenario = env['BOX_DOCGEN_MOCK_SCENARIO'];
  if (scenario) options.scenario = scenario;
  const dynamic = env['BOX_DOCGEN_MOCK_DYNAMIC'];
  if (dynamic === '1' || dynamic === 'true') options.dynamic = true;
  const mode = env['BOX_DOCGEN_MOCK_MODE'];
  if (mode === 'static' || mode === 'stateful') options.mode = mode;
  else if (mode) throw new TypeError(`BOX_DOCGEN_MOCK_MODE must be stateful or static, got ${mode}`);
  const seed = env['BOX_DOCGEN_MOCK_SEED'];
  if (seed) options.seed = seed;
  const logLevel = env['BOX_DOCGEN_MOCK_LOG_LEVEL'];
  if (logLevel) {
    if (!LOG_LEVELS.includes(logLevel as MockLogLevel)) {
      throw new TypeError(`BOX_DOCGEN_MOCK_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`);
    }
    options.logLevel = logLevel as MockLogLevel;
  }
  return options;
}

/**
 * A global setup with options of your own, for a setup file:
 *
 *   // test/mock-setup.ts
 *   export default mockGlobalSetup({ scenario: 'tags-processing' });
 */
export function mockGlobalSetup(options: MockServerOptions = {}) {
  return async function setup(project: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
    const mock = await startMockServer({ ...optionsFromEnv(), ...options });
    project.provide('mockUrl', mock.url);
    return () => mock.close();
  };
}

/** The default export: vitest's `globalSetup: ['@box-docgen/mock/vitest']`. */
export default async function setup(project: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  return mockGlobalSetup()(project);
}

/** A mock server of one test file, usable once its beforeAll has run. */
export interface MockServerHandle {
  /** Base URL (throws before beforeAll). */
  readonly url: string;
  readonly port: number;
  /** The running server (throws before beforeAll). */
  readonly server: MockServer;
  /** What the server received, oldest first (Authorization redacted). */
  requests(): Promise<RecordedRequest[]>;
  /** Clears the journal, scenario counters and state (of one session, or all). */
  reset(filter?: JournalFilter): Promise<void>;
  /** The stateful mode's state: inspect and preload it. */
  readonly state: MockStateAccess;
}

/** Starts a mock server of this file's own in beforeAll and closes it in afterAll. */
export function useMockServer(options: MockServerOptions = {}): MockServerHandle {
  let server: MockServer | undefined;
  const running = (): MockServer => {
    if (!server) throw new Error('useMockServer: the server starts in beforeAll; use it inside tests or hooks');
    return server;
  };
  beforeAll(async () => {
    server = await startMockServer(options);
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  return {
    get url() {
      return running().url;
    },
    get port() {
      return running().port;
    },
    get server() {
      return running();
    },
    requests: () => running().requests(),
    reset: (filter) => running().reset(filter),
    state: {
      get: (filter) => running().state.get(filter),
      load: (preload, filter) => running().state.load(preload, filter),
    },
  };
}

/** This file's session on the server of the global setup. */
export interface SharedMockServer {
  /** The shared server's base URL (inject('mockUrl')). */
  readonly url: string;
  /** This file's session id. */
  readonly session: string;
  /** Send these with every request (`createDocGenClient({ headers })`), so requests() sees them. */
  readonly headers: Record<string, string>;
  /** The requests this file's session sent, oldest first. */
  requests(): Promise<RecordedRequest[]>;
  /** Clears this session's journal, scenario counters and state. */
  reset(): Promise<void>;
  /** This session's state (stateful mode): inspect and preload it. */
  readonly state: MockConnection['state'];
}

/**
 * A handle on the global setup's server for one test file. Files run in parallel on the same
 * server; a session keeps each file's journal and scenario counters apart.
 */
export function useSharedMockServer(options: { session?: string } = {}): SharedMockServer {
  const url = inject('mockUrl');
  if (typeof url !== 'string') {
    throw new Error(
      "useSharedMockServer: no mock URL was provided; add globalSetup: ['@box-docgen/mock/vitest'] to the vitest config",
    );
  }
  const connection = connectMockServer(url, { session: options.session ?? true });
  return {
    url: connection.url,
    session: connection.session!,
    headers: connection.headers,
    requests: () => connection.requests(),
    reset: () => connection.reset(),
    state: connection.state,
  };
}
