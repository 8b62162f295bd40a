// The first two steps of the scan. discover: which files are scanned, and which of them are
// reported (files named one by one, pre-commit's staged files, a shard); read: their text, decoded
// safely (an unreadable file is an outcome, never an exception).
import path from "node:path";
import { readdirSync, statSync, type Stats } from "node:fs";
import picomatch from "picomatch";
import { directoryOf, isCandidateFile, isCompiledPython, readAcrossFiles, type ExtractContext } from "../extract/index.js";
import type { GonogoConfig } from "./config.js";
import { configGlobMatcher, type ConfigBase } from "./config-paths.js";
import { contentHash, resolveCacheLocation, type FactsCache } from "./cache.js";
import { stampOf } from "./file-stamp.js";
import { DEFAULT_IGNORES, defaultIgnoreMatcher, discoverFiles, toPosix } from "./discover.js";
import { DEFAULT_MAX_FILE_BYTES, decodeSourceText, readSourceFileSync, type ReadOutcome } from "./read.js";
import { inShard } from "./shard.js";
import { compiledMigrationOutcome, isCompiledMigrationCandidate } from "./sourceless.js";
import type { ScanOptions } from "./types.js";
import type { Environment } from "./version-locations.js";
import { localModuleDirectories } from "../extract/infra/terraform-local-modules.js";
import { infraSiblings } from "../extract/infra/siblings.js";
import { infraFileKind } from "../extract/infra/kinds.js";
import type { FileFacts } from "../extract/facts.js";
import { dialectResolver } from "./dialects.js";
import { isIndexable, type SiblingIndex } from "./sibling-index.js";

export interface LoadedFile {
  file: string;
  /** `unread`: with --cache, a file whose stat stamp says it is unchanged; its text is read on demand (texts.ts). */
  outcome: ReadOutcome | { ok: true; unread: true };
  /** With --cache, the sha256 of the text of a file read alone (not across files): known without reading it when unread. */
  hash?: string;
}

/** The files of a scan: paths on disk (sorted), or in-memory files (`content`, in the caller's order). */
export interface Discovered {
  files: { file: string; content?: string }[];
  /** Only these files are reported; the others are read as context. Undefined: all of them. */
  reportFiles?: Set<string>;
  /** Paths that could not be listed (a permission error), each one finding. */
  problems: { file: string; reason: string }[];
}

