// Python source bytes -> the text CPython compiles, as CPython's tokenizer decodes it (Parser/
// tokenizer.c, compile() of bytes, which is how importlib and so Alembic load a migration): a
// UTF-8 BOM, the PEP 263 coding cookie on line 1 or 2, the codec it names, and universal newlines.
// A cookie naming a codec gonogo cannot decode exactly as CPython (unicode_escape, utf-7, a
// multi-byte Asian codec, an unknown name) is a problem, never a guess: with such a cookie the
// bytes Python runs can differ completely from what the file seems to say.
import { CODEC_ALIASES, HIGH_HALF } from "./python-codecs.js";

export type PythonDecodeOutcome = { ok: true; text: string } | { ok: false; reason: string; line: number; column: number };

/** A PEP 263 declaration: the codec name as written, where it is, and CPython's canonical codec. */
export interface CodingCookie {
  name: string;
  line: 1 | 2;
  /** 1-based column of the name on its line. */
  column: number;
  /** CPython's codec module (utf_8, latin_1, cp1252 …), or undefined for a name gonogo cannot decode. */
  codec: string | undefined;
  /** The tokenizer's own spelling (get_normal_name): "utf-8", "iso-8859-1" or the name as written. */
  normal: string;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const BOM = [0xef, 0xbb, 0xbf];

/** Decodes Python source bytes as CPython does, or says why the file cannot be read like Python. */
export function decodePythonSource(bytes: Uint8Array): PythonDecodeOutcome {
  const hasBom = bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
  const body = hasBom ? bytes.subarray(3) : bytes;
  // Cookie lines are read from the raw bytes, as the tokenizer does; a byte is one character here.
  // Lines 1-2 are read whole, however long (a cookie after a 5,000-character first line counts).
  const cookie = findCodingCookie(latin1(body.subarray(0, headLength(body, (i) => body[i]!))));
  const problem = cookie ? cookieProblem(cookie, hasBom) : undefined;
  if (problem) return problem;
  const codec = cookie?.codec ?? "utf_8";
  let text: string;
  if (codec === "utf_8" || codec === "utf_8_sig") {
    try {
      text = UTF8.decode(body);
    } catch {
      return { ok: false, reason: `invalid UTF-8${cookie ? ` (coding cookie "${cookie.name}")` : ""}`, line: 1, column: 1 };
    }
    // utf_8_sig drops one more BOM, as CPython's codec does.
    if (codec === "utf_8_sig" && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  } else {
    const decoded = decodeSingleByte(body, codec);
    if (typeof decoded !== "string") {
      return { ok: false, reason: `byte 0x${decoded.byte.toString(16).padStart(2, "0")} at offset ${decoded.offset} is not valid ${cookie!.name} (coding cookie on line ${cookie!.line}): CPython refuses the file`, line: cookie!.line, column: cookie!.column };
    }
    text = decoded;
  }
  return { ok: true, text: universalNewlines(text) };
}

/**
 * The same checks for source that is already text (the scan API's in-memory files): a cookie gonogo
 * cannot honour is a problem; the text is taken as the decoded source otherwise.
 */
export function checkPythonText(text: string): PythonDecodeOutcome {
  const hasBom = text.charCodeAt(0) === 0xfeff;
  const body = hasBom ? text.slice(1) : text;
  const cookie = findCodingCookie(body.slice(0, headLength(body, (i) => body.charCodeAt(i))));
  const problem = cookie ? cookieProblem(cookie, hasBom) : undefined;
  if (problem) return problem;
  return { ok: true, text: universalNewlines(body) };
}

/** The length of lines 1 and 2 with their line breaks (where a cookie may be), in code units. */
function headLength(source: { length: number }, at: (i: number) => number): number {
  let breaks = 0;
  for (let i = 0; i < source.length; i++) {
    const c = at(i);
    if (c !== 10 && c !== 13) continue;
    if (c === 13 && at(i + 1) === 10) i++;
    if (++breaks === 2) return i + 1;
  }
  return source.length;
}

function cookieProblem(cookie: CodingCookie, hasBom: boolean): PythonDecodeOutcome | undefined {
  const at = { line: cookie.line, column: cookie.column };
  // With a BOM the tokenizer compares the cookie's own spelling with "utf-8" (so `utf8` is refused).
  if (hasBom && cookie.normal !== "utf-8") {
    return { ok: false, reason: `coding cookie "${cookie.name}" on line ${cookie.line} contradicts the UTF-8 byte order mark: CPython refuses the file`, ...at };
  }
  if (cookie.codec === undefined) {
    return {
      ok: false,
      reason: `coding cookie "${cookie.name}" on line ${cookie.line} names a codec gonogo cannot decode exactly as Python does (it reads utf-8, ascii, latin-1 and the single-byte code pages listed in docs/guarantees.md): what Python runs may differ from the text`,
      ...at,
    };
  }
  return undefined;
}

/**
 * A lone CR ends a line for Python (universal newlines). It becomes LF here, which keeps every
 * offset, so tree-sitter (which reads a lone CR as a space, hiding the code after it inside a
 * comment) sees the lines Python sees; CRLF stays, and readers of string values drop its CR.
 */
export function universalNewlines(text: string): string {
  if (!text.includes("\r")) return text;
  let out = "";
  let from = 0;
  for (let i = text.indexOf("\r"); i !== -1; i = text.indexOf("\r", i + 1)) {
    if (text.charCodeAt(i + 1) === 10) continue;
    out += text.slice(from, i) + "\n";
    from = i + 1;
  }
  return out + text.slice(from);
}

/**
 * The coding cookie of lines 1-2, found as CPython's tokenizer finds it (get_coding_spec and
 * check_coding_spec): a line whose first non-blank character is `#`, holding `coding` followed by
 * `:` or `=`, blanks, and a name of ASCII letters, digits, `-`, `_` and `.`. Line 2 is read only
 * when line 1 is blank or a comment; a line counts only when a line break ends it.
 */
export function findCodingCookie(head: string): CodingCookie | undefined {
  const lines: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i < head.length && lines.length < 2; i++) {
    const c = head.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    lines.push({ start, end: i });
    if (c === 13 && head.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  for (const [index, line] of lines.entries()) {
    const text = head.slice(line.start, line.end);
    const found = codingSpec(text);
    if (found) {
      const lineNumber = (index + 1) as 1 | 2;
      const normal = normalName(found.name);
      return { name: found.name, line: lineNumber, column: found.at + 1, codec: canonicalCodec(normal), normal };
    }
    if (!isBlankOrComment(text)) return undefined;
  }
  return undefined;
}

const BLANKS = " \t\f";

function isBlankOrComment(line: string): boolean {
  for (const ch of line) {
    if (ch === "#") return true;
    if (!BLANKS.includes(ch)) return false;
  }
  return true;
}

function isNameChar(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "-" || ch === "_" || ch === ".";
}

function codingSpec(line: string): { name: string; at: number } | undefined {
  let i = 0;
  while (i < line.length && BLANKS.includes(line[i]!)) i++;
  if (line[i] !== "#") return undefined;
  for (let at = line.indexOf("coding", i); at !== -1; at = line.indexOf("coding", at + 1)) {
    let t = at + 6;
    if (line[t] !== ":" && line[t] !== "=") continue;
    t++;
    while (line[t] === " " || line[t] === "\t") t++;
    const begin = t;
    while (t < line.length && isNameChar(line[t]!)) t++;
    if (t > begin) return { name: line.slice(begin, t), at: begin };
  }
  return undefined;
}

/** CPython's get_normal_name: the spellings of utf-8 and latin-1 the tokenizer knows itself. */
function normalName(name: string): string {
  const buf = name.slice(0, 12).toLowerCase().split("_").join("-");
  if (buf === "utf-8" || buf.startsWith("utf-8-")) return "utf-8";
  if (["latin-1", "iso-8859-1", "iso-latin-1"].includes(buf) || ["latin-1-", "iso-8859-1-", "iso-latin-1-"].some((p) => buf.startsWith(p))) return "iso-8859-1";
  return name;
}

let aliasIndex: Map<string, string> | undefined;

/** CPython's codecs.lookup name → module, restricted to the codecs gonogo decodes. */
export function canonicalCodec(name: string): string | undefined {
  if (!aliasIndex) {
    aliasIndex = new Map();
    for (const [codec, aliases] of Object.entries(CODEC_ALIASES)) for (const alias of aliases) aliasIndex.set(alias, codec);
  }
  // codecs.c lower-cases and turns blanks and hyphens into underscores; encodings.normalize_encoding
  // then joins runs of anything else than letters, digits and dots into one underscore.
  let norm = "";
  let punct = false;
  for (const ch of name.toLowerCase()) {
    if (isNameChar(ch) && ch !== "-" && ch !== "_") {
      if (punct && norm) norm += "_";
      norm += ch;
      punct = false;
    } else punct = true;
  }
  const module = aliasIndex.get(norm) ?? aliasIndex.get(norm.split(".").join("_")) ?? norm;
  if (module === "utf_8" || module === "utf_8_sig" || module === "ascii" || module === "latin_1") return module;
  return Object.hasOwn(HIGH_HALF, module) ? module : undefined;
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

function decodeSingleByte(bytes: Uint8Array, codec: string): string | { byte: number; offset: number } {
  const high = codec === "latin_1" ? undefined : codec === "ascii" ? "" : HIGH_HALF[codec]!;
  let out = "";
  let from = 0;
  const flush = (to: number) => {
    if (to > from) out += latin1(bytes.subarray(from, to));
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80 || high === undefined) continue;
    const ch = high[b - 0x80];
    if (ch === undefined || ch === "\uffff") return { byte: b, offset: i };
    flush(i);
    out += ch;
    from = i + 1;
  }
  flush(bytes.length);
  return out;
}
