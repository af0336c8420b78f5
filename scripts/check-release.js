// Checks that the release plan is valid, from `changeset status` (which itself reads the
// config, parses every pending changeset and fails when packages changed without one):
//   - .changeset/config.json: every public package in one `fixed` group, access public;
//   - all public packages share one version now, and the plan moves all of them to one new
//     version (or none of them, when there is nothing pending);
//   - no private package is released, and every changeset names only known packages.
//
//   npm run check:release        (the same check runs in vitest: test/packaging/release.test.ts)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, root, workspaces } from './lib/workspaces.js';

/** Glob match of changesets' package patterns ("@box-docgen/*"). */
const matches = (pattern, name) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(name);

export function checkRelease() {
  const problems = [];
  const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
  const all = workspaces();
  const published = all.filter((ws) => !ws.manifest.private);
  const names = published.map((ws) => ws.name);

  if (config.access !== 'public')
    problems.push(`.changeset/config.json: "access" must be "public" (got ${JSON.stringify(config.access)})`);
  const groups = (config.fixed ?? []).filter((group) => names.some((n) => group.some((p) => matches(p, n))));
  if (groups.length !== 1 || !names.every((n) => groups[0].some((p) => matches(p, n)))) {
    problems.push(
      `.changeset/config.json: every public package must be in one "fixed" group (packages: ${names.join(', ')}; fixed: ${JSON.stringify(config.fixed)})`,
    );
  }
  const current = new Set(published.map((ws) => ws.version));
  if (current.size !== 1)
    problems.push(
      `the packages do not share one version: ${published.map((ws) => `${ws.name}@${ws.version}`).join(', ')}`,
    );

  // The plan, as changesets computes it (writes only to a temp file).
  const tmp = mkdtempSync(join(tmpdir(), 'box-docgen-release-plan-'));
  let plan;
  try {
    const out = join(tmp, 'plan.json');
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'changeset'), ['status', '--output', out], {
        cwd: root,
        env: cleanEnv({ PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`, NO_COLOR: '1', CI: '1' }),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const text = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || error.message;
      const hint = /diverged|ambiguous argument|unknown revision|not a git repository|bad revision/i.test(text)
        ? `\nchangeset status compares with the base branch "${config.baseBranch}"; fetch it (git fetch origin ${config.baseBranch}:${config.baseBranch}).`
        : '';
      problems.push(`changeset status failed:\n${text}${hint}`);
      return { problems, plan: undefined };
    }
    plan = JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const releases = plan.releases.filter((r) => r.type !== 'none');
  const privateNames = all.filter((ws) => ws.manifest.private).map((ws) => ws.name);
  for (const r of releases) {
    if (privateNames.includes(r.name)) problems.push(`the plan releases the private package ${r.name}`);
    if (!names.includes(r.name)) problems.push(`the plan releases ${r.name}, which is not a workspace`);
  }
  if (releases.length > 0) {
    const missing = names.filter((n) => !releases.some((r) => r.name === n));
    if (missing.length) problems.push(`the plan leaves out ${missing.join(', ')}; the packages are versioned together`);
    const next = new Set(releases.map((r) => r.newVersion));
    if (next.size !== 1)
      problems.push(
        `the plan gives different versions: ${releases.map((r) => `${r.name}@${r.newVersion}`).join(', ')}`,
      );
  }
  for (const cs of plan.changesets) {
    if (cs.releases.length === 0) continue; // an empty changeset: allowed
    for (const r of cs.releases)
      if (!names.includes(r.name))
        problems.push(`.changeset/${cs.id}.md names ${r.name}, which is not a public package`);
    if (!cs.summary?.trim()) problems.push(`.changeset/${cs.id}.md has no description for users`);
  }
  return { problems, plan, releases };
}

export function formatPlan({ plan, releases }) {
  if (!plan) return 'no release plan';
  if (!releases.length) return `release plan: nothing to release (${plan.changesets.length} changesets)`;
  const [first] = releases;
  return [
    `release plan: ${plan.changesets.length} changeset(s); every package ${first.oldVersion} → ${first.newVersion}:`,
    ...releases.map(
      (r) => `  ${r.name}: ${r.oldVersion} → ${r.newVersion} (${r.type}; ${r.changesets.join(', ') || 'fixed group'})`,
    ),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = checkRelease();
  console.log(formatPlan(result));
  if (result.problems.length) {
    console.error(`\nthe release plan is not valid:\n  ${result.problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('the release plan is valid');
}
