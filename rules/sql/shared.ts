// Helpers shared by the sql rules: which changes count, and how to name what they touch.
import type { SchemaChange } from "../../src/extract/facts.js";

/** Changes a rule should look at: a downgrade that undoes its own upgrade is what a downgrade is for. */
export function reportable(changes: readonly SchemaChange[]): readonly SchemaChange[] {
  // Every sql rule asks for the same facts array: filter it once.
  let filtered = reportableCache.get(changes);
  if (!filtered) reportableCache.set(changes, (filtered = changes.filter((change) => change.reversesUpgrade !== true)));
  return filtered;
}

const reportableCache = new WeakMap<readonly SchemaChange[], SchemaChange[]>();

/** `schema.table` or `table`, as written. */
export function tableName(change: SchemaChange): string {
  const table = change.table ?? "?";
  return change.schema ? `${change.schema}.${table}` : table;
}

function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * Whether `change` touches a table created in the same file and direction (a new, empty table that
 * nothing reads yet: locking it or rewriting it costs nothing).
 */
export function tableCreatedAlongside(change: SchemaChange, changes: readonly SchemaChange[]): boolean {
  if (change.table === undefined) return false;
  // Indexed once per facts array: a linear search per change was quadratic on large projects.
  const created = createdTablesIn(changes).get(createdKey(change.location.file, change.migration?.direction, change.table));
  return created !== undefined && created.some((schema) => schema === undefined || change.schema === undefined || sameName(schema, change.schema));
}

const createdTablesCache = new WeakMap<readonly SchemaChange[], Map<string, (string | undefined)[]>>();

function createdKey(file: string, direction: string | undefined, table: string | undefined): string {
  return `${file}\0${direction ?? ""}\0${table?.toLowerCase() ?? ""}`;
}

/** Tables created per file, direction and lower-cased name → the schemas they were created in. */
function createdTablesIn(changes: readonly SchemaChange[]): Map<string, (string | undefined)[]> {
  let index = createdTablesCache.get(changes);
  if (index) return index;
  index = new Map();
  for (const other of changes) {
    if (other.kind !== "create-table" || other.table === undefined) continue;
    for (const direction of other.migration?.directions ?? [other.migration?.direction]) {
      const key = createdKey(other.location.file, direction, other.table);
      const list = index.get(key);
      if (list) list.push(other.schema);
      else index.set(key, [other.schema]);
    }
  }
  createdTablesCache.set(changes, index);
  return index;
}

/** Details kept on every finding of a schema change. */
export function changeData(change: SchemaChange): Record<string, unknown> {
  const data: Record<string, unknown> = { operation: change.operation, origin: change.origin };
  if (change.table !== undefined) data.table = tableName(change);
  if (change.column !== undefined) data.column = change.column;
  if (change.migration?.revision !== undefined) data.revision = change.migration.revision;
  if (change.migration?.direction !== undefined) data.direction = change.migration.direction;
  if (change.migration?.directions !== undefined) data.directions = change.migration.directions;
  return data;
}

/** Renaming to `_deprecated_<name>` is the first step of a safe drop, the step the drop rules recommend. */
export function isDeprecationRename(newName: string | undefined): boolean {
  return newName !== undefined && newName.toLowerCase().startsWith("_deprecated_");
}
