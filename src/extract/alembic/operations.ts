// Alembic's schema operations as data: for each operation (on `op` and on `batch_op`), the fact
// kind it records, its parameter names in positional order, and which parameter fills which
// field of the fact. An argument is found whether it is written by position or by keyword.
// Adding an operation is one row here (plus its fixture); `reader` names the few operations whose
// arguments say more than names (a column definition, several alterations in one call).
import { tokenizeSql } from "../../parsers/sql.js";
import type { SqlDialect } from "../../types.js";
import type { SchemaChange, SchemaChangeKind } from "../facts.js";
import type { PyNode } from "./nodes.js";

/** The fact fields an operation's arguments fill, each with the parameter that holds it. */
export interface OperationFields {
  table?: string;
  name?: string;
  column?: string;
  newName?: string;
  /** Index and constraint columns (a list of names; expressions among them are read as SQL). */
  columns?: string;
  /** A check constraint's condition (SQL). */
  condition?: string;
  referredTable?: string;
  /** drop_constraint's `type_`: which kind of constraint goes. */
  constraintType?: string;
}

export interface OperationRow {
  /** The fact kind recorded (alter_column records one fact per alteration it makes). */
  kind: SchemaChangeKind;
  /** Parameter names in positional order on `op`. */
  op: readonly string[];
  /** On `batch_op`: the table comes from `batch_alter_table(...)`, so it is no argument. */
  batch: readonly string[];
  /** Older keyword spellings Alembic still accepts (`name`, `source`, `referent`, `local_cols`…). */
  aliases?: Readonly<Record<string, readonly string[]>>;
  fields: OperationFields;
  /**
   * How the arguments become facts: "names" (the default) fills `fields`; "index-or-constraint"
   * also reads columns, SQL expressions and the PostgreSQL options; "add-column" reads the
   * sa.Column(...) definition; "alter-column" one fact per alteration; "bulk-insert" the table object.
   */
  reader?: "names" | "index-or-constraint" | "add-column" | "alter-column" | "bulk-insert";
  /** The constraint a create_* operation makes. */
  constraintType?: NonNullable<SchemaChange["constraintType"]>;
}

const INDEX = { name: "index_name", table: "table_name", columns: "columns" } as const;
const CONSTRAINT = { name: "constraint_name", table: "table_name", columns: "columns" } as const;

