// `box-docgen generate` end to end: the built CLI as a child process against the mock, with the
// mock's journal as the witness of what reached the wire.
import { readFileSync, writeFileSync } from 'node:fs';
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  acceptedNames,
  batchPosts,
  envFor,
  generateArgs,
  ledgerLines,
  ordersCsv,
  parseCsv,
  runCli,
  tempDir,
} from './support.js';

/** Refuses every POST /docgen_batches with `status` (403: certain refusal; 503: outcome unknown). */
const refuseBatches = {
  name: 'refuse-batches',
  description: 'POST /docgen_batches answers with the given status',
  options: { status: { type: 'number', default: 403, integer: true, description: 'status' } },
  create:
    ({ status }: { status: number }) =>
    (request: { method: string; path: string }) =>
      request.method === 'POST' && request.path === '/docgen_batches'
        ? {
            status,
            body: {
              type: 'error',
              status,
              code: status === 403 ? 'access_denied_insufficient_permissions' : 'unavailable',
              message: `refused with ${status}`,
              context_info: null,
              help_url: 'https://developer.box.com',
              request_id: `req-${status}`,
            },
          }
        : undefined,
};

let mock: MockServer;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  mock = await startMockServer({ mode: 'static', scenarios: [refuseBatches as never] });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  tmp.cleanup();
  await mock.reset();
});

