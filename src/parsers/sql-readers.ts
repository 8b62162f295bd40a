// Statements the stock grammars lack, read token by token. Each reader accepts one statement shape
// exactly (anything more is left to the grammar, which then reports it) and returns an AST in
// node-sql-parser's shape, so the extractors read it like any other statement.
import type { SqlDialect } from "../types.js";
import type { SqlToken } from "./sql-lexer.js";

/** A parsed AST node as plain JSON. */
export type AstNode = { [key: string]: unknown };

/** The reader for a statement of `dialect` that its grammar does not read, when one applies. */
export function readStatementGrammarLacks(tokens: SqlToken[], dialect: Exclude<SqlDialect, "postgresql">): AstNode | undefined {
  switch (dialect) {
    case "mssql":
      return readExecCall(tokens) ?? readMssqlDropDatabase(tokens) ?? readMssqlAddForeignKey(tokens) ?? readMssqlSetOption(tokens);
    case "sqlite":
      return readSqliteDropIndex(tokens) ?? readSqlitePragma(tokens) ?? readSqliteMaintenance(tokens);
    case "mysql":
      return readMysqlTableMaintenance(tokens) ?? readMysqlAlterCharset(tokens) ?? readMysqlSetNames(tokens) ?? readMysqlToggleKeys(tokens);
  }
}

function word(token: SqlToken | undefined): string {
  return token?.kind === "word" ? token.text.toUpperCase() : "";
}

/**
 * SQL Server `EXEC [schema.]procedure 'literal', N'literal', …` with literal arguments only (the
 * grammar does not read string arguments): `{ type: "exec", procedure, args }`.
 */
function readExecCall(tokens: SqlToken[]): AstNode | undefined {
  const first = tokens[0]?.text.toUpperCase();
  if (first !== "EXEC" && first !== "EXECUTE") return undefined;
  let k = 1;
  let procedure = tokens[k]?.kind === "word" ? tokens[k]!.text : undefined;
  while (procedure !== undefined && tokens[k + 1]?.text === "." && tokens[k + 2]?.kind === "word") {
    k += 2;
    procedure = tokens[k]!.text;
  }
  if (procedure === undefined) return undefined;
  const args: string[] = [];
  for (k += 1; k < tokens.length; k++) {
    const token = tokens[k]!;
    // Named arguments: @objname = N'…'.
    if (token.kind === "word" && token.text.startsWith("@") && tokens[k + 1]?.text === "=") {
      k++;
      continue;
    }
    if (token.kind === "string") {
      const quote = token.text.indexOf("'");
      args.push(token.text.slice(quote + 1, -1).split("''").join("'"));
      continue;
    }
    if (token.kind === "punctuation" && token.text === ",") continue;
    return undefined;
  }
  return { type: "exec", procedure, args };
}

/** SQLite `DROP INDEX [IF EXISTS] [schema.]name`, which the SQLite grammar does not read. */
function readSqliteDropIndex(tokens: SqlToken[]): AstNode | undefined {
  const words = tokens.map((t) => (t.kind === "word" ? t.text.toUpperCase() : t.text));
  if (words[0] !== "DROP" || words[1] !== "INDEX") return undefined;
  let k = 2;
  const ifExists = words[2] === "IF" && words[3] === "EXISTS";
  if (ifExists) k = 4;
  const names = tokens.slice(k).filter((t) => t.text !== ".");
  if (names.length < 1 || names.length > 2 || tokens.length - k !== names.length * 2 - 1) return undefined;
  if (names.some((t) => t.kind !== "word" && t.kind !== "quoted-identifier")) return undefined;
  const unquote = (t: SqlToken): string => (t.kind === "quoted-identifier" ? t.text.slice(1, -1) : t.text);
  const name = unquote(names[names.length - 1]!);
  return { type: "drop", keyword: "index", prefix: ifExists ? "if exists" : null, name, table: names.length === 2 ? { db: unquote(names[0]!), table: null } : null };
}