/** `base`: where the config's `ignore` globs are relative to (its directory); `--ignore` globs are relative to `cwd`. */
export async function discover(options: ScanOptions, cwd: string, config: GonogoConfig, context: ExtractContext, environmentOf: (directory: string) => Environment, base?: ConfigBase): Promise<Discovered> {
  const apart = base !== undefined && base.dir !== path.resolve(cwd);
  const own = [...(apart ? [] : (config.ignore ?? [])), ...(options.ignore ?? [])];
  // The cache file is gonogo's own output, never input (a `--cache-location cache.json` would be).
  if (options.cache) own.push(toPosix(path.relative(cwd, resolveCacheLocation(cwd, options.cacheLocation))));
  const ignore = [...DEFAULT_IGNORES, ...own];
  const ignoredByDefault = defaultIgnoreMatcher();
  const ignoredHere = own.length > 0 ? picomatch(own, { dot: true }) : () => false;
  const ignoredByConfig = apart ? configGlobMatcher(config.ignore ?? [], base) : undefined;
  // The default ignores (`**/node_modules/**`…) hold above the working directory too (`scan ../app`).
  const isIgnored = (file: string): boolean =>
    ignoredByDefault(file) || ignoredHere(file) || (file.startsWith("../") && ignoredByDefault(file.replace(/^(\.\.\/)+/, ""))) || (ignoredByConfig?.(file) ?? false);
  if (options.files) {
    const files = options.files.map((f) => ({ file: toPosix(path.normalize(f.path)), content: f.content })).filter((f) => !isIgnored(f.file));
    let reportFiles = options.reportOnly ? new Set(options.reportOnly.map((p) => toPosix(path.normalize(p)))) : undefined;
    if (options.shard) reportFiles = new Set([...(reportFiles ?? files.map((f) => f.file))].filter((f) => inShard(f, options.shard!)));
    return { files, ...(reportFiles ? { reportFiles } : {}), problems: [] };
  }
  const paths = options.paths && options.paths.length > 0 ? options.paths : ["."];
  const discovered = await discoverFiles({ cwd, paths, ignore, isIgnored, isCandidate: (f) => isCandidateFile(f) || isCompiledMigrationCandidate(f, context) });
  const all = new Set(discovered.files);
  // Files named one by one (pre-commit passes staged files): only they are reported, but what
  // judging them needs is read too (below).
  const rel = (p: string) => toPosix(path.relative(cwd, path.resolve(cwd, p)));
  const onlyFilesNamed = !options.reportOnly && paths.every((p) => discovered.files.includes(rel(p)));
  let reportFiles = options.reportOnly ? new Set(options.reportOnly.map(rel)) : onlyFilesNamed ? new Set(paths.map(rel)) : undefined;
  let problems = discovered.problems;
  let everything: string[] | undefined;
  if (options.shard) {
    // Each shard reads and reports its own files (plus, below, what judging them needs).
    const shard = options.shard;
    reportFiles = new Set([...(reportFiles ?? all)].filter((f) => inShard(f, shard)));
    everything = [...all];
    all.clear();
    problems = problems.filter((p) => inShard(p.file, shard));
  } else if (!reportFiles) {
    // A scan of some directories: a versions directory among them whose environment has other
    // version locations is judged with them, and only the directories asked for are reported.
    const scannedDirectories = new Set([...all].map(directoryOf));
    if (environmentDirectories(all, environmentOf).some((dir) => !scannedDirectories.has(dir))) reportFiles = new Set(all);
  }
  if (reportFiles) {
    // A shard or a staged file is judged as in a whole scan: the other migrations of its Alembic
    // environment (every version location), and a Terraform file's module (the other .tf files of
    // its directory and the local modules it calls).
    const listing = directoryLister(cwd, isIgnored);
    for (const file of reportFiles) all.add(file);
    for (const dir of environmentDirectories(reportFiles, environmentOf, listing.subdirectories)) for (const sibling of listing.files(dir, ".py")) all.add(sibling);
    for (const file of reportFiles) {
      if (!file.endsWith(".tf")) continue;
      for (const sibling of listing.files(directoryOf(file), ".tf")) all.add(sibling);
      const text = readSourceFileSync(path.resolve(cwd, file), options.maxFileBytes ?? config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
      if (!text.ok) continue;
      for (const dir of localModuleDirectories(file, text.text)) for (const sibling of listing.files(dir, ".tf")) all.add(sibling);
    }
    // A shard's GitLab CI files are read with their pipeline's other files (local include:s, a
    // !reference into them), and its JS/TS files with the wrapper modules they import, as in a whole scan.
    if (everything) for (const file of crossFileContext(reportFiles, everything, cwd, options.maxFileBytes ?? config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)) all.add(file);
  }
  return { files: [...all].sort().map((file) => ({ file })), ...(reportFiles ? { reportFiles } : {}), problems };
}

/**
 * The files of the whole scan (`everything`) the report files are read with across files: the
 * extractor's own `infraSiblings` over the texts of the scan's YAML and JS/TS files, so a shard
 * joins exactly what the whole scan joins. Only read when the shard has such a file.
 */
function crossFileContext(reportFiles: ReadonlySet<string>, everything: readonly string[], cwd: string, maxBytes: number): string[] {
  const kinds = new Set([...reportFiles].map(crossFileKind).filter((k) => k !== undefined));
  if (kinds.size === 0) return [];
  const texts = new Map<string, string>();
  for (const file of everything) {
    const kind = crossFileKind(file);
    if (kind === undefined || !kinds.has(kind)) continue;
    const text = readSourceFileSync(path.resolve(cwd, file), maxBytes);
    if (text.ok) texts.set(file, text.text);
  }
  const siblingsOf = infraSiblings(texts);
  const out = new Set<string>();
  for (const file of reportFiles) if (texts.has(file)) for (const sibling of siblingsOf(file)) out.add(sibling.file);
  return [...out];
}

function crossFileKind(file: string): "yaml" | "javascript" | undefined {
  if (/\.ya?ml$/i.test(file)) return "yaml";
  return infraFileKind(file) === "javascript" ? "javascript" : undefined;
}

/**
 * With --cache in a partial scan (pre-commit, a shard): the context migrations the sibling index
 * knows unchanged (same size and mtime), taken out of the files to read, with their header facts.
 */
export function takeIndexed(
  discovered: Discovered,
  index: SiblingIndex,
  cwd: string,
  config: GonogoConfig,
  context: ExtractContext,
  base?: ConfigBase,
): { discovered: Discovered; indexed: Map<string, FileFacts> } {
  const indexed = new Map<string, FileFacts>();
  const reportFiles = discovered.reportFiles;
  if (!reportFiles) return { discovered, indexed };
  // The dialect each file would be read with (from alembic.ini / env.py on disk, as extract finds it).
  const dialectOf = dialectResolver({ cwd, config, texts: new Map(), ...(base ? { base } : {}) });
  const files = discovered.files.filter(({ file, content }) => {
    if (content !== undefined || reportFiles.has(file) || !isIndexable(file)) return true;
    const facts = index.lookup(file, cwd, dialectOf(file) ?? context.dialect);
    if (facts) indexed.set(file, facts);
    return !facts;
  });
  return { discovered: indexed.size > 0 ? { ...discovered, files } : discovered, indexed };
}

/**
 * Reads (or decodes) every discovered file; bytecode is never read. With --cache (`cache`), a file
 * read alone whose stat stamp is the one the cache recorded is not read: its hash is the recorded
 * one. Every other such file read has its stamp and hash recorded (unless racy: file-stamp.ts).
 */
export function read(discovered: Discovered, cwd: string, maxBytes: number, context: ExtractContext, cache?: FactsCache): LoadedFile[] {
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
    if (compiled) {
      const outcome = compiledMigrationOutcome(file, cwd);
      if (outcome !== "skip") files.push({ file, outcome });
      continue;
    }
    const absolute = path.resolve(cwd, file);
    if (!cache || readAcrossFiles(file)) {
      files.push({ file, outcome: readSourceFileSync(absolute, maxBytes) });
      continue;
    }
    if (cache.hasStamp(file)) {
      let info: Stats | undefined;
      try {
        info = statSync(absolute);
      } catch {
        info = undefined;
      }
      const hash = info?.isFile() && info.size <= maxBytes ? cache.knownHash(file, stampOf(info)) : undefined;
      if (hash !== undefined) {
        files.push({ file, outcome: { ok: true, unread: true }, hash });
        continue;
      }
    }
    let info: Stats | undefined;
    const outcome = readSourceFileSync(absolute, maxBytes, (opened) => (info = opened));
    if (!outcome.ok || !info) {
      files.push({ file, outcome });
      continue;
    }
    const hash = contentHash(outcome.text);
    cache.recordStamp(file, stampOf(info), hash);
    files.push({ file, outcome, hash });
  }
  return files;
}

