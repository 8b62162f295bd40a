// Bulk suppressions, ESLint 9's way: gonogo-suppressions.json holds, per file and rule, how many
// findings a team has accepted. A file+rule with at most that many findings is suppressed whole;
// one with more is reported whole (the new one cannot be told from the accepted ones). Also the
// diff scope: findings only in the files changed since a base revision.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import type { Finding } from "../types.js";
import { toPosix } from "./discover.js";

export const DEFAULT_SUPPRESSIONS_FILE = "gonogo-suppressions.json";

/** file (POSIX, relative to the suppressions file's directory) → rule id → accepted count. */
export type Suppressions = Record<string, Record<string, { count: number }>>;

/** What `scan()` does with the suppressions file. */
export interface SuppressionsRequest {
  /** Record every finding present now (`--suppress-all`). */
  all?: boolean;
  /** Record the findings of these rules (`--suppress-rule`). */
  rules?: string[];
  /** Drop entries that no longer match (`--prune-suppressions`). */
  prune?: boolean;
}

export interface SuppressionsSummary {
  /** The suppressions file (absolute path). */
  file: string;
  /** Findings left out because the file accepts them. */
  suppressed: number;
  /** Entries that accept more findings than there are now (`--prune-suppressions` drops them). */
  unused: number;
  /** Whether the file was written by this scan. */
  written: boolean;
}

const EXPECTED = `expected {"<file>": {"<rule id>": {"count": <whole number ≥ 1>}}}`;

function configError(message: string): ConfigError {
  return new ConfigError(message);
}

/** Where the suppressions file is: `location` (relative to cwd), else beside the config file, else in cwd. */
export function resolveSuppressionsLocation(cwd: string, configFile: string | undefined, location?: string): string {
  if (location !== undefined) return path.resolve(cwd, location);
  return path.resolve(configFile !== undefined ? path.dirname(configFile) : cwd, DEFAULT_SUPPRESSIONS_FILE);
}

/** Parses the text of a suppressions file; throws a ConfigError naming `shown`, the place inside and what was expected. */
export function parseSuppressions(text: string, shown: string): Suppressions {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw configError(`${shown}: not valid JSON (${(error as Error).message}); ${EXPECTED}`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(data)) throw configError(`${shown}: ${EXPECTED}`);
  const out: Suppressions = {};
  for (const [file, rules] of Object.entries(data)) {
    if (!isObject(rules)) throw configError(`${shown}: ${JSON.stringify(file)}: expected an object of rule ids; ${EXPECTED}`);
    const entry: Record<string, { count: number }> = {};
    for (const [ruleId, value] of Object.entries(rules)) {
      const count = isObject(value) ? value.count : undefined;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
        throw configError(`${shown}: ${JSON.stringify(file)} → ${JSON.stringify(ruleId)}: expected {"count": <whole number ≥ 1>}, got ${JSON.stringify(value)}`);
      }
      entry[ruleId] = { count };
    }
    out[file] = entry;
  }
  return out;
}

