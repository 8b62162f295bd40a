// MySQL, SQLite and SQL Server statements (node-sql-parser ASTs) → schema changes.
import { parseGenericScript, type AstNode, type ParsedStatement, type SqlToken } from "../../parsers/sql.js";
import type { SqlDialect } from "../../types.js";
import { isGenericTautology } from "./truth.js";
import { skipQualifiedName, splitAtTopLevelCommas, subcommandRange, type ChangeFields, type DraftChange, type DraftResult } from "./draft.js";

const obj = (value: unknown): AstNode | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as AstNode) : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** `{ db, table }` → schema/table. */
function tableRef(value: unknown): { schema?: string; table?: string } {
  const ref = obj(value);
  const result: { schema?: string; table?: string } = {};
  const schema = text(ref?.db) ?? text(ref?.schema);
  const table = text(ref?.table);
  if (schema) result.schema = schema;
  if (table) result.table = table;
  return result;
}

function display(name: { schema?: string; table?: string }): string {
  return name.schema ? `${name.schema}.${name.table ?? "?"}` : (name.table ?? "?");
}

/** A column reference's name: `{ column: "x" }` or `{ column: { expr: { value: "x" } } }`. */
function columnName(value: unknown): string | undefined {
  const ref = obj(value);
  const column = ref?.column;
  if (typeof column === "string") return column;
  return text(obj(obj(column)?.expr)?.value);
}

/** The type as written in a column definition: `VARCHAR(255)`, `DECIMAL(12, 2)`. */
function typeOf(definition: unknown): string | undefined {
  const def = obj(definition);
  const name = text(def?.dataType);
  if (!name) return undefined;
  if (def?.length !== undefined && def.length !== null) return def.scale !== undefined && def.scale !== null ? `${name}(${String(def.length)}, ${String(def.scale)})` : `${name}(${String(def.length)})`;
  return name;
}

/** Reads a MySQL, SQLite or SQL Server script. */
export async function readGeneric(sql: string, dialect: Exclude<SqlDialect, "postgresql">): Promise<DraftResult> {
  const script = await parseGenericScript(sql, dialect);
  const changes: DraftChange[] = [];
  for (const statement of script.statements) readStatement(statement, changes);
  return { changes, problems: script.errors.map((e) => ({ ...e })), dynamic: [], parsedStatements: script.statements.length, comments: script.comments, ...(script.overBudget ? { overBudget: true } : {}) };
}

function readStatement(statement: ParsedStatement, changes: DraftChange[]): void {
  const ast = statement.ast;
  const add = (fields: ChangeFields, range: { start: number; end: number } = statement): void => {
    changes.push({ ...fields, start: range.start, end: range.end });
  };
  const keyword = text(ast.keyword)?.toLowerCase();
  const ifExists = text(ast.prefix)?.toLowerCase() === "if exists";
  switch (ast.type) {
    case "drop": {
      if (keyword === "table") {
        const tables = list(ast.name).map(tableRef);
        add({ kind: "drop-table", operation: "DROP TABLE", ...tables[0], ifExists, objects: tables.map(display) });
      } else if (keyword === "database" || keyword === "schema") {
        const name = text(ast.name) ?? display(tableRef(list(ast.name)[0]));
        if (keyword === "schema") add({ kind: "drop-schema", operation: "DROP SCHEMA", schema: name, name, ifExists, objects: [name] });
        else add({ kind: "drop-database", operation: "DROP DATABASE", name, ifExists, objects: [name] });
      } else if (keyword === "index") {
        const name = columnName(ast.name) ?? text(ast.name) ?? "?";
        add({ kind: "drop-index", operation: "DROP INDEX", ...tableRef(ast.table), name, ifExists });
      }
      return;
    }
    case "truncate": {
      const tables = list(ast.name).map(tableRef);
      add({ kind: "truncate", operation: "TRUNCATE", ...tables[0], objects: tables.map(display) });
      return;
    }
    case "delete":
    case "update": {
      const target = ast.type === "delete" ? (list(ast.from)[0] ?? list(ast.table)[0]) : list(ast.table)[0];
      const hasWhere = ast.where !== null && ast.where !== undefined;
      add({
        kind: ast.type,
        operation: ast.type === "delete" ? "DELETE" : "UPDATE",
        ...tableRef(target),
        hasWhere,
        whereIsTautology: hasWhere && isGenericTautology(ast.where),
      });
      return;
    }
    case "insert":
    case "replace":
      add({ kind: "insert", operation: ast.type === "replace" ? "REPLACE" : "INSERT", ...tableRef(list(ast.table)[0]) });
      return;
    case "rename":
      for (const pair of list(ast.table)) {
        const [from, to] = list(pair).map(tableRef);
        add({ kind: "rename-table", operation: "RENAME TABLE", ...from, newName: to?.table ?? "?" });
      }
      return;
    case "create": {
      if (keyword === "table") add({ kind: "create-table", operation: "CREATE TABLE", ...tableRef(list(ast.table)[0]) });
      else if (keyword === "index") {
        const index = ast.index;
        const change: ChangeFields = { kind: "create-index", operation: "CREATE INDEX", ...tableRef(ast.table), concurrently: false };
        const name = text(index) ?? text(obj(index)?.name);
        if (name) change.name = name;
        add(change);
      } else if (keyword === "database" || keyword === "schema") {
        const holder = ast.database ?? ast.schema;
        const name = text(holder) ?? text(obj(list(obj(holder)?.schema)[0])?.value) ?? "?";
        add({ kind: "create-schema", operation: keyword === "schema" ? "CREATE SCHEMA" : "CREATE DATABASE", schema: name, name });
      } else if (keyword === "trigger") readTriggerBody(statement, ast, changes);
      return;
    }
    case "alter":
      readAlterTable(statement, ast, add);
      return;
    case "exec":
      readStoredProcedure(ast, add);
      return;
    default:
      return;
  }
}

