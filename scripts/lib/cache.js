// A directory built once and reused: by the test files that vitest runs in parallel (one
// builds, the others wait), and by later runs while its key (a content hash) is unchanged.
// Everything lives under the OS temp folder, never in the repo.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The parent folder of every cached build: <tmp>/box-docgen-packaging. */
export const CACHE_ROOT = process.env.BOX_DOCGEN_CACHE_DIR ?? join(tmpdir(), 'box-docgen-packaging');

const STALE_LOCK_MS = 60_000; // a builder touches its lock every few seconds while alive
const PRUNE_AFTER_MS = 24 * 60 * 60_000;

export function hash(...parts) {
  const h = createHash('sha256');
  for (const part of parts) h.update(typeof part === 'string' ? part : JSON.stringify(part)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * Returns `<CACHE_ROOT>/<prefix>-<key>`, calling `build(dir)` first when it is not ready yet.
 * Concurrent callers (other vitest workers, other runs) wait for the one that builds.
 * A failed build leaves nothing behind and rejects.
 */
export async function cachedDir(prefix, key, build) {
  mkdirSync(CACHE_ROOT, { recursive: true });
  const dir = join(CACHE_ROOT, `${prefix}-${key}`);
  const ready = join(dir, '.ready');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(ready)) {
      touch(dir);
      return dir;
    }
    try {
      mkdirSync(lock);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released between our two looks
      }
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(200);
      continue;
    }
    const heartbeat = setInterval(() => touch(lock), 5_000);
    heartbeat.unref();
    try {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await build(dir);
      writeFileSync(ready, new Date().toISOString());
      prune(prefix, dir);
      return dir;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    } finally {
      clearInterval(heartbeat);
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function touch(path) {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // gone: nothing to keep alive
  }
}

/** Drops builds of the same kind that nobody has used for a day. */
function prune(prefix, keep) {
  for (const name of readdirSync(CACHE_ROOT)) {
    const path = join(CACHE_ROOT, name);
    if (path === keep || !name.startsWith(`${prefix}-`) || name.endsWith('.lock')) continue;
    if (existsSync(`${path}.lock`)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process pruned it
    }
  }
}
