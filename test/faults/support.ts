// Shared pieces of the fault-injection tests: a client pointed at a fault server with fast
// retry tuning, a capturing logger, and the request/response bodies taken from the spec.
import { createDocGenClient, type DocGenClient, type DocGenClientOptions, type Logger } from '@box-docgen/client';
import { afterEach, expect } from 'vitest';
import { startFaultServer, type FaultServer, type Script } from '../helpers/fault-server.js';
import { example, requestExample } from '../helpers/spec.js';

export const TOKEN = 'SECRET-TOKEN-7f3c9e2a51';

/** Fast backoff so most tests take milliseconds. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 };

export const batchRequest = requestExample('/docgen_batches', 'post', 'purchase_orders');
export const batchCreated = example('/docgen_batches', 'post', 202);
export const jobCompleted = example('/docgen_jobs/{job_id}', 'get', 200, 'completed');
export const jobPending = example('/docgen_jobs/{job_id}', 'get', 200, 'pending');
export const template = example('/docgen_templates/{template_id}', 'get', 200);

export const apiError = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
  type: 'error',
  status,
  code,
  message: `fault server says ${code}`,
  context_info: null,
  help_url: 'https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/',
  request_id: `req-${status}-${code}`,
  ...extra,
});

export function clientFor(server: Pick<FaultServer, 'url'>, options: Partial<DocGenClientOptions> = {}): DocGenClient {
  return createDocGenClient({
    token: TOKEN,
    baseUrl: `${server.url}/2.0`,
    maxRetries: 3,
    timeoutMs: 2_000,
    retry: FAST_RETRY,
    ...options,
  });
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data: Record<string, unknown> | undefined;
}

export function captureLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, data?: Record<string, unknown>) => {
    entries.push({ level, message, data });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The rejection reason of `promise`; fails the test if it resolves. */
export async function rejection(promise: PromiseLike<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.unreachable('expected the call to reject');
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `serve(script)` starts a fault server that is closed after each test of the file. */
export function useFaultServers(): (script: Script) => Promise<FaultServer> {
  let servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  return async (script) => {
    const server = await startFaultServer(script);
    servers.push(server);
    return server;
  };
}
