// Severity by table size: the policy's judgement of lock and rewrite findings once the size of the
// table is known. Rules report the statement; this decides how much it matters on that table.
// Pure: findings + statistics + thresholds → the same findings, re-judged.
import { severityRank, type Finding, type Severity } from "../../types.js";
import { DEFAULT_TABLE_SIZE } from "../defaults.js";
import type { TableSizeThresholds } from "../types.js";
import type { TableStats, TableStatsSet } from "./types.js";

interface SizeRule {
  /** What the statement does to the table, after "on table t (~n rows, b):". */
  effect: (size: KnownSize) => string;
  /** What the estimate counts. */
  work: "scan" | "rewrite" | "delete" | "update" | "fail";
  saferForm: string;
  /** Size can also lower the severity (the danger is only a lock): false for data loss, where only raising applies. */
  lowers: boolean;
}

interface KnownSize {
  rows: number | null;
  tableBytes: number;
  totalBytes: number;
}

/** The rules whose danger is a lock or a rewrite, and so grows with the table. */
const SIZE_RULES: Record<string, SizeRule> = {
  "sql/create-index-non-concurrently": {
    effect: (s) => `blocks writes for the whole build (it reads ${bytesText(s.tableBytes)})`,
    work: "scan",
    saferForm: "CREATE INDEX CONCURRENTLY (outside a transaction)",
    lowers: true,
  },
  "sql/add-foreign-key-validating": {
    effect: (s) => `blocks writes to both tables while it checks ${rowsText(s.rows)}`,
    work: "scan",
    saferForm: "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later step (writes continue)",
    lowers: true,
  },
  "sql/alter-column-type": {
    effect: (s) => `rewrites ${rowsText(s.rows)} (${bytesText(s.totalBytes)} with indexes) while reads and writes wait`,
    work: "rewrite",
    saferForm: "a new column of the new type, backfilled in batches, then swapped in",
    lowers: true,
  },
  "sql/add-not-null-without-default": {
    effect: (s) => (s.rows === 0 ? "the table is empty, the statement succeeds" : `fails on a table with rows (${rowsText(s.rows)}) and breaks the deploy`),
    work: "fail",
    saferForm: "add the column nullable, backfill in batches, then CHECK (… IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL",
    lowers: false,
  },
  "sql/update-without-where": {
    effect: (s) => `changes ${rowsText(s.rows)} in one transaction, holding their row locks until it commits`,
    work: "update",
    saferForm: "batches of a few thousand rows by primary key, each its own transaction",
    lowers: false,
  },
  "sql/delete-without-where": {
    effect: (s) => `removes ${rowsText(s.rows)} in one transaction`,
    work: "delete",
    saferForm: "batches by primary key (or TRUNCATE, if emptying the table is really meant, after a backup)",
    lowers: false,
  },
};

/** The rule ids whose severity depends on the table's size. */
export const SIZE_DEPENDENT_RULE_IDS: readonly string[] = Object.keys(SIZE_RULES);

/** How a rule's severity follows its table's size, for its docs page; undefined for other rules. */
export function tableSizeDoc(ruleId: string): string | undefined {
  const rule = SIZE_RULES[ruleId];
  if (!rule) return undefined;
  const t = DEFAULT_TABLE_SIZE;
  const how = rule.lowers
    ? `fewer than ${t.infoBelowRows.toLocaleString("en-US")} rows → \`info\`; up to ${t.highAboveRows.toLocaleString("en-US")} rows and ${bytesText(t.highAboveBytes)} → this rule's severity; more → \`high\`; more than ${t.criticalAboveRows.toLocaleString("en-US")} rows or ${bytesText(t.criticalAboveBytes)} → \`critical\``
    : `the severity is only ever raised (more than ${t.highAboveRows.toLocaleString("en-US")} rows or ${bytesText(t.highAboveBytes)} → at least \`high\`; more than ${t.criticalAboveRows.toLocaleString("en-US")} rows or ${bytesText(t.criticalAboveBytes)} → \`critical\`)${ruleId === "sql/add-not-null-without-default" ? ", and is `info` on an empty table" : ""}`;
  return `With table statistics (\`--stats FILE\` or \`--database URL\`, see [Table sizes](../../table-stats.md)) the finding is judged by the size of its table, with the policy's \`tableSize\` thresholds (defaults: ${how}). The message then says the size and the cost (${rule.work === "scan" ? "rows and bytes scanned" : rule.work === "rewrite" ? "rows and bytes rewritten" : rule.work === "fail" ? "the existing rows it fails on" : `rows ${rule.work === "update" ? "updated" : "deleted"}`}), and \`data.tableSize\` holds the estimate and the safer form: ${rule.saferForm}. A table created in the same scan is empty. Without statistics the severity is the one above.`;
}

export interface TableSizeJudgement {
  /** Findings whose severity or message changed. */
  changed: number;
  /** Tables a size-dependent finding names that the statistics do not hold (their findings keep their severity). */
  missingTables: string[];
  /** The statistics of each table a size-dependent finding names, for reports. */
  tables: TableStats[];
}

export interface JudgeTableSizesOptions {
  stats: TableStatsSet;
  thresholds?: TableSizeThresholds;
  /** Tables the scanned migrations create (lower-case, as written, with or without schema): empty. */
  createdTables?: ReadonlySet<string>;
}

