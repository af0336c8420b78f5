// The breaking-change gate (scripts/check-breaking.js) on mutated copies of the bundled spec:
// each breaking case fails and names the change with its JSON pointer; compatible changes pass;
// a pending changeset declaring '@box-docgen/spec': major lets a breaking change through.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { node, root, tempDir } from './run.js';

type Spec = any;
const bundle: Spec = JSON.parse(readFileSync(join(root, 'packages/spec/openapi.json'), 'utf8'));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Case {
  revision: (spec: Spec) => void;
  base?: (spec: Spec) => void;
  changesets?: Record<string, string>;
}

async function gate({ revision, base, changesets = {} }: Case) {
  const dir = tempDir('gate');
  dirs.push(dir);
  const write = (name: string, mutate?: (spec: Spec) => void) => {
    const spec = structuredClone(bundle);
    mutate?.(spec);
    writeFileSync(join(dir, name), JSON.stringify(spec, null, 2));
    return join(dir, name);
  };
  const changesetDir = join(dir, 'changesets');
  mkdirSync(changesetDir);
  for (const [name, text] of Object.entries(changesets)) writeFileSync(join(changesetDir, name), text);
  const run = await node([
    'scripts/check-breaking.js',
    '--base',
    write('released.json', base),
    '--revision',
    write('openapi.json', revision),
    '--changesets',
    changesetDir,
  ]);
  const breaking = run.stdout.split('\n').filter((line) => line.startsWith('BREAKING '));
  return { ...run, breaking };
}

const schemas = (spec: Spec) => spec.components.schemas;
const removeOutputFile = (spec: Spec) => {
  delete schemas(spec).DocGenJob.allOf[1].properties.output_file;
};

