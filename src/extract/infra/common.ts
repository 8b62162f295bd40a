// Shared pieces of the infra extractors: text embedded in another file (a shell script inside a
// YAML or JSON string), storage-action and problem builders, and the bucket inventory shape used
// for diff awareness.
import { parseDirectiveComment } from "../directives.js";
import type { FileFacts, ParseProblem, StorageAction, StorageProvider } from "../facts.js";
import type { SourceText } from "../source.js";
import type { SourceLocation } from "../../types.js";

/**
 * A string value that came from a file (a YAML `run:` block, a JSON script, a JS string): its
 * decoded text and, for each of its UTF-16 offsets, the offset in the file it came from.
 */
export interface EmbeddedText {
  text: string;
  /** offsets[i] = file offset of text[i]; offsets[text.length] = file offset just past the value. */
  offsets: number[];
}

/** Text that sits verbatim in the file at `start`. */
export function verbatimText(text: string, start: number): EmbeddedText {
  const offsets = new Array<number>(text.length + 1);
  for (let i = 0; i <= text.length; i++) offsets[i] = start + i;
  return { text, offsets };
}

/**
 * Aligns a decoded value with the file text it was decoded from (`file.slice(start, end)`):
 * indentation of block scalars, quotes, escapes and folded line breaks are skipped. Characters that
 * cannot be aligned keep the position of the last aligned one, so a location is never far off.
 */
export function alignedText(value: string, file: string, start: number, end: number): EmbeddedText {
  const offsets = new Array<number>(value.length + 1);
  let p = start;
  for (let i = 0; i < value.length; i++) {
    let q = p;
    let skipped = 0;
    while (q < end && file[q] !== value[i] && skipped < 256) {
      q++;
      skipped++;
    }
    if (q < end && file[q] === value[i]) {
      offsets[i] = q;
      p = q + 1;
    } else {
      offsets[i] = Math.min(p, end);
    }
  }
  offsets[value.length] = Math.min(Math.max(p, start), end);
  return { text: value, offsets };
}

/** A shell parameter name standing for a value written in JS or Python: `process.env.B` → `process_env_B` (same length when it can be). */
export function parameterName(written: string): string {
  let name = "";
  for (const ch of written) name += (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "_" ? ch : "_";
  if (name === "" || (name[0]! >= "0" && name[0]! <= "9")) name = `_${name.slice(1)}`;
  return name;
}

/**
 * `${name}` standing for a value written in JS or Python at [start, end) of the file (`written`, its
 * source): every character of the word maps into the value, the end to the value's end.
 */
export function unknownWordAt(start: number, end: number, written: string): EmbeddedText {
  const text = `\${${parameterName(written)}}`;
  const offsets = Array.from({ length: text.length + 1 }, (_, i) => Math.min(end - 1, start + i));
  offsets[text.length] = end;
  return { text, offsets };
}

/** Embedded texts one after the other, each character still mapped to its place in the file. */
export function joinEmbedded(parts: EmbeddedText[]): EmbeddedText {
  const offsets: number[] = [];
  let text = "";
  for (const [i, part] of parts.entries()) {
    text += part.text;
    offsets.push(...part.offsets.slice(0, part.text.length));
    if (i === parts.length - 1) offsets.push(part.offsets[part.text.length]!);
  }
  return { text, offsets };
}

/** File offset of embedded offset `i`. */
export function fileOffset(embedded: EmbeddedText, i: number): number {
  const clamped = Math.max(0, Math.min(i, embedded.text.length));
  return embedded.offsets[clamped]!;
}

/** Location in the file of the embedded range [start, end). */
export function embeddedLocation(source: SourceText, embedded: EmbeddedText, start: number, end: number): SourceLocation {
  const a = fileOffset(embedded, start);
  // The end is one past the last character: map the last character and step over it.
  const b = end > start ? fileOffset(embedded, end - 1) + 1 : a;
  return source.location(a, Math.max(a, b));
}

/** A bucket resource or R2 binding that exists in a file: what `storageActionsRemovedSince` compares. */
export interface BucketResource {
  /** Identity across revisions: the same key at base and now means the same resource. */
  key: string;
  provider: StorageProvider;
  source: string;
  /** `aws_s3_bucket.logs`, `LogsBucket`, `r2_buckets[ASSETS]` … */
  resource: string;
  bucket?: string;
  location: SourceLocation;
  /**
   * Not a bucket resource but a statement that the resource at `key` is gone on purpose: a
   * Terraform `removed` or `moved` block. It counts as present now (the base comparison does not
   * report the resource as removed; a `removed` block that destroys is reported where it is), and
   * it is never a base bucket (deleting the block once applied is not a removal).
   */
  retired?: boolean;
}

/** What one infra extractor yields for one file. */
export interface InfraAnalysis {
  facts: FileFacts;
  buckets: BucketResource[];
}

/** What a command does to storage, before it is given a location (shell.ts, storage-clis.ts). */
export interface CommandEffect {
  kind: StorageAction["kind"];
  provider: StorageAction["provider"];
  operation: string;
  bucket?: string;
  resource?: string;
}

export function storageAction(
  kind: StorageAction["kind"],
  provider: StorageProvider,
  source: string,
  operation: string,
  location: SourceLocation,
  extra: { bucket?: string | undefined; resource?: string | undefined } = {},
): StorageAction {
  const action: StorageAction = { kind, provider, source, operation, location };
  if (extra.bucket !== undefined && extra.bucket !== "") action.bucket = extra.bucket;
  if (extra.resource !== undefined && extra.resource !== "") action.resource = extra.resource;
  return action;
}

export function infraProblem(
  language: ParseProblem["language"],
  message: string,
  location: SourceLocation,
  wholeFile = true,
): ParseProblem {
  return { language, wholeFile, family: "infra", message, location };
}

/** Adds a directive for a comment whose text (marker included) spans [start, end) in the file. */
export function addCommentDirective(facts: FileFacts, source: SourceText, comment: string, start: number, end: number): void {
  const body = stripCommentMarker(comment);
  if (body === undefined) return;
  const directive = parseDirectiveComment(body, source.location(start, end));
  if (directive) facts.directives.push(directive);
}

function stripCommentMarker(comment: string): string | undefined {
  const text = comment.trim();
  if (text.startsWith("#")) return text.slice(1);
  if (text.startsWith("//")) return text.slice(2);
  if (text.startsWith("/*")) return text.slice(2, text.endsWith("*/") ? -2 : undefined);
  return undefined;
}

/** `s3://bucket/prefix` → `bucket`; anything else undefined. */
export function bucketFromS3Uri(uri: string): string | undefined {
  if (!uri.startsWith("s3://")) return undefined;
  const rest = uri.slice("s3://".length);
  const slash = rest.indexOf("/");
  const name = slash === -1 ? rest : rest.slice(0, slash);
  return name === "" ? undefined : name;
}
