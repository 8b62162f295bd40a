// SQL grammars. PostgreSQL is read by libpg-query (the real PostgreSQL parser compiled to WASM,
// with PL/pgSQL); MySQL, SQLite and SQL Server by node-sql-parser. Both load on first use, each
// dialect separately, so a run without SQL never loads them. Everything returned here is in UTF-16
// offsets of the text given; libpg-query's byte offsets never leave this module except through
// `PgStatement.toIndex`.
import { createRequire } from "node:module";
import type { SqlDialect } from "../types.js";
import { MAX_SQL_STATEMENTS, MAX_SQL_TOKENS, readableAsMysql, splitSqlStatements, tokenizeSql, type SqlToken } from "./sql-lexer.js";
import { readStatementGrammarLacks, type AstNode } from "./sql-readers.js";

export type { SqlToken, SqlTokenKind } from "./sql-lexer.js";
export { tokenizeSql, splitSqlStatements, decodeSqlStringLiteral, MAX_SQL_STATEMENTS, MAX_SQL_TOKENS } from "./sql-lexer.js";

export type { AstNode } from "./sql-readers.js";

/** A syntax error at [start, end) of the parsed text. */
export interface SqlSyntaxError {
  message: string;
  start: number;
  end: number;
}

/** One statement of a script: its AST, its exact range and its tokens (comments excluded). */
export interface ParsedStatement {
  /** PostgreSQL: `{ DropStmt: {…} }` as libpg-query returns it; other dialects: node-sql-parser's AST. */
  ast: AstNode;
  /** Offset of the statement's first keyword. */
  start: number;
  /** End of its last token (before `;`). */
  end: number;
  tokens: SqlToken[];
  /** PostgreSQL: maps a node `location` (UTF-8 bytes) to a UTF-16 offset in the parsed text. */
  toIndex: (location: number) => number;
}

export interface ParsedScript {
  statements: ParsedStatement[];
  errors: SqlSyntaxError[];
  /** More statements than the budget: nothing was parsed; `errors` says where the budget ran out. */
  overBudget?: boolean;
  /** Comment tokens of the whole text, for suppression directives. */
  comments: SqlToken[];
}

/** A statement found inside a PL/pgSQL body. */
export interface PlpgsqlStatement {
  /** The statement as written in the body (for EXECUTE: the expression). */
  query: string;
  /** 1-based line within the body. */
  line: number;
  /** EXECUTE of a string expression rather than a static statement. */
  dynamic: boolean;
}

type PgModule = typeof import("libpg-query");

let pgModule: Promise<PgModule> | undefined;

/** Loads libpg-query's WASM once. */
export function loadPostgresParser(): Promise<PgModule> {
  pgModule ??= import("libpg-query").then(async (mod) => {
    await mod.loadModule();
    return mod;
  });
  return pgModule;
}

/** Maps UTF-8 byte offsets of `text` to UTF-16 offsets in O(1) after one pass. */
export function byteOffsetMapper(text: string): (byteOffset: number) => number {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return (b) => Math.max(0, Math.min(b, text.length));
  const table: number[] = [];
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) table.push(i);
    i += code >= 0x10000 ? 2 : 1;
  }
  table.push(text.length);
  return (b) => (b <= 0 ? 0 : b >= table.length ? text.length : table[b]!);
}

