// The thin commands: jobs list|get, templates list|tags|mark|unmark, with and without --json;
// help, version and usage errors.
import { startMockServer, type MockServer } from '@box-docgen/mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envFor, runCli } from './support.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ mode: 'static', scenario: 'tags-processing' });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  await mock.reset();
});

const cli = (...args: string[]) => runCli(args, { env: envFor(mock) });

describe('jobs', () => {
  it('jobs list --json walks every page; --max stops early', async () => {
    const all = await cli('jobs', 'list', '--json');
    expect(all.code).toBe(0);
    const jobs = JSON.parse(all.stdout);
    expect(Array.isArray(jobs)).toBe(true);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs[0]).toMatchObject({ type: 'docgen_job', id: expect.any(String), status: expect.any(String) });

    const one = await cli('jobs', 'list', '--json', '--max', '1');
    expect(JSON.parse(one.stdout)).toEqual([jobs[0]]);
    const requests = await mock.requests();
    expect(requests.every((r) => r.method === 'GET' && r.path === '/docgen_jobs' && r.status === 200)).toBe(true);
  });

  it('jobs list --batch / --template read those lists; a table without --json', async () => {
    const batch = await cli('jobs', 'list', '--batch', '7000123');
    expect(batch.code).toBe(0);
    expect(batch.stdout.split('\n')[0]).toMatch(/^JOB\s+STATUS\s+BATCH\s+TYPE\s+OUTPUT FILE\s+ERRORS$/);
    expect(batch.stdout).toMatch(/8200451\s+\S+\s+7000123\s+pdf/);
    const template = await cli('jobs', 'list', '--template', '1502867340', '--json');
    expect(template.code).toBe(0);
    expect(JSON.parse(template.stdout).length).toBeGreaterThan(0);
    expect((await mock.requests()).map((r) => r.path)).toEqual([
      '/docgen_batch_jobs/7000123',
      '/docgen_template_jobs/1502867340',
    ]);
  });

  it('jobs get prints one job; exit 1 when it failed', async () => {
    const result = await cli('jobs', 'get', '8200451', '--json');
    expect([0, 1]).toContain(result.code);
    const job = JSON.parse(result.stdout);
    expect(job).toMatchObject({ id: expect.any(String), type: 'docgen_job' });
    expect(result.code).toBe(job.status === 'failed' || job.status === 'completed_with_error' ? 1 : 0);
    const text = await cli('jobs', 'get', '8200451');
    expect(text.stdout).toMatch(/^job:\s+\S+\nstatus:\s+\S+/);
  });
});

describe('templates', () => {
  it('templates list, mark, unmark', async () => {
    const list = await cli('templates', 'list', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ file: { type: 'file', id: expect.any(String) } });

    const mark = await cli('templates', 'mark', '1502867340');
    expect(mark.code).toBe(0);
    expect(mark.stdout).toMatch(/marked file \d+ as a Doc Gen template/);
    const unmark = await cli('templates', 'unmark', '1502867340', '--json');
    expect(unmark.code).toBe(0);
    expect(JSON.parse(unmark.stdout)).toEqual({ unmarked: '1502867340' });
    const requests = await mock.requests();
    expect(requests.slice(1).map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/docgen_templates', 201],
      ['DELETE', '/docgen_templates/1502867340', 204],
    ]);
    expect(requests[1]!.body).toEqual({ file: { id: '1502867340', type: 'file' } });
  });

  it('templates tags waits out "still processing" (202) and lists the tags', async () => {
    const result = await cli('templates', 'tags', '1502867340', '--json');
    expect(result.code).toBe(0);
    const tags = JSON.parse(result.stdout);
    expect(tags[0]).toMatchObject({
      tag_content: expect.any(String),
      tag_type: expect.any(String),
      json_paths: expect.any(Array),
    });
    const statuses = (await mock.requests()).map((r) => r.status);
    expect(statuses[0]).toBe(202);
    expect(statuses.at(-1)).toBe(200);
  });

  it('an API error is exit 1 with its message; --json gives it as data', async () => {
    const result = await cli('templates', 'unmark', '..', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 1, kind: 'DocGenValidationError' });
    expect(result.stderr).toMatch(/template_id: "\.\." is not a valid id/);
  });
});

describe('help, version, usage', () => {
  it('--help and --version; unknown commands and missing arguments are exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/box-docgen generate --template <file_id>/);
    expect((await runCli([])).code).toBe(2);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const missing = await cli('jobs', 'get');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing <job_id>/);
    const sub = await cli('templates', 'rename', '1');
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/unknown command "templates rename"/);
  });
});
