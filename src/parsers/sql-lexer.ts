// A small SQL tokenizer for the dialects node-sql-parser reads (MySQL, SQLite, SQL Server) and a
// fallback for PostgreSQL when libpg-query's own scanner gives up. It knows quoting and comments,
// which is all that is needed to split a script into statements, find comments for directives and
// locate sub-clauses; the grammar itself is left to the real parsers.
import type { SqlDialect } from "../types.js";

export type SqlTokenKind = "word" | "quoted-identifier" | "string" | "number" | "punctuation" | "comment" | "parameter";

/** One token; `start`/`end` are UTF-16 offsets into the text that was tokenized (end exclusive). */
export interface SqlToken {
  kind: SqlTokenKind;
  start: number;
  end: number;
  text: string;
}

export interface SqlTokenization {
  tokens: SqlToken[];
  /**
   * MySQL: what its lexer skips where others see a comment. `executable`: the `/*!50000` (or
   * `/*M!100100`) opening and the closing star-slash of an executable comment, whose content MySQL
   * runs; `dashes`: offsets of `--` not followed by whitespace, which MySQL reads as two minus signs.
   */
  mysql?: { executable: { start: number; end: number }[]; dashes: number[] };
  /** Set when the text is over the SQL budget (`budget` option): tokenizing stopped at `offset`. */
  overBudget?: { offset: number; message: string };
  /** Set when the text ends inside a string, quoted identifier or comment. */
  error?: { message: string; offset: number };
}

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code >= 0x80;
}

