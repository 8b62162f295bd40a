// The ESLint-style `--cache`: per-file FACTS (never findings: graph rules need every migration, and
// a finding depends on other files) keyed by the file's path and a hash of its content, valid only
// for the gonogo version and the analysis settings (config, dialect…) that produced them. A cache
// that cannot be read is ignored; one that cannot be written costs only the next run's time. The
// document is bound by an HMAC to a key the checkout cannot supply (see cache-key.ts): a cache file
// committed into the work tree, or edited, does not verify and is ignored.
//
// Beside the facts, each file's stat stamp (file-stamp.ts) and the hash of its text: a warm scan
// knows an unchanged file's hash from one `stat`, without opening it. The file on disk is one header
// line (format, version, settings, MAC) and the body; the body is pure ASCII (non-ASCII characters
// are written as \u escapes), so it is decoded as Latin-1 without a UTF-8 pass, and the MAC is
// computed over its bytes as read, never over a re-encoded 27 MB string.
import * as crypto from "node:crypto";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { ConfigError } from "./config.js";
import path from "node:path";
import { VERSION } from "../version.js";
import { cacheKey, cacheMac, verifyCacheMac } from "./cache-key.js";
import { sameStamp, settled, type Stamp } from "./file-stamp.js";
import { encodeBody, parseEntry, readBody, type CachedFile, type RawEntry, type StampEntry } from "./cache-body.js";

export type { CachedFile } from "./cache-body.js";

export const DEFAULT_CACHE_LOCATION = ".gonogocache";
/**
 * Bumped when cached facts change shape or meaning without a version change (development builds).
 * 2: Python string values decode \N{…} and CRLF, YAML aliases and merge keys are resolved.
 * 3: the document carries an HMAC (cache-key.ts).
 * 4: CloudFormation inline Lambda code is read; JS test code against mocks is marked `mocked`.
 * 5: GitHub Actions workflows are recognised by content outside .github/workflows.
 * 6: Alembic table-comment operations name their table; rename_table reads keyword arguments.
 * 7: Alembic SQL through helper parameters, indexed containers and literal loops is read; a helper both directions run is one fact with `migration.directions`.
 * 8: a header line and an ASCII body MACed as bytes; the body holds the files' stat stamps beside their facts (cache-body.ts).
 * 9: Python files' facts hold the commands they run (subprocess, os.system…: python-commands.ts).
 * 10: s3cmd, mc and rclone commands are classified (storage-clis.ts).
 * 11: one line per file in the body, parsed when asked for (cache-body.ts).
 * 12: Python command lines built with `.format()` / `%` have their placeholders filled in (python-commands.ts).
 */
const CACHE_FORMAT = 12;

/** The header line of the document; the MAC covers the other fields and the body's bytes. */
interface CacheHeader {
  format: number;
  version: string;
  settings: string;
  mac: string;
}

/** What the MAC covers besides the body's bytes. */
const macPrefix = (format: number, version: string, settings: string) => `${format}\n${version}\n${settings}\n`;

/** sha256 of `text`, hex: one-shot `crypto.hash` (Node ≥ 20.12) where available, ~40 % cheaper per file than a Hash object. */
export function contentHash(text: string): string {
  // A namespace lookup, not a named import: on Node < 20.12 a named import of `hash` fails to link.
  return typeof crypto.hash === "function" ? crypto.hash("sha256", text, "hex") : createHash("sha256").update(text).digest("hex");
}

