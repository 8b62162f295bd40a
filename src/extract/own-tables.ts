// Tables a migration (or a SQL file) creates for itself: a scratch or temporary table created and
// dropped again in the same direction, and the defensive `DROP TABLE IF EXISTS x` right before
// `CREATE TABLE x` in an Alembic migration (a guard for a re-run after a half-applied upgrade).
// sql/drop-table leaves them out (issue 13, item 9). In a .sql file the defensive drop stays a
// finding: that is the shape of a dump or restore script (mysqldump writes it before each table),
// and run against a live database it drops the table with its rows.
import type { SchemaChange } from "./facts.js";

/**
 * Sets `dropsOwnTable` on each drop-table whose every table is created by the same direction
 * before it (or, with `defensiveDrops`, by the next change to that table after an IF EXISTS drop).
 */
export function markOwnTableDrops(changes: readonly SchemaChange[], defensiveDrops: boolean): void {
  if (!changes.some((c) => c.kind === "drop-table")) return;
  const byDirection = new Map<string, SchemaChange[]>();
  for (const change of changes) {
    const key = change.migration?.direction ?? "";
    let list = byDirection.get(key);
    if (!list) byDirection.set(key, (list = []));
    list.push(change);
  }
  for (const list of byDirection.values()) {
    const ordered = [...list].sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
    for (const [index, drop] of ordered.entries()) {
      if (drop.kind !== "drop-table") continue;
      const names = dropNames(drop);
      if (names.length === 0) continue;
      const own = names.every((name) => createdBefore(ordered, index, name) || (defensiveDrops && drop.ifExists === true && createdNext(ordered, index, name)));
      if (own) drop.dropsOwnTable = true;
    }
  }
}

function dropNames(drop: SchemaChange): string[] {
  if (drop.objects && drop.objects.length > 0) return drop.objects.map(normal);
  return drop.table ? [key(drop)] : [];
}

function key(change: SchemaChange): string {
  return normal(change.schema ? `${change.schema}.${change.table}` : change.table ?? "");
}

function normal(name: string): string {
  return name.toLowerCase();
}

function createdBefore(ordered: readonly SchemaChange[], index: number, name: string): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const change = ordered[i]!;
    if (change.table === undefined || key(change) !== name) continue;
    if (change.kind === "create-table") return true;
    // Dropped (or renamed away) since its creation: this drop is of some other table by that name.
    if (change.kind === "drop-table" || change.kind === "rename-table") return false;
  }
  return false;
}

/** The next change to the table after the drop creates it: a defensive drop before a create. */
function createdNext(ordered: readonly SchemaChange[], index: number, name: string): boolean {
  for (let i = index + 1; i < ordered.length; i++) {
    const change = ordered[i]!;
    if (change.table === undefined || key(change) !== name) continue;
    return change.kind === "create-table";
  }
  return false;
}