describe('validation before anything is sent', () => {
  it('a malformed CSV: every bad row listed with its line number, exit 2, no request at all', async () => {
    const data = tmp.write(
      'bad.csv',
      [
        'order.id,vendor.company,amount',
        'PO-1,Acme,1', // line 2, fine
        'PO-2,"Acme, Inc",2,extra', // line 3: 4 fields
        'PO-3,"multi',
        'line",3', // lines 4-5: a line break in the name
        ',Nameless,4', // line 6: {order.id} empty
        'PO-5,Ac"me,5', // line 7: stray quote
        'PO-6,"Acme"x,6', // line 8: text after closing quote
        'PO-7,"unclosed,7', // line 9: never closed
        'PO-8,Acme,8',
      ].join('\n'),
    );
    const result = await runCli(generateArgs(data), { env: envFor(mock) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('6 invalid rows in');
    expect(result.stderr).toContain('nothing was sent');
    expect(result.stderr).toMatch(/line 3 \(row 1\): has 4 fields, but the header has 3 columns/);
    // Lines 4-5 are one good record, but its line break would end up in the file name.
    expect(result.stderr).toMatch(/line 4 \(row 2\): the file name "PO-3 multi\\nline" contains a line break/);
    expect(result.stderr).toMatch(/line 6 \(row 3\): --name field \{order.id\} is empty/);
    expect(result.stderr).toMatch(/line 7 \(row 4\): a double quote inside unquoted field 2/);
    expect(result.stderr).toMatch(/line 8 \(row 5\): text after the closing quote of field 2/);
    expect(result.stderr).toMatch(/line 9 \(row 6\): the quoted field 2 opened on line 9 is never closed/);
    expect(result.stderr).not.toMatch(/line 2 |line 5 |line 10 /);
    expect(await mock.requests()).toEqual([]);
  });

  it('a malformed JSONL: line-numbered errors, exit 2, no request; --json gives them as data', async () => {
    const data = tmp.write(
      'bad.jsonl',
      [
        '{"order":{"id":"PO-1"},"vendor":{"company":"Acme"}}',
        '',
        '{"order":{"id":"PO-2"},"vendor":{"company":"Acme"}', // line 3: truncated
        '["not","an","object"]', // line 4
        '{"order":{"id":"PO-5"}}', // line 5: no vendor.company
        '{"order":{"id":"PO-6"},"vendor":{"company":"A/B"}}', // line 6: slash in the name
      ].join('\n'),
    );
    const result = await runCli(generateArgs(data, ['--json']), { env: envFor(mock) });
    expect(result.code).toBe(2);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ exitCode: 2, kind: 'RefusedError' });
    expect(out.details).toEqual([
      expect.stringMatching(/^line 3 \(row 1\): not valid JSON/),
      "line 4 (row 2): must be a JSON object (the row's user_input), got an array",
      'line 5 (row 3): --name field {vendor.company} is missing from the row',
      expect.stringMatching(/^line 6 \(row 4\): the file name "PO-6 A\/B" contains a \/ or \\/),
    ]);
    expect(await mock.requests()).toEqual([]);
  });

  it('--skip-invalid sends the valid rows and records the skipped ones', async () => {
    const data = tmp.write('some-bad.csv', 'order.id,vendor.company\nPO-1,Acme\n,Nobody\nPO-3,Acme\n');
    const state = tmp.path('ledger.jsonl');
    const result = await runCli(generateArgs(data, ['--skip-invalid', '--state', state, '--json']), {
      env: envFor(mock),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      invalid: { rows: 1, skipped: true },
      submitted: { rows: 2, batches: 1 },
    });
    expect(await acceptedNames(mock)).toEqual(['PO-1 Acme', 'PO-3 Acme']);
    expect(ledgerLines(state).find((r) => r.t === 'invalid')).toMatchObject({
      rows: [{ i: 1, line: 3, error: '--name field {order.id} is empty' }],
    });
    expect(result.stderr).toMatch(/skipping 1 invalid row/);
  });

  it('refuses a bad --name, --shard, --output-type, a missing token, and says so before sending', async () => {
    const data = tmp.write('ok.csv', ordersCsv(2));
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        generateArgs(data).map((a) => (a === '{order.id} {vendor.company}' ? 'PO {order.id' : a)),
        envFor(mock),
        /--name "PO \{order.id": the \{ at position 4 is never closed/,
      ],
      [generateArgs(data, ['--shard', '3/3']), envFor(mock), /--shard "3\/3": K counts from 0/],
      [
        generateArgs(data).map((a) => (a === 'pdf' ? 'png' : a)),
        envFor(mock),
        /--output-type must be docx or pdf, got "png"/,
      ],
      [generateArgs(data, ['--batch-size', '0']), envFor(mock), /--batch-size must be a whole number from 1 to 1000/],
      [generateArgs(data, ['--bogus']), envFor(mock), /unknown option --bogus/],
      [
        generateArgs(data),
        { BOX_DOCGEN_BASE_URL: mock.url },
        /no token: set BOX_DEVELOPER_TOKEN, or pass --token-command/,
      ],
      [
        generateArgs(data, ['--token-command', 'echo oops >&2; exit 7']),
        { BOX_DOCGEN_BASE_URL: mock.url },
        /--token-command failed \(exit code 7\): oops/,
      ],
      [
        generateArgs(data, ['--token-command', 'true']),
        { BOX_DOCGEN_BASE_URL: mock.url },
        /--token-command printed nothing/,
      ],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(args, { env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(await mock.requests()).toEqual([]);
  });

  it('--token-command: its trimmed output is the token', async () => {
    const data = tmp.write('ok.csv', ordersCsv(3));
    const result = await runCli(
      generateArgs(data, ['--token-command', 'printf "  tok-from-command\\n"', '--state', tmp.path('l.jsonl')]),
      {
        env: { BOX_DOCGEN_BASE_URL: mock.url },
      },
    );
    expect(result.code).toBe(0);
    const [post] = await batchPosts(mock);
    expect(post?.headers.authorization).toBe('Bearer [REDACTED]');
    expect(post?.status).toBe(202);
  });
});

describe('submitting', () => {
  it('sends rows in batches, each a valid request the mock accepts; the ledger records intent then outcome', async () => {
    const data = tmp.write('orders.csv', ordersCsv(23));
    const state = tmp.path('ledger.jsonl');
    const result = await runCli(
      generateArgs(data, ['--batch-size', '5', '--concurrency', '3', '--state', state, '--json']),
      { env: envFor(mock) },
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      exitCode: 0,
      planned: 23,
      submitted: { rows: 23, batches: 5 },
      failed: { rows: 0 },
      unknown: { rows: 0 },
      notSent: 0,
    });

    const posts = await batchPosts(mock);
    expect(posts).toHaveLength(5);
    for (const post of posts) {
      expect(post.status).toBe(202);
      expect(post.violations).toEqual([]);
      expect(post.headers['box-version']).toBe('2025.0');
      expect(post.body).toMatchObject({
        file: { id: '1502867340', type: 'file' },
        destination_folder: { id: '290044817', type: 'folder' },
        input_source: 'api',
        output_type: 'pdf',
      });
    }
    const names = await acceptedNames(mock);
    expect([...names].sort()).toEqual(
      Array.from({ length: 23 }, (_, i) => `PO-${String(i + 1).padStart(5, '0')} Vendor ${i % 7}, Inc.`).sort(),
    );
    // The user_input is the row with its dotted columns nested.
    expect((posts[0]!.body as any).document_generation_data[0]).toEqual({
      generated_file_name: 'PO-00001 Vendor 0, Inc.',
      user_input: {
        order: { id: 'PO-00001', amount: '0.00' },
        vendor: { company: 'Vendor 0, Inc.' },
        notes: 'line one\nline "two"',
      },
    });

    const records = ledgerLines(state);
    expect(records[0]).toMatchObject({ t: 'run', template: '1502867340', rows: 23, rowsInShard: 23, shard: null });
    expect(records.at(-1)).toMatchObject({ t: 'end', reason: 'done' });
    const intents = records.filter((r) => r.t === 'intent');
    expect(intents).toHaveLength(5);
    for (const i of intents) {
      const outcome = records.findIndex((r) => r.t === 'submitted' && r.key === i.key);
      expect(outcome).toBeGreaterThan(records.indexOf(i));
      expect(records[outcome]).toMatchObject({ batch: '7000123', rows: i.rows.map((r: any) => r.i) });
    }
    expect(intents.flatMap((i) => i.rows.map((r: any) => r.i)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 23 }, (_, i) => i),
    );

    // A rerun sends nothing.
    const again = await runCli(generateArgs(data, ['--batch-size', '5', '--state', state, '--json']), {
      env: envFor(mock),
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadySubmitted: 23, planned: 0, submitted: { rows: 0 } });
    expect(await batchPosts(mock)).toHaveLength(5);
  });

  it('JSONL rows are sent as they are', async () => {
    const rows = [
      { order: { id: 'J-1', products: [{ name: 'Paper', qty: 2 }] }, vendor: { company: 'Acme' }, rush: true },
      { order: { id: 'J-2', products: [] }, vendor: { company: 'Initech' }, rush: false },
    ];
    const data = tmp.write('rows.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'));
    const result = await runCli(generateArgs(data, ['--state', tmp.path('l.jsonl')]), { env: envFor(mock) });
    expect(result.code).toBe(0);
    const [post] = await batchPosts(mock);
    expect((post!.body as any).document_generation_data).toEqual([
      { generated_file_name: 'J-1 Acme', user_input: rows[0] },
      { generated_file_name: 'J-2 Initech', user_input: rows[1] },
    ]);
  });

  it('respects 429s through the client: every row accepted exactly once', async () => {
    const data = tmp.write('orders.csv', ordersCsv(30));
    const env = envFor(mock);
    // Scenarios are per server: a rate-limited one of its own (every 2nd request refused, Retry-After 0).
    const limited = await startMockServer({ mode: 'static', scenario: 'rate-limited:every=2,retryAfter=0' });
    try {
      const result = await runCli(
        generateArgs(data, ['--batch-size', '5', '--concurrency', '2', '--state', tmp.path('l.jsonl')]),
        {
          env: { ...env, BOX_DOCGEN_BASE_URL: limited.url },
        },
      );
      expect(result.code).toBe(0);
      const posts = await batchPosts(limited);
      expect(posts.filter((p) => p.status === 429).length).toBeGreaterThan(0);
      const names = await acceptedNames(limited);
      expect(names).toHaveLength(30);
      expect(new Set(names).size).toBe(30);
    } finally {
      await limited.close();
    }
  });

  it('a certain refusal (403) is recorded "failed", stops the run, and a rerun sends those rows again', async () => {
    const data = tmp.write('orders.csv', ordersCsv(12));
    const state = tmp.path('ledger.jsonl');
    const refusing = await startMockServer({
      mode: 'static',
      scenario: 'refuse-batches:status=403',
      scenarios: [refuseBatches as never],
    });
    try {
      const result = await runCli(
        generateArgs(data, ['--batch-size', '4', '--concurrency', '1', '--state', state, '--json']),
        {
          env: envFor(refusing),
        },
      );
      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary).toMatchObject({ failed: { rows: 4, batches: 1 }, submitted: { rows: 0 }, notSent: 8 });
      expect(summary.stopped).toMatch(/Box answered 403/);
      expect(await batchPosts(refusing)).toHaveLength(1);
    } finally {
      await refusing.close();
    }
    expect(ledgerLines(state).filter((r) => r.t === 'failed')).toEqual([
      expect.objectContaining({ status: 403, rows: [0, 1, 2, 3] }),
    ]);

    const rerun = await runCli(generateArgs(data, ['--batch-size', '4', '--state', state, '--json']), {
      env: envFor(mock),
    });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ planned: 12, submitted: { rows: 12 } });
    expect(await acceptedNames(mock)).toHaveLength(12);
  });

  it('an unknown outcome (503) is recorded "unknown"; a rerun skips it (exit 3) unless --retry-unknown', async () => {
    const data = tmp.write('orders.csv', ordersCsv(6));
    const state = tmp.path('ledger.jsonl');
    const failing = await startMockServer({
      mode: 'static',
      scenario: 'refuse-batches:status=503',
      scenarios: [refuseBatches as never],
    });
    try {
      const result = await runCli(
        generateArgs(data, ['--batch-size', '3', '--concurrency', '1', '--state', state, '--json']),
        { env: envFor(failing) },
      );
      expect(result.code).toBe(3); // only unknowns: exit 3 (both batches were tried; the run gives up after 3 in a row)
      const summary = JSON.parse(result.stdout);
      expect(summary.unknown).toMatchObject({ rows: 6, batches: 2 });
      expect(summary.unknown.errors[0]).toMatch(/503/);
      // 5xx on a POST is never retried by the client.
      expect(await batchPosts(failing)).toHaveLength(2);
    } finally {
      await failing.close();
    }

    const skip = await runCli(generateArgs(data, ['--batch-size', '3', '--state', state, '--json']), {
      env: envFor(mock),
    });
    expect(skip.code).toBe(3);
    expect(JSON.parse(skip.stdout)).toMatchObject({ unknownSkipped: 6, planned: 0 });
    expect(skip.stderr).toMatch(/skipping 6 rows whose earlier submission has an unknown outcome/);
    expect(await batchPosts(mock)).toHaveLength(0);

    const retry = await runCli(
      generateArgs(data, ['--batch-size', '3', '--state', state, '--retry-unknown', '--json']),
      { env: envFor(mock) },
    );
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ planned: 6, submitted: { rows: 6 } });
    expect(ledgerLines(state).filter((r) => r.t === 'intent' && r.retry)).toHaveLength(2);
  });

  it('refuses to resume against a changed input, or a ledger of another template', async () => {
    const data = tmp.write('orders.csv', ordersCsv(8));
    const state = tmp.path('ledger.jsonl');
    expect(
      (await runCli(generateArgs(data, ['--batch-size', '4', '--state', state]), { env: envFor(mock) })).code,
    ).toBe(0);
    await mock.reset();

    writeFileSync(data, readFileSync(data, 'utf8').replace('PO-00003,', 'PO-00003X,'));
    const changed = await runCli(generateArgs(data, ['--state', state]), { env: envFor(mock) });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/the input changed since the ledger .* recorded it \(1 row\)/);
    expect(changed.stderr).toMatch(/row 2 \(line 6, "PO-00003X Vendor 2, Inc."\) differs from what was sent for it/);

    writeFileSync(data, ordersCsv(5));
    const shorter = await runCli(generateArgs(data, ['--state', state]), { env: envFor(mock) });
    expect(shorter.code).toBe(2);
    expect(shorter.stderr).toMatch(/row 5 was sent before, but the input now has only 5 rows/);

    writeFileSync(data, ordersCsv(8));
    const other = await runCli(
      generateArgs(data, ['--state', state]).map((a) => (a === '1502867340' ? '1502867341' : a)),
      { env: envFor(mock) },
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/belongs to a different run/);
    expect(other.stderr).toMatch(/--template: the ledger has 1502867340, this run has 1502867341/);
    expect(await mock.requests()).toEqual([]);

    // Rows appended to the input are new rows: they are sent, the others are not.
    writeFileSync(data, ordersCsv(10));
    const grown = await runCli(generateArgs(data, ['--state', state, '--json']), { env: envFor(mock) });
    expect(grown.code).toBe(0);
    expect(JSON.parse(grown.stdout)).toMatchObject({ alreadySubmitted: 8, submitted: { rows: 2 } });
    expect(await acceptedNames(mock)).toEqual(['PO-00009 Vendor 1, Inc.', 'PO-00010 Vendor 2, Inc.']);
  });
});

