// A release rehearsal that publishes nothing and leaves the working tree alone: copies the
// workspace (package.json files, built packages, .changeset/) into a temporary folder, runs
// `changeset version` there, packs every public package there with `npm pack`, and prints
// what would be published: names, versions, internal dependency ranges, changelog entries and
// the files of each tarball.
//
//   npm run release:dry            keeps the folder and prints its path
//   npm run release:dry -- --json  prints the result as JSON instead
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertBuilt, cleanEnv, root, workspaces } from './lib/workspaces.js';

const SKIP = /(^|\/)node_modules(\/|$)|\.tsbuildinfo$/;
const bin = (name) => join(root, 'node_modules', '.bin', name);

/**
 * @param {{ dir?: string }} [options] where to work (default: a new folder under the OS temp folder)
 */
export function releaseDry(options = {}) {
  const all = workspaces();
  const published = all.filter((ws) => !ws.manifest.private);
  for (const ws of published) assertBuilt(ws);
  if (!existsSync(join(root, '.changeset', 'config.json'))) throw new Error('.changeset/config.json is missing');

  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'box-docgen-release-dry-'));
  // The copy: what changesets reads and writes, and what npm packs.
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(dir, file));
  }
  cpSync(join(root, '.changeset'), join(dir, '.changeset'), { recursive: true });
  for (const ws of all) {
    cpSync(ws.dir, join(dir, ws.rel), { recursive: true, filter: (src) => !SKIP.test(relative(root, src)) });
  }
  // Tools only (changesets resolves its changelog module from here); nothing writes into it.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');

  const env = cleanEnv({ PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`, NO_COLOR: '1', CI: '1' });
  const before = Object.fromEntries(published.map((ws) => [ws.name, ws.version]));
  const versionLog = execFileSync(bin('changeset'), ['version'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const out = join(dir, 'tarballs');
  mkdirSync(out);
  const packages = [];
  for (const ws of published) {
    const pkgDir = join(dir, ws.rel);
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const stdout = execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
      cwd: pkgDir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
    const [result] = JSON.parse(stdout.slice(stdout.indexOf('[')));
    const changelog = existsSync(join(pkgDir, 'CHANGELOG.md'))
      ? readFileSync(join(pkgDir, 'CHANGELOG.md'), 'utf8')
      : '';
    packages.push({
      name: manifest.name,
      from: before[manifest.name],
      version: manifest.version,
      access: manifest.publishConfig?.access ?? 'restricted',
      internalDependencies: Object.fromEntries(
        Object.entries(manifest.dependencies ?? {}).filter(([d]) => d.startsWith('@box-docgen/')),
      ),
      tarball: join(out, result.filename),
      size: result.size,
      unpackedSize: result.unpackedSize,
      files: result.files.map((f) => f.path).sort(),
      changelog: changelog.split('\n## ')[1]?.trim() ?? '',
    });
  }
  const pending = readdirMd(join(dir, '.changeset'));
  return { dir, packages, pendingChangesets: pending, versionLog };
}

function readdirMd(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
}

export function formatRelease(result) {
  const lines = [`Release rehearsal in ${result.dir} (nothing published, working tree untouched)`, ''];
  for (const p of result.packages) {
    lines.push(
      `${p.name}@${p.version}  (from ${p.from}; access ${p.access}; ${p.size} bytes packed, ${p.unpackedSize} unpacked)`,
    );
    lines.push(`  tarball: ${p.tarball}`);
    const deps = Object.entries(p.internalDependencies);
    if (deps.length) lines.push(`  depends on: ${deps.map(([d, r]) => `${d}@${r}`).join(', ')}`);
    if (p.changelog)
      lines.push(
        `  changelog:\n${p.changelog
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}`,
      );
    lines.push(`  files (${p.files.length}):`, ...p.files.map((f) => `    ${f}`), '');
  }
  lines.push(
    result.pendingChangesets.length
      ? `changesets left unconsumed: ${result.pendingChangesets.join(', ')}`
      : 'every changeset was consumed',
  );
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let result;
  try {
    result = releaseDry();
  } catch (error) {
    console.error(`release:dry failed: ${error.stderr || error.stdout || error.message}`);
    process.exit(1);
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else console.log(formatRelease(result));
  const versions = new Set(result.packages.map((p) => p.version));
  if (versions.size !== 1) {
    console.error(`\nthe packages do not share one version: ${[...versions].join(', ')}`);
    process.exit(1);
  }
  if (process.argv.includes('--clean')) rmSync(result.dir, { recursive: true, force: true });
}
