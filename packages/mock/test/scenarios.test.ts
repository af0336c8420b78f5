// Every scenario through the real client, chosen per server and per request.
import {
  createDocGenClient,
  DocGenApiError,
  DocGenConnectionError,
  type DocGenClientOptions,
  type WaitProgress,
} from '@box-docgen/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { example, requestExample, spec } from '../../../test/helpers/spec.js';
import {
  scenarioHeaders,
  startMockServer,
  startProxyServer,
  type MockServer,
  type RecordedRequest,
} from '../src/index.js';
import { useMockServer } from '../src/vitest.js';
import { BOX_HEADERS } from './helpers.js';

const BATCH_JOBS = '/docgen_batch_jobs/{batch_id}';
const FAST = { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20 };

function client(url: string, options: Partial<DocGenClientOptions> = {}) {
  return createDocGenClient({ token: 'scenario-token', baseUrl: url, maxRetries: 0, retry: FAST, ...options });
}

const statuses = (requests: RecordedRequest[], path?: string) =>
  requests.filter((r) => path === undefined || r.path === path).map((r) => r.status);

/** The example jobs-progress finishes a batch with: progress_done when the spec has it, else mixed. */
const doneExampleName = Object.keys(
  spec.paths[BATCH_JOBS].get.responses['200'].content['application/json'].examples as object,
).includes('progress_done')
  ? 'progress_done'
  : 'mixed';

/** The spec's purchase-order request with `rows` entries of its own (the first entry, renamed). */
function ordersBody(rows: number, from = 1) {
  const body = requestExample('/docgen_batches', 'post', 'purchase_orders');
  const entry = body.document_generation_data[0];
  return {
    ...body,
    document_generation_data: Array.from({ length: rows }, (_, i) => ({
      ...entry,
      generated_file_name: `PO ${from + i}`,
    })),
  };
}

describe('jobs-progress', () => {
  const mock = useMockServer({ mode: 'static', scenario: 'jobs-progress' });

  it('batches.wait polls: pending for two rounds, then finished, one with failures', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    const batch = await docgen.batches.create(requestExample('/docgen_batches', 'post', 'purchase_orders'));
    const progress: WaitProgress[] = [];
    const jobs = await docgen.batches.wait(batch.id, { intervalMs: 1, onProgress: (p) => progress.push(p) });

    expect(progress.map((p) => p.pending)).toEqual([3, 3, 0]);
    expect(jobs).toEqual(example(BATCH_JOBS, 'get', 200, doneExampleName).entries);
    const withError = jobs.filter((job) => job.status === 'completed_with_error');
    expect(withError).toHaveLength(1);
    expect(withError[0]!.failures?.errors?.length).toBeGreaterThan(0);
    expect(jobs.filter((job) => job.status === 'completed').length).toBeGreaterThanOrEqual(1);

    const requests = await mock.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /docgen_batches',
      `GET /docgen_batch_jobs/${batch.id}`,
      `GET /docgen_batch_jobs/${batch.id}`,
      `GET /docgen_batch_jobs/${batch.id}`,
    ]);
    expect(new Set(requests.map((r) => r.scenario))).toEqual(new Set(['jobs-progress:polls=2']));
  });

  it('counts polls per batch id and starts over after reset()', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    const read = async (id: string) => (await docgen.batches.listJobs(id)).entries.map((job) => job.status);
    expect(await read('1')).toContain('pending');
    expect(await read('2')).toContain('pending');
    expect(await read('1')).toContain('pending');
    expect(await read('1')).not.toContain('pending');
    await mock.reset();
    expect(await read('1')).toContain('pending');
  });

  it('jobs.wait polls one job from pending to its finished status', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    const seen: string[] = [];
    const job = await docgen.jobs.wait('8200452', {
      intervalMs: 1,
      onProgress: () => undefined,
    });
    const done = example(BATCH_JOBS, 'get', 200, doneExampleName).entries.find(
      (j: { id: string }) => j.id === '8200452',
    );
    expect(job.status).toBe(done.status);
    for (const r of await mock.requests()) seen.push(r.path);
    expect(seen).toEqual(['/docgen_jobs/8200452', '/docgen_jobs/8200452', '/docgen_jobs/8200452']);
  });

  it('takes its number of polls as an option', async () => {
    const docgen = client(mock.url, { headers: scenarioHeaders('jobs-progress:polls=0') });
    expect((await docgen.batches.listJobs('77')).entries.some((job) => job.status === 'pending')).toBe(false);
  });
});

