// PostgreSQL statements (libpg-query ASTs) → schema changes. DO blocks and function bodies are
// opened and the statements inside read with their own positions; DELETE/UPDATE/MERGE nested in
// other statements (WITH, EXPLAIN ANALYZE, PREPARE, rules) are read where they are written.
import { parsePostgresScript, type AstNode, type ParsedStatement, type SqlToken } from "../../parsers/sql.js";
import { list, obj, relation, sval, text, unwrap } from "./postgres-ast.js";
import { readDoBlock, readFunctionBody } from "./postgres-bodies.js";
import { dmlKeywordBound, isDml, nestedDml, nestedRange, readDml } from "./postgres-dml.js";
import { skipQualifiedName, splitAtTopLevelCommas, subcommandRange, type ChangeFields, type DraftResult, type DraftSink } from "./draft.js";

function qualified(names: string[]): { schema?: string; table?: string; display: string } {
  const table = names[names.length - 1];
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const result: { schema?: string; table?: string; display: string } = { display: names.join(".") };
  if (table) result.table = table;
  if (schema) result.schema = schema;
  return result;
}

const SERIAL_TYPES = new Set(["serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"]);

/**
 * Reads a PostgreSQL script. `toOuter` maps offsets of `sql` to offsets of the caller's SQL text
 * (identity at the top level; a composition for statements inside DO blocks).
 */
export async function readPostgres(sql: string, toOuter: (index: number) => number = (i) => i): Promise<DraftResult> {
  const script = await parsePostgresScript(sql);
  const sink: DraftSink = { changes: [], problems: [], dynamic: [] };
  for (const error of script.errors) sink.problems.push({ message: error.message, start: toOuter(error.start), end: toOuter(error.end) });
  // Statements can hold DML (WITH, EXPLAIN ANALYZE, rules, …) only if the text has more DELETE/UPDATE/MERGE words than top-level DML statements.
  let topLevelDml = 0;
  for (const statement of script.statements) if (isDml(unwrap(statement.ast)?.[0] ?? "")) topLevelDml++;
  const mayNest = dmlKeywordBound(sql) > topLevelDml;
  for (const statement of script.statements) await readStatement(statement, sql, toOuter, sink, mayNest);
  return { ...sink, parsedStatements: script.statements.length, comments: script.comments, ...(script.overBudget ? { overBudget: true } : {}) };
}

async function readStatement(statement: ParsedStatement, sql: string, toOuter: (index: number) => number, sink: DraftSink, mayNest: boolean): Promise<void> {
  const entry = unwrap(statement.ast);
  if (!entry) return;
  const [kind, node] = entry;
  const add = (fields: ChangeFields, range: { start: number; end: number } = statement): void => {
    sink.changes.push({ ...fields, start: toOuter(range.start), end: toOuter(range.end) });
  };
  await readTopLevel(kind, node, statement, sql, toOuter, sink, add);
  if (mayNest) for (const nested of nestedDml(kind, node)) readDml(nested.kind, nested.node, add, nestedRange(statement, nested), nested.via);
}

/** Kinds of objects whose DROP … CASCADE also drops table columns (of that type, domain, extension's types) or what depends on a function. */
const CASCADE_LOSES_DATA: Record<string, string> = {
  OBJECT_EXTENSION: "EXTENSION",
  OBJECT_TYPE: "TYPE",
  OBJECT_DOMAIN: "DOMAIN",
  OBJECT_FUNCTION: "FUNCTION",
};

/** A dropped object's name parts: `s.t`, `TYPE s.t`, `FUNCTION s.f(int)`, `EXTENSION e`. */
function objectNames(item: unknown): string[] {
  const node = obj(item);
  const parts = list(obj(node?.List)?.items).length > 0 ? list(obj(node?.List)?.items) : list(obj(node?.TypeName)?.names).length > 0 ? list(obj(node?.TypeName)?.names) : list(obj(node?.ObjectWithArgs)?.objname);
  return parts.length > 0 ? parts.map((i) => sval(i) ?? "?") : [sval(item) ?? "?"];
}

type Add = (fields: ChangeFields, range?: { start: number; end: number }) => void;

async function readTopLevel(kind: string, node: AstNode, statement: ParsedStatement, sql: string, toOuter: (index: number) => number, sink: DraftSink, add: Add): Promise<void> {
  switch (kind) {
    case "DropStmt": {
      const removeType = text(node.removeType);
      const names = list(node.objects).map(objectNames);
      const ifExists = node.missing_ok === true;
      const cascading = removeType ? CASCADE_LOSES_DATA[removeType] : undefined;
      if (cascading && node.behavior === "DROP_CASCADE") {
        const objects = names.map((n) => n.join("."));
        add({ kind: "drop-cascade", operation: `DROP ${cascading} … CASCADE`, name: objects[0] ?? "?", ifExists, objects });
        return;
      }
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
    case "UpdateStmt":
    case "MergeStmt":
      readDml(kind, node, add);
      return;
    case "DropOwnedStmt": {
      const roles = list(node.roles).map((r) => text(obj(obj(r)?.RoleSpec)?.rolename) ?? "?");
      add({ kind: "drop-cascade", operation: node.behavior === "DROP_CASCADE" ? "DROP OWNED … CASCADE" : "DROP OWNED", name: roles[0] ?? "?", objects: roles });
      return;
    }
    case "CopyStmt":
      if (node.is_program === true) {
        const change: ChangeFields = { kind: "copy-program", operation: node.is_from === true ? "COPY … FROM PROGRAM" : "COPY … TO PROGRAM", ...relation(node.relation) };
        const program = text(node.filename);
        if (program !== undefined) change.name = program;
        add(change);
      }
      return;
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
      await readDoBlock(statement, node, toOuter, sink, readPostgres);
      return;
    case "CreateFunctionStmt":
      await readFunctionBody(statement, node, sql, toOuter, sink, readPostgres);
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
