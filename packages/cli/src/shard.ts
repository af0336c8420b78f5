// --shard K/N: row i belongs to shard i mod N.
import { UsageError } from './errors.js';

export interface Shard {
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match)
    throw new UsageError(`--shard "${text}": write K/N, as in 0/4 (shards count from 0: row i goes to shard i mod N)`);
  const k = Number(match[1]);
  const n = Number(match[2]);
  if (n < 1) throw new UsageError(`--shard "${text}": N must be at least 1`);
  if (k >= n) throw new UsageError(`--shard "${text}": K counts from 0, so it must be 0 to ${n - 1}`);
  return { k, n };
}

export const shardLabel = (shard: Shard | undefined) => (shard ? `${shard.k}/${shard.n}` : null);

export const inShard = (index: number, shard: Shard | undefined) => !shard || index % shard.n === shard.k;