/**
 * Re-judges the size-dependent findings in place: severity by the table's size, the size and what
 * the statement costs in the message, the estimate and the safer form in `data.tableSize`.
 * Findings of other rules, and of tables the statistics do not hold, are left exactly as they are.
 */
export function judgeTableSizes(findings: Finding[], options: JudgeTableSizesOptions): TableSizeJudgement {
  const thresholds = options.thresholds ?? DEFAULT_TABLE_SIZE;
  const lookup = tableLookup(options.stats.tables);
  const missing = new Set<string>();
  const used = new Map<string, TableStats>();
  let changed = 0;
  for (const finding of findings) {
    const rule = SIZE_RULES[finding.ruleId];
    const table = typeof finding.data?.table === "string" ? finding.data.table : undefined;
    if (!rule || table === undefined) continue;
    const stats = lookup(table);
    let size: KnownSize;
    let created = false;
    if (stats) {
      used.set(`${stats.schema}.${stats.name}`, stats);
      size = { rows: stats.rows, tableBytes: stats.tableBytes, totalBytes: stats.totalBytes };
    } else if (options.createdTables?.has(table.toLowerCase())) {
      created = true;
      size = { rows: 0, tableBytes: 0, totalBytes: 0 };
    } else {
      missing.add(table);
      continue;
    }
    const by = severityBySize(size, thresholds);
    const own = finding.severity;
    // A statement that fails on any row cannot fail on an empty table.
    const severity = rule.work === "fail" && size.rows === 0 ? "info" : by === "own" ? own : rule.lowers || severityRank(by) > severityRank(own) ? by : own;
    const shownSize = created ? "created in this release, empty" : sizeText(size);
    finding.message = `${finding.message}; on table ${table} (${shownSize}): ${rule.effect(size)}`;
    finding.severity = severity;
    finding.data = {
      ...finding.data,
      tableSize: {
        shown: shownSize,
        rows: size.rows,
        tableBytes: size.tableBytes,
        totalBytes: size.totalBytes,
        ...(created ? { createdInRelease: true } : {}),
        estimate: estimateOf(rule, size),
        saferForm: rule.saferForm,
        ...(severity !== own ? { severityWithoutStats: own } : {}),
      },
    };
    changed++;
  }
  return { changed, missingTables: [...missing].sort(), tables: [...used.values()] };
}

/** "own": the rule's own severity; else the severity the size calls for. */
function severityBySize(size: KnownSize, t: TableSizeThresholds): Severity | "own" {
  const rows = size.rows;
  if ((rows !== null && rows > t.criticalAboveRows) || size.totalBytes > t.criticalAboveBytes) return "critical";
  if ((rows !== null && rows > t.highAboveRows) || size.totalBytes > t.highAboveBytes) return "high";
  if (rows !== null && rows < t.infoBelowRows) return "info";
  return "own";
}

function estimateOf(rule: SizeRule, size: KnownSize): Record<string, unknown> {
  switch (rule.work) {
    case "scan":
      return { rowsScanned: size.rows, bytesRead: size.tableBytes };
    case "rewrite":
      return { rowsRewritten: size.rows, bytesWritten: size.totalBytes };
    case "update":
      return { rowsUpdated: size.rows, bytesWritten: size.tableBytes };
    case "delete":
      return { rowsDeleted: size.rows };
    case "fail":
      return { existingRows: size.rows };
  }
}

/**
 * Finds a table as a statement names it: `schema.table` exactly; an unqualified name in `public`
 * first (the default search_path), else the one table of that name in any schema. Unquoted SQL
 * names are case-insensitive, so names compare lower-cased.
 */
function tableLookup(tables: readonly TableStats[]): (name: string) => TableStats | undefined {
  const qualified = new Map<string, TableStats>();
  const byName = new Map<string, TableStats[]>();
  for (const t of tables) {
    qualified.set(`${t.schema}.${t.name}`.toLowerCase(), t);
    const key = t.name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), t]);
  }
  return (name) => {
    const key = name.toLowerCase().replace(/"/g, "");
    if (key.includes(".")) return qualified.get(key);
    const candidates = byName.get(key) ?? [];
    return candidates.find((t) => t.schema === "public") ?? (candidates.length === 1 ? candidates[0] : undefined);
  };
}

/** "~48 M rows, 31 GB" */
export function sizeText(size: KnownSize): string {
  return size.rows === null ? `rows not counted yet, ${bytesText(size.totalBytes)}` : `${rowsText(size.rows)}, ${bytesText(size.totalBytes)}`;
}

/** "~48 M rows"; exact below 1,000. */
export function rowsText(rows: number | null): string {
  if (rows === null) return "an uncounted number of rows";
  if (rows < 1000) return `${Math.round(rows)} row${Math.round(rows) === 1 ? "" : "s"}`;
  for (const [unit, value] of [["B", 1e9], ["M", 1e6], ["k", 1e3]] as const) {
    if (rows >= value) return `~${roundTo(rows / value)} ${unit} rows`;
  }
  return `${rows} rows`;
}

/** "31 GB", "512 MB", "8 kB" (decimal units, as the thresholds are written). */
export function bytesText(bytes: number): string {
  for (const [unit, value] of [["TB", 1e12], ["GB", 1e9], ["MB", 1e6], ["kB", 1e3]] as const) {
    if (bytes >= value) return `${roundTo(bytes / value)} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Two significant digits below 10, whole numbers above: 1.2, 48, 310. */
function roundTo(value: number): string {
  return value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
}
