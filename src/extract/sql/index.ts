// SQL text → SchemaChange facts. Used for `.sql` files and for SQL inside Python strings.
import { emptyFileFacts, type Direction, type Directive, type DynamicSql, type FileFacts, type ParseProblem, type SchemaChange } from "../facts.js";
import { parseDirectiveComment } from "../directives.js";
import { SourceText } from "../source.js";
import { MAX_SQL_STATEMENTS, MAX_SQL_TOKENS, splitSqlStatements, tokenizeSql } from "../../parsers/sql.js";
import type { SqlDialect } from "../../types.js";
import { readGeneric } from "./generic.js";
import { readPostgres } from "./postgres.js";
import type { DraftResult } from "./draft.js";
import { neutralizeBindParameters } from "./bind-parameters.js";
import { markOwnTableDrops } from "../own-tables.js";

export { isPostgresTautology, isGenericTautology } from "./truth.js";

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
  /** SQL the SQL itself builds at run time (PL/pgSQL `EXECUTE` of a computed string). */
  dynamicSql: DynamicSql[];
  /** `-- gonogo-disable…` directives found in SQL comments (only for `.sql` files). */
  directives: Directive[];
  /** Top-level statements that parsed. */
  parsedStatements: number;
}

/** Parses `input.sql` with the dialect's parser and returns one SchemaChange per relevant statement. */
export async function extractSqlChanges(input: SqlInput): Promise<SqlExtraction> {
  // SQL from Python may hold driver placeholders; a .sql file is run as it is.
  const bound = input.origin === "sql-in-python" ? neutralizeBindParameters(input.sql, input.dialect) : { sql: input.sql, toOriginal: (i: number) => i };
  const sql = bound.sql;
  const read = await readSafely(sql, input.dialect);
  // SQL run from Python may be meant for another database than the file's (a migration that
  // serves several): a statement that parses in another dialect Alembic serves is read in it.
  const result = overChangeBudget(input.origin === "sql-in-python" && read.result.problems.length > 0 && read.result.overBudget !== true ? await readInOtherDialects(sql, input.dialect, read) : read);

  const mapOffset = (index: number): number => input.mapOffset(bound.toOriginal(index));
  const locate = (start: number, end: number) => input.source.location(mapOffset(start), mapOffset(Math.max(start, end)));
  const changes = result.result.changes.map(({ start, end, ...fields }, index) => {
    const change: SchemaChange = { ...fields, origin: input.origin, dialect: result.dialects[index] ?? input.dialect, location: locate(start, end) };
    if (input.migration) change.migration = { ...input.migration };
    return change;
  });
  const wholeFile = input.origin === "sql-file" && result.result.parsedStatements === 0;
  const problems = result.result.problems.map(
    ({ message, start, end }): ParseProblem => ({
      language: "sql",
      family: "sql",
      wholeFile,
      message: result.result.overBudget === true ? `SQL (${input.dialect}) has ${message}` : `SQL (${input.dialect}) does not parse: ${message}`,
      location: locate(start, end),
    }),
  );
  const dynamicSql = result.result.dynamic.map(({ reason, operation, start, end }): DynamicSql => {
    const dynamic: DynamicSql = { reason, operation, location: locate(start, end) };
    if (input.migration) dynamic.migration = { ...input.migration };
    return dynamic;
  });
  const directives: Directive[] = [];
  if (input.origin === "sql-file") {
    for (const comment of result.result.comments) {
      const body = comment.text.startsWith("--") ? comment.text.slice(2) : comment.text.startsWith("#") ? comment.text.slice(1) : comment.text.slice(2, -2);
      const directive = parseDirectiveComment(body, locate(comment.start, comment.end));
      if (directive) directives.push(directive);
    }
  }
  return { changes, problems, dynamicSql, directives, parsedStatements: result.result.parsedStatements };
}

/** Facts of a `.sql` file. */
export async function extractSqlFile(file: string, text: string, dialect: SqlDialect): Promise<FileFacts> {
  const facts = emptyFileFacts(file, "sql");
  const result = await extractSqlChanges({ sql: text, mapOffset: (i) => i, source: new SourceText(file, text), dialect, origin: "sql-file" });
  for (const item of result.changes) facts.schemaChanges.push(item);
  markOwnTableDrops(facts.schemaChanges, false);
  for (const item of result.problems) facts.parseProblems.push(item);
  for (const item of result.dynamicSql) facts.dynamicSql.push(item);
  for (const item of result.directives) facts.directives.push(item);
  return facts;
}

