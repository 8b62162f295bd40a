// The first two steps of the scan. discover: which files are scanned, and which of them are
// reported (files named one by one, pre-commit's staged files, a shard); read: their text, decoded
// safely (an unreadable file is an outcome, never an exception).
import path from "node:path";
import { readdir } from "node:fs/promises";
import picomatch from "picomatch";
import { directoryOf, isCandidateFile, isCompiledPython, type ExtractContext } from "../extract/index.js";
import type { GonogoConfig } from "./config.js";
import { resolveCacheLocation } from "./cache.js";
import { DEFAULT_IGNORES, discoverFiles, toPosix } from "./discover.js";
import { decodeSourceText, readSourceFileSync, type ReadOutcome } from "./read.js";
import { inShard } from "./shard.js";
import { compiledMigrationOutcome, isCompiledMigrationCandidate } from "./sourceless.js";
import type { ScanOptions } from "./types.js";

export interface LoadedFile {
  file: string;
  outcome: ReadOutcome;
}

/** The files of a scan: paths on disk (sorted), or in-memory files (`content`, in the caller's order). */
export interface Discovered {
  files: { file: string; content?: string }[];
  /** Only these files are reported; the others are read as context. Undefined: all of them. */
  reportFiles?: Set<string>;
  /** Paths that could not be listed (a permission error), each one finding. */
  problems: { file: string; reason: string }[];
}

export async function discover(options: ScanOptions, cwd: string, config: GonogoConfig, context: ExtractContext): Promise<Discovered> {
  const ignore = [...DEFAULT_IGNORES, ...(config.ignore ?? []), ...(options.ignore ?? [])];
  // The cache file is gonogo's own output, never input (a `--cache-location cache.json` would be).
  if (options.cache) ignore.push(toPosix(path.relative(cwd, resolveCacheLocation(cwd, options.cacheLocation))));
  const isIgnored = picomatch(ignore, { dot: true });
  if (options.files) {
    const files = options.files.map((f) => ({ file: toPosix(path.normalize(f.path)), content: f.content })).filter((f) => !isIgnored(f.file));
    let reportFiles = options.reportOnly ? new Set(options.reportOnly.map((p) => toPosix(path.normalize(p)))) : undefined;
    if (options.shard) reportFiles = new Set([...(reportFiles ?? files.map((f) => f.file))].filter((f) => inShard(f, options.shard!)));
    return { files, ...(reportFiles ? { reportFiles } : {}), problems: [] };
  }
  const paths = options.paths && options.paths.length > 0 ? options.paths : ["."];
  const discovered = await discoverFiles({ cwd, paths, ignore, isCandidate: (f) => isCandidateFile(f) || isCompiledMigrationCandidate(f, context) });
  const all = new Set(discovered.files);
  // Files named one by one (pre-commit passes staged files): only they are reported, but the
  // migrations beside them are read too, so the revision graph is complete.
  const rel = (p: string) => toPosix(path.relative(cwd, path.resolve(cwd, p)));
  const onlyFilesNamed = !options.reportOnly && paths.every((p) => discovered.files.includes(rel(p)));
  let reportFiles = options.reportOnly ? new Set(options.reportOnly.map(rel)) : onlyFilesNamed ? new Set(paths.map(rel)) : undefined;
  let problems = discovered.problems;
  if (options.shard) {
    // Each shard reads and reports its own files (plus, below, the migrations beside them).
    const shard = options.shard;
    reportFiles = new Set([...(reportFiles ?? all)].filter((f) => inShard(f, shard)));
    all.clear();
    problems = problems.filter((p) => inShard(p.file, shard));
  }
  if (reportFiles) {
    const siblingsByDirectory = new Map<string, string[]>();
    for (const file of reportFiles) {
      all.add(file);
      if (!file.endsWith(".py")) continue;
      const dir = directoryOf(file);
      let siblings = siblingsByDirectory.get(dir);
      if (!siblings) siblingsByDirectory.set(dir, (siblings = await pythonSiblings(cwd, file)));
      for (const sibling of siblings) if (!isIgnored(sibling)) all.add(sibling);
    }
  }
  return { files: [...all].sort().map((file) => ({ file })), ...(reportFiles ? { reportFiles } : {}), problems };
}

/** Reads (or decodes) every discovered file; bytecode is never read. */
export function read(discovered: Discovered, cwd: string, maxBytes: number, context: ExtractContext): LoadedFile[] {
  const files: LoadedFile[] = [];
  for (const { file, content } of discovered.files) {
    if (content !== undefined) {
      files.push({ file, outcome: decodeSourceText(content, maxBytes, file) });
      continue;
    }
    // A compiled migration is skipped or reported as not analysed, other compiled Python (even
    // named, as a pre-commit hook names staged files) is skipped. Synchronous reads: for thousands
    // of small files far faster than the promise API (see read.ts).
    const compiled = isCompiledPython(file);
    if (compiled && !isCompiledMigrationCandidate(file, context)) continue;
    const outcome = compiled ? compiledMigrationOutcome(file, cwd) : readSourceFileSync(path.resolve(cwd, file), maxBytes);
    if (outcome !== "skip") files.push({ file, outcome });
  }
  return files;
}

async function pythonSiblings(cwd: string, file: string): Promise<string[]> {
  const dir = directoryOf(file);
  try {
    const entries = await readdir(path.resolve(cwd, dir), { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".py")).map((e) => (dir === "." ? e.name : `${dir}/${e.name}`));
  } catch {
    return [];
  }
}
