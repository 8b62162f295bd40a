// The body of the cache file (cache.ts): the files' facts and their stat stamps, as ASCII JSON.
// Every location in a file's facts names the file (a path of ~75 characters, ~9 times per
// migration: a quarter of the bytes of a 10,000-migration cache), so a `file` equal to the entry's
// own path is written as 0 and put back on load: fewer bytes to read, MAC and parse, and one string
// per file instead of one per location. An entry that holds a real `file: 0` is written as is and
// listed under `full`. Each file's entry is a line of its own, parsed when the scan asks for it.
import type { FileFacts } from "../extract/facts.js";
import type { FileRole } from "../extract/index.js";
import type { Stamp } from "./file-stamp.js";

export interface CachedFile {
  /** sha256 of the file's text. */
  hash: string;
  role: FileRole;
  /** Facts of a file whose role is not "none". */
  facts?: FileFacts;
}

/** [size, mtimeMs, ctimeMs, ino, sha256 of the text]: a file's stamp when its text had that hash. */
export type StampEntry = [...Stamp, string];

export interface CacheBody {
  files: Record<string, CachedFile>;
  stamps: Record<string, StampEntry>;
}

/** The path an entry's key names (keys add `\0`-separated variants: header only, role, dialect). */
const pathOf = (key: string) => {
  const end = key.indexOf("\u0000");
  return end === -1 ? key : key.slice(0, end);
};

/** `json` with every non-ASCII character escaped (valid JSON, parsed back to the same strings). */
function ascii(json: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(json) ? json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : json;
}

/** One entry as the body writes it: its path once, `file: 0` for locations of that path (or in full, listed in `full`). */
function encodeEntry(key: string, entry: CachedFile): { json: string; full: boolean } {
  const path = pathOf(key);
  let clash = false;
  const slim = JSON.stringify(entry, (name, value: unknown) => {
    if (name !== "file") return value;
    if (value === 0) clash = true;
    return value === path ? 0 : value;
  });
  return clash ? { json: JSON.stringify(entry), full: true } : { json: slim, full: false };
}

/**
 * The body: a first line `{"full":[…],"stamps":{…}}`, then one line per file, its key as a JSON
 * string, a tab, and its entry. A key's JSON never holds a raw tab or newline (both are escaped),
 * so a line is split without parsing it: a scan parses only the entries it asks for (a pre-commit
 * run asks for one), and an entry it did not ask for is written back as it was read.
 */
export function encodeBody({ files, stamps }: CacheBody, kept: ReadonlyMap<string, RawEntry> = new Map()): string {
  const lines: string[] = [];
  const full: string[] = [];
  for (const [key, raw] of kept) {
    if (Object.hasOwn(files, key)) continue;
    if (raw.full) full.push(key);
    lines.push(`${JSON.stringify(key)}\t${raw.json}`);
  }
  for (const [key, entry] of Object.entries(files)) {
    const encoded = encodeEntry(key, entry);
    if (encoded.full) full.push(key);
    lines.push(`${JSON.stringify(key)}\t${encoded.json}`);
  }
  return ascii([JSON.stringify({ full, stamps }), ...lines].join("\n"));
}

/** An entry as read, not parsed yet. */
export interface RawEntry {
  json: string;
  full: boolean;
}

function restore(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === "object") restore(item, path);
    return;
  }
  const object = value as Record<string, unknown>;
  if (object.file === 0) object.file = path;
  for (const key in object) {
    const item = object[key];
    if (item !== null && typeof item === "object") restore(item, path);
  }
}

/** The entry a raw line holds, every `file: 0` back to its path; undefined when it does not parse. */
export function parseEntry(key: string, raw: RawEntry): CachedFile | undefined {
  try {
    const entry = JSON.parse(raw.json) as CachedFile;
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) return undefined;
    if (entry.facts && typeof entry.facts === "object" && !raw.full) restore(entry.facts, pathOf(key));
    return entry;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, never> => !!value && typeof value === "object" && !Array.isArray(value);

/** The body from its text (ASCII: decoded as Latin-1): the stamps, and each entry's line unparsed. Throws when the first line is not the body's. */
export function readBody(text: string): { entries: Map<string, RawEntry>; stamps: CacheBody["stamps"] } {
  const firstEnd = text.indexOf("\n");
  const meta = JSON.parse(firstEnd === -1 ? text : text.slice(0, firstEnd)) as { full?: unknown; stamps?: unknown };
  if (!isRecord(meta)) throw new Error("not a cache body");
  const full = new Set<unknown>(Array.isArray(meta.full) ? meta.full : []);
  const entries = new Map<string, RawEntry>();
  let start = firstEnd === -1 ? text.length : firstEnd + 1;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const tab = text.indexOf("\t", start);
    if (tab !== -1 && tab < end) {
      const written = text.slice(start, tab);
      // A key without escapes is its text between the quotes.
      const key = written.includes("\\") ? (JSON.parse(written) as unknown) : written.slice(1, -1);
      if (typeof key === "string") entries.set(key, { json: text.slice(tab + 1, end), full: full.has(key) });
    }
    start = end + 1;
  }
  return { entries, stamps: isRecord(meta.stamps) ? meta.stamps : {} };
}

/** Every entry parsed (tests, tools): entries that do not parse are left out. */
export function decodeBody(text: string): CacheBody {
  const { entries, stamps } = readBody(text);
  const files: Record<string, CachedFile> = {};
  for (const [key, raw] of entries) {
    const entry = parseEntry(key, raw);
    if (entry) files[key] = entry;
  }
  return { files, stamps };
}
