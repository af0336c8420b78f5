// No token in anything the CLI writes: a gateway that echoes the Authorization header into
// its error bodies and headers must not get the bearer token into the ledger, the report,
// stdout or stderr.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond, type Action, type ReceivedRequest } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import {
  clientError,
  envFor,
  filesUnder,
  generateArgs,
  ordersCsv,
  runCli,
  tempDir,
  type RunResult,
} from './support.js';

const TOKEN = 'SECRET-cli-token-5d1e8b27a9';
const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

type Head = Omit<ReceivedRequest, 'body' | 'abandoned'>;

/** An error answer that echoes the request's Authorization header in its message and in a header. */
const echo = (status: number, head: Head, also: string[] = []): Action => {
  const auth = [head.headers.authorization, ...also].join(', ');
  return respond(status, clientError(status, `gateway refused the request with Authorization: ${auth}`), {
    'x-echo-authorization': auth,
  });
};

/** The token is in none of the files the CLI wrote, nor its output; `[redacted]` shows the text got through. */
function expectNoToken(result: RunResult, tokens: string[] = [TOKEN]) {
  const outputs = [
    { path: 'stdout', text: result.stdout },
    { path: 'stderr', text: result.stderr },
    ...filesUnder(tmp.dir),
  ];
  for (const token of tokens) for (const { path, text } of outputs) expect(text, path).not.toContain(token);
}

describe('the bearer token echoed by the server', () => {
  it('generate: not in the ledger, the report (CSV and JSONL), --json, or the log lines', async () => {
    const server = await serve((index, head) => {
      if (head.method === 'POST') return echo(index === 0 ? 400 : 503, head); // failed, then outcome unknown
      return respond(404, clientError(404, 'no such thing'));
    });
    const env = envFor({ url: `${server.url}/2.0` }, { BOX_DEVELOPER_TOKEN: TOKEN });
    const data = tmp.write('orders.csv', ordersCsv(4));
    const state = tmp.path('orders.ledger.jsonl');
    const args = [
      '--batch-size',
      '2',
      '--concurrency',
      '1',
      '--state',
      state,
      '--wait',
      '--verbose',
      '--max-retries',
      '0',
    ];
    const result = await runCli(generateArgs(data, [...args, '--report', tmp.path('report.csv'), '--json']), { env });
    expect(result.code).toBe(1);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expectNoToken(result);
    // The messages themselves are kept, with the token taken out.
    const ledger = readFileSync(state, 'utf8');
    expect(ledger).toContain('Authorization: Bearer [redacted]');
    expect(readFileSync(tmp.path('report.csv'), 'utf8')).toContain('Bearer [redacted]');
    expect(JSON.parse(result.stdout).failed.errors[0]).toContain('Bearer [redacted]');
    expect(result.stderr).toContain('Bearer [redacted]');

    // The JSON lines report of the same ledger, and the report command on stdout.
    const rerun = await runCli(generateArgs(data, [...args, '--report', tmp.path('report.jsonl')]), { env });
    expectNoToken(rerun);
    expect(readFileSync(tmp.path('report.jsonl'), 'utf8')).toContain('Bearer [redacted]');
    expectNoToken(await runCli(['report', state, '--offline'], { env }));
  });

  it('a failed job look-up: not in the report file nor in report on stdout', async () => {
    const server = await serve((_, head) =>
      head.method === 'POST' ? respond(202, { id: '7000123', type: 'docgen_batch' }) : echo(500, head),
    );
    const env = envFor({ url: `${server.url}/2.0` }, { BOX_DEVELOPER_TOKEN: TOKEN });
    const data = tmp.write('orders.csv', ordersCsv(3));
    const state = tmp.path('l.jsonl');
    const report = tmp.path('r.jsonl');
    const result = await runCli(
      generateArgs(data, ['--state', state, '--wait', '--max-retries', '0', '--report', report]),
      { env },
    );
    expect(result.code).toBe(1);
    expectNoToken(result);
    const lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status)).toEqual(['lookup_failed', 'lookup_failed', 'lookup_failed']);
    expect(lines[0].errors[0]).toContain('Authorization: Bearer [redacted]');

    const stdout = await runCli(['report', state, '--max-retries', '0'], { env });
    expect(stdout.stdout).toContain('Bearer [redacted]');
    expectNoToken(stdout);
  });

  it('jobs get --json: not in the error object (message, headers) nor on stderr', async () => {
    const server = await serve((_, head) => echo(404, head));
    const env = envFor({ url: `${server.url}/2.0` }, { BOX_DEVELOPER_TOKEN: TOKEN });
    const result = await runCli(['jobs', 'get', '42', '--json'], { env });
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout);
    expect(out.error.headers['x-echo-authorization']).toBe('Bearer [redacted]');
    expect(out.message).toContain('Bearer [redacted]');
    expectNoToken(result);
    expectNoToken(await runCli(['jobs', 'get', '42'], { env }));
  });

  it('--token-command: every token it printed, the first and the one after a 401 refresh', async () => {
    const seen: string[] = [];
    const server = await serve((index, head) => {
      seen.push(String(head.headers.authorization));
      return index === 0 ? echo(401, head) : echo(400, head, seen);
    });
    const counter = tmp.path('counter');
    // Prints tok-1-…, then tok-2-…: a new token each time it is run.
    const command = `n=$(cat '${counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${counter}'; printf 'tok-%s-secret-0a9f' $n`;
    const data = tmp.write('orders.csv', ordersCsv(2));
    const result = await runCli(
      generateArgs(data, ['--state', tmp.path('l.jsonl'), '--token-command', command, '--json', '--verbose']),
      {
        env: { BOX_DOCGEN_BASE_URL: `${server.url}/2.0` },
      },
    );
    expect(result.code).toBe(1);
    expect(seen).toEqual(['Bearer tok-1-secret-0a9f', 'Bearer tok-2-secret-0a9f']);
    expectNoToken(result, ['tok-1-secret-0a9f', 'tok-2-secret-0a9f']);
    expect(JSON.parse(result.stdout).failed.errors[0]).toContain(
      'Bearer [redacted], Bearer [redacted], Bearer [redacted]',
    );
  });
});
