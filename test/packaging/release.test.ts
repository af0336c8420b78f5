// Releases: the changesets plan is valid (scripts/check-release.js, `npm run check:release`),
// and the rehearsal (scripts/release-dry.js, `npm run release:dry`) versions and packs every
// package in a temp folder, to the planned version, without touching the working tree.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkRelease, formatPlan } from '../../scripts/check-release.js';
import { releaseDry } from '../../scripts/release-dry.js';
import { publicWorkspaces, root, workspaces } from '../../scripts/lib/workspaces.js';

it('the release plan is valid (changeset status)', () => {
  const result = checkRelease();
  expect(result.problems, `${formatPlan(result)}\n${result.problems.join('\n')}`).toEqual([]);
}, 60_000);

/** What changesets would touch in the repo: manifests, changelogs and the .changeset folder. */
function snapshot(): string {
  const files = [
    join(root, 'package.json'),
    ...readdirSync(join(root, '.changeset')).map((f) => join(root, '.changeset', f)),
  ];
  for (const ws of workspaces()) {
    files.push(join(ws.dir, 'package.json'));
    for (const f of readdirSync(ws.dir)) if (/^CHANGELOG/.test(f)) files.push(join(ws.dir, f));
  }
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(f).update(readFileSync(f));
  return h.digest('hex');
}

it('release:dry versions and packs every package in a temp folder, publishing nothing', () => {
  const before = snapshot();
  const { releases } = checkRelease();
  const result = releaseDry();
  try {
    const names = publicWorkspaces()
      .map((ws) => ws.name)
      .sort();
    expect(result.packages.map((p) => p.name).sort()).toEqual(names);
    const versions = new Set(result.packages.map((p) => p.version));
    expect(versions.size).toBe(1);
    if (releases?.length) expect([...versions][0]).toBe(releases[0]!.newVersion);
    for (const p of result.packages) {
      expect(p.access, `${p.name}: publishConfig.access`).toBe('public');
      expect(p.tarball.startsWith(result.dir)).toBe(true);
      expect(p.files).toContain('package.json');
      for (const [dep, range] of Object.entries(p.internalDependencies))
        expect(range, `${p.name} → ${dep}`).toBe(p.version);
    }
    expect(result.pendingChangesets).toEqual([]);
    expect(snapshot(), 'release:dry changed files in the working tree').toBe(before);
  } finally {
    rmSync(result.dir, { recursive: true, force: true });
  }
}, 120_000);
