// The ledger's lock names its holder beyond a pid: two generate() calls in one process, or
// two hosts (containers that are both pid 1) on a shared volume, never write one ledger.
// A lock whose process died on this machine is still taken over.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDocGenClient } from '@box-docgen/client';
import { createProgress, generate, LedgerError, lockLedger, type GenerateOptions } from '@box-docgen/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { CLI, FOLDER, NAME, ordersCsv, TEMPLATE, tempDir, until } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const lockOf = (holder: object) =>
  `${JSON.stringify({ id: '0123456789abcdef', at: '2025-03-04T00:00:00.000Z', ...holder })}\n`;

describe('one writer per ledger', () => {
  it('two generate() at once in one process on one ledger: the second is refused, nothing is sent twice', async () => {
    const server = await serve((index) => respond(202, { id: `70000${index}`, type: 'docgen_batch' }));
    const docgen = createDocGenClient({ token: 'in-process-token', baseUrl: `${server.url}/2.0`, maxRetries: 0 });
    const data = tmp.write('orders.csv', ordersCsv(6));
    const options: GenerateOptions = {
      docgen,
      template: TEMPLATE,
      folder: FOLDER,
      outputType: 'pdf',
      data,
      format: 'csv',
      name: NAME,
      batchSize: 2,
      concurrency: 1,
      state: tmp.path('orders.ledger.jsonl'),
      skipInvalid: false,
      retryUnknown: false,
      wait: false,
      progress: createProgress({ mode: 'none', stream: { write: () => true } }),
      stop: new AbortController().signal,
      force: new AbortController().signal,
    };
    const [first, second] = await Promise.allSettled([generate(options), generate(options)]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { submitted: { rows: 6, batches: 3 } } });
    expect(second.status).toBe('rejected');
    const error = (second as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(LedgerError);
    expect(error.message).toMatch(/the ledger .*orders\.ledger\.jsonl is already in use by this process/);
    const names = server.requests.flatMap((r) =>
      JSON.parse(r.body).document_generation_data.map((d: any) => d.generated_file_name),
    );
    expect(names).toHaveLength(6);
    expect(new Set(names).size).toBe(6);
    // Released when the run ended: a later run in the same process may lock it.
    lockLedger(options.state)();
  });

  it('a lock of another host is refused even with pid 1 (which is alive here), naming the file to delete', () => {
    const file = tmp.path('shared.ledger.jsonl');
    writeFileSync(`${file}.lock`, lockOf({ pid: 1, host: 'worker-7f3a', pidns: null }));
    expect(() => lockLedger(file)).toThrow(LedgerError);
    expect(() => lockLedger(file)).toThrow(
      /locked by box-docgen on host worker-7f3a \(pid 1, since 2025-03-04T00:00:00.000Z\).*delete .*shared\.ledger\.jsonl\.lock/,
    );
    expect(readFileSync(`${file}.lock`, 'utf8')).toContain('worker-7f3a');
  });

  it('a lock of this host name but another pid namespace (another container) is refused, even with our own pid', () => {
    const file = tmp.path('container.ledger.jsonl');
    writeFileSync(`${file}.lock`, lockOf({ pid: process.pid, host: hostname(), pidns: 'pid:[1]' }));
    expect(() => lockLedger(file)).toThrow(/in another pid namespace \(container\)/);
  });

  it('a lock that does not say who holds it (empty: its holder is writing it) is not taken over', () => {
    const file = tmp.path('empty.ledger.jsonl');
    writeFileSync(`${file}.lock`, '');
    expect(() => lockLedger(file)).toThrow(/does not say by whom; if no box-docgen is using this ledger, delete/);
  });

  it('a lock left by a killed process on this host is taken over', async () => {
    const file = tmp.path('crashed.ledger.jsonl');
    const index = pathToFileURL(join(dirname(CLI), 'index.js')).href;
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(index)}); m.lockLedger(${JSON.stringify(file)}); setInterval(() => {}, 1000);`,
      ],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    try {
      await until(
        () => existsSync(`${file}.lock`) && readFileSync(`${file}.lock`, 'utf8').includes(String(holder.pid)),
        10_000,
        'the child to take the lock',
      );
      expect(() => lockLedger(file)).toThrow(
        new RegExp(`another box-docgen \\(pid ${holder.pid}\\b.*\\) is using the ledger`),
      );
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
    const release = lockLedger(file);
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    release();
  });
});
