// Finding the files to scan: walks directories, honours ignore globs, never follows a symlink
// loop, and reports what it could not enter instead of failing.
import type { Stats } from "node:fs";
import { lstat, opendir, stat } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { describeFsError } from "./read.js";

export const DEFAULT_IGNORES = [
  "**/node_modules/**",
  "**/.git/**",
  "**/.terraform/**",
  "**/.venv/**",
  "**/venv/**",
  "**/__pycache__/**",
  "**/.tox/**",
  "**/.gonogo/**",
  "**/cdk.out/**",
];

export interface DiscoveredFiles {
  /** POSIX paths relative to cwd, sorted. */
  files: string[];
  /** Paths that could not be read or entered, with the reason. */
  problems: { file: string; reason: string }[];
}

export interface DiscoverOptions {
  cwd: string;
  paths: string[];
  ignore: string[];
  /** A matcher used instead of `ignore` (the config's globs are relative to its own directory). */
  isIgnored?: (file: string) => boolean;
  /** Whether a file found while walking a directory is worth reading. */
  isCandidate: (file: string) => boolean;
}

function directoryId(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

export async function discoverFiles(options: DiscoverOptions): Promise<DiscoveredFiles> {
  const isIgnored = options.isIgnored ?? picomatch(options.ignore, { dot: true });
  const files = new Set<string>();
  const problems: DiscoveredFiles["problems"] = [];
  const relative = (abs: string) => toPosix(path.relative(options.cwd, abs)) || ".";
  const ignored = (rel: string) => rel !== "." && (isIgnored(rel) || isIgnored(rel + "/"));

  async function walk(dir: string, ancestors: Set<string>): Promise<void> {
    let handle;
    try {
      handle = await opendir(dir);
    } catch (error) {
      problems.push({ file: relative(dir), reason: `directory ${describeFsError(error)}` });
      return;
    }
    const entries: { name: string; isDir: boolean; isLink: boolean; isFile: boolean }[] = [];
    try {
      for await (const entry of handle) {
        entries.push({ name: entry.name, isDir: entry.isDirectory(), isLink: entry.isSymbolicLink(), isFile: entry.isFile() });
      }
    } catch (error) {
      problems.push({ file: relative(dir), reason: `directory ${describeFsError(error)}` });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const rel = relative(abs);
      if (ignored(rel)) continue;
      let isDir = entry.isDir;
      if (entry.isLink) {
        try {
          isDir = (await stat(abs)).isDirectory();
        } catch (error) {
          if (options.isCandidate(rel) || (error as NodeJS.ErrnoException).code === "ELOOP") {
            problems.push({ file: rel, reason: describeFsError(error) });
          }
          continue;
        }
      }
      if (isDir) {
        // A directory is known by its device and inode (one stat; realpath would lstat every
        // component, which made a deep tree cost depth² system calls).
        let id: string;
        try {
          id = directoryId(await stat(abs));
        } catch (error) {
          problems.push({ file: rel, reason: `directory ${describeFsError(error)}` });
          continue;
        }
        if (ancestors.has(id)) {
          problems.push({ file: rel, reason: "symbolic link loop (directory links back to an ancestor)" });
          continue;
        }
        // One set, grown and shrunk along the walk: copying it per level was quadratic in depth.
        ancestors.add(id);
        await walk(abs, ancestors);
        ancestors.delete(id);
      } else if (options.isCandidate(rel)) {
        files.add(rel);
      }
    }
  }

  for (const input of options.paths) {
    const abs = path.resolve(options.cwd, input);
    const rel = relative(abs);
    let info;
    try {
      info = await stat(abs);
    } catch (error) {
      // A named path that is not there at all never "vanished"; a dangling link is there (lstat).
      const there = await lstat(abs).then(() => true, () => false);
      problems.push({ file: rel, reason: there ? describeFsError(error) : "no such file or directory" });
      continue;
    }
    if (info.isDirectory()) {
      await walk(abs, new Set([directoryId(info)]));
    } else if (!ignored(rel)) {
      // A file named explicitly is read even if its name is not a usual candidate.
      files.add(rel);
    }
  }
  return { files: [...files].sort(), problems };
}