describe('rate-limited', () => {
  const mock = useMockServer({ mode: 'static', scenario: 'rate-limited:every=2' });

  it('answers every 2nd request with 429 and Retry-After; the client waits and retries', async () => {
    await mock.reset();
    const docgen = client(mock.url, { maxRetries: 2 });
    for (let i = 0; i < 3; i++) expect((await docgen.jobs.get('8200451')).type).toBe('docgen_job');
    // A POST is retried after a 429 too: Box refused it before doing anything.
    const batch = await docgen.batches.create(requestExample('/docgen_batches', 'post', 'purchase_orders'));
    expect(batch.type).toBe('docgen_batch');
    expect(statuses(await mock.requests())).toEqual([200, 429, 200, 429, 200, 429, 202]);
  });

  it('sends a ClientError body and Retry-After that the client reports', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    await docgen.jobs.get('1');
    const error = await docgen.jobs.get('1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocGenApiError);
    expect(error).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect((error as DocGenApiError).headers['retry-after']).toBe('1');
  });

  it('takes every and retryAfter per request through the header', async () => {
    const docgen = client(mock.url, { headers: scenarioHeaders('rate-limited:every=1,retryAfter=0') });
    const error = await docgen.templates.get('4711').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429 });
    expect((error as DocGenApiError).headers['retry-after']).toBe('0');
  });
});

describe('flaky', () => {
  const servers: MockServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const start = async (scenario: string) => {
    const server = await startMockServer({ mode: 'static', scenario });
    servers.push(server);
    return server;
  };

  it('fails a seeded share of requests with 503 or a dropped connection; GETs get through with retries', async () => {
    const mock = await start('flaky:rate=0.4,seed=7');
    const docgen = client(mock.url, { maxRetries: 10 });
    for (let i = 0; i < 12; i++) expect((await docgen.templates.get('4711')).file?.type).toBe('file');
    const seen = statuses(await mock.requests());
    expect(seen.filter((s) => s === 200)).toHaveLength(12);
    expect(seen).toContain(503);
    expect(seen).toContain(null); // dropped
  });

  it('repeats the same failures for the same seed', async () => {
    const run = async (seed: string) => {
      const mock = await start(`flaky:rate=0.5,seed=${seed}`);
      const docgen = client(mock.url, { maxRetries: 20 });
      for (let i = 0; i < 8; i++) await docgen.jobs.get('1');
      return statuses(await mock.requests());
    };
    const first = await run('42');
    expect(await run('42')).toEqual(first);
    expect(await run('43')).not.toEqual(first);
  });

  it('makes a POST fail with outcomeUnknown when the connection drops, and with 503 otherwise', async () => {
    const dropping = await start('flaky:rate=1,drop=1');
    const body = requestExample('/docgen_batches', 'post', 'purchase_orders');
    const dropped = await client(dropping.url, { maxRetries: 3 })
      .batches.create(body)
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(DocGenConnectionError);
    expect(dropped).toMatchObject({ outcomeUnknown: true });
    expect(statuses(await dropping.requests())).toEqual([null]); // not retried: it may have generated documents

    const unavailable = await start('flaky:rate=1,drop=0');
    const error = await client(unavailable.url, { maxRetries: 3 })
      .batches.create(body)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'unavailable' });
    expect(statuses(await unavailable.requests())).toEqual([503]);
  });
});

describe('tags-processing', () => {
  const mock = useMockServer({ mode: 'static', scenario: 'tags-processing:polls=2' });

  it('answers 202 before 200; listTags waits it out', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    const page = await docgen.templates.listTags('4711');
    expect(page.entries).toEqual(example('/docgen_templates/{template_id}/tags', 'get', 200).entries);
    expect(statuses(await mock.requests())).toEqual([202, 202, 200]);
    // Per template: another template starts with 202 again, this one stays ready.
    await docgen.templates.listTags('4712');
    await docgen.templates.listTags('4711');
    expect(statuses(await mock.requests())).toEqual([202, 202, 200, 202, 202, 200, 200]);
  });
});