function isWordPart(code: number, dialect: SqlDialect): boolean {
  if (isWordStart(code) || (code >= 48 && code <= 57)) return true;
  if (code === 36) return dialect !== "sqlite"; // $ inside identifiers (PostgreSQL, MySQL, SQL Server)
  if (code === 35 || code === 64) return dialect === "mssql"; // #temp, @var
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The SQL budget: a script with more statements or tokens than this is not analysed. Each statement
 * costs a parse, a fact and maybe a finding (10 MB of `DROP TABLE t;` is 750,000 of them), and the
 * parse of one huge statement grows with its tokens (a 10 MB `INSERT … VALUES` took 28 s and 1.7 GB).
 * Counted, not timed, so the outcome is the same on every machine.
 */
export const MAX_SQL_STATEMENTS = 50_000;
export const MAX_SQL_TOKENS = 500_000;

/**
 * Tokenizes `text`; comments are kept as tokens so directives can be read from them. With
 * `budget`, stops at the `;` past `MAX_SQL_STATEMENTS` or the token past `MAX_SQL_TOKENS`
 * (`overBudget`), so an oversized script costs no more than the budget.
 */
export function tokenizeSql(text: string, dialect: SqlDialect, options: { budget?: boolean } = {}): SqlTokenization {
  const maxSemicolons = options.budget ? MAX_SQL_STATEMENTS : Infinity;
  const maxTokens = options.budget ? MAX_SQL_TOKENS : Infinity;
  let semicolons = 0;
  const tokens: SqlToken[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: SqlTokenKind, start: number, end: number): void => {
    tokens.push({ kind, start, end, text: text.slice(start, end) });
  };
  const mysql = dialect === "mysql" ? { executable: [] as { start: number; end: number }[], dashes: [] as number[] } : undefined;
  const fail = (message: string, offset: number): SqlTokenization => ({ tokens, error: { message, offset }, ...(mysql ? { mysql } : {}) });
  // MySQL: inside an executable comment (`/*! …` up to its star-slash), whose content is SQL.
  let executableOpen = false;

  // Reads a quoted run starting at `open` (the quote), doubling as escape; backslash escapes when asked.
  const readQuoted = (open: number, close: string, backslash: boolean): number => {
    let j = open + 1;
    while (j < n) {
      const ch = text[j];
      if (backslash && ch === "\\") {
        j += 2;
        continue;
      }
      if (ch === close) {
        if (text[j + 1] === close) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return -1;
  };

  while (i < n) {
    if (tokens.length > maxTokens) return { tokens, overBudget: { offset: tokens[tokens.length - 1]!.start, message: `more than ${MAX_SQL_TOKENS.toLocaleString("en-US")} tokens` } };
    const code = text.charCodeAt(i);
    const ch = text[i]!;
    if (code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11) {
      i++;
      continue;
    }
    // Comments. MySQL: `--` starts one only before whitespace or a control character; `/*!…` and
    // `/*M!…` hold SQL it runs (on any version: the server's is not known here).
    if (mysql && ch === "-" && text[i + 1] === "-" && i + 2 < n && text.charCodeAt(i + 2) > 32) {
      mysql.dashes.push(i);
      push("punctuation", i, i + 1);
      push("punctuation", i + 1, i + 2);
      i += 2;
      continue;
    }
    if (mysql && ch === "/" && text[i + 1] === "*" && (text[i + 2] === "!" || (text[i + 2] === "M" && text[i + 3] === "!")) && !executableOpen) {
      let j = i + (text[i + 2] === "!" ? 3 : 4);
      while (j < n && j < i + 10 && isDigit(text.charCodeAt(j))) j++;
      mysql.executable.push({ start: i, end: j });
      executableOpen = true;
      i = j;
      continue;
    }
    if (executableOpen && ch === "*" && text[i + 1] === "/") {
      mysql!.executable.push({ start: i, end: i + 2 });
      executableOpen = false;
      i += 2;
      continue;
    }
    if (ch === "-" && text[i + 1] === "-") {
      let j = i + 2;
      while (j < n && text[j] !== "\n" && text[j] !== "\r") j++;
      push("comment", i, j);
      i = j;
      continue;
    }
    if (ch === "#" && dialect === "mysql") {
      let j = i + 1;
      while (j < n && text[j] !== "\n" && text[j] !== "\r") j++;
      push("comment", i, j);
      i = j;
      continue;
    }
    if (ch === "/" && text[i + 1] === "*") {
      // PostgreSQL and SQL Server nest block comments.
      const nests = dialect === "postgresql" || dialect === "mssql";
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === "*" && text[j + 1] === "/") {
          depth--;
          j += 2;
        } else if (nests && text[j] === "/" && text[j + 1] === "*") {
          depth++;
          j += 2;
        } else j++;
      }
      if (depth > 0) return fail("unterminated /* comment", i);
      push("comment", i, j);
      i = j;
      continue;
    }
    // Strings, with the prefixes E'…' (PostgreSQL), N'…' (SQL Server and others), X'…', B'…'.
    if (ch === "'" || ((ch === "E" || ch === "e" || ch === "N" || ch === "n" || ch === "X" || ch === "x" || ch === "B" || ch === "b") && text[i + 1] === "'")) {
      const quote = ch === "'" ? i : i + 1;
      const backslash = dialect === "mysql" || (dialect === "postgresql" && (ch === "E" || ch === "e"));
      const end = readQuoted(quote, "'", backslash);
      if (end < 0) return fail("unterminated quoted string", i);
      push("string", i, end);
      i = end;
      continue;
    }
    if (ch === '"') {
      const end = readQuoted(i, '"', dialect === "mysql");
      if (end < 0) return fail("unterminated quoted identifier", i);
      push(dialect === "mysql" ? "string" : "quoted-identifier", i, end);
      i = end;
      continue;
    }
    if (ch === "`" && (dialect === "mysql" || dialect === "sqlite")) {
      const end = readQuoted(i, "`", false);
      if (end < 0) return fail("unterminated quoted identifier", i);
      push("quoted-identifier", i, end);
      i = end;
      continue;
    }
    if (ch === "[" && (dialect === "mssql" || dialect === "sqlite")) {
      const end = readQuoted(i, "]", false);
      if (end < 0) return fail("unterminated quoted identifier", i);
      push("quoted-identifier", i, end);
      i = end;
      continue;
    }
    // PostgreSQL dollar quoting: $tag$ … $tag$; $1 is a parameter.
    if (ch === "$" && dialect === "postgresql") {
      let j = i + 1;
      if (isDigit(text.charCodeAt(j))) {
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        push("parameter", i, j);
        i = j;
        continue;
      }
      while (j < n && isWordStart(text.charCodeAt(j))) j++;
      while (j < n && (isWordStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
      if (text[j] === "$") {
        const delimiter = text.slice(i, j + 1);
        const close = text.indexOf(delimiter, j + 1);
        if (close < 0) return fail("unterminated dollar-quoted string", i);
        push("string", i, close + delimiter.length);
        i = close + delimiter.length;
        continue;
      }
      push("punctuation", i, i + 1);
      i++;
      continue;
    }
    if (isWordStart(code) || (dialect === "mssql" && (ch === "@" || ch === "#"))) {
      let j = i + 1;
      while (j < n && isWordPart(text.charCodeAt(j), dialect)) j++;
      push("word", i, j);
      i = j;
      continue;
    }
    if (isDigit(code) || (ch === "." && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isDigit(text.charCodeAt(j)) || text[j] === "." || /* exponent */ ((text[j] === "e" || text[j] === "E") && isDigit(text.charCodeAt(j + 1))))) j++;
      push("number", i, j);
      i = j;
      continue;
    }
    if ((ch === "?" && dialect !== "postgresql") || (ch === ":" && isWordStart(text.charCodeAt(i + 1)) && text[i - 1] !== ":")) {
      let j = i + 1;
      while (j < n && isWordPart(text.charCodeAt(j), dialect)) j++;
      push("parameter", i, j);
      i = j;
      continue;
    }
    if (ch === ";" && ++semicolons > maxSemicolons) return { tokens, overBudget: { offset: i, message: `more than ${MAX_SQL_STATEMENTS.toLocaleString("en-US")} statements` } };
    // Surrogate pairs and everything else: one punctuation token per code point.
    const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    push("punctuation", i, i + width);
    i += width;
  }
  if (executableOpen) return fail("unterminated /*! comment", mysql!.executable[mysql!.executable.length - 1]!.start);
  return mysql ? { tokens, mysql } : { tokens };
}

/**
 * The text of [start, end) as MySQL reads it, for a parser that reads comments its own way: the
 * markers of executable comments blanked, a space between the dashes of `--1`. `toIndex` maps an
 * offset of the result back to an offset of `text`.
 */
export function readableAsMysql(text: string, start: number, end: number, marks: NonNullable<SqlTokenization["mysql"]>): { text: string; toIndex: (offset: number) => number } {
  let out = "";
  let at = start;
  const inserted: number[] = [];
  const edits = [...marks.executable.map((m) => ({ at: m.start, end: m.end, dash: false })), ...marks.dashes.map((d) => ({ at: d + 1, end: d + 1, dash: true }))]
    .filter((e) => e.at >= start && e.end <= end)
    .sort((a, b) => a.at - b.at);
  for (const edit of edits) {
    out += text.slice(at, edit.at);
    if (edit.dash) {
      inserted.push(out.length);
      out += " ";
    } else out += " ".repeat(edit.end - edit.at);
    at = edit.end;
  }
  out += text.slice(at, end);
  return { text: out, toIndex: (offset) => start + offset - inserted.filter((k) => k < offset).length };
}

/** A statement found by splitting a token stream; comments are excluded from `tokens`. */
export interface SqlStatementSpan {
  /** Offset of the first token (never whitespace or a comment). */
  start: number;
  /** End of the last token, before the terminating `;`. */
  end: number;
  tokens: SqlToken[];
}

function upper(token: SqlToken | undefined): string {
  return token && token.kind === "word" ? token.text.toUpperCase() : "";
}

/**
 * Splits tokens into statements at top-level `;` (and SQL Server's `GO` batch separator). Bodies
 * that contain `;` — SQLite trigger bodies, SQL Server BEGIN … END blocks, PostgreSQL BEGIN ATOMIC —
 * are kept whole.
 */
export function splitSqlStatements(tokens: SqlToken[], dialect: SqlDialect, text: string): SqlStatementSpan[] {
  const statements: SqlStatementSpan[] = [];
  let current: SqlToken[] = [];
  let parens = 0;
  let blocks = 0;
  const flush = (): void => {
    if (current.length > 0) statements.push({ start: current[0]!.start, end: current[current.length - 1]!.end, tokens: current });
    current = [];
    parens = 0;
    blocks = 0;
  };
  const isTrigger = (): boolean => {
    const words = current.slice(0, 4).map(upper);
    return words[0] === "CREATE" && words.includes("TRIGGER");
  };
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === "comment") continue;
    if (token.kind === "punctuation" && token.text === ";" && parens === 0 && blocks === 0) {
      flush();
      continue;
    }
    if (dialect === "mssql" && upper(token) === "GO" && isAloneOnLine(token, text)) {
      flush();
      // `GO 2`: the count belongs to the separator.
      if (tokens[k + 1]?.kind === "number" && !text.slice(token.end, tokens[k + 1]!.start).includes("\n")) k++;
      continue;
    }
    current.push(token);
    if (token.kind === "punctuation") {
      if (token.text === "(") parens++;
      else if (token.text === ")" && parens > 0) parens--;
      continue;
    }
    const word = upper(token);
    const next = upper(nextCode(tokens, k));
    if (word === "BEGIN") {
      const opensBlock =
        dialect === "postgresql" ? next === "ATOMIC" : dialect === "sqlite" ? isTrigger() : !["TRAN", "TRANSACTION", "DISTRIBUTED", "DIALOG", "CONVERSATION"].includes(next) && next !== "";
      if (opensBlock) blocks++;
    } else if (word === "CASE" && blocks > 0) blocks++;
    else if (word === "END" && blocks > 0) blocks--;
  }
  flush();
  return statements;
}

