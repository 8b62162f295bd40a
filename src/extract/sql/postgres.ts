// PostgreSQL statements (libpg-query ASTs) → schema changes. DO blocks are opened and the
// statements inside read with their own positions.
import {
  decodeSqlStringLiteral,
  parsePlpgsqlBody,
  parsePostgresExpression,
  parsePostgresScript,
  type AstNode,
  type ParsedStatement,
  type SqlToken,
} from "../../parsers/sql.js";
import { skipQualifiedName, splitAtTopLevelCommas, subcommandRange, sameExpression, type ChangeFields, type DraftChange, type DraftProblem, type DraftResult } from "./draft.js";

const obj = (value: unknown): AstNode | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as AstNode) : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** `{ String: { sval } }` → sval. */
function sval(node: unknown): string | undefined {
  return text(obj(obj(node)?.String)?.sval);
}

/** The only key of a node wrapper such as `{ DropStmt: {…} }`. */
function unwrap(node: unknown): [string, AstNode] | undefined {
  const wrapper = obj(node);
  if (!wrapper) return undefined;
  const key = Object.keys(wrapper)[0];
  const inner = key ? obj(wrapper[key]) : undefined;
  return key && inner ? [key, inner] : undefined;
}

function relation(node: unknown): { schema?: string; table?: string } {
  const range = obj(node);
  const result: { schema?: string; table?: string } = {};
  const schema = text(range?.schemaname);
  const table = text(range?.relname);
  if (schema) result.schema = schema;
  if (table) result.table = table;
  return result;
}

function qualified(names: string[]): { schema?: string; table?: string; display: string } {
  const table = names[names.length - 1];
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const result: { schema?: string; table?: string; display: string } = { display: names.join(".") };
  if (table) result.table = table;
  if (schema) result.schema = schema;
  return result;
}

/** Whether a WHERE clause matches every row: TRUE, 1, 'a' = 'a', x = x, … OR TRUE. */
export function isPostgresTautology(node: unknown): boolean {
  const entry = unwrap(node);
  if (!entry) return false;
  const [kind, inner] = entry;
  switch (kind) {
    case "A_Const":
      return constantTruth(inner) === true;
    case "TypeCast": {
      const type = list(obj(inner.typeName)?.names).map(sval).pop();
      const arg = unwrap(inner.arg);
      return (type === "bool" || type === "boolean") && arg?.[0] === "A_Const" && constantTruth(arg[1]) === true;
    }
    case "A_Expr": {
      if (inner.kind !== "AEXPR_OP") return false;
      const op = list(inner.name).map(sval).pop();
      if (op === "=" || op === ">=" || op === "<=") return sameExpression(inner.lexpr, inner.rexpr);
      if (op === "<>" || op === "!=") return unwrap(inner.lexpr)?.[0] === "A_Const" && unwrap(inner.rexpr)?.[0] === "A_Const" && !sameExpression(inner.lexpr, inner.rexpr);
      return false;
    }
    case "BoolExpr": {
      const args = list(inner.args);
      if (inner.boolop === "OR_EXPR") return args.some(isPostgresTautology);
      if (inner.boolop === "AND_EXPR") return args.length > 0 && args.every(isPostgresTautology);
      if (inner.boolop === "NOT_EXPR") {
        const arg = unwrap(args[0]);
        return arg?.[0] === "A_Const" && constantTruth(arg[1]) === false;
      }
      return false;
    }
    default:
      return false;
  }
}

/** The truth of a constant used as a condition, when it has one. */
function constantTruth(constant: AstNode): boolean | undefined {
  if ("boolval" in constant) return obj(constant.boolval)?.boolval === true;
  if ("ival" in constant) return (obj(constant.ival)?.ival ?? 0) !== 0;
  const string = text(obj(constant.sval)?.sval)?.toLowerCase();
  if (string === undefined) return undefined;
  if (["t", "true", "y", "yes", "on", "1"].includes(string)) return true;
  if (["f", "false", "n", "no", "off", "0"].includes(string)) return false;
  return undefined;
}

const SERIAL_TYPES = new Set(["serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"]);

interface Sink {
  changes: DraftChange[];
  problems: DraftProblem[];
}

/**
 * Reads a PostgreSQL script. `toOuter` maps offsets of `sql` to offsets of the caller's SQL text
 * (identity at the top level; a composition for statements inside DO blocks).
 */
