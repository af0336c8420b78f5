// A spec edit flows through to the client, or fails loudly. Each case copies the spec, the
// generator, the types and the client's sources to a temp folder, edits the copy's spec, runs
// `node scripts/generate.js` there, then compiles the client with a probe (tsc: its
// @ts-expect-error lines must each be an error) and runs the probe against a recording fetch to
// see what goes on the wire. The committed files are never touched.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { node, root, tempDir } from './run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of what `npm run generate` and the client build read, with node_modules linked to the repo's. */
function copy(): string {
  const dir = tempDir('spec-flow');
  dirs.push(dir);
  for (const path of [
    'openapi',
    'redocly.yaml',
    'tsconfig.json',
    'scripts/generate.js',
    'scripts/lib/endpoints.js',
    'packages/client/src',
  ]) {
    cpSync(join(root, path), join(dir, path), { recursive: true });
  }
  for (const file of ['package.json', 'check.js', 'check.d.ts'])
    cpSync(join(root, 'packages/types', file), join(dir, 'packages/types', file));
  mkdirSync(join(dir, 'packages/spec'), { recursive: true });
  // Everything the repo installed, except our own packages: @box-docgen/types must be the copy's.
  mkdirSync(join(dir, 'node_modules/@box-docgen'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name !== '@box-docgen') symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  }
  symlinkSync(join(dir, 'packages/types'), join(dir, 'node_modules/@box-docgen/types'));
  return dir;
}

