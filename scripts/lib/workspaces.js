// The packages of this repo as npm sees them: the root package.json's workspaces.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Every workspace that has a package.json, with its manifest; private ones included. `cwd` is the
 * repo (another checkout in tests); a pattern may end in `/*`.
 */
export function workspaces(cwd = root) {
  const { workspaces: globs = [] } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  const patterns = Array.isArray(globs) ? globs : (globs.packages ?? []);
  return patterns
    .flatMap((pattern) => {
      const clean = join(cwd, pattern.replace(/\/$/, ''));
      if (!clean.endsWith('/*')) return [clean];
      const parent = clean.slice(0, -2);
      return existsSync(parent)
        ? readdirSync(parent)
            .map((name) => join(parent, name))
            .filter((dir) => statSync(dir).isDirectory())
        : [];
    })
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, dir, rel: relative(cwd, dir), manifest };
    });
}

/** The workspaces that get published. */
export function publicWorkspaces() {
  return workspaces().filter((ws) => !ws.manifest.private);
}

/** Files under `dir`, recursively, skipping node_modules and what the build leaves as scratch. */
export function listFiles(dir, skip = ['node_modules', 'test', '.tsbuildinfo']) {
  const out = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (skip.some((s) => entry.name === s || entry.name.endsWith(s))) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Throws when a built package's dist/ is missing or older than its src/, so that packing never
 * ships a stale build. (`npm test` builds before it runs the tests.)
 */
export function assertBuilt(ws) {
  const src = join(ws.dir, 'src');
  if (!existsSync(join(ws.dir, 'tsconfig.json')) || !existsSync(src)) return;
  const dist = join(ws.dir, 'dist');
  const newest = (files) => Math.max(0, ...files.map((f) => statSync(f).mtimeMs));
  const distFiles = existsSync(dist) ? listFiles(dist) : [];
  if (distFiles.length === 0) {
    throw new Error(`${ws.name}: ${ws.rel}/dist is missing. Fix: run \`npm run build\` first.`);
  }
  // tsc -b leaves an output alone when its text is unchanged, but always stamps its .tsbuildinfo.
  const stamps = readdirSync(ws.dir)
    .filter((f) => f.endsWith('.tsbuildinfo'))
    .map((f) => join(ws.dir, f));
  if (newest(listFiles(src)) > Math.max(newest(distFiles), newest(stamps))) {
    throw new Error(`${ws.name}: ${ws.rel}/src is newer than ${ws.rel}/dist. Fix: run \`npm run build\` first.`);
  }
}

// What `npm run` exports about this repo (npm_package_*, npm_lifecycle_*, npm_config_local_prefix,
// the repo's .npmrc, …) must not leak into an npm or runtime started in a temp folder; how to
// reach the registry must.
const KEEP_NPM_CONFIG =
  /^npm_config_(registry|cache|userconfig|globalconfig|cafile|ca|cert|key|proxy|https_proxy|noproxy|strict_ssl|prefer_offline|offline)$/;

/** process.env without what `npm run` added, for commands run outside the repo. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') || KEEP_NPM_CONFIG.test(k)) env[k] = v;
  return { ...env, ...extra };
}