export async function readPostgres(sql: string, toOuter: (index: number) => number = (i) => i): Promise<DraftResult> {
  const script = await parsePostgresScript(sql);
  const sink: Sink = { changes: [], problems: [] };
  for (const error of script.errors) sink.problems.push({ message: error.message, start: toOuter(error.start), end: toOuter(error.end) });
  for (const statement of script.statements) await readStatement(statement, sql, toOuter, sink);
  return { ...sink, parsedStatements: script.statements.length, comments: script.comments };
}

async function readStatement(statement: ParsedStatement, sql: string, toOuter: (index: number) => number, sink: Sink): Promise<void> {
  const entry = unwrap(statement.ast);
  if (!entry) return;
  const [kind, node] = entry;
  const add = (fields: ChangeFields, range: { start: number; end: number } = statement): void => {
    sink.changes.push({ ...fields, start: toOuter(range.start), end: toOuter(range.end) });
  };
  switch (kind) {
    case "DropStmt": {
      const removeType = text(node.removeType);
      const names = list(node.objects).map((item) => {
        const items = list(obj(obj(item)?.List)?.items);
        return items.length > 0 ? items.map((i) => sval(i) ?? "?") : [sval(item) ?? "?"];
      });
      const ifExists = node.missing_ok === true;
      if (removeType === "OBJECT_TABLE") {
        const first = qualified(names[0] ?? []);
        add({ kind: "drop-table", operation: "DROP TABLE", ...pick(first), ifExists, objects: names.map((n) => n.join(".")) });
      } else if (removeType === "OBJECT_SCHEMA") {
        add({ kind: "drop-schema", operation: "DROP SCHEMA", schema: names[0]?.[0] ?? "?", name: names[0]?.[0] ?? "?", ifExists, objects: names.map((n) => n.join(".")) });
      } else if (removeType === "OBJECT_INDEX") {
        const first = qualified(names[0] ?? []);
        const change: ChangeFields = { kind: "drop-index", operation: node.concurrent === true ? "DROP INDEX CONCURRENTLY" : "DROP INDEX", name: first.table ?? "?", ifExists, concurrently: node.concurrent === true, objects: names.map((n) => n.join(".")) };
        if (first.schema) change.schema = first.schema;
        add(change);
      }
      return;
    }
    case "DropdbStmt": {
      const name = text(node.dbname) ?? "?";
      add({ kind: "drop-database", operation: "DROP DATABASE", name, ifExists: node.missing_ok === true, objects: [name] });
      return;
    }
    case "TruncateStmt": {
      const tables = list(node.relations).map((r) => relation(obj(r)?.RangeVar));
      add({ kind: "truncate", operation: "TRUNCATE", ...tables[0], objects: tables.map(display) });
      return;
    }
    case "DeleteStmt":
    case "UpdateStmt": {
      const hasWhere = node.whereClause !== undefined;
      add({
        kind: kind === "DeleteStmt" ? "delete" : "update",
        operation: kind === "DeleteStmt" ? "DELETE" : "UPDATE",
        ...relation(node.relation),
        hasWhere,
        whereIsTautology: hasWhere && isPostgresTautology(node.whereClause),
      });
      return;
    }
    case "InsertStmt":
      add({ kind: "insert", operation: "INSERT", ...relation(node.relation) });
      return;
    case "CreateStmt":
      add({ kind: "create-table", operation: "CREATE TABLE", ...relation(node.relation), ifExists: node.if_not_exists === true });
      return;
    case "CreateTableAsStmt":
      if (node.objtype === "OBJECT_TABLE") add({ kind: "create-table", operation: "CREATE TABLE AS", ...relation(obj(obj(node.into)?.rel)) });
      return;
    case "CreateSchemaStmt": {
      const name = text(node.schemaname) ?? "?";
      add({ kind: "create-schema", operation: "CREATE SCHEMA", schema: name, name });
      return;
    }
    case "IndexStmt": {
      const change: ChangeFields = {
        kind: "create-index",
        operation: node.concurrent === true ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX",
        ...relation(node.relation),
        concurrently: node.concurrent === true,
      };
      const name = text(node.idxname);
      if (name) change.name = name;
      add(change);
      return;
    }
    case "RenameStmt": {
      const newName = text(node.newname) ?? "?";
      if (node.renameType === "OBJECT_TABLE") add({ kind: "rename-table", operation: "ALTER TABLE … RENAME TO", ...relation(node.relation), newName });
      else if (node.renameType === "OBJECT_COLUMN" && node.relationType === "OBJECT_TABLE")
        add({ kind: "rename-column", operation: "ALTER TABLE … RENAME COLUMN", ...relation(node.relation), column: text(node.subname) ?? "?", newName });
      return;
    }
    case "AlterTableStmt":
      if (node.objtype === "OBJECT_TABLE") readAlterTable(statement, node, sql, add);
      return;
    case "DoStmt":
      await readDoBlock(statement, node, toOuter, sink);
      return;
    default:
      return;
  }
}