function readAlterTable(statement: ParsedStatement, ast: AstNode, add: (fields: ChangeFields, range?: { start: number; end: number }) => void): void {
  const target = tableRef(list(ast.table)[0]);
  const commands = list(ast.expr).map(obj).filter((c): c is AstNode => c !== undefined);
  // Subcommands follow `ALTER … TABLE <name>`.
  const tableKeyword = statement.tokens.findIndex((t) => t.kind === "word" && t.text.toUpperCase() === "TABLE");
  const segments: SqlToken[][] | undefined = tableKeyword >= 0 ? splitAtTopLevelCommas(statement.tokens, skipQualifiedName(statement.tokens, tableKeyword + 1)) : undefined;
  commands.forEach((command, index) => {
    const range = subcommandRange(statement, segments, index, commands.length);
    const action = text(command.action)?.toLowerCase();
    const resource = text(command.resource)?.toLowerCase();
    if (resource === "column") {
      const column = columnName(command.column) ?? "?";
      if (action === "add") {
        const definition = obj(command.definition);
        add(
          {
            kind: "add-column",
            operation: "ALTER TABLE … ADD COLUMN",
            ...target,
            column,
            notNull: text(obj(command.nullable)?.type)?.toLowerCase() === "not null" || command.primary_key !== undefined && command.primary_key !== null,
            hasDefault: (command.default_val !== undefined && command.default_val !== null) || command.auto_increment !== undefined || definition?.auto_increment !== undefined,
          },
          range,
        );
      } else if (action === "drop") add({ kind: "drop-column", operation: "ALTER TABLE … DROP COLUMN", ...target, column }, range);
      else if (action === "rename") add({ kind: "rename-column", operation: "ALTER TABLE … RENAME COLUMN", ...target, column: columnName(command.old_column) ?? "?", newName: column }, range);
      else if (action === "modify" || action === "change" || action === "alter") {
        const oldName = columnName(command.old_column);
        if (action === "change" && oldName && oldName !== column)
          add({ kind: "rename-column", operation: "ALTER TABLE … CHANGE COLUMN", ...target, column: oldName, newName: column }, range);
        const newType = typeOf(command.definition);
        const change: ChangeFields = { kind: "alter-column-type", operation: `ALTER TABLE … ${action.toUpperCase()} COLUMN`, ...target, column: oldName ?? column };
        if (newType) change.newType = newType;
        add(change, range);
      }
      return;
    }
    if (resource === "charset" && action === "convert") {
      // MySQL rewrites every text column in the new character set (TEXT may become MEDIUMTEXT).
      const collate = text(command.collate);
      add({ kind: "alter-column-type", operation: "ALTER TABLE … CONVERT TO CHARACTER SET", ...target, newType: `CHARACTER SET ${text(command.charset) ?? "?"}${collate ? ` COLLATE ${collate}` : ""}` }, range);
      return;
    }
    if (resource === "table" && action === "rename") {
      add({ kind: "rename-table", operation: "ALTER TABLE … RENAME TO", ...target, newName: text(command.table) ?? "?" }, range);
      return;
    }
    if (resource === "constraint" && action === "add") {
      const definitions = obj(command.create_definitions);
      const isForeignKey = text(definitions?.constraint_type)?.toUpperCase() === "FOREIGN KEY";
      const change: ChangeFields = isForeignKey
        ? { kind: "add-foreign-key", operation: "ALTER TABLE … ADD FOREIGN KEY", ...target, notValid: command.nocheck === true }
        : { kind: "add-constraint", operation: "ALTER TABLE … ADD CONSTRAINT", ...target };
      const name = text(definitions?.constraint);
      if (name) change.name = name;
      add(change, range);
      return;
    }
    if (resource === "index" && action === "add") {
      const change: ChangeFields = { kind: "create-index", operation: "ALTER TABLE … ADD INDEX", ...target, concurrently: false };
      const name = text(command.index);
      if (name) change.name = name;
      add(change, range);
    }
  });
}

