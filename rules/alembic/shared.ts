// What alembic/empty-downgrade and alembic/one-way-data-migration share: whether an upgrade only
// moves data (issue 13, item 10).
import type { Migration, SchemaChange } from "../../src/extract/facts.js";

const DATA_KINDS = new Set(["insert", "update", "delete"]);

/** Upgrade changes by migration file, built once per facts array. */
const byFileCache = new WeakMap<readonly SchemaChange[], Map<string, SchemaChange[]>>();

/**
 * The upgrade only inserts, updates or deletes rows (op.bulk_insert, op.execute of DML), each
 * UPDATE and DELETE with a WHERE, and every change it makes is one of those (no dynamic SQL or
 * other statement counted beside them).
 */
export function isDataOnlyUpgrade(m: Migration, changes: readonly SchemaChange[]): boolean {
  if (!m.upgrade || m.upgrade.changeCount === 0) return false;
  let byFile = byFileCache.get(changes);
  if (!byFile) {
    byFile = new Map();
    for (const change of changes) {
      if (change.migration?.direction !== "upgrade") continue;
      const list = byFile.get(change.location.file);
      if (list) list.push(change);
      else byFile.set(change.location.file, [change]);
    }
    byFileCache.set(changes, byFile);
  }
  const upgrade = byFile.get(m.file) ?? [];
  if (upgrade.length < m.upgrade.changeCount) return false;
  // A scratch table the upgrade creates, indexes and drops again (indico's CREATE TEMPORARY TABLE
  // merge_map … DROP TABLE merge_map) leaves no schema behind: only what it is used for counts.
  const scratch = new Set(upgrade.filter((c) => c.kind === "drop-table" && c.dropsOwnTable === true && c.table !== undefined).map((c) => c.table!.toLowerCase()));
  const lasting = upgrade.filter((c) => !(SCRATCH_KINDS.has(c.kind) && c.table !== undefined && scratch.has(c.table.toLowerCase())));
  return lasting.length > 0 && lasting.every((c) => DATA_KINDS.has(c.kind) && (c.kind === "insert" || (c.hasWhere === true && c.whereIsTautology !== true)));
}

const SCRATCH_KINDS = new Set(["create-table", "create-index", "drop-table"]);
