// The sibling index (with --cache): the revision header of each migration read only as context (the
// siblings of the files a pre-commit hook names, or of a shard's migrations), kept next to the
// cache and keyed by the file's stat stamp (file-stamp.ts: size, mtime, ctime, inode), so the next
// one-file scan takes them without opening, hashing or parsing the other 999 files. A file whose
// stamp changed is read and analysed as before, and its entry replaced.
//
// Trust, as for the cache: the document is bound by an HMAC to the user's cache key, to the gonogo
// version and to the analysis settings; a document that does not verify is ignored. A stamp is only
// recorded for a file that had not changed for 2 seconds when the run started (the racy case,
// file-stamp.ts), so a file rewritten within the file system's timestamp granularity is never
// mistaken for the old one.
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FileFacts } from "../extract/facts.js";
import { VERSION } from "../version.js";
import { cacheMac, verifyCacheMac } from "./cache-key.js";
import { sameStamp, settled, stampOf, type Stamp } from "./file-stamp.js";

/**
 * 1: size, mtime, content hash, dialect and the header facts of a context migration.
 * 2: the whole stat stamp (size, mtime, ctime, inode), shared with the cache.
 */
const INDEX_FORMAT = 2;

/** [stat stamp, sha256 of the text, the dialect it was read with, its header facts]. */
type Entry = [Stamp, string, string, FileFacts];

/** Where the index of the cache file `cacheFile` lives. */
export const siblingIndexLocation = (cacheFile: string) => `${cacheFile}.siblings`;

/** Context files the index may answer for: Python beside a named file, never the named files. */
export function isIndexable(file: string): boolean {
  const base = path.posix.basename(file);
  return file.endsWith(".py") && base !== "env.py" && base !== "__init__.py";
}

export class SiblingIndex {
  private previous: Record<string, Entry> = {};
  private readonly next: Record<string, Entry> = {};
  private changed = false;
  /** Something other than a sibling index is at the location: leave it alone. */
  private foreign = false;
  /** Stamps of files changed after `startedAt - SETTLED_MS` are not recorded. */
  private readonly startedAt = Date.now();

  /** @param settings the cache's settings hash (config, dialect…): another analysis, another index. */
  constructor(
    readonly file: string,
    private readonly settings: string,
    private readonly key: string,
    private readonly version: string = VERSION,
  ) {
    this.previous = this.load();
  }

  private load(): Record<string, Entry> {
    let info;
    try {
      info = lstatSync(this.file);
    } catch {
      return {}; // missing: start afresh
    }
    // Only gonogo's own regular file is read or replaced: never a link, a device or another file
    // that happens to sit at <cache>.siblings.
    this.foreign = true;
    try {
      if (!info.isFile()) return {};
      const text = readFileSync(this.file, "utf8");
      const newline = text.indexOf("\n");
      const head = JSON.parse(text.slice(0, newline)) as { index?: unknown; format?: unknown; version?: unknown; settings?: unknown; mac?: unknown };
      if (head.index !== "gonogo-sibling-index") return {};
      this.foreign = false;
      const body = text.slice(newline + 1);
      if (head.format !== INDEX_FORMAT || head.version !== this.version || head.settings !== this.settings) return {};
      if (!verifyCacheMac(this.key, head.mac, this.macInput(body))) return {};
      const files = JSON.parse(body) as unknown;
      return files && typeof files === "object" && !Array.isArray(files) ? (files as Record<string, Entry>) : {};
    } catch {
      return {}; // missing or damaged: start afresh
    }
  }

  private macInput(body: string): string {
    return `sibling-index\n${INDEX_FORMAT}\n${this.version}\n${this.settings}\n${body}`;
  }

  /** The header facts recorded for `file` (relative to `cwd`) when its size and mtime are unchanged. */
  lookup(file: string, cwd: string, dialect: string): FileFacts | undefined {
    const entry = Object.hasOwn(this.previous, file) ? this.previous[file] : undefined;
    if (!entry) return undefined;
    let info;
    try {
      info = statSync(path.resolve(cwd, file));
    } catch {
      return undefined;
    }
    if (!info.isFile() || !Array.isArray(entry[0]) || !sameStamp(entry[0], stampOf(info)) || entry[2] !== dialect) return undefined;
    this.next[file] = entry;
    return entry[3];
  }

  /** Records the header facts of `file`, read this run with the text hash `hash`, unless it changed too recently to trust its stamp. */
  record(file: string, cwd: string, hash: string, dialect: string, facts: FileFacts): void {
    let info;
    try {
      info = statSync(path.resolve(cwd, file));
    } catch {
      return;
    }
    const stamp = stampOf(info);
    if (!info.isFile() || !settled(stamp, this.startedAt)) return;
    const old = Object.hasOwn(this.previous, file) ? this.previous[file] : undefined;
    // The same content under a new stamp (a checkout, a touch): only the stamp changes.
    if (!old || !Array.isArray(old[0]) || !sameStamp(old[0], stamp) || old[1] !== hash || old[2] !== dialect) this.changed = true;
    this.next[file] = [stamp, hash, dialect, JSON.parse(JSON.stringify(facts)) as FileFacts];
  }

  /** Writes the index atomically when this run learned something; an unwritable location costs only speed. */
  save(): void {
    if (!this.changed || this.foreign) return;
    const body = JSON.stringify({ ...this.previous, ...this.next });
    const head = JSON.stringify({ index: "gonogo-sibling-index", format: INDEX_FORMAT, version: this.version, settings: this.settings, mac: cacheMac(this.key, this.macInput(body)) });
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temporary, `${head}\n${body}`);
      renameSync(temporary, this.file);
    } catch {
      // Slower next time, never wrong.
    }
  }
}
