// Python string literals → their value plus a map from each character of the value back to its
// offset in the source, so SQL found inside a string is located exactly.
import { characterNamed } from "../../parsers/python-names.js";
import type { PyNode } from "./nodes.js";

/** A string value assembled from one or more literals, with the source offset of every character. */
export interface MappedString {
  value: string;
  /** offsets[i] = source offset of value[i]; offsets[value.length] = offset just past the last piece. */
  offsets: number[];
}

export function mapOffsetOf(mapped: MappedString): (index: number) => number {
  return (index) => mapped.offsets[Math.min(Math.max(index, 0), mapped.offsets.length - 1)] ?? 0;
}

export function concatMapped(parts: MappedString[]): MappedString {
  const value = parts.map((p) => p.value).join("");
  const offsets: number[] = [];
  for (const part of parts) for (let i = 0; i < part.value.length && i < part.offsets.length; i++) offsets.push(part.offsets[i]!);
  const last = parts[parts.length - 1];
  offsets.push(last ? last.offsets[last.value.length]! : 0);
  return { value, offsets };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  // A backslash before a line break joins the lines (CRLF is one line break for Python).
  "\n": "",
  "\r\n": "",
  "\r": "",
};

function decodeEscape(text: string): string {
  const body = text.slice(1);
  const simple = SIMPLE_ESCAPES[body];
  if (simple !== undefined) return simple;
  const kind = body[0];
  if (kind === "x" || kind === "u" || kind === "U") return String.fromCodePoint(parseInt(body.slice(1), 16));
  if (kind !== undefined && kind >= "0" && kind <= "7") return String.fromCodePoint(parseInt(body, 8));
  // \N{NAME}: the character Python names (a line feed ends a SQL comment as the database will end it).
  if (kind === "N" && body[1] === "{" && body.endsWith("}")) return characterNamed(body.slice(2, -1));
  // Unknown escapes: Python keeps the backslash and the character.
  return text;
}

/**
 * A `string` node written without prefix letters and without a backslash, and closed ("…", '…',
 * """…""", '''…'''): its value is the text between the quotes, character for character, so it is
 * read from the source text without asking tree-sitter for the node's children (string_start,
 * string_content, string_end), which was most of the cost of reading the table and column names
 * of a migration. Returns the quote length, or 0 when the node's children must be read.
 */
function plainQuoteLength(node: PyNode): number {
  const text = node.text;
  const first = text[0];
  // A CR (of a CRLF) is not part of the value: Python reads CRLF as one line break.
  if ((first !== '"' && first !== "'") || text.includes("\\") || text.includes("\r")) return 0;
  const triple = first.repeat(3);
  if (text.startsWith(triple)) return text.length >= 6 && text.endsWith(triple) ? 3 : 0;
  // A one-quote literal spans one line; anything else is tree-sitter recovering from an error.
  return text.length >= 2 && text.endsWith(first) && !text.includes("\n") ? 1 : 0;
}

/** The prefix letters of a string literal (r, b, f, u, combinations), lower-cased. */
export function stringPrefix(node: PyNode): string {
  const start = node.children.find((c) => c.type === "string_start");
  return (start?.text ?? "").replace(/['"]/g, "").toLowerCase();
}

/** Whether a `string` node is an f-string with at least one `{…}` placeholder. */
export function hasInterpolation(node: PyNode): boolean {
  // Only f-strings hold interpolations, and a literal that opens with its quote has no prefix.
  const first = node.text[0];
  if (first === '"' || first === "'") return false;
  return node.children.some((c) => c.type === "interpolation");
}

/**
 * Decodes a `string` node (no interpolation) or a `concatenated_string` into its value. Returns
 * undefined for f-strings with placeholders and for bytes literals.
 */
export function decodeStringNode(node: PyNode): MappedString | undefined {
  if (node.type === "concatenated_string") {
    const parts: MappedString[] = [];
    for (const child of node.namedChildren) {
      if (child.type !== "string") continue;
      const part = decodeStringNode(child);
      if (!part) return undefined;
      parts.push(part);
    }
    return concatMapped(parts);
  }
  if (node.type !== "string") return undefined;
  const quoteLength = plainQuoteLength(node);
  if (quoteLength > 0) {
    const start = node.startIndex + quoteLength;
    const end = node.endIndex - quoteLength;
    const offsets: number[] = [];
    // offsets[value.length] is where string_end starts, as in the general case below.
    for (let i = start; i <= end; i++) offsets.push(i);
    return { value: node.text.slice(quoteLength, node.text.length - quoteLength), offsets };
  }
  if (hasInterpolation(node)) return undefined;
  const prefix = stringPrefix(node);
  if (prefix.includes("b")) return undefined;
  const raw = prefix.includes("r");
  let value = "";
  const offsets: number[] = [];
  let end = node.endIndex;
  for (const child of node.children) {
    if (child.type === "string_start") continue;
    if (child.type === "string_end") {
      end = child.startIndex;
      continue;
    }
    if (child.type !== "string_content") continue;
    let cursor = child.startIndex;
    const escapes = raw ? [] : child.children.filter((c) => c.type === "escape_sequence");
    const pushText = (from: number, to: number) => {
      const text = child.text.slice(from - child.startIndex, to - child.startIndex);
      for (let i = 0; i < text.length; i++) {
        // CRLF in the source is one "\n" in the value (Python's universal newlines), where the CR is.
        if (text[i] === "\r" && text[i + 1] === "\n") {
          value += "\n";
          offsets.push(from + i);
          i++;
          continue;
        }
        value += text[i];
        offsets.push(from + i);
      }
    };
    for (const escape of escapes) {
      pushText(cursor, escape.startIndex);
      const decoded = decodeEscape(escape.text);
      for (let i = 0; i < decoded.length; i++) {
        value += decoded[i];
        offsets.push(escape.startIndex);
      }
      cursor = escape.endIndex;
    }
    pushText(cursor, child.endIndex);
  }
  offsets.push(end);
  return { value, offsets };
}

/** Keeps the characters for which `keep(index)` is true, with their source offsets. */
function filterMapped(mapped: MappedString, keep: (index: number) => boolean): MappedString {
  let value = "";
  const offsets: number[] = [];
  for (let i = 0; i < mapped.value.length; i++) {
    if (!keep(i)) continue;
    value += mapped.value[i];
    offsets.push(mapped.offsets[i]!);
  }
  offsets.push(mapped.offsets[mapped.value.length]!);
  return { value, offsets };
}

/** Python's `textwrap.dedent`: removes the common leading whitespace of the non-blank lines. */
export function dedentMapped(mapped: MappedString): MappedString {
  const lines = mapped.value.split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0]);
  let margin = indents[0] ?? "";
  for (const indent of indents) while (!indent.startsWith(margin)) margin = margin.slice(0, -1);
  const drop = new Set<number>();
  let start = 0;
  for (const line of lines) {
    const blank = line.trim() === "";
    const count = blank ? line.length : margin.length;
    for (let i = 0; i < count; i++) drop.add(start + i);
    start += line.length + 1;
  }
  return filterMapped(mapped, (i) => !drop.has(i));
}

/** `str.strip()`, `lstrip()`, `rstrip()` without arguments. */
export function stripMapped(mapped: MappedString, which: "strip" | "lstrip" | "rstrip"): MappedString {
  const text = mapped.value;
  let from = 0;
  let to = text.length;
  if (which !== "rstrip") while (from < to && /\s/.test(text[from]!)) from++;
  if (which !== "lstrip") while (to > from && /\s/.test(text[to - 1]!)) to--;
  return filterMapped(mapped, (i) => i >= from && i < to);
}