describe('bulk-batches', () => {
  const mock = useMockServer({ scenario: 'bulk-batches:failEvery=3' });

  it('gives each batch its own id and lists one job per row in order; batches.wait polls until done, the failEvery-th row failed', async () => {
    await mock.reset();
    const docgen = client(mock.url);
    const first = await docgen.batches.create(ordersBody(2, 1));
    const second = await docgen.batches.create(ordersBody(3, 3));
    expect([first, second]).toEqual([
      { id: '7100001', type: 'docgen_batch' },
      { id: '7100002', type: 'docgen_batch' },
    ]);

    const progress: WaitProgress[] = [];
    const firstJobs = await docgen.batches.wait(first.id, { intervalMs: 1, onProgress: (p) => progress.push(p) });
    const secondJobs = await docgen.batches.wait(second.id, { intervalMs: 1 });
    // Pending for the first two polls (the default), then finished.
    expect(progress.map((p) => p.pending)).toEqual([2, 2, 0]);

    // One job per row, in the order sent; rows count across the run, so the 3rd row (the first of
    // the second batch) is the one that fails.
    expect(firstJobs.map((job) => [job.id, job.status])).toEqual([
      ['71000010000', 'completed'],
      ['71000010001', 'completed'],
    ]);
    expect(secondJobs.map((job) => [job.id, job.status])).toEqual([
      ['71000020000', 'failed'],
      ['71000020001', 'completed'],
      ['71000020002', 'completed'],
    ]);
    for (const job of [...firstJobs, ...secondJobs]) {
      expect(job.batch).toEqual({ id: job.id.slice(0, 7), type: 'docgen_batch' });
      expect(job).toMatchObject({
        type: 'docgen_job',
        template_file: { id: '1502867340', type: 'file' },
        output_type: 'pdf',
      });
    }
    const failed = secondJobs[0]!;
    expect(failed).toMatchObject({ output_file: null, output_file_version: null });
    expect(failed.failures?.errors?.[0]).toMatch(/has no value for a tag/);
    expect(secondJobs[1]).toMatchObject({ output_file: { id: '971000020001', type: 'file' }, failures: null });

    const requests = await mock.requests();
    expect(statuses(requests)).toEqual([202, 202, 200, 200, 200, 200, 200, 200]);
    expect(new Set(requests.map((r) => r.scenario))).toEqual(
      new Set(['bulk-batches:failEvery=3,firstId=7100001,polls=2']),
    );
  });

  it('pages by limit and marker; only a first page counts as a poll', async () => {
    await mock.reset();
    const docgen = client(mock.url, { headers: scenarioHeaders('bulk-batches:polls=1') });
    const { id } = await docgen.batches.create(ordersBody(5));
    const round = async () => {
      const jobs = [];
      for await (const job of docgen.batches.listJobs(id, { limit: 2 })) jobs.push(job);
      return jobs.map((job) => job.status);
    };
    // One read of each job (three pages a round): still pending, then done.
    expect(await round()).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    expect(await round()).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
    const page = await docgen.batches.listJobs(id, { limit: 2, marker: '2' });
    expect(page.entries.map((job) => job.id)).toEqual([`${id}0002`, `${id}0003`]);
    expect(page).toMatchObject({ limit: 2, next_marker: '4', prev_marker: '0' });
    const polls = (await mock.requests()).filter((r) => r.path === `/docgen_batch_jobs/${id}`);
    expect(polls.map((r) => r.query['marker'] ?? '-')).toEqual(['-', '2', '4', '-', '2', '4', '2']);
  });

  it.each([
    ['output_type', { output_type: 'xlsx' }],
    ['input_source', { input_source: 'apii' }],
    ['document_generation_data', { document_generation_data: [] }],
    ['file.type', { file: { id: '1', type: 'folder' } }],
  ])('refuses a body the request rules refuse, with a 400 naming %s', async (field, change) => {
    await mock.reset();
    const response = await fetch(`${mock.url}/docgen_batches`, {
      method: 'POST',
      headers: { ...BOX_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ordersBody(2), ...change }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      code: string;
      message: string;
      context_info: { errors: { name: string }[] };
    };
    expect(body.code).toBe('bad_request');
    // Prism checks the request before the state sees it, and names the field.
    expect(body.message).toMatch(/^POST \/docgen_batches does not match the Box Doc Gen API spec/);
    expect(body.context_info.errors.map((e) => e.name).join(' ')).toContain(field);
    // Refused before any batch was made: the next batch still gets the first id.
    expect(await client(mock.url).batches.create(ordersBody(1))).toEqual({ id: '7100001', type: 'docgen_batch' });
  });

  it('leaves requests without the contract headers to Prism, and answers a batch it did not hand out 404', async () => {
    await mock.reset();
    const url = `${mock.url}/docgen_batches`;
    const headers = { authorization: 'Bearer t', 'content-type': 'application/json' };
    const noVersion = await fetch(url, { method: 'POST', headers, body: JSON.stringify(ordersBody(2)) });
    expect(noVersion.status).toBe(400);
    const { destination_folder: _, ...noFolder } = ordersBody(2);
    const badBody = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'box-version': '2025.0' },
      body: JSON.stringify(noFolder),
    });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { message: string }).message).toMatch(/destination_folder/);

    const docgen = client(mock.url);
    const { id } = await docgen.batches.create(ordersBody(2));
    // The client refuses limit 1001 itself, so ask by hand.
    const tooMany = await fetch(`${mock.url}/docgen_batch_jobs/${id}?limit=1001`, {
      headers: { ...headers, 'box-version': '2025.0' },
    });
    expect(tooMany.status).toBe(400);
    // An id it never handed out: not found, as Box answers it.
    await expect(docgen.batches.listJobs('42')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(statuses(await mock.requests())).toEqual([400, 400, 202, 400, 404]);
  });
});

