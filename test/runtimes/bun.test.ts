// The packed client on Bun (the `bun` devDependency), from a TypeScript script, against the one
// Prism mock of this test run.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanEnv } from '../../scripts/lib/workspaces.js';
import {
  bun,
  expectScenarioPassed,
  fixture,
  readSummary,
  run,
  SETUP_TIMEOUT,
  TEST_TIMEOUT,
  type Fixture,
} from './helpers.js';

describe('bun', () => {
  let project: Fixture;
  beforeAll(async () => {
    project = await fixture('bun');
  }, SETUP_TIMEOUT);

  it(
    'create a batch, wait, walk a list, a 404',
    async () => {
      const runtime = bun();
      const env = cleanEnv({ BUN_INSTALL_CACHE_DIR: `${project.dir}/.bun-cache`, DO_NOT_TRACK: '1', NO_COLOR: '1' });
      const result = await run(runtime.path, ['run', 'main.ts', inject('mockUrl')], { cwd: project.dir, env });
      const summary = readSummary(result);
      expect(summary.runtime).toBe(`bun ${runtime.version}`);
      expectScenarioPassed(summary, project.dir);
    },
    TEST_TIMEOUT,
  );
});
