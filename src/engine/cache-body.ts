// The body of the cache file (cache.ts): the files' facts and their stat stamps, as ASCII JSON.
// Every location in a file's facts names the file (a path of ~75 characters, ~9 times per
// migration: a quarter of the bytes of a 10,000-migration cache), so a `file` equal to the entry's
// own path is written as 0 and put back on load: fewer bytes to read, MAC and parse, and one string
// per file instead of one per location. An entry that holds a real `file: 0` is written as is and
// listed under `full`.
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

export function encodeBody({ files, stamps }: CacheBody): string {
  const entries: string[] = [];
  const full: string[] = [];
  for (const [key, entry] of Object.entries(files)) {
    const path = pathOf(key);
    let clash = false;
    const slim = JSON.stringify(entry, (name, value: unknown) => {
      if (name !== "file") return value;
      if (value === 0) clash = true;
      return value === path ? 0 : value;
    });
    if (clash) full.push(key);
    entries.push(`${JSON.stringify(key)}:${clash ? JSON.stringify(entry) : slim}`);
  }
  return ascii(`{"files":{${entries.join(",")}},"full":${JSON.stringify(full)},"stamps":${JSON.stringify(stamps)}}`);
}

const isRecord = (value: unknown): value is Record<string, never> => !!value && typeof value === "object" && !Array.isArray(value);

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

/** The body from its text (ASCII: decoded as Latin-1), every `file: 0` back to its entry's path. */
export function decodeBody(text: string): CacheBody {
  const parsed = JSON.parse(text) as { files?: unknown; full?: unknown; stamps?: unknown };
  const files = isRecord(parsed.files) ? (parsed.files as Record<string, CachedFile>) : {};
  const full = new Set(Array.isArray(parsed.full) ? parsed.full : []);
  for (const key in files) {
    const facts = files[key]?.facts;
    if (facts && typeof facts === "object" && !full.has(key)) restore(facts, pathOf(key));
  }
  return { files, stamps: isRecord(parsed.stamps) ? parsed.stamps : {} };
}
