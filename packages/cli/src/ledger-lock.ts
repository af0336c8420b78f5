// `<ledger>.lock`: one writer per ledger. The lock names its holder by host, pid namespace,
// pid and a random id, because a pid alone says little: two containers on a shared volume are
// both pid 1, and two generate() calls in one process share a pid. Rules:
//
//   - a second lock on the same ledger in this process is refused (the registry below);
//   - a lock from this machine whose process is gone (a crash, a SIGKILL) is stale and taken over;
//   - a lock from another host, or one we cannot read, is never assumed stale: its pid means
//     nothing here. The error says which file to delete once that holder is known to be gone.
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { LedgerError } from './ledger.js';

interface Holder {
  pid: number;
  host: string;
  /** The pid namespace (Linux), since a pid is only unique inside one; null elsewhere. */
  pidns: string | null;
  id: string;
  at: string;
}

// Locks held by this process, by lock file. On globalThis so that two copies of this module
// loaded in one process still see each other's locks.
const held: Set<string> = ((globalThis as Record<symbol, Set<string> | undefined>)[
  Symbol.for('@box-docgen/cli held ledger locks')
] ??= new Set());

function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

/** One file however it is named (relative, through a symlinked directory). */
function keyOf(lockPath: string): string {
  try {
    return resolve(realpathSync(dirname(lockPath)), basename(lockPath));
  } catch {
    return resolve(lockPath);
  }
}

/**
 * Takes `<path>.lock` and returns its release. Throws a LedgerError when another run holds
 * it, in this process, on this machine, or on another host.
 */
export function lockLedger(path: string): () => void {
  const lockPath = `${path}.lock`;
  const key = keyOf(lockPath);
  if (held.has(key)) {
    throw new LedgerError(
      `the ledger ${path} is already in use by this process (another generate() on it has not finished); run them one after the other, or give each its own ledger`,
    );
  }
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    pidns: pidNamespace(),
    id: randomBytes(8).toString('hex'),
    at: new Date().toISOString(),
  };
  takeLock(lockPath, path, me);
  held.add(key);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(key);
    try {
      if (readHolder(readFileSync(lockPath, 'utf8'))?.id === me.id) unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
}

function takeLock(lockPath: string, path: string, me: Holder): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new LedgerError(`cannot lock the ledger ${path}: ${(error as Error).message}`);
    }
    const text = safeRead(lockPath);
    refuseUnlessStale(readHolder(text), me, path, lockPath);
    // Stale: take it over, unless someone else replaced it in the meantime.
    try {
      if (safeRead(lockPath) === text) unlinkSync(lockPath);
    } catch {
      // someone else removed it first; try again
    }
  }
  throw new LedgerError(`cannot lock the ledger ${path}: ${lockPath} keeps reappearing`);
}

/** Returns when the lock's holder is certainly gone; throws otherwise. */
function refuseUnlessStale(holder: Holder | undefined, me: Holder, path: string, lockPath: string): void {
  if (!holder) {
    // Empty (a holder between creating and writing it) or not ours: nothing says it is stale.
    throw new LedgerError(
      `the ledger ${path} is locked, but ${lockPath} does not say by whom; if no box-docgen is using this ledger, delete ${lockPath}`,
    );
  }
  const since = holder.at ? `, since ${holder.at}` : '';
  if (holder.host !== me.host || holder.pidns !== me.pidns) {
    const where =
      holder.host !== me.host ? `on host ${holder.host}` : `on this host in another pid namespace (container)`;
    throw new LedgerError(
      `the ledger ${path} is locked by box-docgen ${where} (pid ${holder.pid}${since}); its process cannot be checked from here. ` +
        `If that run has ended (or that host is gone), delete ${lockPath}`,
    );
  }
  // Our own pid, but not in `held`: an earlier process that had our pid, now gone.
  if (holder.pid !== me.pid && alive(holder.pid)) {
    throw new LedgerError(
      `another box-docgen (pid ${holder.pid}${since}) is using the ledger ${path}; wait for it to finish, or delete ${lockPath} if that process is not box-docgen`,
    );
  }
}

/** The holder a lock file names. Locks of earlier versions hold only a pid: this machine's. */
function readHolder(text: string): Holder | undefined {
  if (/^\d+\s*$/.test(text))
    return { pid: Number.parseInt(text, 10), host: hostname(), pidns: pidNamespace(), id: '', at: '' };
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (Number.isSafeInteger(value.pid) && typeof value.host === 'string' && typeof value.id === 'string') {
      return {
        pid: value.pid!,
        host: value.host,
        pidns: value.pidns ?? null,
        id: value.id,
        at: typeof value.at === 'string' ? value.at : '',
      };
    }
  } catch {
    // not a lock of ours
  }
  return undefined;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