function unquoteName(token: SqlToken): string {
  return token.kind === "quoted-identifier" ? token.text.slice(1, -1).split(token.text[0] === "[" ? "]]" : '""').join(token.text[0] === "[" ? "]" : '"') : token.text;
}

function isName(token: SqlToken | undefined): token is SqlToken {
  return token !== undefined && (token.kind === "word" || token.kind === "quoted-identifier");
}

/** SQL Server `DROP DATABASE [IF EXISTS] a[, b]`, which the TransactSQL grammar does not read. */
function readMssqlDropDatabase(tokens: SqlToken[]): AstNode | undefined {
  const upper = (k: number): string => tokens[k]?.text.toUpperCase() ?? "";
  if (upper(0) !== "DROP" || upper(1) !== "DATABASE") return undefined;
  let k = 2;
  const ifExists = upper(2) === "IF" && upper(3) === "EXISTS";
  if (ifExists) k = 4;
  const names: string[] = [];
  for (; k < tokens.length; k += 2) {
    if (!isName(tokens[k])) return undefined;
    names.push(unquoteName(tokens[k]!));
    if (k + 1 < tokens.length && tokens[k + 1]!.text !== ",") return undefined;
  }
  if (names.length === 0) return undefined;
  return { type: "drop", keyword: "database", prefix: ifExists ? "if exists" : null, name: names.join(", ") };
}

/**
 * SQL Server `ALTER TABLE t [WITH CHECK | WITH NOCHECK] ADD [CONSTRAINT c] FOREIGN KEY (…) REFERENCES …`,
 * which the TransactSQL grammar misreads. `nocheck` is SQL Server's NOT VALID.
 */
function readMssqlAddForeignKey(tokens: SqlToken[]): AstNode | undefined {
  const upper = (k: number): string => (tokens[k]?.kind === "word" ? tokens[k]!.text.toUpperCase() : "");
  if (upper(0) !== "ALTER" || upper(1) !== "TABLE" || !isName(tokens[2])) return undefined;
  const parts = [unquoteName(tokens[2])];
  let k = 3;
  while (tokens[k]?.text === "." && isName(tokens[k + 1])) {
    parts.push(unquoteName(tokens[k + 1]!));
    k += 2;
  }
  let nocheck = false;
  if (upper(k) === "WITH" && (upper(k + 1) === "CHECK" || upper(k + 1) === "NOCHECK")) {
    nocheck = upper(k + 1) === "NOCHECK";
    k += 2;
  }
  if (upper(k) !== "ADD") return undefined;
  k++;
  let constraint: string | null = null;
  if (upper(k) === "CONSTRAINT" && isName(tokens[k + 1])) {
    constraint = unquoteName(tokens[k + 1]!);
    k += 2;
  }
  if (upper(k) !== "FOREIGN" || upper(k + 1) !== "KEY" || !tokens.slice(k).some((t) => t.kind === "word" && t.text.toUpperCase() === "REFERENCES")) return undefined;
  // One subcommand only: a top-level comma means more than this reader knows.
  let depth = 0;
  for (const token of tokens.slice(k)) {
    if (token.text === "(") depth++;
    else if (token.text === ")") depth--;
    else if (token.text === "," && depth === 0) return undefined;
  }
  const table = parts[parts.length - 1]!;
  const db = parts.length > 1 ? parts[parts.length - 2]! : null;
  return {
    type: "alter",
    table: [{ db, table }],
    expr: [{ action: "add", resource: "constraint", nocheck, create_definitions: { constraint, constraint_type: "FOREIGN KEY" } }],
  };
}

/** Keywords that are never a bare name where the readers below expect one (`ANALYZE TABLE` is no `ANALYZE t`). */
const RESERVED = new Set(["TABLE", "TABLES", "INDEX", "VIEW", "TRIGGER", "FROM", "WHERE", "INTO", "SELECT", "SET", "ON", "AND", "OR", "NOT", "NULL"]);

function isPlainName(token: SqlToken | undefined): token is SqlToken {
  return isName(token) && !(token.kind === "word" && RESERVED.has(token.text.toUpperCase()));
}