function pick(name: { schema?: string; table?: string }): { schema?: string; table?: string } {
  const result: { schema?: string; table?: string } = {};
  if (name.schema) result.schema = name.schema;
  if (name.table) result.table = name.table;
  return result;
}

function display(name: { schema?: string; table?: string }): string {
  return name.schema ? `${name.schema}.${name.table ?? "?"}` : (name.table ?? "?");
}

function readAlterTable(statement: ParsedStatement, node: AstNode, sql: string, add: (fields: ChangeFields, range?: { start: number; end: number }) => void): void {
  const target = relation(node.relation);
  const commands = list(node.cmds).map((c) => obj(obj(c)?.AlterTableCmd)).filter((c): c is AstNode => c !== undefined);
  // Subcommands follow the table name: find it by the relation's location and split after it.
  const relationLocation = obj(node.relation)?.location;
  let segments: SqlToken[][] | undefined;
  if (typeof relationLocation === "number") {
    const at = statement.toIndex(relationLocation);
    const k = statement.tokens.findIndex((t) => t.start === at);
    if (k >= 0) segments = splitAtTopLevelCommas(statement.tokens, skipQualifiedName(statement.tokens, k));
  }
  commands.forEach((command, index) => {
    const range = subcommandRange(statement, segments, index, commands.length);
    const column = text(command.name);
    const ifExists = command.missing_ok === true;
    switch (command.subtype) {
      case "AT_AddColumn": {
        const def = obj(obj(command.def)?.ColumnDef);
        const constraints = list(def?.constraints).map((c) => text(obj(obj(c)?.Constraint)?.contype));
        const typeName = list(obj(def?.typeName)?.names).map(sval).pop() ?? "";
        add(
          {
            kind: "add-column",
            operation: "ALTER TABLE … ADD COLUMN",
            ...target,
            column: text(def?.colname) ?? "?",
            notNull: constraints.includes("CONSTR_NOTNULL") || constraints.includes("CONSTR_PRIMARY"),
            hasDefault: constraints.some((c) => c === "CONSTR_DEFAULT" || c === "CONSTR_IDENTITY" || c === "CONSTR_GENERATED") || SERIAL_TYPES.has(typeName),
          },
          range,
        );
        return;
      }
      case "AT_DropColumn":
        add({ kind: "drop-column", operation: "ALTER TABLE … DROP COLUMN", ...target, column: column ?? "?", ifExists }, range);
        return;
      case "AT_AlterColumnType": {
        const typeName = obj(obj(obj(command.def)?.ColumnDef)?.typeName);
        add({ kind: "alter-column-type", operation: "ALTER TABLE … ALTER COLUMN … TYPE", ...target, column: column ?? "?", newType: typeText(statement, typeName, range, sql) }, range);
        return;
      }
      case "AT_SetNotNull":
      case "AT_DropNotNull":
        add({ kind: "alter-column-nullability", operation: command.subtype === "AT_SetNotNull" ? "ALTER TABLE … SET NOT NULL" : "ALTER TABLE … DROP NOT NULL", ...target, column: column ?? "?", notNull: command.subtype === "AT_SetNotNull" }, range);
        return;
      case "AT_AddConstraint": {
        const constraint = obj(obj(command.def)?.Constraint);
        const name = text(constraint?.conname);
        const notValid = constraint?.skip_validation === true;
        const change: ChangeFields =
          constraint?.contype === "CONSTR_FOREIGN"
            ? { kind: "add-foreign-key", operation: "ALTER TABLE … ADD FOREIGN KEY", ...target, notValid }
            : { kind: "add-constraint", operation: "ALTER TABLE … ADD CONSTRAINT", ...target, notValid };
        if (name) change.name = name;
        add(change, range);
        return;
      }
      case "AT_DropConstraint":
        add({ kind: "drop-constraint", operation: "ALTER TABLE … DROP CONSTRAINT", ...target, name: column ?? "?", ifExists }, range);
        return;
      default:
        return;
    }
  });
}