/** PostgreSQL error cursors count code points from 0; converts to a UTF-16 offset. */
function codePointIndexToIndex(text: string, codePoints: number): number {
  let i = 0;
  for (let k = 0; k < codePoints && i < text.length; k++) i += (text.codePointAt(i) ?? 0) >= 0x10000 ? 2 : 1;
  return i;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The token at or after `offset`, for an error range one token wide. */
function errorRange(tokens: SqlToken[], offset: number, textLength: number): { start: number; end: number } {
  const token = tokens.find((t) => t.end > offset && t.kind !== "comment");
  if (token && token.start <= offset) return { start: token.start, end: token.end };
  return { start: Math.min(offset, textLength), end: Math.min(offset + 1, textLength) };
}

/** libpg-query's scanner, as gonogo tokens. Returns undefined when it cannot tokenize the text. */
function scanPostgres(pg: PgModule, text: string): SqlToken[] | undefined {
  let scanned;
  try {
    scanned = pg.scanSync(text);
  } catch {
    return undefined;
  }
  const toIndex = byteOffsetMapper(text);
  return scanned.tokens.map((token) => {
    const start = toIndex(token.start);
    const end = toIndex(token.end);
    const name = token.tokenName;
    const kind =
      name === "SQL_COMMENT" || name === "C_COMMENT"
        ? "comment"
        : name === "SCONST" || name === "USCONST" || name === "BCONST" || name === "XCONST"
          ? "string"
          : name === "ICONST" || name === "FCONST"
            ? "number"
            : name === "PARAM"
              ? "parameter"
              : name === "IDENT" || token.keywordKind > 0
                ? text[start] === '"' || text[start] === "U" && text[start + 1] === "&"
                  ? "quoted-identifier"
                  : "word"
                : "punctuation";
    return { kind, start, end, text: text.slice(start, end) } satisfies SqlToken;
  });
}

/** The non-comment tokens inside [start, end). Tokens are in source order: binary search, not a scan per statement. */
function tokensWithin(tokens: SqlToken[], start: number, end: number): SqlToken[] {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  const out: SqlToken[] = [];
  for (let i = lo; i < tokens.length && tokens[i]!.start < end; i++) {
    const t = tokens[i]!;
    if (t.kind !== "comment" && t.end <= end) out.push(t);
  }
  return out;
}

/** Parses a PostgreSQL script. A statement that fails to parse becomes an error; the rest are still read. */
export async function parsePostgresScript(text: string): Promise<ParsedScript> {
  const pg = await loadPostgresParser();
  // gonogo's own lexer first: libpg-query's scanner returns its tokens as JSON, and decoding that was
  // a sixth of a 10,000-file scan. Its scanner is the fallback when our lexer stops on something.
  const ownTokens = tokenizeSql(text, "postgresql", { budget: true });
  if (ownTokens.overBudget) return overBudget(ownTokens.overBudget, text);
  const scanned = ownTokens.error ? scanPostgres(pg, text) : undefined;
  const lexed = scanned ? undefined : ownTokens;
  const tokens = scanned ?? ownTokens.tokens;
  const comments = tokens.filter((t) => t.kind === "comment");
  if (!tokens.some((t) => t.kind !== "comment")) {
    return { statements: [], errors: lexed?.error ? [{ message: lexed.error.message, ...errorRange(tokens, lexed.error.offset, text.length) }] : [], comments };
  }

  let whole;
  let wholeError: unknown;
  try {
    whole = pg.parseSync(text);
  } catch (error) {
    wholeError = error;
  }
  if (whole) {
    const toIndex = byteOffsetMapper(text);
    const statements: ParsedStatement[] = [];
    for (const raw of whole.stmts ?? []) {
      const byteStart = raw.stmt_location ?? 0;
      const start = toIndex(byteStart);
      const end = raw.stmt_len ? toIndex(byteStart + raw.stmt_len) : text.length;
      const own = tokensWithin(tokens, start, end);
      if (own.length === 0 || !raw.stmt) continue;
      statements.push({ ast: raw.stmt as AstNode, start: own[0]!.start, end: own[own.length - 1]!.end, tokens: own, toIndex });
    }
    return { statements, errors: [], comments };
  }

  // The script as a whole does not parse: split it and parse statement by statement, so one bad
  // statement does not hide the others.
  const statements: ParsedStatement[] = [];
  const errors: SqlSyntaxError[] = [];
  const spans = splitSqlStatements(tokens, "postgresql", text);
  // The lexer stopped inside an unterminated string or comment: the statement it was in is reported
  // by that error, not parsed as the fragment before it.
  const lastSemicolon = [...tokens].reverse().find((t) => t.kind === "punctuation" && t.text === ";");
  if (lexed?.error && spans.length > 0 && (!lastSemicolon || spans[spans.length - 1]!.start > lastSemicolon.start)) spans.pop();
  for (const span of spans) {
    const piece = text.slice(span.start, span.end);
    try {
      const parsed = pg.parseSync(piece);
      const pieceIndex = byteOffsetMapper(piece);
      const toIndex = (b: number): number => span.start + pieceIndex(b);
      for (const raw of parsed.stmts ?? []) {
        if (!raw.stmt) continue;
        const start = toIndex(raw.stmt_location ?? 0);
        const end = raw.stmt_len ? toIndex((raw.stmt_location ?? 0) + raw.stmt_len) : span.end;
        const own = tokensWithin(span.tokens, start, end);
        if (own.length === 0) continue;
        statements.push({ ast: raw.stmt as AstNode, start: own[0]!.start, end: own[own.length - 1]!.end, tokens: own, toIndex });
      }
    } catch (error) {
      errors.push(pgError(error, piece, span.start, span.tokens, text.length));
    }
  }
  if (lexed?.error) errors.push({ message: lexed.error.message, ...errorRange(tokens, lexed.error.offset, text.length) });
  if (errors.length === 0) errors.push(pgError(wholeError, text, 0, tokens, text.length));
  return { statements, errors, comments };
}

/** A script over the SQL budget: one error where it ran out, nothing parsed. */
function overBudget(budget: { offset: number; message: string }, text: string): ParsedScript {
  const message = `${budget.message}: not analysed (SQL budget: ${MAX_SQL_STATEMENTS.toLocaleString("en-US")} statements or changes, ${MAX_SQL_TOKENS.toLocaleString("en-US")} tokens)`;
  return { statements: [], errors: [{ message, start: budget.offset, end: Math.min(budget.offset + 1, text.length) }], comments: [], overBudget: true };
}

function pgError(error: unknown, piece: string, base: number, tokens: SqlToken[], textLength: number): SqlSyntaxError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? errorMessage(error);
  const offset = details?.cursorPosition !== undefined ? base + codePointIndexToIndex(piece, details.cursorPosition) : base;
  return { message, ...errorRange(tokens, offset, textLength) };
}

