// Alembic's index and constraint operations as data: the parameter names in positional order, on
// `op` and on `batch_op` (where the table comes from `batch_alter_table(...)` and is no argument),
// so an argument is found whether it is written by position or by keyword.
import { tokenizeSql } from "../../parsers/sql.js";
import type { SqlDialect } from "../../types.js";
import type { SchemaChange } from "../facts.js";
import type { PyNode } from "./nodes.js";

interface Signature {
  op: string[];
  batch: string[];
  /** Older keyword spellings Alembic still accepts (`name`, `source`, `referent`, `local_cols`…). */
  aliases?: Record<string, string[]>;
}

const NAME_ALIASES = { index_name: ["name"], constraint_name: ["name"] };

export const INDEX_AND_CONSTRAINT_OPERATIONS: Record<string, Signature> = {
  create_index: { op: ["index_name", "table_name", "columns"], batch: ["index_name", "columns"] },
  drop_index: { op: ["index_name", "table_name"], batch: ["index_name"] },
  create_foreign_key: {
    op: ["constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"],
    batch: ["constraint_name", "referent_table", "local_cols", "remote_cols"],
    aliases: { source_table: ["source"], referent_table: ["referent"] },
  },
  create_unique_constraint: { op: ["constraint_name", "table_name", "columns"], batch: ["constraint_name", "columns"], aliases: { table_name: ["source"], columns: ["local_cols"] } },
  create_primary_key: { op: ["constraint_name", "table_name", "columns"], batch: ["constraint_name", "columns"], aliases: { columns: ["cols"] } },
  create_check_constraint: { op: ["constraint_name", "table_name", "condition"], batch: ["constraint_name", "condition"], aliases: { table_name: ["source"] } },
  create_exclude_constraint: { op: ["constraint_name", "table_name"], batch: ["constraint_name"] },
  drop_constraint: { op: ["constraint_name", "table_name", "type_"], batch: ["constraint_name", "type_"] },
};

/** The constraint a create_* operation makes. */
export const CONSTRAINT_TYPE_OF: Record<string, NonNullable<SchemaChange["constraintType"]>> = {
  create_unique_constraint: "unique",
  create_check_constraint: "check",
  create_primary_key: "primary",
  create_exclude_constraint: "exclude",
  create_foreign_key: "foreignkey",
};

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
 * The argument node passed for `parameter` of `method` (by position or keyword), or undefined.
 * `positional` and `keywords` are the call's arguments; `inBatch` selects the batch_op signature.
 */
export function argumentFor(method: string, parameter: string, positional: PyNode[], keywords: Map<string, PyNode>, inBatch: boolean): PyNode | undefined {
  const signature = INDEX_AND_CONSTRAINT_OPERATIONS[method];
  if (!signature) return undefined;
  const index = (inBatch ? signature.batch : signature.op).indexOf(parameter);
  if (index >= 0 && positional[index]) return positional[index];
  const names = [parameter, ...(signature.aliases?.[parameter] ?? []), ...((NAME_ALIASES as Record<string, string[]>)[parameter] ?? [])];
  for (const name of names) {
    const value = keywords.get(name);
    if (value) return value;
  }
  return undefined;
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
