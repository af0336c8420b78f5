#!/usr/bin/env node
/**
 * box-docgen-mock: the mock server, or the validation proxy, from the command line.
 *
 *   box-docgen-mock serve [--port N] [--host H] [--scenario S] [--dynamic] [--seed X] …
 *   box-docgen-mock proxy <upstream> [--port N] [--host H] …
 *   box-docgen-mock scenarios
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

import type { ChildMessage } from './child.js';
import { describeViolation } from './errors.js';
import {
  formatViolation,
  startMockServer,
  startProxyServer,
  type ContractViolation,
  type MockServer,
  type RecordedRequest,
} from './index.js';
import type { MockLogLevel } from './log-levels.js';
import { BUILT_IN_SCENARIOS } from './scenarios/index.js';
import type { ScenarioOptionSpec } from './scenarios/types.js';

const USAGE = `Usage:
  box-docgen-mock serve [options]             serve the Box Doc Gen API mock (Prism + scenarios)
  box-docgen-mock proxy <upstream> [options]  validate a real API against the spec, e.g. https://api.box.com/2.0
  box-docgen-mock scenarios                   list the scenarios and their options

Options:
  --port N          port to listen on (default 4010; 0 = any free port)
  --host H          interface to listen on (default 127.0.0.1)
  --spec PATH       OpenAPI document (default: the one of @box-docgen/spec)
  --log-level L     Prism's log on stderr: silent, error, warn, info, debug (default silent)
  --no-errors       serve: responses that break the spec are not turned into 500s
                    proxy: pass everything through unchanged and only report violations
  --no-cors         do not answer CORS preflights or add CORS headers
  --quiet           print only the URL (and, for proxy, the violations)
serve only:
  --static          serve the spec's examples instead of a stateful Box Doc Gen in memory
  --token T         accept only this token (repeat for several; default: any non-empty token)
  --expired-token T answer this token 401 as expired, with WWW-Authenticate (repeatable)
  --polls N         reads of a job that still answer it unfinished (default 2)
  --first-id N      the first batch id handed out (default 7100001)
  --scenario S      ${BUILT_IN_SCENARIOS.map((s) => s.name).join(', ')};
                    options as name:key=value,key=value, e.g. rate-limit:rps=25,burst=5 or
                    rate-limit:window=60,limit=1000; several joined by '+' (see: box-docgen-mock scenarios)
  --dynamic         generate responses from the schemas instead of serving the examples
  --seed X          seed for --dynamic: the same seed gives the same bodies

Stops cleanly on Ctrl-C (SIGINT) and SIGTERM.`;

const require = createRequire(import.meta.url);

interface Parsed {
  command: string | undefined;
  positionals: string[];
  values: {
    port?: string;
    host?: string;
    spec?: string;
    'log-level'?: string;
    'no-errors'?: boolean;
    'no-cors'?: boolean;
    quiet?: boolean;
    scenario?: string;
    dynamic?: boolean;
    seed?: string;
    static?: boolean;
    token?: string[];
    'expired-token'?: string[];
    polls?: string;
    'first-id'?: string;
    help?: boolean;
    version?: boolean;
  };
}

class UsageError extends Error {}

function parse(argv: string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string', short: 'h' },
        spec: { type: 'string' },
        'log-level': { type: 'string' },
        'no-errors': { type: 'boolean' },
        'no-cors': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        scenario: { type: 'string', short: 's' },
        dynamic: { type: 'boolean', short: 'd' },
        seed: { type: 'string' },
        static: { type: 'boolean' },
        token: { type: 'string', multiple: true },
        'expired-token': { type: 'string', multiple: true },
        polls: { type: 'string' },
        'first-id': { type: 'string' },
        help: { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    const [command, ...rest] = positionals;
    return { command, positionals: rest, values };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 4010;
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, got ${text}`);
  return Number(text);
}

function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, got ${text}`);
  return Number(text);
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function requestLine(entry: RecordedRequest): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(entry.query)) for (const v of [value].flat()) query.append(key, v);
  const target = query.size > 0 ? `${entry.path}?${query}` : entry.path;
  const scenario = entry.scenario ? `  [${entry.scenario}]` : '';
  return `${entry.method} ${target} → ${entry.status ?? 'dropped'}${scenario}`;
}

const ipc = process.env['BOX_DOCGEN_MOCK_IPC'] === '1' && typeof process.send === 'function';
function tell(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!ipc || !process.connected) return resolve();
    process.send!(message, undefined, undefined, () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
  const { command, positionals, values } = parse(argv);
  if (values.version) {
    out((require('../package.json') as { version: string }).version);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    (command === undefined && !values.help ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  const logLevel = (values['log-level'] ?? 'silent') as MockLogLevel;
  const common = {
    port: portOf(values.port),
    host: values.host ?? '127.0.0.1',
    logLevel,
    ...(values.spec !== undefined && { spec: values.spec }),
    ...(values['no-cors'] && { cors: false }),
    ...(values['no-errors'] && { errors: false }),
  };
  const quiet = values.quiet ?? false;

  let server: MockServer;
  let summary: () => string | undefined = () => undefined;
  switch (command) {
    case 'scenarios': {
      for (const scenario of BUILT_IN_SCENARIOS) {
        out(`${scenario.name}\n  ${scenario.description}`);
        for (const [key, spec] of Object.entries(scenario.options as Record<string, ScenarioOptionSpec>)) {
          out(`  ${key}=${String(spec.default)}  ${spec.description}`);
        }
      }
      return 0;
    }
    case 'serve': {
      if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${positionals.join(' ')}`);
      const state = {
        ...(values.token && { tokens: values.token }),
        ...(values['expired-token'] && { expiredTokens: values['expired-token'] }),
        ...(values.polls !== undefined && { polls: wholeNumber('--polls', values.polls) }),
        ...(values['first-id'] !== undefined && { firstId: wholeNumber('--first-id', values['first-id']) }),
      };
      if (values.static && Object.keys(state).length > 0)
        throw new UsageError(
          '--token, --expired-token, --polls and --first-id are for the stateful mode, not --static',
        );
      server = await startMockServer({
        ...common,
        ...(values.static ? { mode: 'static' as const } : { state }),
        ...(values.scenario !== undefined && { scenario: values.scenario }),
        ...(values.dynamic && { dynamic: true }),
        ...(values.seed !== undefined && { seed: values.seed }),
        ...(!quiet && {
          onRequest: (entry: RecordedRequest) => {
            out(requestLine(entry));
            for (const v of entry.violations) out(`  ✗ ${describeViolation(v)}`);
          },
        }),
      });
      await tell({ type: 'box-docgen-mock:ready', url: server.url, port: server.port });
      out(`box-docgen-mock: Box Doc Gen API mock listening on ${server.url}`);
      if (!quiet) {
        out(
          `  mode: ${values.static ? 'static' : 'stateful'}; scenario: ${values.scenario ?? 'none'}; journal: GET ${server.url}/__box-docgen-mock__/requests; Ctrl-C stops`,
        );
      }
      break;
    }
    case 'proxy': {
      const [upstream, ...extra] = positionals;
      if (upstream === undefined)
        throw new UsageError('proxy needs the upstream base URL, e.g. box-docgen-mock proxy https://api.box.com/2.0');
      if (extra.length > 0) throw new UsageError(`proxy takes one upstream URL, got ${positionals.join(' ')}`);
      if (
        values.scenario !== undefined ||
        values.dynamic ||
        values.seed !== undefined ||
        values.static ||
        values.token ||
        values['expired-token'] ||
        values.polls !== undefined ||
        values['first-id'] !== undefined
      ) {
        throw new UsageError(
          '--scenario, --dynamic, --seed, --static, --token, --expired-token, --polls and --first-id are for serve, not proxy',
        );
      }
      let requests = 0;
      let violations = 0;
      server = await startProxyServer({
        ...common,
        upstream,
        onRequest: (entry) => {
          requests += 1;
          if (!quiet && entry.violations.length === 0) out(`  ok ${requestLine(entry)}`);
        },
        onViolation: (violation: ContractViolation) => {
          violations += 1;
          out(`✗ ${formatViolation(violation)}`);
        },
      });
      summary = () =>
        `box-docgen-mock: ${violations} contract violation${violations === 1 ? '' : 's'} in ${requests} request${requests === 1 ? '' : 's'}`;
      await tell({ type: 'box-docgen-mock:ready', url: server.url, port: server.port });
      out(`box-docgen-mock: validation proxy for ${upstream} listening on ${server.url}`);
      break;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }

  // Run until told to stop: a signal, a message from the parent, or the parent going away.
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) {
        // A second Ctrl-C: do not wait any longer.
        process.exit(1);
      }
      stopping = true;
      void server
        .close()
        .catch((error: unknown) => process.stderr.write(`box-docgen-mock: closing failed: ${String(error)}\n`))
        .then(() => {
          const line = summary();
          if (line) out(line);
          if (!quiet && reason) process.stderr.write(`box-docgen-mock: stopped (${reason})\n`);
          resolve(0);
        });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGHUP', () => stop('SIGHUP'));
    if (ipc) {
      process.on('message', (message: { type?: string }) => {
        if (message?.type === 'box-docgen-mock:close') stop('');
      });
      process.on('disconnect', () => stop('parent went away'));
    }
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Leave nothing behind: the IPC channel would keep a child alive.
    if (ipc && process.connected) process.disconnect();
    // Flush stdout, then exit even if a stray handle lingers.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`box-docgen-mock: ${message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    void tell({ type: 'box-docgen-mock:error', message }).then(() =>
      process.stdout.write('', () => process.exit(error instanceof UsageError ? 2 : 1)),
    );
  },
);