/** Replaces `from` with `to` in a file of the copy's spec, failing if `from` is not there. */
function edit(dir: string, file: string, from: string, to: string) {
  const path = join(dir, 'openapi', file);
  const text = readFileSync(path, 'utf8');
  expect(text, `${file} holds the text to edit`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

// The probe's fixed part: a client whose fetch records each request and answers with `answer`.
const PROBE_HEAD = `
import { createDocGenClient } from './src/index.js';
import type * as T from '@box-docgen/types';
export type Equal<X, Y> = (<V>() => V extends X ? 1 : 2) extends (<V>() => V extends Y ? 1 : 2) ? true : false;
export type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
const sent: string[] = [];
const answer = { id: '1', type: 'docgen_job', entries: [], next_marker: null };
export const docgen = createDocGenClient({
  token: 't',
  baseUrl: 'https://box.test/2.0',
  fetch: async (request) => (sent.push(request.method + ' ' + new URL(request.url).pathname + new URL(request.url).search), Response.json(answer)),
});
async function run(): Promise<unknown> {
`;
const PROBE_TAIL = `
}
run().then((outcome) => console.log(JSON.stringify({ sent, outcome })), (error) => console.log(JSON.stringify({ sent, error: String(error) })));
void (null as unknown as T.DocGenJob);
`;

/** Generates in the copy and compiles the client with the probe; returns what tsc printed. */
async function compile(dir: string, probe: string): Promise<string> {
  const generated = await node(['scripts/generate.js'], { cwd: dir });
  expect(generated.stderr).toBe('');
  expect(generated.code).toBe(0);
  const client = join(dir, 'packages/client');
  writeFileSync(join(client, 'probe.ts'), PROBE_HEAD + probe + PROBE_TAIL);
  writeFileSync(join(client, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(client, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: {
        rootDir: '.',
        outDir: 'dist',
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        types: [],
      },
      include: ['src', 'probe.ts'],
    }),
  );
  const tsc = await node([join(root, 'node_modules/typescript/bin/tsc'), '-p', client]);
  return tsc.stdout + tsc.stderr;
}

/** Generates in the copy, compiles the client with the probe, runs it; returns what it sent. */
async function flow(dir: string, probe: string): Promise<{ sent: string[]; outcome?: unknown; error?: string }> {
  expect(await compile(dir, probe), 'the probe compiles against the regenerated types').toBe('');
  const ran = await node([join(dir, 'packages/client/dist/probe.js')]);
  expect(ran.stderr).toBe('');
  return JSON.parse(ran.stdout);
}

describe.concurrent('a spec edit flows through npm run generate', () => {
  it('a renamed path: the client sends the new one', async () => {
    const dir = copy();
    edit(dir, 'openapi.yaml', '  /docgen_jobs/{job_id}:', '  /docgen_jobs_v2/{job_id}:');
    const { sent } = await flow(dir, `return docgen.jobs.get('42');`);
    expect(sent).toEqual(['GET /2.0/docgen_jobs_v2/42']);
  }, 120_000);

  it('a changed method: the client sends the new method', async () => {
    const dir = copy();
    edit(dir, 'paths/docgen_templates_{template_id}.yaml', '\ndelete:\n', '\nput:\n');
    const { sent } = await flow(dir, `return docgen.templates.delete('7');`);
    expect(sent).toEqual(['PUT /2.0/docgen_templates/7']);
  }, 120_000);

  it('a changed 200 schema: the method declares the new answer type', async () => {
    const dir = copy();
    edit(
      dir,
      'paths/docgen_jobs_{job_id}.yaml',
      '$ref: ../components/schemas/DocGenJob.yaml',
      '$ref: ../components/schemas/DocGenJobFull.yaml',
    );
    await flow(
      dir,
      `
      const isFull: Equal<Result<typeof docgen.jobs.get>, T.DocGenJobFull> = true;
      const waitsForFull: Equal<Result<typeof docgen.jobs.wait>, T.DocGenJobFull> = true;
      // @ts-expect-error the answer is no longer a plain DocGenJob
      const isJob: Equal<Result<typeof docgen.jobs.get>, T.DocGenJob> = true;
      return [isFull, waitsForFull, isJob];`,
    );
  }, 120_000);

  it('a 200 schema our behaviour cannot work with (a job without status): the client build fails at wait', async () => {
    const dir = copy();
    edit(
      dir,
      'paths/docgen_jobs_{job_id}.yaml',
      '$ref: ../components/schemas/DocGenJob.yaml',
      '$ref: ../components/schemas/DocGenTemplate.yaml',
    );
    const errors = await compile(dir, 'return null;');
    // jobs.wait polls for a `status`: the template the answer now is has none.
    expect(errors).toMatch(
      /src\/resources\.ts\(\d+,\d+\): error TS2322: Type '\(jobId: string, .*\) => Promise<\{ status\?: string \| undefined; \}>' is not assignable/,
    );
  }, 120_000);

  it('a new required query parameter: a call without it does not compile, and is refused at run time', async () => {
    const dir = copy();
    edit(
      dir,
      'paths/docgen_jobs.yaml',
      '  parameters:\n',
      '  parameters:\n    - name: region\n      in: query\n      required: true\n      schema:\n        type: string\n',
    );
    const { sent, error } = await flow(
      dir,
      `
      const withIt = docgen.jobs.list({ region: 'eu' });
      // @ts-expect-error region is required now
      const without = docgen.jobs.list();
      await withIt;
      return without;`,
    );
    expect(sent).toEqual(['GET /2.0/docgen_jobs?region=eu']);
    expect(error).toBe('DocGenValidationError: region: is required');
  }, 120_000);

  const PREVIEW = `
  /docgen_templates/{template_id}/preview:
    get:
      operationId: getTemplatePreview
      summary: Preview a template
      parameters:
        - $ref: components/parameters/TemplateId.yaml
        - $ref: components/parameters/BoxVersion.yaml
      responses:
        '200':
          description: The template.
          content:
            application/json:
              schema:
                $ref: components/schemas/DocGenTemplate.yaml
components:`;

  it('a new operation without x-box-docgen: npm run generate fails naming it and what to add', async () => {
    const dir = copy();
    edit(dir, 'openapi.yaml', '\ncomponents:', PREVIEW);
    const generated = await node(['scripts/generate.js'], { cwd: dir });
    expect(generated.code).toBe(1);
    expect(generated.stderr).toContain(
      'getTemplatePreview (GET /docgen_templates/{template_id}/preview) does not say what the SDK calls it',
    );
    expect(generated.stderr).toContain('x-box-docgen: { resource: <resource>, method: <method> }');
  }, 120_000);

  it('a new operation with x-box-docgen: the method exists, typed, and sends it', async () => {
    const dir = copy();
    edit(
      dir,
      'openapi.yaml',
      '\ncomponents:',
      PREVIEW.replace('      summary:', '      x-box-docgen: { resource: templates, method: preview }\n      summary:'),
    );
    const { sent } = await flow(
      dir,
      `
      const typed: Equal<Result<typeof docgen.templates.preview>, T.DocGenTemplate> = true;
      void typed;
      return docgen.templates.preview('9');`,
    );
    expect(sent).toEqual(['GET /2.0/docgen_templates/9/preview']);
  }, 120_000);
});
