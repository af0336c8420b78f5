/**
 * The mock in a child Node process: `box-docgen-mock serve` forked with an IPC channel. The
 * child exits when asked, when this process exits, and when the channel breaks (this process
 * was killed), so no process or port is left behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { MockServer, MockServerOptions } from './index.js';
import { connectMockServer } from './remote.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** Messages the CLI sends over IPC. */
export type ChildMessage =
  | { type: 'box-docgen-mock:ready'; url: string; port: number }
  | { type: 'box-docgen-mock:error'; message: string };

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously: kill() only sends the signal, which is all there is time for.
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
}

/** dist/cli.js next to this file, or (when running from src/ under a TS loader) in ../dist. */
export function cliPath(): string {
  const candidates = [new URL('./cli.js', import.meta.url), new URL('../dist/cli.js', import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  throw new Error('startMockServer: the box-docgen-mock CLI (dist/cli.js) was not found; build @box-docgen/mock first');
}

export function serveArgs(options: MockServerOptions): string[] {
  const args = ['serve', '--port', String(options.port ?? 0), '--host', options.host ?? '127.0.0.1', '--quiet'];
  if (options.dynamic) args.push('--dynamic');
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.errors === false) args.push('--no-errors');
  if (options.cors === false) args.push('--no-cors');
  if (options.spec !== undefined) args.push('--spec', options.spec);
  if (options.logLevel !== undefined) args.push('--log-level', options.logLevel);
  if (options.scenario !== undefined) args.push('--scenario', options.scenario);
  if (options.mode === 'static') args.push('--static');
  for (const token of options.state?.tokens ?? []) args.push('--token', token);
  for (const token of options.state?.expiredTokens ?? []) args.push('--expired-token', token);
  if (options.state?.polls !== undefined) args.push('--polls', String(options.state.polls));
  if (options.state?.firstId !== undefined) args.push('--first-id', String(options.state.firstId));
  return args;
}

export async function startChildMockServer(options: MockServerOptions): Promise<MockServer> {
  const child = fork(cliPath(), serveArgs(options), {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: [],
    env: { ...process.env, BOX_DOCGEN_MOCK_IPC: '1' },
  });
  children.add(child);
  installExitHook();
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
    // After start-up, Prism's log lines (logLevel) belong on this process's stderr.
    if (ready) process.stderr.write(chunk);
  });
  let ready = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));

  const started = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`startMockServer: the child process did not start within ${START_TIMEOUT_MS} ms${stderrTail()}`),
      );
    }, START_TIMEOUT_MS);
    const stderrTail = () => (stderr.trim() ? `: ${stderr.trim()}` : '');
    child.on('message', (message: ChildMessage) => {
      if (message?.type === 'box-docgen-mock:ready') {
        clearTimeout(timer);
        resolve({ url: message.url, port: message.port });
      } else if (message?.type === 'box-docgen-mock:error') {
        clearTimeout(timer);
        reject(new Error(message.message));
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`startMockServer: cannot start the child process: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `startMockServer: the child process exited (${signal ?? `code ${code}`}) before it was ready${stderrTail()}`,
        ),
      );
    });
  });
  ready = true;

  const remote = connectMockServer(started.url);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.send({ type: 'box-docgen-mock:close' });
        else child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    })());

  return {
    url: started.url,
    port: started.port,
    ...(child.pid !== undefined && { pid: child.pid }),
    requests: async (filter = {}) =>
      filter.session === undefined
        ? remote.requests()
        : connectMockServer(started.url, { session: filter.session }).requests(),
    reset: async (filter = {}) =>
      filter.session === undefined
        ? remote.reset()
        : connectMockServer(started.url, { session: filter.session }).reset(),
    state: {
      get: async (filter = {}) => connectMockServer(started.url, filter).state.get(),
      load: async (preload, filter = {}) => connectMockServer(started.url, filter).state.load(preload),
    },
    close,
  };
}
