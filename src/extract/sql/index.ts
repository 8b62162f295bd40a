// SQL text → SchemaChange facts. Used for `.sql` files and for SQL inside Python strings.
import type { Direction, Directive, ParseProblem, SchemaChange } from "../facts.js";
import type { SourceText } from "../source.js";
import type { SqlDialect } from "../../types.js";

export interface SqlInput {
  /** The SQL text (for a Python string: its decoded value). */
  sql: string;
  /** Maps a UTF-16 index in `sql` to a UTF-16 offset in `source.text`; identity for `.sql` files. */
  mapOffset: (sqlIndex: number) => number;
  /** The file the SQL lives in, for locations. */
  source: SourceText;
  dialect: SqlDialect;
  origin: "sql-in-python" | "sql-file";
  migration?: { revision?: string; direction: Direction };
  /** The operation that executes it, for messages (`op.execute`); absent for `.sql` files. */
  executedBy?: string;
}

export interface SqlExtraction {
  changes: SchemaChange[];
  problems: ParseProblem[];
  /** `-- gonogo-disable…` directives found in SQL comments (only for `.sql` files). */
  directives: Directive[];
}

/** Parses `input.sql` with the dialect's parser and returns one SchemaChange per relevant statement. */
export async function extractSqlChanges(input: SqlInput): Promise<SqlExtraction> {
  void input;
  return { changes: [], problems: [], directives: [] };
}