/** The new type as written (`numeric(12, 2)`), read from the tokens between TYPE and USING/COLLATE. */
function typeText(statement: ParsedStatement, typeName: AstNode | undefined, range: { start: number; end: number }, sql: string): string {
  const fallback = list(typeName?.names)
    .map(sval)
    .filter((n) => n !== "pg_catalog")
    .join(".");
  const location = typeName?.location;
  if (typeof location !== "number") return fallback;
  const start = statement.toIndex(location);
  let end = start;
  for (const token of statement.tokens) {
    if (token.start < start || token.end > range.end) continue;
    if (token.kind === "word" && ["USING", "COLLATE"].includes(token.text.toUpperCase())) break;
    end = token.end;
  }
  return end > start ? sql.slice(start, end) : fallback;
}

/** Opens `DO $$ … $$` and reads the statements of its PL/pgSQL body in place. */
async function readDoBlock(statement: ParsedStatement, node: AstNode, toOuter: (index: number) => number, sink: Sink): Promise<void> {
  let body: string | undefined;
  let bodyLocation: number | undefined;
  let language = "plpgsql";
  for (const arg of list(node.args)) {
    const def = obj(obj(arg)?.DefElem);
    if (def?.defname === "as") {
      body = sval(def.arg);
      bodyLocation = typeof def.location === "number" ? def.location : undefined;
    } else if (def?.defname === "language") language = sval(def.arg) ?? language;
  }
  const whole = { start: toOuter(statement.start), end: toOuter(statement.end) };
  if (body === undefined) return;
  if (language.toLowerCase() !== "plpgsql") {
    sink.problems.push({ message: `DO block in language ${language} cannot be analysed`, ...whole });
    return;
  }
  // The body's characters map one to one into the string token (dollar quotes), or through the
  // literal's escapes ('…' with doubled quotes).
  const token = bodyLocation === undefined ? undefined : statement.tokens.find((t) => t.start === statement.toIndex(bodyLocation));
  const literal = token ? decodeSqlStringLiteral(token.text) : undefined;
  const bodyToOuter =
    token && literal && literal.value === body ? (i: number) => toOuter(token.start + literal.map[Math.min(i, literal.map.length - 1)]!) : () => whole.start;
  const parsed = await parsePlpgsqlBody(body);
  if ("error" in parsed) {
    const at = token ? { start: toOuter(token.start), end: toOuter(token.end) } : whole;
    sink.problems.push({ message: `PL/pgSQL block does not parse: ${parsed.error}`, ...at });
    return;
  }
  const lineStarts = [0];
  for (let i = 0; i < body.length; i++) if (body[i] === "\n") lineStarts.push(i + 1);
  let cursor = 0;
  for (const inner of parsed.statements) {
    // PL/pgSQL keeps each statement's text as written and its line: find it there.
    const from = Math.max(cursor, lineStarts[inner.line - 1] ?? 0);
    let at = body.indexOf(inner.query, from);
    if (at < 0) at = body.indexOf(inner.query);
    if (at < 0) continue;
    cursor = at + inner.query.length;
    const queryToOuter = (i: number): number => bodyToOuter(at + i);
    if (!inner.dynamic) {
      const result = await readPostgres(inner.query, queryToOuter);
      sink.changes.push(...result.changes);
      sink.problems.push(...result.problems);
      continue;
    }
    // EXECUTE 'constant SQL' is as static as a plain statement; anything computed is not read.
    const expression = await parsePostgresExpression(inner.query);
    const constant = expression ? unwrap(expression) : undefined;
    if (constant?.[0] !== "A_Const" || typeof obj(constant[1].sval)?.sval !== "string") continue;
    const trimmedStart = inner.query.length - inner.query.trimStart().length;
    const executed = decodeSqlStringLiteral(inner.query.trim());
    if (!executed) continue;
    const result = await readPostgres(executed.value, (i) => queryToOuter(trimmedStart + executed.map[Math.min(i, executed.map.length - 1)]!));
    sink.changes.push(...result.changes);
    sink.problems.push(...result.problems);
  }
}