/**
 * Parses a PL/pgSQL block body (the text between the dollar quotes of `DO $$ … $$`) and lists the
 * SQL statements it runs, in order. Returns an error message when the body does not parse.
 */
export async function parsePlpgsqlBody(body: string): Promise<{ statements: PlpgsqlStatement[] } | { error: string }> {
  let tag = "gonogo";
  while (body.includes(`$${tag}$`)) tag += "_";
  return parsePlpgsql(`DO $${tag}$${body}$${tag}$`);
}

/**
 * Parses the body of one `CREATE FUNCTION|PROCEDURE … LANGUAGE plpgsql AS '…'` statement (its whole
 * text, so parameters, trigger variables and the return type are known, as PostgreSQL compiles it
 * at CREATE time). Lines are counted in the body. Only for a string body: libpg-query aborts on a
 * BEGIN ATOMIC body.
 */
export async function parsePlpgsqlFunction(statement: string): Promise<{ statements: PlpgsqlStatement[] } | { error: string }> {
  return parsePlpgsql(statement);
}

/** PL/pgSQL statements whose SQL is a static query, and those that run a string built at run time. */
const STATIC_QUERIES: Record<string, string> = { PLpgSQL_stmt_execsql: "sqlstmt", PLpgSQL_stmt_fors: "query", PLpgSQL_stmt_return_query: "query", PLpgSQL_stmt_open: "query" };
const DYNAMIC_QUERIES: Record<string, string> = { PLpgSQL_stmt_dynexecute: "query", PLpgSQL_stmt_dynfors: "query", PLpgSQL_stmt_return_query: "dynquery", PLpgSQL_stmt_open: "dynquery" };