function nextCode(tokens: SqlToken[], k: number): SqlToken | undefined {
  for (let j = k + 1; j < tokens.length; j++) if (tokens[j]!.kind !== "comment") return tokens[j];
  return undefined;
}

function isAloneOnLine(token: SqlToken, text: string): boolean {
  const lineStart = text.lastIndexOf("\n", token.start - 1) + 1;
  let lineEnd = text.indexOf("\n", token.end);
  if (lineEnd < 0) lineEnd = text.length;
  // `GO` may carry a repeat count: `GO 5`.
  let rest = text.slice(token.end, lineEnd).trim();
  const comment = rest.indexOf("--");
  if (comment >= 0) rest = rest.slice(0, comment).trim();
  return text.slice(lineStart, token.start).trim() === "" && [...rest].every((c) => c >= "0" && c <= "9");
}

/** A string literal's value and, for each value index, the offset of that character in the literal. */
export interface DecodedLiteral {
  value: string;
  /** `map[i]` is the offset in the literal's text of value character i; `map[value.length]` is the closing quote. */
  map: number[];
}

/**
 * Decodes a PostgreSQL string literal: `'…'` (with `''`), `E'…'` (simple backslash escapes) or
 * `$tag$…$tag$`. Returns undefined for forms it cannot map character by character.
 */
