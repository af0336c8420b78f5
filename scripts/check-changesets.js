// Changeset discipline: fails when a published file of a package changed since the base branch
// and no changeset added (or edited) since then names that package.
//
//   node scripts/check-changesets.js [--base <git ref>] [--cwd <repo root>]
//
// Base: --base, else $CHANGESET_BASE, else origin/main when it exists, else main. In CI on a pull
// request pass the target branch, e.g. `--base origin/$GITHUB_BASE_REF` (fetch it first; a
// shallow clone needs enough history for `git merge-base`).
//
// "Changed" is what `changeset status --since=<base>` sees — every tracked file that differs
// between the merge base and the working tree, committed or not — plus untracked files. A file
// counts only when npm would publish it: it is in the list `npm pack --dry-run` prints. A package.json change that only moves `version` or the
// versions of sibling @box-docgen packages (what `changeset version` writes) does not count.
// The changesets are the ones `changeset status --since=<base>` reports, so a new changeset must
// be tracked (`git add`) to count. The packages are versioned together (`fixed`), but each
// changed package must be named, so its changelog says what changed in it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaces } from './lib/workspaces.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const changesetBin = join(root, 'node_modules/@changesets/cli/bin.js');
const BUMPS = new Set(['major', 'minor', 'patch']);

function parseArgs(argv) {
  const options = { base: process.env.CHANGESET_BASE || undefined, cwd: root };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    if (flag === '--help' || flag === '-h') {
      console.log('Usage: node scripts/check-changesets.js [--base <git ref>] [--cwd <repo root>]');
      process.exit(0);
    }
    const value = inline ?? argv[++i];
    if (flag === '--base' && value) options.base = value;
    else if (flag === '--cwd' && value) options.cwd = resolve(value);
    else throw new Error(`unknown option or missing value: ${argv[i]}`);
  }
  return options;
}

function git(cwd, args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const refExists = (cwd, ref) =>
  spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd }).status === 0;

function defaultBase(cwd) {
  const found = ['origin/main', 'main'].find((ref) => refExists(cwd, ref));
  if (!found) throw new Error('neither origin/main nor main exists here; pass --base <ref> or set CHANGESET_BASE');
  return found;
}

const lines = (text) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The workspace packages that npm would publish (not private, not ignored by the changesets config). */
function publishablePackages(cwd) {
  const configFile = join(cwd, '.changeset/config.json');
  const ignore = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')).ignore ?? []) : [];
  return workspaces(cwd)
    .filter(({ manifest }) => manifest.name && !manifest.private && !ignore.includes(manifest.name))
    .map(({ rel, manifest }) => ({ dir: rel.split('\\').join('/'), manifest }));
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The files npm would publish from the package in `dir`, as `npm pack --dry-run` lists them (its
 * `files`, `main`, `bin`, README and LICENSE rules, not a copy of them). A file deleted since the
 * base is not listed; it counts as published when a file beside it (same folder) still is.
 */
function publishedFiles(cwd, dir) {
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(cwd, dir),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const files = new Set(JSON.parse(out)[0].files.map((file) => file.path));
  const folders = new Set([...files].map((file) => posix.dirname(file)));
  return (file) => files.has(file) || (!existsSync(join(cwd, dir, file)) && folders.has(posix.dirname(file)));
}

/** package.json with the fields `changeset version` rewrites taken out. */
function withoutReleaseFields(text) {
  const manifest = JSON.parse(text);
  delete manifest.version;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (name.startsWith('@box-docgen/')) delete manifest[field][name];
    }
  }
  return JSON.stringify(manifest);
}

function onlyReleaseFieldsChanged(cwd, mergeBase, path) {
  let before;
  try {
    before = git(cwd, ['show', `${mergeBase}:${path}`]);
  } catch {
    return false; // new package
  }
  if (!existsSync(join(cwd, path))) return false;
  try {
    return withoutReleaseFields(before) === withoutReleaseFields(readFileSync(join(cwd, path), 'utf8'));
  } catch {
    return false;
  }
}

