// Finding the files to scan: walks directories, honours ignore globs, never follows a symlink
// loop, and reports what it could not enter instead of failing.
import type { Stats } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
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

// DEFAULT_IGNORES as a matcher, the same as picomatch's with `{ dot: true }` but cheaper: each glob
// is `**/NAME/**`, which can match only a path that contains NAME, so picomatch is asked only when
// one of the names is in the path (two picomatch tests of nine globs per entry were most of a walk).
export function defaultIgnoreMatcher(): (file: string) => boolean {
  const names = DEFAULT_IGNORES.map((glob) => {
    const name = glob.slice("**/".length, -"/**".length);
    if (!glob.startsWith("**/") || !glob.endsWith("/**") || picomatch.scan(name).isGlob || name.includes("/")) throw new Error(`DEFAULT_IGNORES: ${glob} is not of the form **/NAME/**`);
    return name;
  });
  const match = picomatch(DEFAULT_IGNORES, { dot: true });
  return (file) => names.some((name) => file.includes(name)) && match(file);
}

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

  // `rel` is `dir` relative to the working directory. A child's is built by concatenation (path.relative
  // per entry was a fifth of a 10,000-file walk); above the working directory (`..`) a child can be
  // the working directory itself or one of its ancestors, so there it is computed.
  async function walk(dir: string, rel: string, ancestors: Set<string>): Promise<void> {
    let listed;
    try {
      // One readdir of the whole directory (entries are sorted below anyway): iterating an opendir
      // handle cost five times as much.
      listed = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: rel, reason: `directory ${describeFsError(error)}` });
      return;
    }
    const entries = listed.map((entry) => ({ name: entry.name, isDir: entry.isDirectory(), isLink: entry.isSymbolicLink() }));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const above = rel === ".." || rel.startsWith("../");
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const childRel = above ? relative(abs) : rel === "." ? entry.name : `${rel}/${entry.name}`;
      if (ignored(childRel)) continue;
      let isDir = entry.isDir;
      if (entry.isLink) {
        try {
          isDir = (await stat(abs)).isDirectory();
        } catch (error) {
          if (options.isCandidate(childRel) || (error as NodeJS.ErrnoException).code === "ELOOP") {
            problems.push({ file: childRel, reason: describeFsError(error) });
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
          problems.push({ file: childRel, reason: `directory ${describeFsError(error)}` });
          continue;
        }
        if (ancestors.has(id)) {
          problems.push({ file: childRel, reason: "symbolic link loop (directory links back to an ancestor)" });
          continue;
        }
        // One set, grown and shrunk along the walk: copying it per level was quadratic in depth.
        ancestors.add(id);
        await walk(abs, childRel, ancestors);
        ancestors.delete(id);
      } else if (options.isCandidate(childRel)) {
        files.add(childRel);
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
      await walk(abs, rel, new Set([directoryId(info)]));
    } else if (!ignored(rel)) {
      // A file named explicitly is read even if its name is not a usual candidate.
      files.add(rel);
    }
  }
  return { files: [...files].sort(), problems };
}
