/**
 * A handle on a mock server that runs elsewhere (a vitest global setup, a child process, the
 * CLI): its journal over the control endpoints, optionally narrowed to one session.
 */
import { CONTROL_PREFIX, SESSION_HEADER } from './headers.js';
import type { RecordedRequest } from './journal.js';
import type { MockState, MockStatePreload } from './state.js';

export interface MockConnectionOptions {
  /**
   * Tag this connection's requests with a session: send `headers` with every request, and
   * requests()/reset() see only this session's requests and scenario state. `true` makes up an id.
   */
  session?: string | true;
}

export interface MockConnection {
  url: string;
  /** The session id, when there is one. */
  session: string | undefined;
  /** Headers to send with every request: the session header (empty without a session). */
  headers: Record<string, string>;
  /** What the server received (of this session), oldest first. */
  requests(): Promise<RecordedRequest[]>;
  /** Clears the journal, scenario counters and state (of this session). */
  reset(): Promise<void>;
  /** The stateful mode's state (of this session): inspect and preload it. */
  state: { get(): Promise<MockState>; load(preload: MockStatePreload): Promise<void> };
}

export function connectMockServer(url: string, options: MockConnectionOptions = {}): MockConnection {
  if (typeof url !== 'string' || !URL.canParse(url)) {
    throw new TypeError(`connectMockServer: url must be the mock's base URL, got ${String(url)}`);
  }
  const base = url.replace(/\/+$/, '');
  const session = options.session === true ? crypto.randomUUID() : options.session;
  const query = session === undefined ? '' : `?session=${encodeURIComponent(session)}`;
  const call = async (method: string, what: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${base}${CONTROL_PREFIX}/${what}${query}`, {
      method,
      signal: AbortSignal.timeout(10_000),
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!response.ok) {
      throw new Error(
        `box-docgen-mock ${method} ${what} at ${base}: status ${response.status} ${await response.text()}`,
      );
    }
    return response;
  };
  return {
    url: base,
    session,
    headers: session === undefined ? {} : { [SESSION_HEADER]: session },
    requests: async () => (await (await call('GET', 'requests')).json()) as RecordedRequest[],
    reset: async () => {
      await (await call('POST', 'reset')).arrayBuffer();
    },
    state: {
      get: async () => (await (await call('GET', 'state')).json()) as MockState,
      load: async (preload) => {
        await (await call('POST', 'state', preload)).arrayBuffer();
      },
    },
  };
}
