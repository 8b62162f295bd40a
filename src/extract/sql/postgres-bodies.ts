// Code PostgreSQL runs from a string: `DO $$ … $$` blocks and function and procedure bodies
// (`LANGUAGE sql`, `LANGUAGE plpgsql`). The statements inside are read in place, with their own
// positions in the file; `EXECUTE` of a string built at run time cannot be read and is reported as
// dynamic SQL (production fails closed on it).
import { decodeSqlStringLiteral, parsePlpgsqlBody, parsePlpgsqlFunction, type AstNode, type ParsedStatement, type PlpgsqlStatement } from "../../parsers/sql.js";
import { list, obj, sval } from "./postgres-ast.js";
import { executedTemplate, RUN_TIME_NAME } from "./plpgsql-template.js";
import type { DraftChange, DraftResult, DraftSink } from "./draft.js";

/** Reads a PostgreSQL script whose offsets map to the caller's text through `toOuter`. */
export type ReadScript = (sql: string, toOuter: (index: number) => number) => Promise<DraftResult>;

/** Languages whose body is not code gonogo could read: an object file's symbol. */
const NO_CODE = new Set(["c", "internal"]);

/** The string body of a DO block or function (`AS '…'`), its language and where it is written. */
function bodyOf(statement: ParsedStatement, defs: unknown[], toOuter: (index: number) => number): { body: string; language?: string; bodyToOuter: (index: number) => number; at: { start: number; end: number } } | undefined {
  let body: string | undefined;
  let bodyLocation: number | undefined;
  let language: string | undefined;
  for (const arg of defs) {
    const def = obj(obj(arg)?.DefElem);
    if (def?.defname === "as") {
      // DO: a String; CREATE FUNCTION: a List of one String (two for C's 'file', 'symbol').
      const items = list(obj(obj(def.arg)?.List)?.items);
      body = items.length > 0 ? (items.length === 1 ? sval(items[0]) : undefined) : sval(def.arg);
      bodyLocation = typeof def.location === "number" ? def.location : undefined;
    } else if (def?.defname === "language") language = sval(def.arg)?.toLowerCase();
  }
  if (body === undefined) return undefined;
  const whole = { start: toOuter(statement.start), end: toOuter(statement.end) };
  // The body's characters map one to one into the string token (dollar quotes), or through the
  // literal's escapes ('…' with doubled quotes). DO's location is the string; a function's is `AS`.
  const from = bodyLocation === undefined ? -1 : statement.toIndex(bodyLocation);
  const token = from < 0 ? undefined : statement.tokens.find((t) => t.start >= from && t.kind === "string");
  const literal = token ? decodeSqlStringLiteral(token.text) : undefined;
  const mapped = token !== undefined && literal !== undefined && literal.value === body;
  const bodyToOuter = mapped ? (i: number) => toOuter(token.start + literal.map[Math.min(i, literal.map.length - 1)]!) : () => whole.start;
  const at = token ? { start: toOuter(token.start), end: toOuter(token.end) } : whole;
  return language === undefined ? { body, bodyToOuter, at } : { body, language, bodyToOuter, at };
}

/** Opens `DO $$ … $$` and reads the statements of its PL/pgSQL body in place. */
export async function readDoBlock(statement: ParsedStatement, node: AstNode, toOuter: (index: number) => number, sink: DraftSink, readScript: ReadScript): Promise<void> {
  const found = bodyOf(statement, list(node.args), toOuter);
  if (!found) return;
  const language = found.language ?? "plpgsql";
  if (language !== "plpgsql") {
    sink.problems.push({ message: `DO block in language ${language} cannot be analysed`, start: toOuter(statement.start), end: toOuter(statement.end) });
    return;
  }
  const parsed = await parsePlpgsqlBody(found.body);
  if ("error" in parsed) {
    sink.problems.push({ message: `PL/pgSQL block does not parse: ${parsed.error}`, ...found.at });
    return;
  }
  await readPlpgsqlStatements(parsed.statements, found.body, found.bodyToOuter, sink, readScript);
}

