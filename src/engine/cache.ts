// The ESLint-style `--cache`: per-file FACTS (never findings: graph rules need every migration, and
// a finding depends on other files) keyed by the file's path and a hash of its content, valid only
// for the gonogo version and the analysis settings (config, dialect…) that produced them. A cache
// that cannot be read is ignored; one that cannot be written costs only the next run's time. The
// document is bound by an HMAC to a key the checkout cannot supply (see cache-key.ts): a cache file
// committed into the work tree, or edited, does not verify and is ignored.
import * as crypto from "node:crypto";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { ConfigError } from "./config.js";
import path from "node:path";
import type { FileFacts } from "../extract/facts.js";
import type { FileRole } from "../extract/index.js";
import { VERSION } from "../version.js";
import { cacheKey, cacheMac, verifyCacheMac } from "./cache-key.js";

export const DEFAULT_CACHE_LOCATION = ".gonogocache";
/**
 * Bumped when cached facts change shape or meaning without a version change (development builds).
 * 2: Python string values decode \N{…} and CRLF, YAML aliases and merge keys are resolved.
 * 3: the document carries an HMAC (cache-key.ts).
 * 4: CloudFormation inline Lambda code is read; JS test code against mocks is marked `mocked`.
 * 5: GitHub Actions workflows are recognised by content outside .github/workflows.
 * 6: Alembic table-comment operations name their table; rename_table reads keyword arguments.
 * 7: Alembic SQL through helper parameters, indexed containers and literal loops is read; a helper both directions run is one fact with `migration.directions`.
 */
const CACHE_FORMAT = 7;

export interface CachedFile {
  /** sha256 of the file's text. */
  hash: string;
  role: FileRole;
  /** Facts of a file whose role is not "none". */
  facts?: FileFacts;
}

interface CacheDocument {
  format: number;
  version: string;
  settings: string;
  /** HMAC of everything else (see `documentText`). */
  mac: string;
  files: Record<string, CachedFile>;
}

/** What the MAC covers: the header fields and the exact text of `files`. */
const macInput = (format: number, version: string, settings: string, filesJson: string) => `${format}\n${version}\n${settings}\n${filesJson}`;

/** The document's text up to its `files` value; `files` is last, so the rest is the files' JSON and a `}`. */
const documentHead = (format: number, version: string, settings: string, mac: string) =>
  `{"format":${format},"version":${JSON.stringify(version)},"settings":${JSON.stringify(settings)},"mac":${JSON.stringify(mac)},"files":`;

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
  private previous: Record<string, CachedFile> = {};
  private readonly next: Record<string, CachedFile> = {};
  readonly stats: FactsCacheStats = { hits: 0, misses: 0 };

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
    this.previous = this.load();
  }

  /** The hash of the analysis settings, and the key the document is bound to (the sibling index shares both). */
  readonly settings: string;
  readonly key: string;

  private load(): Record<string, CachedFile> {
    // The cache is written by renaming over the location: a location that is not gonogo's own
    // cache (a device such as /dev/full, a FIFO, a source file) is refused, never replaced.
    let info;
    try {
      info = lstatSync(this.file);
    } catch {
      return {}; // missing: start afresh
    }
    const refuse = (why: string) => new ConfigError(`--cache-location ${this.file}: ${why}; expected gonogo's cache file, a new path, or a directory ending in /`);
    if (info.isDirectory()) throw refuse("is a directory (end the path with / to keep the cache inside it)");
    if (!info.isFile()) throw refuse(info.isSymbolicLink() ? "is a symbolic link" : "is not a regular file (a device, FIFO or socket)");
    let document: CacheDocument | undefined;
    let text = "";
    try {
      text = readFileSync(this.file, "utf8");
      document = JSON.parse(text) as CacheDocument;
    } catch {
      document = undefined;
    }
    if (!document || typeof document !== "object" || typeof document.format !== "number" || typeof document.settings !== "string") {
      // A corrupt file under the cache's own name is a damaged cache: start afresh. Under any other
      // name it may be a source file (`--cache-location src/app.py`): refuse to overwrite it.
      if (path.basename(this.file) === DEFAULT_CACHE_LOCATION) return {};
      throw refuse("exists and is not a gonogo cache file (refusing to overwrite it)");
    }
    if (document.format !== CACHE_FORMAT || document.version !== this.version || document.settings !== this.settings || typeof document.mac !== "string") return {};
    // Not written under this key (forged, committed, edited, or another user's): not trusted.
    const head = documentHead(document.format, document.version, document.settings, document.mac);
    if (!text.startsWith(head) || !text.endsWith("}")) return {};
    if (!verifyCacheMac(this.key, macInput(document.format, document.version, document.settings, text.slice(head.length, -1)), document.mac)) return {};
    return document.files && typeof document.files === "object" ? document.files : {};
  }

  /** The cached role and facts of `file` when its content is unchanged; undefined on a miss. */
  get(file: string, hash: string): CachedFile | undefined {
    const entry = Object.hasOwn(this.previous, file) ? this.previous[file] : undefined;
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

  /**
   * Writes the cache atomically: this run's entries, plus the previous run's entries for files this
   * run did not look at (another shard, other paths), so shards and partial scans can share one.
   */
  save(): void {
    // Every file a hit: the cache on disk already says all this run knows.
    if (this.stats.misses === 0 && Object.keys(this.next).length === this.stats.hits) return;
    const filesJson = JSON.stringify({ ...this.previous, ...this.next });
    const mac = cacheMac(this.key, macInput(CACHE_FORMAT, this.version, this.settings, filesJson));
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temporary, `${documentHead(CACHE_FORMAT, this.version, this.settings, mac)}${filesJson}}`);
      renameSync(temporary, this.file);
    } catch {
      // An unwritable cache location slows the next run down; it never fails this one.
    }
  }
}
