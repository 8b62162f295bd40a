// Which upgrade changes of a migration its downgrade reverses, as Alembic and the database mean
// it: dropping a table drops everything on it, dropping a column drops the indexes and
// constraints on that column (multi-column ones too), names are compared after the naming
// convention, renames must go back to the exact original name. The upgrade is replayed first, so
// something created and dropped again (or renamed into place) within it needs no reversal.
import type { SchemaChange } from "../facts.js";
import { ALEMBIC_DOCUMENTED_CONVENTION, conventionalName, type ConventionKey, type NamedObject, type NamingConvention } from "./naming.js";

/** What the upgrade leaves in the database, under its current (normalised) names. */
interface Effect {
  change: SchemaChange;
  table?: string;
  schema?: string;
  /** add-column / alter-column-type / rename-column: the column's current name. */
  column?: string;
  /** Index and constraint columns, current names. */
  columns: string[];
  /** Identifiers its expressions name (check condition, index expression, WHERE). */
  mentions: string[];
  /** Renames: the name before the upgrade. */
  from?: string;
  live: boolean;
}

export function normaliseName(name: string | undefined): string | undefined {
  return name?.replace(/["`[\]]/g, "").toLowerCase();
}
const n = normaliseName;

const INDEX_OR_CONSTRAINT = new Set(["create-index", "add-foreign-key", "add-constraint"]);

/**
 * Marks the upgrade changes nothing of which is left after the downgrade (`undoneByDowngrade`),
 * the downgrade changes that reverse the upgrade (`reversesUpgrade`) and renames back to another
 * name (`renamedBackTo`). `convention`
 * is the project's naming convention when it is known. Marking again replaces earlier marks.
 */
export function markReversals(changes: SchemaChange[], convention?: NamingConvention): void {
  for (const change of changes) {
    delete change.undoneByDowngrade;
    delete change.reversesUpgrade;
    delete change.renamedBackTo;
  }
  const upgrade = changes.filter((c) => c.migration?.direction === "upgrade");
  const effects = replayUpgrade(upgrade, convention);
  const createdTables = new Set(effects.filter((e) => e.change.kind === "create-table").flatMap((e) => [n(e.change.table), e.table]));
  for (const down of changes) {
    if (down.migration?.direction !== "downgrade") continue;
    const undid = reverse(down, effects, convention);
    const table = n(down.table);
    if (undid || (table !== undefined && createdTables.has(table) && down.kind !== "create-table")) down.reversesUpgrade = true;
  }
}

function replayUpgrade(upgrade: SchemaChange[], convention: NamingConvention | undefined): Effect[] {
  const effects: Effect[] = [];
  /** Indexes and constraints that existed before the migration and that the upgrade dropped. */
  const dropped: SchemaChange[] = [];
  const live = () => effects.filter((e) => e.live);
  const gone = (e: Effect) => {
    e.live = false;
    e.change.undoneByDowngrade = true;
  };
  for (const u of upgrade) {
    const table = n(u.table);
    const schema = n(u.schema);
    const column = n(u.column);
    const effect: Effect = { change: u, table, schema, column, columns: (u.columns ?? []).map((c) => n(c)!), mentions: (u.mentions ?? []).map((c) => n(c)!), live: true };
    const on = (e: Effect) => onTable(e, table, schema);
    switch (u.kind) {
      case "alter-column-type":
        // A type change of a column this upgrade added is undone with the column.
        if (live().some((e) => e.change.kind === "add-column" && on(e) && e.column === column)) u.undoneByDowngrade = true;
        else effects.push(effect);
        break;
      case "rename-table": {
        const created = live().some((e) => e.change.kind === "create-table" && on(e));
        retarget(live(), table, schema, undefined, n(u.newName));
        if (created) u.undoneByDowngrade = true;
        else effects.push({ ...effect, table: n(u.newName), from: table });
        break;
      }
      case "rename-column": {
        const added = live().some((e) => e.change.kind === "add-column" && on(e) && e.column === column);
        retarget(live(), table, schema, column, n(u.newName));
        if (added) u.undoneByDowngrade = true;
        else effects.push({ ...effect, column: n(u.newName), from: column });
        break;
      }
      case "drop-table":
      case "drop-column":
        for (const e of live()) if (dropsWith(u, e)) gone(e);
        break;
      case "drop-index":
      case "drop-constraint": {
        const e = bestMatch(u, live(), convention);
        if (e) gone(e);
        else dropped.push(u);
        break;
      }
      case "create-index":
      case "add-constraint":
      case "add-foreign-key": {
        // Dropped and created again under the same name (to change its definition): a replacement,
        // whose reversal is a re-creation of the old definition, not a drop.
        const replaced = dropped.findIndex((d) => matchScore(d, effect, convention) >= NAME_MATCH);
        // Created twice under one name (batch mode re-creating the table): one object.
        for (const e of live()) if (u.name !== undefined && e.change.kind === u.kind && n(e.change.name) === n(u.name)) gone(e);
        if (replaced >= 0) {
          dropped.splice(replaced, 1);
          u.undoneByDowngrade = true;
        } else effects.push(effect);
        break;
      }
      default:
        effects.push(effect);
    }
  }
  return effects.filter((e) => e.live);
}

/** Applies one downgrade change to what the upgrade left; true when it undoes part of it. */
function reverse(down: SchemaChange, effects: Effect[], convention: NamingConvention | undefined): boolean {
  const live = effects.filter((e) => e.live);
  const table = n(down.table);
  const schema = n(down.schema);
  const column = n(down.column);
  const on = (e: Effect) => onTable(e, table, schema);
  let undid = false;
  const undo = (e: Effect) => {
    e.live = false;
    e.change.undoneByDowngrade = true;
    undid = true;
  };
  switch (down.kind) {
    case "drop-table":
    case "drop-column":
      for (const e of live) if (dropsWith(down, e)) undo(e);
      return undid;
    case "rename-table":
    case "rename-column": {
      const rename = live.find((e) => e.change.kind === down.kind && on(e) && (down.kind === "rename-table" || e.column === column));
      if (rename && rename.from === n(down.newName)) undo(rename);
      else if (rename && down.newName !== undefined) rename.change.renamedBackTo = down.newName;
      retarget(live, table, schema, down.kind === "rename-table" ? undefined : column, n(down.newName));
      return undid;
    }
    case "alter-column-type":
      for (const e of live) if (e.change.kind === "alter-column-type" && on(e) && e.column === column) undo(e);
      return undid;
    case "drop-index":
    case "drop-constraint": {
      const e = bestMatch(down, live, convention);
      if (!e) return false;
      undo(e);
      return true;
    }
    default:
      for (const e of live) if (undoesDirectly(down, e.change)) undo(e);
      return undid;
  }
}

/** Whether dropping a table or a column (in either direction) takes the effect with it. */
function dropsWith(drop: SchemaChange, e: Effect): boolean {
  if (!onTable(e, n(drop.table), n(drop.schema))) return false;
  // A rename is not undone by dropping what was renamed: the old name is still missing.
  if (e.change.kind === "rename-table" || e.change.kind === "rename-column") return false;
  if (drop.kind === "drop-table") return true;
  const column = n(drop.column);
  if (e.change.kind === "add-column" || e.change.kind === "alter-column-type") return e.column === column;
  // Every index and constraint on the column goes with it, multi-column ones included.
  return INDEX_OR_CONSTRAINT.has(e.change.kind) && column !== undefined && (e.columns.includes(column) || e.mentions.includes(column));
}

/** Whether the effect is on the table (a schema written on one side only does not tell them apart). */
function onTable(e: Effect, table: string | undefined, schema: string | undefined): boolean {
  return e.table === table && (e.schema === undefined || schema === undefined || e.schema === schema);
}

/** Renames a table (or one of its columns) in the effects that refer to it. */
function retarget(effects: Effect[], table: string | undefined, schema: string | undefined, column: string | undefined, to: string | undefined): void {
  if (table === undefined || to === undefined) return;
  for (const e of effects) {
    if (!onTable(e, table, schema)) continue;
    if (column === undefined) e.table = to;
    else {
      if (e.column === column) e.column = to;
      e.columns = e.columns.map((c) => (c === column ? to : c));
      e.mentions = e.mentions.map((c) => (c === column ? to : c));
    }
  }
}

function undoesDirectly(down: SchemaChange, up: SchemaChange): boolean {
  switch (down.kind) {
    case "drop-schema":
      return up.kind === "create-schema" && n(down.schema ?? down.table) === n(up.schema ?? up.table);
    case "delete":
      return up.kind === "insert" && n(down.table) === n(up.table) && down.hasWhere === true;
    default:
      return false;
  }
}

function keyOf(change: SchemaChange): ConventionKey | undefined {
  if (change.kind === "create-index" || change.kind === "drop-index") return "ix";
  if (change.kind === "add-foreign-key") return "fk";
  switch (change.constraintType) {
    case "unique":
      return "uq";
    case "check":
      return "ck";
    case "primary":
      return "pk";
    case "foreignkey":
      return "fk";
    default:
      return undefined;
  }
}

/** The live index or constraint a drop removes, the closest name match first. */
function bestMatch(drop: SchemaChange, live: Effect[], convention: NamingConvention | undefined): Effect | undefined {
  let best: Effect | undefined;
  let bestScore = 0;
  for (const e of live) {
    const score = matchScore(drop, e, convention);
    if (score > bestScore) [best, bestScore] = [e, score];
  }
  return best;
}

/** The lowest score of a match by name (not just by table and kind). */
const NAME_MATCH = 3;

const PREFIX: Record<ConventionKey, string> = { ix: "ix_", uq: "uq_", ck: "ck_", fk: "fk_", pk: "pk_" };

function matchScore(drop: SchemaChange, e: Effect, convention: NamingConvention | undefined): number {
  const kind = e.change.kind;
  if (drop.kind === "drop-index" ? kind !== "create-index" : kind !== "add-constraint" && kind !== "add-foreign-key") return 0;
  const key = keyOf(e.change);
  const dropKey = keyOf(drop);
  if (drop.kind === "drop-constraint" && dropKey && key && dropKey !== key) return 0;
  const sameTable = drop.table === undefined || e.table === undefined || onTable(e, n(drop.table), n(drop.schema));
  const given = n(e.change.name);
  const dropped = n(drop.name);
  // drop_constraint(None, "t", type_=…): the unnamed object of that kind on the table.
  if (dropped === undefined) return sameTable ? (given === undefined ? 2 : 1) : 0;
  if (given === dropped) return 7;
  const object: NamedObject | undefined = key ? { key, ...(e.table ? { table: e.table } : {}), columns: e.columns, ...(e.change.referredTable ? { referredTable: n(e.change.referredTable)! } : {}) } : undefined;
  if (convention && object) {
    const created = conventionalName(convention, object, given, e.change.nameIsFinal);
    // Alembic rewrites the name a drop gives by the same convention.
    const droppedAs = dropKey ? conventionalName(convention, { key: dropKey, ...(drop.table ? { table: n(drop.table)! } : {}), columns: [] }, dropped) : dropped;
    if (created !== undefined && (created === dropped || created === droppedAs)) return 6;
  }
  if (!sameTable) return 0;
  if (object && conventionalName(ALEMBIC_DOCUMENTED_CONVENTION, object, given, e.change.nameIsFinal) === dropped) return 5;
  if (given !== undefined) {
    // Without a known convention: the created name behind a conventional prefix (ck_<table>_valid_title).
    const prefixes = key ? [PREFIX[key]] : Object.values(PREFIX);
    return prefixes.some((p) => dropped === `${p}${e.table}_${given}` || dropped === `${p}${given}`) ? 4 : 0;
  }
  // Unnamed, no convention: a dropped name that spells the table and every column.
  if (e.table && e.columns.length > 0 && dropped.includes(e.table) && e.columns.every((c) => dropped.includes(c))) return 3;
  return 0;
}
