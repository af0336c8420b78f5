// The packed client on Deno (the `deno` devDependency): `deno check` against the packed .d.ts
// files, then the scenario through an `npm:` import, against the one Prism mock of this run.
// And the JSR side: `deno publish --dry-run` of the client and the types from their jsr.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanEnv } from '../../scripts/lib/workspaces.js';
import {
  deno,
  expectScenarioPassed,
  fixture,
  root,
  readSummary,
  run,
  SETUP_TIMEOUT,
  TEST_TIMEOUT,
  type Fixture,
} from './helpers.js';

describe('deno', () => {
  let project: Fixture;
  // Deno's own cache stays inside the fixture's temp folder; no update checks, no prompts.
  const env = () =>
    cleanEnv({ DENO_DIR: `${project.dir}/.deno`, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' });

  beforeAll(async () => {
    project = await fixture('deno');
  }, SETUP_TIMEOUT);

  it(
    'type-checks the fixture against the packed types (deno check)',
    async () => {
      await run(deno().path, ['check', 'main.ts'], { cwd: project.dir, env: env() });
    },
    TEST_TIMEOUT,
  );

  it(
    'create a batch, wait, walk a list, a 404 (npm: import)',
    async () => {
      const runtime = deno();
      const result = await run(
        runtime.path,
        ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'main.ts', inject('mockUrl')],
        {
          cwd: project.dir,
          env: env(),
        },
      );
      const summary = readSummary(result);
      expect(runtime.version).toContain(summary.runtime.replace('deno ', ''));
      expectScenarioPassed(summary, project.dir);
    },
    TEST_TIMEOUT,
  );
});

describe('deno: JSR (jsr.json of the client and the types)', () => {
  // jsr.json carries no version: the npm version (which changesets bumps) is passed at publish
  // time, as README says: deno publish --set-version "$(node -p "require('./package.json').version")".
  //
  // --sloppy-imports: the sources import './x.js' for './x.ts' (what tsc's NodeNext wants);
  //   deno publish rewrites those to the real files (denoland/deno#22588, #27793 for .d.ts).
  const denoDir = mkdtempSync(join(tmpdir(), 'box-docgen-deno-publish-'));
  afterAll(() => rmSync(denoDir, { recursive: true, force: true }));

  for (const name of ['types', 'client']) {
    it(
      `deno publish --dry-run @box-docgen/${name}`,
      async () => {
        const dir = join(root, 'packages', name);
        const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        const jsr = JSON.parse(readFileSync(join(dir, 'jsr.json'), 'utf8'));
        expect(jsr.name).toBe(`@box-docgen/${name}`);
        expect(jsr.version, 'jsr.json must not pin a version; package.json is the one source').toBeUndefined();
        const args = ['publish', '--dry-run', '--allow-dirty', '--sloppy-imports', '--set-version', version];
        // Reads the package folder in the repo, writes nothing there (DENO_DIR in tmp).
        const result = await run(deno().path, args, {
          cwd: dir,
          env: cleanEnv({ DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' }),
        });
        const output = result.stdout + result.stderr;
        expect(output).toContain(`Simulating publish of @box-docgen/${name}@${version}`);
        expect(output).toContain('Dry run complete');
      },
      TEST_TIMEOUT,
    );
  }
});
