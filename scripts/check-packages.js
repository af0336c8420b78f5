// Packs every published workspace and checks each tarball the way a user would meet it:
//   - publint on the tarball (any message, suggestions included, is a failure);
//   - @arethetypeswrong/cli (attw) on the tarball, with the settings below and why;
//   - our own manifest rules: exports with `types` first, sideEffects false, engines, access
//     public, only the files users need, declarations with their maps, one shared version.
//
//   npm run check:packages          (the same checks run in vitest: test/packaging/packages.test.ts)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { pack } from './lib/pack.js';
import { publicWorkspaces, root } from './lib/workspaces.js';

/**
 * attw flags per package. Every package is ESM only ("type": "module", no `require`
 * condition): Node >= 20.19 and >= 22.12 load ES modules through require() (none of ours has
 * top-level await), and test/runtimes proves it with `require('@box-docgen/client')` on Node 20
 * and 24. attw predates require(esm) and reports every require-to-ESM resolution as
 * `cjs-resolves-to-esm`, so that one rule, and only it, is off.
 */
const ESM_ONLY = ['--ignore-rules', 'cjs-resolves-to-esm'];
const ATTW_FLAGS = {
  default: [...ESM_ONLY],
  // The mock needs Node 22.12+ (vitest 5 and MSW 3 do), so its TypeScript users resolve with
  // node16/nodenext or bundler; the legacy node10 mode cannot see the `./vitest` subpath export.
  '@box-docgen/mock': ['--profile', 'node16', ...ESM_ONLY],
};

/**
 * The Node versions each package states: the lowest it is tested on (test/runtimes runs the
 * client on Node 20 and 24, and the mock's README recipes on Node 22 and 24). 20.19 and 22.12 are where require() of an ES module works
 * without a flag; 21.x and 22.0 to 22.11 would need --experimental-require-module.
 */
export const ENGINES = {
  default: '^20.19.0 || >=22.12.0',
  // Node 22 LTS and 24: test/runtimes/mock-readme.test.ts. Prism 5.16 declares >=24.18.0 as a
  // policy (its code is 5.15.11's, which runs on Node 22); npm warns EBADENGINE for it on Node 22.
  '@box-docgen/mock': '^22.12.0 || >=24.0.0',
};

/** What may be in a tarball besides package.json, README and LICENSE. */
const ALLOWED_FILES = {
  '@box-docgen/spec': [/^openapi\.(json|yaml)$/],
  '@box-docgen/types': [/^(index|openapi)\.d\.ts$/, /^(endpoints|check)\.(js|d\.ts)$/],
  default: [/^dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)$/, /^src\/.+\.ts$/],
};
const ALWAYS = [/^package\.json$/, /^README(\.md)?$/i, /^LICEN[CS]E(\.md|\.txt)?$/i, /^CHANGELOG\.md$/];

const pick = (table, name) => table[name] ?? table.default;

/** Runs every check on one packed package; returns the problems found (empty: all good). */
export async function checkPackage(packed, version) {
  const problems = [];
  const { name, manifest, files, tarball } = packed;

  // publint, on the tarball itself.
  const data = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  for (const m of messages) problems.push(`publint ${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`);

  // attw, on the tarball itself.
  try {
    execFileSync(
      join(root, 'node_modules', '.bin', 'attw'),
      [tarball, '--format', 'ascii', '--no-color', '--no-emoji', ...pick(ATTW_FLAGS, name)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    problems.push(`attw: ${String(error.stdout || error.message).trim()}`);
  }

  // The manifest.
  if (manifest.type !== 'module') problems.push('"type" must be "module"');
  if (manifest.sideEffects !== false) problems.push('"sideEffects" must be false');
  if (manifest.engines?.node !== pick(ENGINES, name)) {
    problems.push(`"engines.node" must be "${pick(ENGINES, name)}" (got ${JSON.stringify(manifest.engines?.node)})`);
  }
  if (manifest.publishConfig?.access !== 'public') problems.push('"publishConfig.access" must be "public"');
  for (const field of ['description', 'license']) if (!manifest[field]) problems.push(`"${field}" is missing`);
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) problems.push('"keywords" is missing');
  if (!Array.isArray(manifest.files)) problems.push('"files" must list what is published');
  if (!manifest.exports) problems.push('"exports" is missing');
  if (manifest.exports && !manifest.exports['./package.json'])
    problems.push('"exports" should expose "./package.json"');
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (target && typeof target === 'object') {
      const keys = Object.keys(target);
      if (keys[0] !== 'types') problems.push(`exports["${subpath}"]: "types" must come first (got ${keys.join(', ')})`);
      if (keys.includes('require') || keys.includes('import')) {
        problems.push(
          `exports["${subpath}"]: ESM only: use "default" so that require(esm) resolves too (got ${keys.join(', ')})`,
        );
      }
    }
  }
  // One version for all (changesets "fixed"), and internal dependencies pinned to it.
  if (manifest.version !== version) problems.push(`version ${manifest.version} differs from the others (${version})`);
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    if (dep.startsWith('@box-docgen/') && range !== version)
      problems.push(`dependency ${dep}@${range} should be exactly ${version}`);
  }

  // A page for users and the licence text the manifest names.
  if (!files.some((f) => /^README(\.md)?$/i.test(f)))
    problems.push('no README in the tarball: npm would show an empty page');
  if (!files.some((f) => /^LICEN[CS]E(\.md|\.txt)?$/i.test(f)))
    problems.push(`no LICENSE in the tarball although the manifest says ${manifest.license}`);

  // The files: only what users need; every .js with its .d.ts, every .d.ts with its map, and
  // every map's sources in the tarball too.
  const allowed = [...ALWAYS, ...pick(ALLOWED_FILES, name)];
  for (const file of files)
    if (!allowed.some((re) => re.test(file))) problems.push(`unexpected file in the tarball: ${file}`);
  const has = new Set(files);
  for (const file of files) {
    if (file.endsWith('.js') && !has.has(file.replace(/\.js$/, '.d.ts'))) problems.push(`${file} has no .d.ts`);
    if (file.startsWith('dist/') && file.endsWith('.d.ts') && !has.has(`${file}.map`))
      problems.push(`${file} has no declaration map`);
  }
  const dir = join(root, packed.rel);
  for (const file of files.filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const source of map.sources ?? []) {
      const target = new URL(source, pathToFileURL(join('/', file))).pathname.slice(1);
      if (!has.has(target)) problems.push(`${file} points at ${target}, which is not published`);
    }
  }
  return problems;
}

/** Packs and checks every public workspace. */
export async function checkPackages() {
  const version = JSON.parse(readFileSync(join(root, 'packages', 'client', 'package.json'), 'utf8')).version;
  const results = [];
  for (const { name } of publicWorkspaces()) {
    let packed;
    try {
      packed = (await pack([name]))[name];
    } catch (error) {
      results.push({ name, packed: undefined, problems: [`cannot pack: ${error.message}`] });
      continue;
    }
    results.push({ name, packed, problems: await checkPackage(packed, version) });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let failed = false;
  for (const { name, packed, problems } of await checkPackages()) {
    console.log(
      `${problems.length ? '✗' : '✓'} ${name}${packed ? `@${packed.version}  (${packed.files.length} files)` : ''}`,
    );
    for (const p of problems) console.log(`    ${p.replace(/\n/g, '\n    ')}`);
    failed ||= problems.length > 0;
  }
  if (failed) {
    console.error('\nSome packages would not publish cleanly (see above).');
    process.exit(1);
  }
  console.log('\nevery package passes publint, attw and the manifest rules');
}
