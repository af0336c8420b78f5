// The packed client on Node 20 (the system one) and Node 24 (the devDependency), imported from
// ESM and required from CommonJS, against the one Prism mock of this test run. The consumer
// types are compiled against the packed .d.ts files for both module formats.
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  expectScenarioPassed,
  fixture,
  node20,
  node24,
  readSummary,
  root,
  run,
  SETUP_TIMEOUT,
  TEST_TIMEOUT,
  type Fixture,
  type Runtime,
} from './helpers.js';

const runtimes: [string, () => Runtime][] = [
  ['Node 20', node20],
  ['Node 24', node24],
];
const formats = [
  { name: 'ESM (import)', fixture: 'node-esm', main: 'main.mjs' },
  { name: 'CommonJS (require)', fixture: 'node-cjs', main: 'main.cjs' },
];

for (const format of formats) {
  describe(`node, ${format.name}`, () => {
    let project: Fixture;
    beforeAll(async () => {
      project = await fixture(format.fixture);
    }, SETUP_TIMEOUT);

    for (const [label, find] of runtimes) {
      it(
        `${label}: create a batch, wait, walk a list, a 404`,
        async () => {
          const node = find();
          const result = await run(node.path, [format.main, inject('mockUrl')], { cwd: project.dir });
          const summary = readSummary(result);
          expect(summary.runtime).toContain(node.version);
          expectScenarioPassed(summary, project.dir);
        },
        TEST_TIMEOUT,
      );
    }

    // TypeScript's CommonJS output may require() an ES module from `module: node20` (TS 5.9) or
    // `nodenext` (TS 5.8) on; `node16` refuses it (TS1479), as README says.
    for (const module of ['nodenext', 'node20']) {
      it(
        `the consumer types compile against the packed .d.ts (tsc --module ${module}, skipLibCheck off)`,
        async () => {
          const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
          const resolution = module === 'nodenext' ? 'nodenext' : 'node16';
          await run(node24().path, [tsc, '-p', 'tsconfig.json', '--module', module, '--moduleResolution', resolution], {
            cwd: project.dir,
          });
        },
        TEST_TIMEOUT,
      );
    }
  });
}