async function parsePlpgsql(source: string): Promise<{ statements: PlpgsqlStatement[] } | { error: string }> {
  const pg = await loadPostgresParser();
  let parsed: unknown;
  try {
    parsed = pg.parsePlPgSQLSync(source);
  } catch (error) {
    return { error: errorMessage(error) };
  }
  const statements: PlpgsqlStatement[] = [];
  const expression = (node: unknown, field: string | undefined): string | undefined => {
    const query = field ? (((node as AstNode)[field] as AstNode | undefined)?.PLpgSQL_expr as AstNode | undefined)?.query : undefined;
    return typeof query === "string" ? query : undefined;
  };
  const walk = (value: unknown, line: number): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, line);
      return;
    }
    if (!value || typeof value !== "object") return;
    const node = value as AstNode;
    for (const [key, child] of Object.entries(node)) {
      const childLine = typeof (child as AstNode | undefined)?.lineno === "number" ? ((child as AstNode).lineno as number) : line;
      const staticQuery = expression(child, STATIC_QUERIES[key]);
      if (staticQuery !== undefined) statements.push({ query: staticQuery, line: childLine, dynamic: false });
      const dynamicQuery = expression(child, DYNAMIC_QUERIES[key]);
      if (dynamicQuery !== undefined) statements.push({ query: dynamicQuery, line: childLine, dynamic: true });
      walk(child, childLine);
    }
  };
  walk(parsed, 1);
  return { statements };
}

/**
 * Parses a single PostgreSQL expression (e.g. the argument of EXECUTE) as `SELECT <expr>`. `toIndex`
 * maps a node `location` to a UTF-16 offset in `expression`.
 */
export async function parsePostgresExpression(expression: string): Promise<{ node: AstNode; toIndex: (location: number) => number } | undefined> {
  const pg = await loadPostgresParser();
  const text = `SELECT ${expression}`;
  try {
    const parsed = pg.parseSync(text);
    if ((parsed.stmts ?? []).length !== 1) return undefined;
    const select = parsed.stmts?.[0]?.stmt as AstNode | undefined;
    const targets = (select?.SelectStmt as AstNode | undefined)?.targetList as AstNode[] | undefined;
    const node = targets?.length === 1 ? ((targets[0]?.ResTarget as AstNode | undefined)?.val as AstNode | undefined) : undefined;
    const toIndex = byteOffsetMapper(text);
    return node ? { node, toIndex: (location) => toIndex(location) - "SELECT ".length } : undefined;
  } catch {
    return undefined;
  }
}

// node-sql-parser ships one grammar per database; load only the one needed.
const require = createRequire(import.meta.url);
const GENERIC_GRAMMARS = {
  mysql: { module: "node-sql-parser/build/mysql", database: "MySQL" },
  sqlite: { module: "node-sql-parser/build/sqlite", database: "Sqlite" },
  mssql: { module: "node-sql-parser/build/transactsql", database: "TransactSQL" },
} as const;

interface GenericParser {
  astify(sql: string, options: { database: string; parseOptions?: { includeLocations?: boolean } }): unknown;
}
const genericParsers = new Map<string, GenericParser>();

function genericParser(dialect: Exclude<SqlDialect, "postgresql">): GenericParser {
  let parser = genericParsers.get(dialect);
  if (!parser) {
    const { Parser } = require(GENERIC_GRAMMARS[dialect].module) as { Parser: new () => GenericParser };
    parser = new Parser();
    genericParsers.set(dialect, parser);
  }
  return parser;
}

/**
 * Parses a MySQL, SQLite or SQL Server script statement by statement with node-sql-parser. Node
 * `loc` offsets in each AST are relative to the statement (add `start`).
 */