describe('--wait and the report', () => {
  it('waits for every batch and maps each row to its job, status, output file and failures; exit 1 when a job failed', async () => {
    const server = await startMockServer({
      mode: 'static',
      scenario: 'bulk-batches:polls=1,failEvery=7+jobs-progress',
    });
    try {
      const data = tmp.write('orders.csv', ordersCsv(20));
      const report = tmp.path('report.csv');
      const result = await runCli(
        generateArgs(data, [
          '--batch-size',
          '6',
          '--state',
          tmp.path('l.jsonl'),
          '--wait',
          '--poll-interval',
          '20',
          '--report',
          report,
          '--json',
        ]),
        { env: envFor(server) },
      );
      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary.report).toMatchObject({
        rows: 20,
        failed: 2,
        unknown: 0,
        unfinished: 0,
        statuses: { completed: 18, failed: 2 },
      });

      const lines = parseCsv(readFileSync(report, 'utf8'));
      expect(lines).toHaveLength(20);
      expect(lines.map((l) => Number(l.row))).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(lines[0]).toMatchObject({
        row: '0',
        line: '2',
        name: 'PO-00001 Vendor 0, Inc.',
        batch_id: '7100001',
        job_id: '71000010000',
        status: 'completed',
        output_file_id: '971000010000',
        errors: '',
      });
      // The 7th and 14th rows fail (rows 6 and 13): the 1st job of batch 2 and the 2nd of batch 3, matched by position.
      expect(lines.filter((l) => l.status === 'failed').map((l) => [l.row, l.job_id])).toEqual([
        ['6', '71000020000'],
        ['13', '71000030001'],
      ]);
      expect(lines[6]!.errors).toMatch(/has no value for a tag/);
      // Each batch was polled until done (pending on the first poll).
      const polls = (await server.requests()).filter((r) => r.path.startsWith('/docgen_batch_jobs/'));
      expect(polls.length).toBe(2 * 4);
    } finally {
      await server.close();
    }
  });

  it('when a batch lists fewer jobs than it was sent rows, --wait waits to its timeout, then reports its rows by batch', async () => {
    const server = await startMockServer({ mode: 'static', scenario: 'jobs-progress:polls=0' });
    try {
      const data = tmp.write('orders.csv', ordersCsv(5));
      const report = tmp.path('report.jsonl');
      const args = [
        '--batch-size',
        '5',
        '--state',
        tmp.path('l.jsonl'),
        '--wait',
        '--poll-interval',
        '10',
        '--wait-timeout',
        '1',
        '--report',
        report,
      ];
      const result = await runCli(generateArgs(data, args), {
        env: envFor(server),
      });
      const lines = readFileSync(report, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(5);
      for (const line of lines) {
        expect(line).toMatchObject({ batch_id: '7000123', job_id: '', status: 'unmapped' });
        // The spec's example batch has a few jobs, never five: rows cannot be matched to jobs.
        expect([...line.errors, ...line.warnings].join()).toMatch(
          /batch 7000123 lists \d+ jobs? for 5 rows, so rows cannot be matched to jobs/,
        );
      }
      // Rows that match no job leave the report incomplete: not a success.
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /the report is incomplete: 5 rows could not be matched to jobs, because 1 batch listed a different number of jobs than rows/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('--shard K/N and box-docgen report', () => {
  it('three shards with their own ledgers send every row exactly once; report merges their ledgers', async () => {
    const server = await startMockServer({ mode: 'static', scenario: 'bulk-batches:polls=0' });
    try {
      const data = tmp.write('orders.csv', ordersCsv(20));
      const results = await Promise.all(
        [0, 1, 2].map((k) =>
          runCli(generateArgs(data, ['--shard', `${k}/3`, '--batch-size', '3', '--json']), { env: envFor(server) }),
        ),
      );
      results.forEach((r, k) => {
        expect(r.code).toBe(0);
        const s = JSON.parse(r.stdout);
        expect(s.input).toMatchObject({ rows: 20, shard: `${k}/3`, rowsInShard: [7, 7, 6][k] });
        expect(s.state).toBe(`${data}.shard-${k}-of-3.ledger.jsonl`);
      });
      const names = await acceptedNames(server);
      expect(names).toHaveLength(20);
      expect(new Set(names).size).toBe(20);
      for (const k of [0, 1, 2]) {
        const rows = ledgerLines(`${data}.shard-${k}-of-3.ledger.jsonl`)
          .filter((r) => r.t === 'intent')
          .flatMap((r) => r.rows.map((x: any) => x.i));
        expect(rows.every((i: number) => i % 3 === k)).toBe(true);
      }

      const ledgers = [0, 1, 2].map((k) => `${data}.shard-${k}-of-3.ledger.jsonl`);
      const offline = await runCli(['report', ...ledgers, '--offline', '--output', tmp.path('offline.csv'), '--json'], {
        env: {},
      });
      expect(offline.code).toBe(0);
      expect(JSON.parse(offline.stdout)).toMatchObject({
        rows: 20,
        statuses: { submitted: 20 },
        conflicts: 0,
        notSubmitted: 0,
      });

      const merged = tmp.path('merged.csv');
      const online = await runCli(
        [
          'report',
          '--state',
          ledgers[0]!,
          '--state',
          ledgers[1]!,
          ledgers[2]!,
          '--wait',
          '--poll-interval',
          '10',
          '--output',
          merged,
          '--json',
        ],
        {
          env: envFor(server),
        },
      );
      expect(online.code).toBe(0);
      expect(JSON.parse(online.stdout)).toMatchObject({ rows: 20, statuses: { completed: 20 }, ledgers });
      const lines = parseCsv(readFileSync(merged, 'utf8'));
      expect(lines.map((l) => Number(l.row)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(new Set(lines.map((l) => l.job_id)).size).toBe(20);
      expect(lines.find((l) => l.row === '4')).toMatchObject({ shard: '1/3', status: 'completed' });

      // To stdout, CSV by default.
      const stdout = await runCli(['report', ...ledgers, '--offline'], { env: {} });
      expect(parseCsv(stdout.stdout)).toHaveLength(20);
      expect(stdout.stderr).toMatch(/20 rows from 3 ledger\(s\): 20 submitted/);
    } finally {
      await server.close();
    }
  });
});

describe('against box-docgen-mock serve (its default, stateful mode)', () => {
  it('generate --wait maps every row to the job made of it and exits 0', async () => {
    // childProcess: true runs `box-docgen-mock serve`, as the CLI README starts it.
    const server = await startMockServer({ childProcess: true });
    try {
      const data = tmp.write('orders.csv', ordersCsv(7));
      const report = tmp.path('report.csv');
      const result = await runCli(
        generateArgs(data, [
          '--batch-size',
          '3',
          '--state',
          tmp.path('l.jsonl'),
          '--wait',
          '--poll-interval',
          '1',
          '--report',
          report,
          '--json',
        ]),
        { env: envFor(server) },
      );
      expect(result.stderr).not.toMatch(/unmapped|incomplete/);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).report).toMatchObject({
        rows: 7,
        unmapped: 0,
        unfinished: 0,
        failed: 0,
        statuses: { completed: 7 },
      });
      const lines = parseCsv(readFileSync(report, 'utf8'));
      // Each row has a job of its own, in its own batch's order.
      expect(new Set(lines.map((l) => l.job_id)).size).toBe(7);
      expect(lines.map((l) => [l.row, l.batch_id, l.status])).toEqual(
        Array.from({ length: 7 }, (_, i) => [String(i), String(7100001 + Math.floor(i / 3)), 'completed']),
      );
    } finally {
      await server.close();
    }
  });
});