/** The directories whose Python files judging these files' migrations needs: each .py file's own, and the version locations of its Alembic environment (with their subdirectories when the environment is recursive). */
function environmentDirectories(files: Iterable<string>, environmentOf: (directory: string) => Environment, subdirectories: (dir: string) => string[] = () => []): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  for (const file of files) {
    if (!file.endsWith(".py")) continue;
    const dir = directoryOf(file);
    if (seen.has(dir)) continue;
    seen.add(dir);
    out.add(dir);
    const environment = environmentOf(dir);
    for (const location of environment.directories) {
      if (out.has(location)) continue;
      out.add(location);
      if (environment.recursive) for (const sub of subdirectories(location)) out.add(sub);
    }
  }
  return [...out];
}

/** Lists a directory (not recursive, ignored paths left out), cached: files of one extension, or every subdirectory below it. */
function directoryLister(cwd: string, isIgnored: (file: string) => boolean): { files: (dir: string, extension: string) => string[]; subdirectories: (dir: string) => string[] } {
  const cache = new Map<string, { files: string[]; dirs: string[] }>();
  const entries = (dir: string) => {
    let found = cache.get(dir);
    if (!found) {
      found = { files: [], dirs: [] };
      try {
        for (const e of readdirSync(path.resolve(cwd, dir), { withFileTypes: true })) {
          // Normalised: a version location above the working directory (`..`) lists it as `.`.
          const rel = dir === "." ? e.name : dir.startsWith("..") ? toPosix(path.relative(cwd, path.resolve(cwd, dir, e.name))) || "." : `${dir}/${e.name}`;
          if (isIgnored(rel)) continue;
          if (e.isFile()) found.files.push(rel);
          else if (e.isDirectory() && !isIgnored(`${rel}/`)) found.dirs.push(rel);
        }
      } catch {
        // A directory that does not exist (a version location not checked out) has no files.
      }
      cache.set(dir, found);
    }
    return found;
  };
  const subdirectories = (dir: string, depth = 0): string[] => (depth > 8 ? [] : entries(dir).dirs.flatMap((sub) => [sub, ...subdirectories(sub, depth + 1)]));
  return { files: (dir, extension) => entries(dir).files.filter((f) => f.endsWith(extension)), subdirectories };
}