/**
 * One statement can hold many changes (an ALTER TABLE with 100,000 subcommands, each a finding):
 * past the statement budget in changes, the text is not analysed either.
 */
function overChangeBudget(reading: Reading): Reading {
  const changes = reading.result.changes;
  if (changes.length <= MAX_SQL_STATEMENTS) return reading;
  const past = changes[MAX_SQL_STATEMENTS]!;
  const message = `more than ${MAX_SQL_STATEMENTS.toLocaleString("en-US")} changes: not analysed (SQL budget: ${MAX_SQL_STATEMENTS.toLocaleString("en-US")} statements or changes, ${MAX_SQL_TOKENS.toLocaleString("en-US")} tokens)`;
  return { result: { ...reading.result, changes: [], dynamic: [], problems: [{ message, start: past.start, end: past.end }], parsedStatements: 0, overBudget: true }, dialects: [] };
}

/** A reading of SQL text: the dialect each change was read in, by index. */
interface Reading {
  result: DraftResult;
  dialects: SqlDialect[];
}

async function readSafely(sql: string, dialect: SqlDialect): Promise<Reading> {
  let result: DraftResult;
  try {
    result = dialect === "postgresql" ? await readPostgres(sql) : await readGeneric(sql, dialect);
  } catch (error) {
    // A parser that throws where it should report (a WASM abort, an unexpected AST) must not
    // take the scan down, nor let the SQL pass unread.
    result = { changes: [], problems: [{ message: `SQL could not be analysed: ${error instanceof Error ? error.message : String(error)}`, start: 0, end: sql.length }], dynamic: [], parsedStatements: 0, comments: [] };
  }
  return { result, dialects: result.changes.map(() => dialect) };
}

/** The dialects Alembic serves that gonogo reads, in the order a statement is tried in them. */
const DIALECTS: SqlDialect[] = ["postgresql", "mysql", "sqlite", "mssql"];

/**
 * Each statement of `sql` that did not parse in `dialect` is read in the other dialects; the first
 * that reads it without a problem gives its facts (so a destructive statement that parses only
 * elsewhere still reaches the rules). A statement that parses nowhere keeps its problem.
 */
async function readInOtherDialects(sql: string, dialect: SqlDialect, primary: Reading): Promise<Reading> {
  const others = DIALECTS.filter((d) => d !== dialect);
  const lexed = tokenizeSql(sql, dialect);
  if (lexed.error) {
    // The text does not even tokenize as this dialect (a MySQL backslash escape read as PostgreSQL):
    // the whole text is read in the first dialect that reads all of it.
    return (await readInFirstDialect(sql, others)) ?? primary;
  }
  const spans = splitSqlStatements(lexed.tokens, dialect, sql);
  const { changes, problems } = primary.result;
  // The problems of each statement, by the index of the statement they fall in (-1: none).
  const bySpan = new Map<number, typeof problems>();
  for (const problem of problems) {
    let index = -1;
    for (let k = 0; k < spans.length && spans[k]!.start <= problem.start; k++) index = k;
    if (index >= 0 && problem.start > spans[index]!.end) index = -1;
    bySpan.set(index, [...(bySpan.get(index) ?? []), problem]);
  }
  const result: DraftResult = { ...primary.result, changes: [...changes], problems: [], dynamic: [...primary.result.dynamic] };
  const dialects = [...primary.dialects];
  for (const [index, spanProblems] of bySpan) {
    const span = spans[index];
    // Only a statement the dialect read nothing from: its facts cannot come twice.
    const read = span && !changes.some((c) => c.start >= span.start && c.start <= span.end) ? await readInFirstDialect(sql.slice(span.start, span.end), others) : undefined;
    if (!span || !read) {
      for (const item of spanProblems) result.problems.push(item);
      continue;
    }
    for (const dynamic of read.result.dynamic) result.dynamic.push({ ...dynamic, start: dynamic.start + span.start, end: dynamic.end + span.start });
    for (const [k, change] of read.result.changes.entries()) {
      result.changes.push({ ...change, start: change.start + span.start, end: change.end + span.start });
      dialects.push(read.dialects[k]!);
    }
    result.parsedStatements += read.result.parsedStatements;
  }
  result.problems.sort((a, b) => a.start - b.start);
  return { result, dialects };
}

/** The reading of `sql` in the first of `dialects` that reads all of it without a problem. */
async function readInFirstDialect(sql: string, dialects: SqlDialect[]): Promise<Reading | undefined> {
  for (const dialect of dialects) {
    const reading = await readSafely(sql, dialect);
    if (reading.result.problems.length === 0 && reading.result.parsedStatements > 0) return reading;
  }
  return undefined;
}
