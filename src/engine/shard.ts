// `--shard K/N`: a deterministic split of the file list across N CI jobs. A file's shard depends on
// its path alone (a hash, not its position), so adding a file never moves the others.
import { createHash } from "node:crypto";

export interface Shard {
  /** 1-based: 1…count. */
  index: number;
  count: number;
}

/** Parses `K/N` (1 ≤ K ≤ N ≤ 1024); undefined when it is not one. */
export function parseShard(value: string): Shard | undefined {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(value.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 1024 || index < 1 || index > count) return undefined;
  return { index, count };
}

/** The shard (1…count) that owns a POSIX path relative to the scanned directory. */
export function shardOf(file: string, count: number): number {
  const digest = createHash("sha256").update(file).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(file: string, shard: Shard): boolean {
  return shard.count === 1 || shardOf(file, shard.count) === shard.index;
}
