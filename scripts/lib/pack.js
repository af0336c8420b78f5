// `npm pack` of the published workspaces, once per content: the tarballs that the packaging
// checks lint and the runtime tests install. Cached under the OS temp folder (see cache.js),
// one entry per package, keyed by a hash of the package's files.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cachedDir, hash } from './cache.js';
import { assertBuilt, cleanEnv, listFiles, publicWorkspaces, root } from './workspaces.js';

/**
 * @typedef {{ name: string, version: string, rel: string, tarball: string,
 *   files: string[], manifest: Record<string, any> }} Packed
 */

/**
 * Packs the public workspaces named (default: all of them); returns them by package name.
 * @param {string[]} [names]
 * @returns {Promise<Record<string, Packed>>}
 */
export async function pack(names) {
  const all = publicWorkspaces();
  const chosen = names ? names.map((n) => all.find((ws) => ws.name === n) ?? fail(n, all)) : all;
  const out = {};
  for (const ws of chosen) out[ws.name] = await packOne(ws);
  return out;
}

function fail(name, all) {
  throw new Error(`no public workspace named ${name} (have ${all.map((ws) => ws.name).join(', ')})`);
}

async function packOne(ws) {
  assertBuilt(ws);
  const key = hash(
    ws.rel,
    listFiles(ws.dir).map((f) => [relative(ws.dir, f), hash(readFileSync(f))]),
  );
  const prefix = `pack-${ws.name.replace(/^@/, '').replace(/\//g, '-')}`;
  const dir = await cachedDir(prefix, key, (out) => {
    const stdout = execFileSync('npm', ['pack', '--json', '--pack-destination', out, '--workspace', ws.rel], {
      cwd: root,
      env: cleanEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
    const [result] = JSON.parse(stdout.slice(stdout.indexOf('[')));
    /** @type {Packed} */
    const packed = {
      name: result.name,
      version: result.version,
      rel: ws.rel,
      tarball: join(out, result.filename),
      files: result.files.map((f) => f.path).sort(),
      manifest: ws.manifest,
    };
    writeFileSync(join(out, 'packed.json'), JSON.stringify(packed, null, 2));
  });
  return JSON.parse(readFileSync(join(dir, 'packed.json'), 'utf8'));
}