export async function parseGenericScript(text: string, dialect: Exclude<SqlDialect, "postgresql">): Promise<ParsedScript> {
  const { tokens, error, mysql, overBudget: budget } = tokenizeSql(text, dialect, { budget: true });
  if (budget) return overBudget(budget, text);
  const comments = tokens.filter((t) => t.kind === "comment");
  const statements: ParsedStatement[] = [];
  const errors: SqlSyntaxError[] = [];
  const parser = genericParser(dialect);
  const queue = splitSqlStatements(tokens, dialect, text);
  for (let q = 0; q < queue.length; q++) {
    const span = queue[q]!;
    // MySQL runs what is inside `/*!…*/` and reads `--1` as `- -1`; node-sql-parser reads both as comments.
    const readable = mysql ? readableAsMysql(text, span.start, span.end, mysql) : { text: text.slice(span.start, span.end), toIndex: (offset: number) => span.start + offset };
    const piece = readable.text;
    const procedure = readStatementGrammarLacks(span.tokens, dialect);
    if (procedure) {
      statements.push({ ast: procedure, start: span.start, end: span.end, tokens: span.tokens, toIndex: (offset) => span.start + offset });
      continue;
    }
    try {
      const result = parser.astify(piece, { database: GENERIC_GRAMMARS[dialect].database, parseOptions: { includeLocations: true } });
      const asts = (Array.isArray(result) ? result : [result]) as AstNode[];
      // One span is one statement; the grammar sometimes reads keywords it does not know as
      // something else entirely (SQL Server: `ALTER TABLE t WITH NOCHECK …` as variable
      // assignments). A statement whose AST does not start with its own keyword is not understood.
      const ast = asts.length === 1 ? asts[0] : undefined;
      if (!ast || !astMatchesKeyword(ast, span.tokens[0])) {
        errors.push({ message: `statement not understood by the ${GENERIC_GRAMMARS[dialect].database} grammar`, start: span.start, end: span.tokens[0]!.end });
        continue;
      }
      statements.push({ ast, start: span.start, end: span.end, tokens: span.tokens, toIndex: readable.toIndex });
    } catch (caught) {
      const location = (caught as { location?: { start?: { offset?: number } } }).location;
      const offset = readable.toIndex(location?.start?.offset ?? 0);
      // T-SQL does not need `;` between statements: when the grammar stops at a line that starts
      // with a statement keyword, read the two parts on their own.
      const at = span.tokens.findIndex((t) => t.start === offset);
      const startsLine = at > 0 && text.slice(span.tokens[at - 1]!.end, offset).includes("\n");
      if (dialect === "mssql" && startsLine && STATEMENT_KEYWORDS.has(span.tokens[at]!.text.toUpperCase()) && depthAt(span.tokens, at) === 0) {
        const head = span.tokens.slice(0, at);
        const tail = span.tokens.slice(at);
        queue.splice(q + 1, 0, { start: head[0]!.start, end: head[head.length - 1]!.end, tokens: head }, { start: tail[0]!.start, end: tail[tail.length - 1]!.end, tokens: tail });
        continue;
      }
      const range = errorRange(span.tokens, offset, text.length);
      const near = span.tokens.find((t) => t.start === range.start);
      const message = location ? (near ? `syntax error at or near "${near.text}"` : "syntax error at end of input") : errorMessage(caught).split("\n")[0]!;
      errors.push({ message, ...range });
    }
  }
  if (error) errors.push({ message: error.message, ...errorRange(tokens, error.offset, text.length) });
  return { statements, errors, comments };
}

const STATEMENT_KEYWORDS = new Set(["ALTER", "CREATE", "DROP", "DELETE", "UPDATE", "INSERT", "TRUNCATE", "EXEC", "EXECUTE", "SELECT", "MERGE", "DECLARE", "SET", "PRINT", "IF", "BEGIN", "COMMIT", "ROLLBACK", "USE", "WITH"]);

function depthAt(tokens: SqlToken[], index: number): number {
  let depth = 0;
  for (const token of tokens.slice(0, index)) {
    if (token.text === "(") depth++;
    else if (token.text === ")") depth--;
  }
  return depth;
}

function astMatchesKeyword(ast: AstNode, first: SqlToken | undefined): boolean {
  const keyword = first?.text.toLowerCase() ?? "";
  const type = typeof ast.type === "string" ? ast.type : "";
  if (keyword === "with") return ["select", "delete", "update", "insert"].includes(type);
  if (keyword === "replace") return type === "replace" || type === "insert";
  return type === keyword || (keyword === "exec" && type === "exec");
}
