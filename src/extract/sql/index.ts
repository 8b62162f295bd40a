// SQL text → SchemaChange facts. Used for `.sql` files and for SQL inside Python strings.
import { emptyFileFacts, type Direction, type Directive, type FileFacts, type ParseProblem, type SchemaChange } from "../facts.js";
import { parseDirectiveComment } from "../directives.js";
import { SourceText } from "../source.js";
import { tokenizeSql } from "../../parsers/sql.js";
import type { SqlDialect } from "../../types.js";
import { readGeneric } from "./generic.js";
import { readPostgres } from "./postgres.js";
import type { DraftResult } from "./draft.js";

export { isPostgresTautology } from "./postgres.js";
export { isGenericTautology } from "./generic.js";

export interface SqlInput {
  /** The SQL text (for a Python string: its decoded value). */
  sql: string;
  /**
   * Maps a UTF-16 index in `sql` to a UTF-16 offset in `source.text`; identity for `.sql` files.
   * Called with indexes 0 … sql.length inclusive (sql.length: just past the last character).
   */
  mapOffset: (sqlIndex: number) => number;
  /** The file the SQL lives in, for locations. */
  source: SourceText;
  dialect: SqlDialect;
  origin: "sql-in-python" | "sql-file" | "sql-in-command";
  migration?: { revision?: string; direction: Direction };
  /** The operation that executes it, for messages (`op.execute`); absent for `.sql` files. */
  executedBy?: string;
}

export interface SqlExtraction {
  changes: SchemaChange[];
  problems: ParseProblem[];
  /** `-- gonogo-disable…` directives found in SQL comments (only for `.sql` files). */
  directives: Directive[];
  /** Top-level statements that parsed. */
  parsedStatements: number;
}

/** Parses `input.sql` with the dialect's parser and returns one SchemaChange per relevant statement. */
export async function extractSqlChanges(input: SqlInput): Promise<SqlExtraction> {
  const sql = input.origin === "sql-in-python" && input.dialect === "postgresql" ? neutralizeBindParameters(input.sql) : input.sql;
  let result: DraftResult;
  try {
    result = input.dialect === "postgresql" ? await readPostgres(sql) : await readGeneric(sql, input.dialect);
  } catch (error) {
    // A parser that throws where it should report (a WASM abort, an unexpected AST) must not
    // take the scan down, nor let the SQL pass unread.
    result = { changes: [], problems: [{ message: `SQL could not be analysed: ${error instanceof Error ? error.message : String(error)}`, start: 0, end: sql.length }], parsedStatements: 0, comments: [] };
  }

  const locate = (start: number, end: number) => input.source.location(input.mapOffset(start), input.mapOffset(Math.max(start, end)));
  const changes = result.changes.map(({ start, end, ...fields }) => {
    const change: SchemaChange = { ...fields, origin: input.origin, dialect: input.dialect, location: locate(start, end) };
    if (input.migration) change.migration = { ...input.migration };
    return change;
  });
  const wholeFile = input.origin === "sql-file" && result.parsedStatements === 0;
  const problems = result.problems.map(
    ({ message, start, end }): ParseProblem => ({
      language: "sql",
      family: "sql",
      wholeFile,
      message: `SQL (${input.dialect}) does not parse: ${message}`,
      location: locate(start, end),
    }),
  );
  const directives: Directive[] = [];
  if (input.origin === "sql-file") {
    for (const comment of result.comments) {
      const body = comment.text.startsWith("--") ? comment.text.slice(2) : comment.text.startsWith("#") ? comment.text.slice(1) : comment.text.slice(2, -2);
      const directive = parseDirectiveComment(body, locate(comment.start, comment.end));
      if (directive) directives.push(directive);
    }
  }
  return { changes, problems, directives, parsedStatements: result.parsedStatements };
}

/** Facts of a `.sql` file. */
export async function extractSqlFile(file: string, text: string, dialect: SqlDialect): Promise<FileFacts> {
  const facts = emptyFileFacts(file, "sql");
  const result = await extractSqlChanges({ sql: text, mapOffset: (i) => i, source: new SourceText(file, text), dialect, origin: "sql-file" });
  facts.schemaChanges.push(...result.changes);
  facts.parseProblems.push(...result.problems);
  facts.directives.push(...result.directives);
  return facts;
}

/**
 * Driver placeholders are not PostgreSQL: `:name` (SQLAlchemy text()), `%s` and `%(name)s`
 * (DB-API pyformat). Each is replaced by `$1` padded with spaces to its own length, so offsets do
 * not move and the statement parses as what it is.
 */
function neutralizeBindParameters(sql: string): string {
  const { tokens } = tokenizeSql(sql, "postgresql");
  const pieces: string[] = [];
  let last = 0;
  const replace = (start: number, end: number): void => {
    pieces.push(sql.slice(last, start), "$1".padEnd(end - start, " "));
    last = end;
  };
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === "parameter" && token.text.startsWith(":") && token.text.length >= 2) replace(token.start, token.end);
    else if (token.kind === "punctuation" && token.text === "%") {
      const next = tokens[k + 1];
      if (next?.start === token.end && next.kind === "word" && next.text === "s") {
        replace(token.start, next.end);
        k++;
      } else if (next?.start === token.end && next.text === "(" && tokens[k + 2]?.kind === "word" && tokens[k + 3]?.text === ")" && tokens[k + 4]?.text === "s" && tokens[k + 4]!.start === tokens[k + 3]!.end) {
        replace(token.start, tokens[k + 4]!.end);
        k += 4;
      }
    }
  }
  if (last === 0) return sql;
  pieces.push(sql.slice(last));
  return pieces.join("");
}
