// Every published workspace, packed: publint, attw and the manifest rules pass on the tarball.
// The checks live in scripts/check-packages.js (also `npm run check:packages`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackage } from '../../scripts/check-packages.js';
import { pack } from '../../scripts/lib/pack.js';
import { publicWorkspaces, root } from '../../scripts/lib/workspaces.js';

const version = JSON.parse(readFileSync(join(root, 'packages', 'client', 'package.json'), 'utf8')).version;

describe('packages publish cleanly', () => {
  for (const { name } of publicWorkspaces()) {
    it(`${name}: publint, attw, manifest and files`, async () => {
      const packed = (await pack([name]))[name];
      const problems = await checkPackage(packed, version);
      expect(problems, `${name} would not publish cleanly:\n${problems.join('\n')}`).toEqual([]);
    }, 120_000);
  }
});