/** SQL Server's `EXEC sp_rename 'dbo.users.email', 'email_address', 'COLUMN'`. */
function readStoredProcedure(ast: AstNode, add: (fields: ChangeFields) => void): void {
  if (text(ast.procedure)?.toLowerCase() !== "sp_rename") return;
  const [object, newName, kind] = list(ast.args).map((a) => text(a) ?? "");
  const parts = (object ?? "").split(".").map(unbracket);
  const type = (kind ?? "").toUpperCase();
  if (type === "COLUMN") {
    const column = parts.pop() ?? "?";
    const table = parts.pop() ?? "?";
    const change: ChangeFields = { kind: "rename-column", operation: "EXEC sp_rename", table, column, newName: newName ?? "?" };
    if (parts.length > 0) change.schema = parts.pop()!;
    add(change);
  } else if (type === "" || type === "OBJECT") {
    const table = parts.pop() ?? "?";
    const change: ChangeFields = { kind: "rename-table", operation: "EXEC sp_rename", table, newName: newName ?? "?" };
    if (parts.length > 0) change.schema = parts.pop()!;
    add(change);
  }
}

function unbracket(name: string): string {
  return name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
}

/**
 * A trigger's `BEGIN … END` body (SQLite) runs on every matching write: its statements are read at
 * their own positions, found between BEGIN and END at the `;` that end them.
 */
function readTriggerBody(statement: ParsedStatement, ast: AstNode, changes: DraftChange[]): void {
  const body = list(obj(obj(ast.execute)?.expr)?.ast).map(obj).filter((b): b is AstNode => b !== undefined);
  const tokens = statement.tokens;
  const begin = tokens.findIndex((t) => t.kind === "word" && t.text.toUpperCase() === "BEGIN");
  if (body.length === 0 || begin < 0) return;
  const spans: SqlToken[][] = [];
  let current: SqlToken[] = [];
  for (const token of tokens.slice(begin + 1)) {
    if (token.text === ";") {
      if (current.length > 0) spans.push(current);
      current = [];
    } else current.push(token);
  }
  // The last span is END itself.
  if (spans.length !== body.length) {
    readWhole(statement, body, changes);
    return;
  }
  body.forEach((inner, k) => {
    const span = spans[k]!;
    readStatement({ ast: inner, start: span[0]!.start, end: span[span.length - 1]!.end, tokens: span, toIndex: statement.toIndex }, changes);
  });
}

/** Body statements whose own text cannot be told apart: each at the trigger's position. */
function readWhole(statement: ParsedStatement, body: AstNode[], changes: DraftChange[]): void {
  for (const inner of body) readStatement({ ...statement, ast: inner }, changes);
}