describe.concurrent('breaking-change gate', () => {
  it('passes the committed bundle against the released baseline', async () => {
    const run = await node(['scripts/check-breaking.js']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔');
  });

  it('fails on a removed response property and names it', async () => {
    const run = await gate({ revision: removeOutputFile });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(
        /^BREAKING #\/components\/schemas\/DocGenJob\/allOf\/1\/properties\/output_file .*`output_file` was removed.*\[property-removed; .*GET \/docgen_jobs\/\{job_id\}/,
      ),
    ]);
    expect(run.stderr).toContain('no pending changeset');
  });

  it('fails on a removed request property (the generated body type no longer accepts it)', async () => {
    const run = await gate({
      revision: (spec) => {
        delete schemas(spec).DocGenBatchCreateRequest.properties.file_version;
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(
        /^BREAKING #\/components\/schemas\/DocGenBatchCreateRequest\/properties\/file_version .*`file_version`.*\[sdk-request-property-removed; POST \/docgen_batches\]/,
      ),
    ]);
  });

  it('fails on a property removed from an allOf member, naming the property', async () => {
    const run = await gate({
      revision: (spec) => {
        delete schemas(spec).DocGenTemplate.allOf[1].properties.file_name;
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(/^BREAKING #\/components\/schemas\/DocGenTemplate\/allOf\/1 .*`file_name`/),
    ]);
  });

  it('fails on a newly required request field', async () => {
    const run = await gate({
      revision: (spec) => {
        schemas(spec).DocGenBatchCreateRequest.required.push('file_version');
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(
        /^BREAKING #\/components\/schemas\/DocGenBatchCreateRequest\/required .*became required: `file_version`.*\[required-properties-added; POST \/docgen_batches\]/,
      ),
    ]);
  });

  it('fails on a newly required query parameter', async () => {
    const run = await gate({
      revision: (spec) => {
        spec.components.parameters.Marker.required = true;
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking.length).toBeGreaterThan(0);
    expect(run.breaking.every((line) => line.includes('parameter-became-required'))).toBe(true);
  });

  it('fails on a narrowed response enum (code comparing with the lost value stops compiling)', async () => {
    const run = await gate({
      revision: (spec) => {
        const status = schemas(spec).DocGenJob.allOf[1].properties.status;
        status.enum = status.enum.filter((value: string) => value !== 'completed_with_error');
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(
        /^BREAKING #\/components\/schemas\/DocGenJob\/allOf\/1\/properties\/status\/enum .*lost values: 'completed_with_error'.*\[sdk-response-enum-narrowed; /,
      ),
    ]);
  });

  it('fails on a narrowed request enum', async () => {
    const run = await gate({
      base: (spec) => {
        schemas(spec).DocGenBatchCreateRequest.properties.output_type.enum = ['docx', 'pdf'];
      },
      revision: (spec) => {
        schemas(spec).DocGenBatchCreateRequest.properties.output_type.enum = ['pdf'];
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(
        /^BREAKING #\/components\/schemas\/DocGenBatchCreateRequest\/properties\/output_type\/enum .*\[enum-values-removed; POST \/docgen_batches\]/,
      ),
    ]);
  });

  it('fails on a removed operation', async () => {
    const run = await gate({
      revision: (spec) => {
        delete spec.paths['/docgen_jobs/{job_id}'].get;
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(
        /^BREAKING #\/paths\/~1docgen_jobs~1\{job_id\}\/get +Operation `GET \/docgen_jobs\/\{job_id\}` was removed\. \[operation-removed; GET \/docgen_jobs\/\{job_id\}\]$/,
      ),
    ]);
  });

  it('fails on a removed success status', async () => {
    const run = await gate({
      revision: (spec) => {
        delete spec.paths['/docgen_templates/{template_id}/tags'].get.responses['202'];
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toEqual([
      expect.stringMatching(
        /^BREAKING #\/paths\/~1docgen_templates~1\{template_id\}~1tags\/get\/responses\/202 .*\[response-removed; /,
      ),
    ]);
  });

  it('names every breaking change of a release on its own line', async () => {
    const run = await gate({
      revision: (spec) => {
        removeOutputFile(spec);
        schemas(spec).DocGenBatchCreateRequest.required.push('file_version');
        delete spec.paths['/docgen_jobs/{job_id}'].get;
      },
    });
    expect(run.code).toBe(1);
    expect(run.breaking).toHaveLength(3);
    expect(run.stdout).toMatch(/^3 breaking/m);
  });

  it('passes an added optional request field and reports it as non-breaking', async () => {
    const run = await gate({
      revision: (spec) => {
        schemas(spec).DocGenBatchCreateRequest.properties.callback_note = { type: 'string', description: 'A note.' };
      },
    });
    expect(run.code).toBe(0);
    expect(run.breaking).toEqual([]);
    expect(run.stdout).toMatch(
      /^non-breaking minor +#\/components\/schemas\/DocGenBatchCreateRequest\/properties\/callback_note +added/m,
    );
  });

  it('passes an added optional response field', async () => {
    const run = await gate({
      revision: (spec) => {
        schemas(spec).DocGenTemplate.allOf[1].properties.created_at = { type: 'string', description: 'When.' };
      },
    });
    expect(run.code).toBe(0);
    expect(run.breaking).toEqual([]);
  });

  it("passes a breaking change declared by a pending '@box-docgen/spec': major changeset", async () => {
    const run = await gate({
      revision: removeOutputFile,
      changesets: {
        'README.md': "Not a changeset: '@box-docgen/spec': major here does not count.\n",
        'drop-output-file.md':
          "---\n'@box-docgen/spec': major\n'@box-docgen/types': major\n---\n\nJobs no longer carry `output_file`.\n",
      },
    });
    expect(run.code).toBe(0);
    expect(run.breaking).toHaveLength(1);
    expect(run.stdout).toMatch(/declared by .*drop-output-file\.md/);
  });

  it('still fails when the changeset is major for another package only, or minor for the spec', async () => {
    const run = await gate({
      revision: removeOutputFile,
      changesets: {
        'types-major.md': "---\n'@box-docgen/types': major\n---\n\nTypes.\n",
        'spec-minor.md': '---\n"@box-docgen/spec": minor\n---\n\nSpec.\n',
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("declares '@box-docgen/spec': major");
  });

  it('stops with exit code 2 when the baseline is missing', async () => {
    const run = await node(['scripts/check-breaking.js', '--base', join(root, 'no/such/released.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/base \(last released bundle\) not found/);
  });
});