/** The changesets added or edited since `base`, as `changeset status --since` reports them. */
function changesetsSince(cwd, base) {
  const dir = mkdtempSync(join(tmpdir(), 'box-docgen-changesets-'));
  const out = join(dir, 'status.json');
  try {
    const run = spawnSync(process.execPath, [changesetBin, 'status', `--since=${base}`, `--output=${out}`], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const said = `${run.stdout}${run.stderr}`;
    if (run.status === 0 && existsSync(out)) return JSON.parse(readFileSync(out, 'utf8')).changesets ?? [];
    // `changeset status` fails when any package file changed and no changeset is new; that is "none" here.
    if (/no changesets were found/i.test(said)) return [];
    throw new Error(`changeset status --since=${base} failed:\n${said.trim()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function check({ base, cwd }) {
  base ??= defaultBase(cwd);
  if (!refExists(cwd, base)) throw new Error(`base ref ${base} does not exist here (fetch it, or pass --base <ref>)`);
  const mergeBase = git(cwd, ['merge-base', base, 'HEAD']).trim();
  const changed = [
    ...new Set([
      ...lines(git(cwd, ['diff', '--name-only', '--relative', mergeBase])),
      ...lines(git(cwd, ['ls-files', '--others', '--exclude-standard'])),
    ]),
  ];
  const untrackedChangesets = lines(
    git(cwd, ['ls-files', '--others', '--exclude-standard', '--', '.changeset']),
  ).filter((file) => file.endsWith('.md') && !/readme\.md$/i.test(file));

  const changesets = changesetsSince(cwd, base);
  const results = [];
  for (const { dir, manifest } of publishablePackages(cwd)) {
    const mine = changed.filter((file) => file.startsWith(`${dir}/`));
    if (!mine.length) continue;
    const isPublished = publishedFiles(cwd, dir);
    const files = mine.filter((file) => {
      const inner = file.slice(dir.length + 1);
      if (!isPublished(inner)) return false;
      return !(inner === 'package.json' && onlyReleaseFieldsChanged(cwd, mergeBase, file));
    });
    if (!files.length) continue;
    const covering = changesets
      .filter((changeset) =>
        changeset.releases.some((release) => release.name === manifest.name && BUMPS.has(release.type)),
      )
      .map((changeset) => `.changeset/${changeset.id}.md`);
    results.push({ name: manifest.name, files, changesets: covering });
  }
  return { base, mergeBase, results, untrackedChangesets };
}

function main() {
  let report;
  try {
    report = check(parseArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(`check-changesets: ${error.message}`);
    process.exit(2);
  }
  const { base, mergeBase, results, untrackedChangesets } = report;
  console.log(`Changeset check: published files changed since ${base} (merge base ${mergeBase.slice(0, 10)})`);
  if (!results.length) console.log('  no published file of any package changed');
  for (const { name, files, changesets } of results) {
    const shown = files.length > 4 ? `${files.slice(0, 4).join(', ')} and ${files.length - 4} more` : files.join(', ');
    console.log(
      changesets.length
        ? `  ✔ ${name}: ${shown} — covered by ${changesets.join(', ')}`
        : `  ✖ ${name}: ${shown} — no changeset added since ${base} names ${name}`,
    );
  }
  for (const file of untrackedChangesets) {
    console.log(`  note: ${file} is untracked, so it does not count yet; \`git add\` it.`);
  }
  const missing = results.filter((result) => !result.changesets.length);
  if (missing.length) {
    console.error(
      `✖ ${missing.length} package(s) changed without a changeset: ${missing.map((result) => result.name).join(', ')}.`,
    );
    console.error('  Fix: run `npx changeset`, select each package above, pick the bump (major if the change breaks');
    console.error('  users), and describe the change for them. See CONTRIBUTING.md.');
    process.exitCode = 1;
  } else {
    console.log('✔ every changed package has a changeset.');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