export function decodeSqlStringLiteral(literal: string): DecodedLiteral | undefined {
  if (literal.startsWith("$")) {
    const close = literal.indexOf("$", 1);
    if (close < 0) return undefined;
    const delimiter = literal.slice(0, close + 1);
    if (literal.length < delimiter.length * 2 || !literal.endsWith(delimiter)) return undefined;
    const value = literal.slice(delimiter.length, literal.length - delimiter.length);
    return { value, map: Array.from({ length: value.length + 1 }, (_, i) => delimiter.length + i) };
  }
  const escapes = literal.startsWith("E'") || literal.startsWith("e'");
  const open = escapes ? 1 : 0;
  if (literal[open] !== "'" || !literal.endsWith("'") || literal.length < open + 2) return undefined;
  let value = "";
  const map: number[] = [];
  const last = literal.length - 1;
  for (let i = open + 1; i < last; ) {
    const ch = literal[i]!;
    if (ch === "'") {
      if (literal[i + 1] !== "'") return undefined;
      map.push(i);
      value += "'";
      i += 2;
    } else if (escapes && ch === "\\") {
      const next = literal[i + 1];
      const decoded = next === "\\" || next === "'" ? next : next === "n" ? "\n" : next === "t" ? "\t" : next === "r" ? "\r" : undefined;
      if (decoded === undefined) return undefined;
      map.push(i);
      value += decoded;
      i += 2;
    } else {
      map.push(i);
      value += ch;
      i++;
    }
  }
  map.push(last);
  return { value, map };
}
