// A file's stat stamp, as git's index keeps one: size, mtime, ctime and inode. While the stamp is
// unchanged the content is taken to be unchanged, so `--cache` knows a file's content hash (and
// the sibling index its header facts) without opening it. Any write changes ctime, even one that
// puts the old mtime back (`touch -d`, `rsync -t`), and ctime cannot be set from user space.
//
// The racy case (git's "racy git"): a file written again within the file system's timestamp
// granularity of the moment its stamp was taken keeps the stamp. So a stamp is only recorded when
// the file's mtime and ctime are older than the start of the run that reads it by a margin longer
// than any common granularity (FAT: 2 s); a file changed later than that is read and hashed again
// on the next run, and recorded then.
import type { Stats } from "node:fs";

/** [size, mtimeMs, ctimeMs, ino]. */
export type Stamp = [number, number, number, number];

/** The margin a stamp must be older than the run that records it (timestamp granularity). */
export const SETTLED_MS = 2000;

export const stampOf = (info: Stats): Stamp => [info.size, info.mtimeMs, info.ctimeMs, info.ino];

export function sameStamp(a: readonly unknown[], b: Stamp): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** Whether a stamp taken in a run that started at `since` (ms since the epoch) may be trusted later: not racy. */
export function settled(stamp: Stamp, since: number): boolean {
  return Math.max(stamp[1], stamp[2]) < since - SETTLED_MS;
}