/** Index just past `name` or `schema.name` at `k`, or -1. */
function skipName(tokens: SqlToken[], k: number): number {
  if (!isPlainName(tokens[k])) return -1;
  return tokens[k + 1]?.text === "." && isPlainName(tokens[k + 2]) ? k + 3 : k + 1;
}

/** A single literal value at `k` (`ON`, `1`, `-2000`, `'wal'`); index just past it, or -1. */
function skipValue(tokens: SqlToken[], k: number): number {
  const token = tokens[k];
  if (!token) return -1;
  if ((token.text === "-" || token.text === "+") && tokens[k + 1]?.kind === "number") return k + 2;
  return token.kind === "word" || token.kind === "number" || token.kind === "string" || token.kind === "quoted-identifier" ? k + 1 : -1;
}

/**
 * SQLite `PRAGMA [schema.]name [= value | (value)]`: a connection setting (`foreign_keys=OFF`
 * around a batch table copy, `legacy_alter_table=ON`); it changes no data.
 */
function readSqlitePragma(tokens: SqlToken[]): AstNode | undefined {
  if (word(tokens[0]) !== "PRAGMA") return undefined;
  let k = skipName(tokens, 1);
  if (k < 0) return undefined;
  const name = tokens[k - 1]!.text;
  let value: string | null = null;
  if (tokens[k]?.text === "=") {
    const end = skipValue(tokens, k + 1);
    if (end < 0) return undefined;
    value = tokens.slice(k + 1, end).map((t) => t.text).join("");
    k = end;
  } else if (tokens[k]?.text === "(") {
    const end = skipValue(tokens, k + 1);
    if (end < 0 || tokens[end]?.text !== ")") return undefined;
    value = tokens.slice(k + 1, end).map((t) => t.text).join("");
    k = end + 1;
  }
  return k === tokens.length ? { type: "pragma", name, value } : undefined;
}

/** SQLite `VACUUM [schema] [INTO 'file']`, `ANALYZE [name]`, `REINDEX [name]`: rebuild or statistics, no data change. */
function readSqliteMaintenance(tokens: SqlToken[]): AstNode | undefined {
  const keyword = word(tokens[0]);
  if (keyword !== "VACUUM" && keyword !== "ANALYZE" && keyword !== "REINDEX") return undefined;
  let k = 1;
  if (isName(tokens[k]) && word(tokens[k]) !== "INTO") k = skipName(tokens, k);
  if (k < 0) return undefined;
  if (keyword === "VACUUM" && word(tokens[k]) === "INTO" && tokens[k + 1]?.kind === "string") k += 2;
  return k === tokens.length ? { type: keyword.toLowerCase() } : undefined;
}

/** MySQL `ANALYZE | OPTIMIZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE t[, t…]`: statistics or a rebuild, no data change. */
function readMysqlTableMaintenance(tokens: SqlToken[]): AstNode | undefined {
  const keyword = word(tokens[0]);
  if (keyword !== "ANALYZE" && keyword !== "OPTIMIZE") return undefined;
  let k = word(tokens[1]) === "NO_WRITE_TO_BINLOG" || word(tokens[1]) === "LOCAL" ? 2 : 1;
  if (word(tokens[k]) !== "TABLE" && word(tokens[k]) !== "TABLES") return undefined;
  k++;
  for (;;) {
    k = skipName(tokens, k);
    if (k < 0) return undefined;
    if (k === tokens.length) return { type: keyword.toLowerCase() };
    if (tokens[k]!.text !== ",") return undefined;
    k++;
  }
}

/**
 * MySQL `ALTER TABLE t [DEFAULT] CHARACTER SET cs [COLLATE c]` (the default for new columns) and
 * `ALTER TABLE t CONVERT TO CHARACTER SET cs [COLLATE c]` (rewrites every text column: a type change).
 */