/**
 * Reads the body of `CREATE FUNCTION|PROCEDURE … AS '…'`: LANGUAGE sql as a script, plpgsql like a
 * DO block. The body runs whenever the function is called (by a trigger, a later statement, the
 * application), so what it does is part of what the migration ships. A BEGIN ATOMIC body is parsed
 * with the statement and read with the nested statements.
 */
export async function readFunctionBody(statement: ParsedStatement, node: AstNode, sql: string, toOuter: (index: number) => number, sink: DraftSink, readScript: ReadScript): Promise<void> {
  if (node.sql_body !== undefined) return;
  const found = bodyOf(statement, list(node.options), toOuter);
  if (!found) return;
  const language = found.language ?? "sql";
  const kind = node.is_procedure === true ? "procedure" : "function";
  if (NO_CODE.has(language)) return;
  if (language === "sql") {
    merge(sink, await readScript(found.body, found.bodyToOuter));
    return;
  }
  if (language !== "plpgsql") {
    sink.problems.push({ message: `${kind} body in language ${language} cannot be analysed`, ...found.at });
    return;
  }
  const parsed = await parsePlpgsqlFunction(sql.slice(statement.start, statement.end));
  if ("error" in parsed) {
    sink.problems.push({ message: `PL/pgSQL ${kind} body does not parse: ${parsed.error}`, ...found.at });
    return;
  }
  await readPlpgsqlStatements(parsed.statements, found.body, found.bodyToOuter, sink, readScript);
}

/** Reads each statement of a PL/pgSQL body where it is written in `body`. */
async function readPlpgsqlStatements(statements: PlpgsqlStatement[], body: string, bodyToOuter: (index: number) => number, sink: DraftSink, readScript: ReadScript): Promise<void> {
  const lineStarts = [0];
  for (let i = 0; i < body.length; i++) if (body[i] === "\n") lineStarts.push(i + 1);
  let cursor = 0;
  for (const inner of statements) {
    // PL/pgSQL keeps each statement's text as written and its line: find it there.
    const from = Math.max(cursor, lineStarts[inner.line - 1] ?? 0);
    let at = body.indexOf(inner.query, from);
    if (at < 0) at = body.indexOf(inner.query);
    if (at < 0) continue;
    cursor = at + inner.query.length;
    const queryToOuter = (i: number): number => bodyToOuter(at + i);
    if (!inner.dynamic) {
      merge(sink, await readScript(inner.query, queryToOuter));
      continue;
    }
    // EXECUTE 'constant SQL' is as static as a plain statement, and so is a string whose run-time
    // parts are quoted names and values (format('DROP TABLE %I', t)); raw run-time text is not.
    const trimmedStart = inner.query.length - inner.query.trimStart().length;
    const end = Math.max(trimmedStart, inner.query.trimEnd().length);
    const template = await executedTemplate(inner.query);
    const result = template ? await readScript(template.sql, (i) => queryToOuter(template.map[Math.min(i, template.map.length - 1)]!)) : undefined;
    if (!template || !result || (template.placeholders && (result.problems.length > 0 || result.parsedStatements === 0))) {
      sink.dynamic.push({ reason: "a run-time value not quoted by format %I/%L or quote_ident/quote_literal", operation: "EXECUTE in PL/pgSQL", start: queryToOuter(trimmedStart), end: queryToOuter(end) });
      continue;
    }
    // A name quoted at run time is read as "?": say so instead of naming a table "?".
    if (template.placeholders) for (const change of result.changes) nameRunTimeObjects(change);
    merge(sink, result);
  }
}

function nameRunTimeObjects(change: DraftChange): void {
  const name = (value: string | undefined) => (value === "?" ? RUN_TIME_NAME : value);
  for (const field of ["schema", "table", "column", "name", "newName", "referredTable"] as const) {
    if (change[field] === "?") change[field] = RUN_TIME_NAME;
  }
  if (change.objects) change.objects = change.objects.map((o) => o.split(".").map((part) => name(part)!).join("."));
}

function merge(sink: DraftSink, result: DraftResult): void {
  for (const item of result.changes) sink.changes.push(item);
  for (const item of result.problems) sink.problems.push(item);
  for (const item of result.dynamic) sink.dynamic.push(item);
}
