// One Alembic operation call → its SchemaChange facts, as its row in OPERATIONS (operations.ts)
// says: which argument names the table, the column, the index or constraint, and how the few
// operations with more in their arguments (a column definition, several alterations) are read.
import type { Direction, SchemaChange } from "../facts.js";
import type { SourceLocation, SqlDialect } from "../../types.js";
import type { PyNode } from "./nodes.js";
import { argumentFor, constraintTypeOf, identifiersInCondition, type OperationRow } from "./operations.js";
import { resolveSql, type ModuleNames, type Scope } from "./resolve-sql.js";
import { keywordArguments, positionalArguments, stringValues } from "./syntax.js";

export interface OperationCall {
  call: PyNode;
  method: string;
  row: OperationRow;
  /** What the operation was called on, as written: `op`, `batch_op`, `alembic.op`. */
  receiver: string;
  /** In a `with op.batch_alter_table(...)` block: its table and schema. */
  batchTable?: string;
  batchSchema?: string;
}

export interface OperationContext {
  scope: Scope;
  module: ModuleNames;
  /** The project's dialect (a dialect guard may narrow it for the facts, not for reading conditions). */
  dialect: SqlDialect;
  migration: { revision?: string; direction: Direction };
  location: SourceLocation;
}

type Change = Omit<SchemaChange, "origin" | "operation" | "location" | "migration"> & Partial<SchemaChange>;

export function operationFacts(op: OperationCall, context: OperationContext): SchemaChange[] {
  const { call, method, row, batchTable } = op;
  const { scope } = context;
  const positional = positionalArguments(call);
  const keywords = keywordArguments(call);
  const inBatch = batchTable !== undefined;
  const str = (node: PyNode | undefined) => (node ? nameValue(node, scope, context.module) : undefined);
  const arg = (parameter: string | undefined) => (parameter === undefined ? undefined : argumentFor(row, parameter, positional, keywords, inBatch));
  // In batch mode the table comes from `batch_alter_table(...)` unless the operation names one.
  const tableParameter = row.fields.table;
  const table = inBatch && tableParameter !== undefined && !row.batch.includes(tableParameter) ? batchTable : str(arg(tableParameter));
  const base = {
    origin: "alembic-op" as const,
    operation: `${op.receiver}.${method}`,
    dialect: scope.dialect ?? context.dialect,
    migration: context.migration,
    location: context.location,
  };
  const out: SchemaChange[] = [];
  const schema = str(keywords.get("schema")) ?? op.batchSchema;
  const push = (change: Change, withSchema = true) => out.push({ ...base, ...change, ...(withSchema && schema ? { schema } : {}) } as SchemaChange);

  switch (row.reader ?? "names") {
    case "names": {
      const change: Change = { kind: row.kind };
      for (const [field, parameter] of Object.entries(row.fields) as [keyof typeof row.fields, string][]) {
        (change as Record<string, unknown>)[field] = field === "table" ? table : str(arg(parameter));
      }
      push(change);
      break;
    }
    case "add-column": {
      const column = arg("column");
      push({ kind: row.kind, table, ...(column ? describeColumn(column) : {}) });
      break;
    }
    case "alter-column": {
      const column = str(arg(row.fields.column));
      let any = false;
      if (keywords.has("type_")) {
        push({ kind: "alter-column-type", table, column, newType: keywords.get("type_")!.text });
        any = true;
      }
      if (keywords.has("new_column_name")) {
        push({ kind: "rename-column", table, column, newName: str(keywords.get("new_column_name")) });
        any = true;
      }
      const nullable = keywords.get("nullable")?.text;
      if (nullable === "False" || nullable === "True") {
        push({ kind: "alter-column-nullability", table, column, notNull: nullable === "False", hasDefault: keywords.has("server_default") });
        any = true;
      }
      if (!any) push({ kind: "other", table, column });
      break;
    }
    case "index-or-constraint":
      push(indexOrConstraint(op, context, arg, str, table, keywords));
      break;
    case "bulk-insert":
      push({ kind: row.kind, table: positional[0]?.type === "identifier" ? positional[0].text : undefined }, false);
      break;
  }
  return out;
}