/** A stable hash of anything JSON-like: object keys sorted, so key order never invalidates. */
export function settingsHash(settings: unknown): string {
  return createHash("sha256").update(stableStringify(settings)).digest("hex");
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Where the cache lives: a directory (existing, or given with a trailing slash) holds `.gonogocache`. */
export function resolveCacheLocation(cwd: string, location: string | undefined): string {
  const resolved = path.resolve(cwd, location ?? DEFAULT_CACHE_LOCATION);
  if (location !== undefined && /[\\/]$/.test(location)) return path.join(resolved, DEFAULT_CACHE_LOCATION);
  return resolved;
}

export interface FactsCacheStats {
  hits: number;
  misses: number;
}

export class FactsCache {
  /** The previous run's entries, as read: each is parsed when asked for. */
  private previous = new Map<string, RawEntry>();
  private readonly next: Record<string, CachedFile> = {};
  private previousStamps: Record<string, StampEntry> = {};
  private readonly nextStamps: Record<string, StampEntry> = {};
  /** Stamps of the previous run that no longer hold (the file changed too recently to record a new one). */
  private readonly droppedStamps = new Set<string>();
  private stampsChanged = false;
  readonly stats: FactsCacheStats = { hits: 0, misses: 0 };
  /** When this run started: stamps of files changed after `startedAt - SETTLED_MS` are not recorded (file-stamp.ts). */
  readonly startedAt = Date.now();

  /**
   * @param file the cache file
   * @param settings everything besides a file's content that changes its facts (config, dialect…)
   * @param version the gonogo version (a new version may extract differently)
   * @param key the secret the document is bound to (default: `cacheKey()`, the user's key)
   */
  constructor(
    readonly file: string,
    settings: unknown,
    private readonly version: string = VERSION,
    key?: string,
  ) {
    this.settings = settingsHash(settings);
    this.key = key ?? cacheKey(path.dirname(file));
    const body = this.load();
    this.previous = body.entries;
    this.previousStamps = body.stamps;
  }

  /** The hash of the analysis settings, and the key the document is bound to (the sibling index shares both). */
  readonly settings: string;
  readonly key: string;

  private load(): ReturnType<typeof readBody> {
    const empty = { entries: new Map<string, RawEntry>(), stamps: {} };
    // The cache is written by renaming over the location: a location that is not gonogo's own
    // cache (a device such as /dev/full, a FIFO, a source file) is refused, never replaced.
    let info;
    try {
      info = lstatSync(this.file);
    } catch {
      return empty; // missing: start afresh
    }
    const refuse = (why: string) => new ConfigError(`--cache-location ${this.file}: ${why}; expected gonogo's cache file, a new path, or a directory ending in /`);
    if (info.isDirectory()) throw refuse("is a directory (end the path with / to keep the cache inside it)");
    if (!info.isFile()) throw refuse(info.isSymbolicLink() ? "is a symbolic link" : "is not a regular file (a device, FIFO or socket)");
    let bytes: Buffer | undefined;
    let header: Partial<CacheHeader> | undefined;
    let newline = -1;
    try {
      bytes = readFileSync(this.file);
      newline = bytes.indexOf(10);
      // Before format 8 the document was one JSON object on one line: recognised, then replaced.
      header = JSON.parse(bytes.toString("utf8", 0, newline === -1 ? bytes.length : newline)) as Partial<CacheHeader>;
    } catch {
      header = undefined;
    }
    if (!bytes || !header || typeof header !== "object" || typeof header.format !== "number" || typeof header.settings !== "string") {
      // A corrupt file under the cache's own name is a damaged cache: start afresh. Under any other
      // name it may be a source file (`--cache-location src/app.py`): refuse to overwrite it.
      if (path.basename(this.file) === DEFAULT_CACHE_LOCATION) return empty;
      throw refuse("exists and is not a gonogo cache file (refusing to overwrite it)");
    }
    if (newline === -1 || header.format !== CACHE_FORMAT || header.version !== this.version || header.settings !== this.settings) return empty;
    // Not written under this key (forged, committed, edited, or another user's): not trusted.
    const body = bytes.subarray(newline + 1);
    if (!verifyCacheMac(this.key, header.mac, macPrefix(header.format, header.version, header.settings), body)) return empty;
    try {
      // ASCII by construction (encodeBody), and the MAC says this key wrote it: Latin-1 is its exact decoding.
      return readBody(body.toString("latin1"));
    } catch {
      return empty;
    }
  }

  /** The cached role and facts of `file` when its content is unchanged; undefined on a miss. */
  get(file: string, hash: string): CachedFile | undefined {
    const raw = this.previous.get(file);
    const entry = raw === undefined ? undefined : parseEntry(file, raw);
    if (entry && entry.hash === hash) {
      this.stats.hits++;
      this.next[file] = entry;
      return entry;
    }
    this.stats.misses++;
    return undefined;
  }

  set(file: string, entry: CachedFile): void {
    this.next[file] = entry;
  }

  /** Whether a stamp is recorded for `file` (a `stat` may then spare reading it). */
  hasStamp(file: string): boolean {
    return Object.hasOwn(this.previousStamps, file);
  }

  /** The hash of `file`'s text when `stamp` is the one recorded with it (the file need not be read); else undefined. */
  knownHash(file: string, stamp: Stamp): string | undefined {
    const entry = Object.hasOwn(this.previousStamps, file) ? this.previousStamps[file] : undefined;
    if (!entry || !sameStamp(entry, stamp) || typeof entry[4] !== "string") return undefined;
    this.nextStamps[file] = entry;
    return entry[4];
  }

  /** Records `file`'s stamp, taken before its text (whose hash is `hash`) was read, unless it is racy. */
  recordStamp(file: string, stamp: Stamp, hash: string): void {
    const old = Object.hasOwn(this.previousStamps, file) ? this.previousStamps[file] : undefined;
    if (!settled(stamp, this.startedAt)) {
      // Changed too recently for its stamp to tell a later change: read again next run.
      if (old) {
        this.droppedStamps.add(file);
        this.stampsChanged = true;
      }
      return;
    }
    if (!old || !sameStamp(old, stamp) || old[4] !== hash) this.stampsChanged = true;
    this.nextStamps[file] = [...stamp, hash];
  }

  /**
   * Writes the cache atomically: this run's entries, plus the previous run's entries for files this
   * run did not look at (another shard, other paths), so shards and partial scans can share one.
   */
  save(): void {
    // Every file a hit, every stamp as recorded: the cache on disk already says all this run knows.
    if (this.stats.misses === 0 && Object.keys(this.next).length === this.stats.hits && !this.stampsChanged) return;
    const stamps = { ...this.previousStamps, ...this.nextStamps };
    for (const file of this.droppedStamps) if (!Object.hasOwn(this.nextStamps, file)) delete stamps[file];
    // Entries this run did not look at are written back as they were read, without parsing them.
    const body = encodeBody({ files: this.next, stamps }, this.previous);
    const mac = cacheMac(this.key, macPrefix(CACHE_FORMAT, this.version, this.settings), body);
    const header: CacheHeader = { format: CACHE_FORMAT, version: this.version, settings: this.settings, mac };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temporary, `${JSON.stringify(header)}\n${body}`);
      renameSync(temporary, this.file);
    } catch {
      // An unwritable cache location slows the next run down; it never fails this one.
    }
  }
}