function readMysqlAlterCharset(tokens: SqlToken[]): AstNode | undefined {
  if (word(tokens[0]) !== "ALTER" || word(tokens[1]) !== "TABLE") return undefined;
  let k = skipName(tokens, 2);
  if (k < 0) return undefined;
  const names = tokens.slice(2, k).filter((t) => t.text !== ".").map(unquoteName);
  const convert = word(tokens[k]) === "CONVERT" && word(tokens[k + 1]) === "TO";
  if (convert) k += 2;
  else if (word(tokens[k]) === "DEFAULT") k++;
  const readOption = (keywords: string[][]): string | undefined | null => {
    const match = keywords.find((words) => words.every((w, i) => word(tokens[k + i]) === w));
    if (!match) return null;
    k += match.length;
    if (tokens[k]?.text === "=") k++;
    if (!isName(tokens[k]) && tokens[k]?.kind !== "string") return undefined;
    return tokens[k++]!.text;
  };
  const charset = readOption([["CHARACTER", "SET"], ["CHARSET"]]);
  if (!charset) return undefined;
  if (!convert && word(tokens[k]) === "DEFAULT") k++;
  const collate = readOption([["COLLATE"]]);
  if (collate === undefined || k !== tokens.length) return undefined;
  return {
    type: "alter",
    table: [{ db: names.length > 1 ? names[0] : null, table: names[names.length - 1] }],
    expr: [{ action: convert ? "convert" : "default", resource: "charset", charset, collate }],
  };
}

/** SQL Server session options: `SET NOCOUNT ON`, `SET XACT_ABORT, ANSI_NULLS OFF`, `SET IDENTITY_INSERT t ON`. */
function readMssqlSetOption(tokens: SqlToken[]): AstNode | undefined {
  if (word(tokens[0]) !== "SET") return undefined;
  const last = word(tokens[tokens.length - 1]);
  if (last !== "ON" && last !== "OFF") return undefined;
  if (word(tokens[1]) === "IDENTITY_INSERT") {
    const k = skipName(tokens, 2);
    return k === tokens.length - 1 ? { type: "set", option: "IDENTITY_INSERT" } : undefined;
  }
  const options = tokens.slice(1, -1);
  if (options.length === 0 || options.some((t, i) => (i % 2 === 0 ? t.kind !== "word" || t.text.startsWith("@") : t.text !== ",")) || options.length % 2 === 0) return undefined;
  return { type: "set", option: options.filter((t) => t.kind === "word").map((t) => t.text.toUpperCase()).join(", ") };
}

/** MySQL `SET NAMES cs [COLLATE c]` / `SET NAMES DEFAULT` / `SET CHARACTER SET cs` (mysqldump headers): a connection setting. */
function readMysqlSetNames(tokens: SqlToken[]): AstNode | undefined {
  if (word(tokens[0]) !== "SET") return undefined;
  let k = word(tokens[1]) === "NAMES" ? 2 : word(tokens[1]) === "CHARSET" ? 2 : word(tokens[1]) === "CHARACTER" && word(tokens[2]) === "SET" ? 3 : -1;
  if (k < 0 || (!isName(tokens[k]) && tokens[k]?.kind !== "string")) return undefined;
  k++;
  if (word(tokens[k]) === "COLLATE" && (isName(tokens[k + 1]) || tokens[k + 1]?.kind === "string")) k += 2;
  return k === tokens.length ? { type: "set", option: "NAMES" } : undefined;
}

/** MySQL `ALTER TABLE t DISABLE KEYS` / `ENABLE KEYS` (mysqldump around its INSERTs): index maintenance, no data change. */
function readMysqlToggleKeys(tokens: SqlToken[]): AstNode | undefined {
  if (word(tokens[0]) !== "ALTER" || word(tokens[1]) !== "TABLE") return undefined;
  const k = skipName(tokens, 2);
  if (k < 0 || (word(tokens[k]) !== "DISABLE" && word(tokens[k]) !== "ENABLE") || word(tokens[k + 1]) !== "KEYS" || k + 2 !== tokens.length) return undefined;
  return { type: "alter", table: [], expr: [{ action: word(tokens[k]).toLowerCase(), resource: "keys" }] };
}