/** Alembic operations (on `op` and on `batch_op`) that change the schema. */
export const OPERATIONS: Readonly<Record<string, OperationRow>> = {
  create_table: { kind: "create-table", op: ["table_name"], batch: ["table_name"], fields: { table: "table_name" } },
  drop_table: { kind: "drop-table", op: ["table_name"], batch: ["table_name"], fields: { table: "table_name" } },
  rename_table: {
    kind: "rename-table",
    op: ["old_table_name", "new_table_name"],
    batch: ["old_table_name", "new_table_name"],
    fields: { table: "old_table_name", newName: "new_table_name" },
  },
  add_column: { kind: "add-column", op: ["table_name", "column"], batch: ["column"], fields: { table: "table_name" }, reader: "add-column" },
  drop_column: { kind: "drop-column", op: ["table_name", "column_name"], batch: ["column_name"], fields: { table: "table_name", column: "column_name" } },
  alter_column: { kind: "alter-column-type", op: ["table_name", "column_name"], batch: ["column_name"], fields: { table: "table_name", column: "column_name" }, reader: "alter-column" },
  create_index: { kind: "create-index", op: ["index_name", "table_name", "columns"], batch: ["index_name", "columns"], fields: INDEX, reader: "index-or-constraint" },
  drop_index: { kind: "drop-index", op: ["index_name", "table_name"], batch: ["index_name"], fields: { name: "index_name", table: "table_name" }, reader: "index-or-constraint" },
  create_foreign_key: {
    kind: "add-foreign-key",
    op: ["constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"],
    batch: ["constraint_name", "referent_table", "local_cols", "remote_cols"],
    aliases: { source_table: ["source"], referent_table: ["referent"] },
    fields: { name: "constraint_name", table: "source_table", columns: "local_cols", referredTable: "referent_table" },
    reader: "index-or-constraint",
    constraintType: "foreignkey",
  },
  create_unique_constraint: {
    kind: "add-constraint",
    op: ["constraint_name", "table_name", "columns"],
    batch: ["constraint_name", "columns"],
    aliases: { table_name: ["source"], columns: ["local_cols"] },
    fields: CONSTRAINT,
    reader: "index-or-constraint",
    constraintType: "unique",
  },
  create_check_constraint: {
    kind: "add-constraint",
    op: ["constraint_name", "table_name", "condition"],
    batch: ["constraint_name", "condition"],
    aliases: { table_name: ["source"] },
    fields: { name: "constraint_name", table: "table_name", condition: "condition" },
    reader: "index-or-constraint",
    constraintType: "check",
  },
  create_primary_key: {
    kind: "add-constraint",
    op: ["constraint_name", "table_name", "columns"],
    batch: ["constraint_name", "columns"],
    aliases: { columns: ["cols"] },
    fields: CONSTRAINT,
    reader: "index-or-constraint",
    constraintType: "primary",
  },
  create_exclude_constraint: {
    kind: "add-constraint",
    op: ["constraint_name", "table_name"],
    batch: ["constraint_name"],
    fields: { name: "constraint_name", table: "table_name" },
    reader: "index-or-constraint",
    constraintType: "exclude",
  },
  drop_constraint: {
    kind: "drop-constraint",
    op: ["constraint_name", "table_name", "type_"],
    batch: ["constraint_name", "type_"],
    fields: { name: "constraint_name", table: "table_name", constraintType: "type_" },
    reader: "index-or-constraint",
  },
  bulk_insert: { kind: "insert", op: ["table", "rows"], batch: ["table", "rows"], fields: {}, reader: "bulk-insert" },
  create_table_comment: { kind: "other", op: ["table_name", "comment"], batch: ["comment"], fields: { table: "table_name" } },
  drop_table_comment: { kind: "other", op: ["table_name"], batch: [], fields: { table: "table_name" } },
};

/** The row of an Alembic operation, or undefined when `name` is none. */
export function operationRow(name: string): OperationRow | undefined {
  return Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
}

/** `name=` is accepted for the index or constraint name by every operation. */
const NAME_ALIASES: Readonly<Record<string, readonly string[]>> = { index_name: ["name"], constraint_name: ["name"] };

/**
 * The argument node passed for `parameter` (by position or keyword), or undefined.
 * `positional` and `keywords` are the call's arguments; `inBatch` selects the batch_op signature.
 */
export function argumentFor(row: OperationRow, parameter: string, positional: PyNode[], keywords: Map<string, PyNode>, inBatch: boolean): PyNode | undefined {
  const index = (inBatch ? row.batch : row.op).indexOf(parameter);
  if (index >= 0 && positional[index]) return positional[index];
  for (const name of [parameter, ...(row.aliases?.[parameter] ?? []), ...(NAME_ALIASES[parameter] ?? [])]) {
    const value = keywords.get(name);
    if (value) return value;
  }
  return undefined;
}

/** `type_=` of drop_constraint, as Alembic spells it. */
export function constraintTypeOf(value: string | undefined): SchemaChange["constraintType"] {
  switch (value) {
    case "foreignkey":
    case "primary":
    case "unique":
    case "check":
      return value;
    default:
      return undefined;
  }
}

/**
 * The identifiers a check constraint's condition names (read with the SQL tokenizer: words and
 * quoted identifiers, keywords included), so that dropping one of its columns drops it too.
 */
export function identifiersInCondition(condition: string, dialect: SqlDialect): string[] {
  const { tokens } = tokenizeSql(condition, dialect);
  const words = tokens.filter((t) => t.kind === "word" || t.kind === "quoted-identifier").map((t) => (t.kind === "word" ? t.text : t.text.slice(1, -1)));
  return [...new Set(words)];
}