function indexOrConstraint(
  op: OperationCall,
  context: OperationContext,
  arg: (parameter: string | undefined) => PyNode | undefined,
  str: (node: PyNode | undefined) => string | undefined,
  table: string | undefined,
  keywords: Map<string, PyNode>,
): Change {
  const { row } = op;
  const columnsNode = arg(row.fields.columns);
  const columns = columnsNode ? stringValues(columnsNode) : undefined;
  // SQL the object depends on: a check condition, index expressions (sa.text(...)), a partial index's WHERE.
  const expressions = [
    ...(row.fields.condition ? [arg(row.fields.condition)] : []),
    ...(columnsNode?.type === "list" || columnsNode?.type === "tuple" ? columnsNode.namedChildren.filter((c) => stringValues(c).length === 0) : []),
    keywords.get("postgresql_where"),
    keywords.get("sqlite_where"),
  ].flatMap((node) => {
    const resolved = node ? resolveSql(node, context.scope, context.module) : undefined;
    if (resolved?.kind === "sql") return [resolved.value.value];
    // An f-string condition: its literal parts still name the columns.
    return node ? node.descendantsOfType("string_content").map((part) => part.text) : [];
  });
  const mentions = [...new Set(expressions.flatMap((sql) => identifiersInCondition(sql, context.dialect)))];
  const constraintType = row.constraintType ?? (row.fields.constraintType ? constraintTypeOf(str(arg(row.fields.constraintType))) : undefined);
  const referred = str(arg(row.fields.referredTable));
  return {
    kind: row.kind,
    ...objectName(arg(row.fields.name), context.scope, context.module),
    table,
    ...(columns ? { columns } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(constraintType ? { constraintType } : {}),
    ...(referred ? { referredTable: referred } : {}),
    ...(row.kind === "create-index"
      ? { concurrently: keywords.get("postgresql_concurrently")?.text === "True" || keywords.get("mssql_online")?.text === "True" }
      : {}),
    ...(row.kind === "add-foreign-key" ? { notValid: keywords.get("postgresql_not_valid")?.text === "True" } : {}),
  };
}

/**
 * The value of a name argument (table, column, index): a literal, or a local / module constant
 * holding one. Anything else (a loop variable, an expression) is named by its source text in
 * angle brackets, so a message says "Table <table> is dropped" rather than nothing.
 */
export function nameValue(node: PyNode, scope: Scope, module: ModuleNames): string | undefined {
  const literal = stringValues(node)[0];
  if (literal !== undefined) return literal;
  if (node.type === "none") return undefined;
  // op.f("ix_users_email") / batch_op.f(…): autogenerate's marker for an already-final name.
  if (node.type === "call") {
    const fn = node.childForFieldName("function");
    const first = positionalArguments(node)[0];
    const owner = fn?.type === "attribute" ? fn.childForFieldName("object")!.text : undefined;
    if (owner !== undefined && fn!.childForFieldName("attribute")?.text === "f" && (scope.opNames.has(owner) || scope.batchTables.has(owner)) && first) {
      return nameValue(first, scope, module);
    }
  }
  if (node.type === "identifier" || node.type === "binary_operator" || node.type === "subscript") {
    // Constants, locals and concatenations of them resolve as SQL strings do.
    const resolved = resolveSql(node, scope, module);
    if (resolved.kind === "sql") return resolved.value.value;
  }
  const text = node.text.replace(/\s+/g, " ");
  return `<${text.length > 40 ? `${text.slice(0, 39)}…` : text}>`;
}

/** The name argument of an index or constraint operation: absent for None, final when given through op.f(). */
function objectName(node: PyNode | undefined, scope: Scope, module: ModuleNames): { name?: string; nameIsFinal?: boolean } {
  if (!node || node.type === "none") return {};
  const name = nameValue(node, scope, module);
  if (name === undefined) return {};
  const fn = node.type === "call" ? node.childForFieldName("function") : undefined;
  const viaF = fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "f" && !name.startsWith("<");
  return viaF ? { name, nameIsFinal: true } : { name };
}

/** `sa.Column("name", sa.String(), nullable=False, server_default="x")` → column facts. */
function describeColumn(column: PyNode): Partial<SchemaChange> {
  if (column.type !== "call") return {};
  const keywords = keywordArguments(column);
  const name = positionalArguments(column)[0] ?? keywords.get("name");
  const nullable = keywords.get("nullable")?.text;
  const primaryKey = keywords.get("primary_key")?.text === "True";
  const out: Partial<SchemaChange> = {
    notNull: nullable === "False" || (nullable === undefined && primaryKey),
    hasDefault: keywords.has("server_default") || keywords.has("server_onupdate") || keywords.has("computed"),
  };
  const columnName = name ? stringValues(name)[0] : undefined;
  if (columnName) out.column = columnName;
  return out;
}