describe('per request, on a server without a scenario', () => {
  const mock = useMockServer({ mode: 'static' });

  it('uses the scenario the x-box-docgen-scenario header names, and only for those requests', async () => {
    await mock.reset();
    const plain = client(mock.url);
    const processing = client(mock.url, { headers: scenarioHeaders('tags-processing') });
    await plain.templates.listTags('1');
    await processing.templates.listTags('1');
    const requests = await mock.requests();
    expect(statuses(requests)).toEqual([200, 202, 200]);
    expect(requests.map((r) => r.scenario)).toEqual(['', 'tags-processing:polls=1', 'tags-processing:polls=1']);
  });

  it('refuses an unknown scenario in the header, naming the known ones', async () => {
    const error = await client(mock.url, { headers: scenarioHeaders('slow') })
      .jobs.get('1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'bad_request' });
    expect((error as Error).message).toMatch(
      /unknown scenario "slow"; known scenarios: jobs-progress, rate-limited, rate-limit, flaky, tags-processing, bulk-batches/,
    );
  });

  it('combines scenarios with +: the first that acts wins', async () => {
    await mock.reset();
    const docgen = client(mock.url, {
      maxRetries: 5,
      headers: scenarioHeaders('rate-limited:every=2,retryAfter=0+jobs-progress:polls=1'),
    });
    const jobs = await docgen.batches.wait('7000123', { intervalMs: 1 });
    expect(jobs.every((job) => job.status !== 'pending')).toBe(true);
    // 429s are not counted as polls by jobs-progress.
    expect(statuses(await mock.requests())).toEqual([200, 429, 200]);
  });

  it('lets a request choose its own response with Prefer, even under a scenario', async () => {
    const docgen = client(mock.url, { headers: scenarioHeaders('jobs-progress') });
    const page = await docgen.batches.listJobs('5', undefined, { headers: { Prefer: 'example=completed' } });
    expect(page.entries.every((job) => job.status === 'completed')).toBe(true);
  });
});

describe('what scenarios answer is valid against the spec', () => {
  let mock: MockServer;
  let proxy: Awaited<ReturnType<typeof startProxyServer>>;
  beforeAll(async () => {
    mock = await startMockServer({ mode: 'static' });
    // Prism's validation proxy in front of the mock checks every answer against the spec.
    proxy = await startProxyServer({ upstream: mock.url });
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });

  it('has no violations in 429, 503, 202, progressing and bulk answers', async () => {
    const run = async (scenario: string, call: (docgen: ReturnType<typeof client>) => Promise<unknown>) => {
      // The proxy does not pass the scenario header on; a server per scenario would, so restart.
      const server = await startMockServer({ mode: 'static', scenario });
      const checked = await startProxyServer({ upstream: server.url });
      try {
        await call(client(checked.url, { maxRetries: 0 })).catch(() => undefined);
        return { violations: await checked.violations(), statuses: statuses(await checked.requests()) };
      } finally {
        await checked.close();
        await server.close();
      }
    };
    const limited = await run('rate-limited:every=1', (d) => d.jobs.get('1'));
    expect(limited).toEqual({ violations: [], statuses: [429] });
    const bucket = await run('rate-limit:rps=0.001,burst=1', async (d) => {
      await d.jobs.get('1');
      await d.jobs.get('1');
    });
    expect(bucket).toEqual({ violations: [], statuses: [200, 429] });
    const flaky = await run('flaky:rate=1,drop=0', async (d) => {
      await d.templates.list();
    });
    expect(flaky).toEqual({ violations: [], statuses: [503] });
    const tags = await run('tags-processing', async (d) => {
      await d.raw.GET('/docgen_templates/{template_id}/tags', { params: { path: { template_id: '1' } } });
    });
    expect(tags).toEqual({ violations: [], statuses: [202] });
    const progress = await run('jobs-progress:polls=1', async (d) => {
      await d.batches.listJobs('1');
      await d.batches.listJobs('1');
      await d.jobs.get('2');
      await d.jobs.get('2');
    });
    expect(progress).toEqual({ violations: [], statuses: [200, 200, 200, 200] });
    const bulk = await run('bulk-batches:polls=1,failEvery=2', async (d) => {
      const batches = [await d.batches.create(ordersBody(3)), await d.batches.create(ordersBody(1))];
      expect(batches.map((b) => b.id)).toEqual(['7100001', '7100002']);
      await d.batches.listJobs('7100001'); // pending: output_file null
      for await (const _job of d.batches.listJobs('7100001', { limit: 2 })); // completed and failed, two pages
      await d.batches.listJobs('7100002');
    });
    expect(bulk).toEqual({ violations: [], statuses: [202, 202, 200, 200, 200, 200] });
    // And the plain mock through the long-lived proxy.
    await client(proxy.url).templates.get('4711');
    expect(await proxy.violations()).toEqual([]);
  });
});