/** The suppressions in `file`, or an empty set when it does not exist. Throws a ConfigError when it is unreadable or corrupt. */
export function readSuppressions(file: string): Suppressions {
  if (!existsSync(file)) return {};
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw configError(`${file}: cannot read the suppressions file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseSuppressions(text, file);
}

/** The canonical text: keys sorted, two-space indent, a final newline (stable diffs). */
export function formatSuppressions(suppressions: Suppressions): string {
  const sorted: Suppressions = {};
  for (const file of Object.keys(suppressions).sort()) {
    const rules = suppressions[file]!;
    if (Object.keys(rules).length === 0) continue;
    sorted[file] = {};
    for (const ruleId of Object.keys(rules).sort()) sorted[file][ruleId] = { count: rules[ruleId]!.count };
  }
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** findings counted per suppressions key (file relative to the suppressions file) and rule. */
function countFindings(findings: Finding[], keyOf: (file: string) => string): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const f of findings) {
    const key = keyOf(f.file);
    let rules = counts.get(key);
    if (!rules) counts.set(key, (rules = new Map()));
    rules.set(f.ruleId, (rules.get(f.ruleId) ?? 0) + 1);
  }
  return counts;
}

export interface BulkSuppressionInput {
  cwd: string;
  /** The suppressions file (absolute). */
  location: string;
  /** Findings after the in-source directives, before any bulk suppression. */
  findings: Finding[];
  /** Whether a file (as findings name it) was scanned and reported in this run: only those are recorded or pruned. */
  isScanned: (file: string) => boolean;
  request?: SuppressionsRequest;
}

/**
 * Reads the suppressions file, records or prunes entries as requested (writing the file), and
 * leaves out the findings it accepts. Throws a ConfigError for a corrupt or unwritable file.
 */
export function applyBulkSuppressions(input: BulkSuppressionInput): { kept: Finding[]; summary: SuppressionsSummary } {
  const dir = path.dirname(input.location);
  const keyOf = (file: string) => toPosix(path.relative(dir, path.resolve(input.cwd, file)));
  const suppressions = readSuppressions(input.location);
  const counts = countFindings(input.findings, keyOf);
  const request = input.request ?? {};
  let changed = false;
  if (request.all || (request.rules && request.rules.length > 0)) {
    for (const [key, rules] of counts) {
      for (const [ruleId, count] of rules) {
        if (!request.all && !request.rules!.includes(ruleId)) continue;
        const entry = (suppressions[key] ??= {});
        if (entry[ruleId]?.count !== count) {
          entry[ruleId] = { count };
          changed = true;
        }
      }
    }
  }
  const wasScanned = (key: string) => input.isScanned(toPosix(path.relative(input.cwd, path.resolve(dir, key))));
  let unused = 0;
  for (const [key, rules] of Object.entries(suppressions)) {
    if (!wasScanned(key)) continue;
    for (const [ruleId, { count }] of Object.entries(rules)) {
      const actual = counts.get(key)?.get(ruleId) ?? 0;
      if (actual >= count) continue;
      if (!request.prune) unused++;
      else {
        changed = true;
        if (actual === 0) delete rules[ruleId];
        else rules[ruleId] = { count: actual };
      }
    }
    if (Object.keys(rules).length === 0) delete suppressions[key];
  }
  if (changed) {
    try {
      writeFileSync(input.location, formatSuppressions(suppressions));
    } catch (error) {
      throw configError(`${input.location}: cannot write the suppressions file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  const kept = input.findings.filter((f) => {
    const key = keyOf(f.file);
    const accepted = suppressions[key]?.[f.ruleId]?.count ?? 0;
    return (counts.get(key)?.get(f.ruleId) ?? 0) > accepted;
  });
  return { kept, summary: { file: input.location, suppressed: input.findings.length - kept.length, unused, written: changed } };
}

/**
 * How `head` accepts more than `base`: one sentence per file and rule whose count grew (a new
 * entry grows from 0). Empty when head accepts no more than base.
 */
export function suppressionsGrowth(base: Suppressions, head: Suppressions): string[] {
  const out: string[] = [];
  for (const file of Object.keys(head).sort()) {
    for (const ruleId of Object.keys(head[file]!).sort()) {
      const before = base[file]?.[ruleId]?.count ?? 0;
      const now = head[file]![ruleId]!.count;
      if (now > before) out.push(`${file} ${ruleId} ${before} → ${now}`);
    }
  }
  return out;
}

/** Findings only in `changed` files (the diff scope of `--base`) or of `alwaysRules`; the rest are counted as left out. */
export function applyScope(findings: Finding[], changed: ReadonlySet<string>, alwaysRules: readonly string[] = []): { kept: Finding[]; leftOut: number } {
  const kept = findings.filter((f) => changed.has(f.file) || alwaysRules.includes(f.ruleId));
  return { kept, leftOut: findings.length - kept.length };
}
