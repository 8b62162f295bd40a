// The table sizes the findings were judged by (findings carry them in data.tableSize when table
// statistics were given), per migration file, for the HTML and markdown reports. Without table
// statistics there are none and the reports are unchanged.
import { compareStrings, type Finding } from "../types.js";

export interface TableSizeRow {
  table: string;
  /** "~48 M rows, 31 GB", as the policy wrote it. */
  size: string;
  /** Where the table's lock and rewrite findings are, `file:line`. */
  locations: string[];
}

/** The tables of the findings of one file (or of all, when `file` is absent). */
export function tableSizesOf(findings: readonly Finding[], file?: string): TableSizeRow[] {
  const rows = new Map<string, TableSizeRow>();
  for (const f of findings) {
    if (file !== undefined && f.file !== file) continue;
    const sized = f.data?.tableSize as { shown?: unknown } | undefined;
    const table = f.data?.table;
    if (typeof sized?.shown !== "string" || typeof table !== "string") continue;
    let row = rows.get(table);
    if (!row) rows.set(table, (row = { table, size: sized.shown, locations: [] }));
    const at = `${f.file}:${f.line}`;
    if (!row.locations.includes(at)) row.locations.push(at);
  }
  return [...rows.values()].sort((a, b) => compareStrings(a.table, b.table));
}
