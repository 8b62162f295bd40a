// What check() judges besides the pending migrations: with `--base`, only the files changed since
// the base revision; and never the findings the team accepted in the bulk suppressions file. What is
// left out is a fact the decision states (one info reason each); a suppressions file that cannot be
// read or that grows in the change itself fails closed like any other unknown or weakening.
import path from "node:path";
import { parseSuppressions, readSuppressions, resolveSuppressionsLocation, suppressionsGrowth, type Suppressions } from "../engine/suppressions.js";
import type { ScanOptions, ScanResult } from "../engine/types.js";
import type { DecisionReason } from "../types.js";
import { filesChangedSince, readFileAtRevision } from "../git.js";
import { GRAPH_RULE_IDS } from "./scope.js";
import type { InputProblem, ReleaseFacts } from "./types.js";

export interface ScopeInput {
  cwd: string;
  /** The base revision, when git knows it. */
  base: string | undefined;
  /** Narrow the findings to the files changed since `base` (`gonogo check --base`, not the release wrappers). */
  narrow: boolean;
  configFile: string | undefined;
  scanOptions: ScanOptions;
}

/** The scan options for the diff scope and the suppressions file, and the problems met preparing them. */
export async function prepareScope(input: ScopeInput): Promise<{ scanOptions: ScanOptions; problems: InputProblem[] }> {
  const scanOptions: ScanOptions = { ...input.scanOptions };
  const problems: InputProblem[] = [];
  if (input.narrow && input.base !== undefined) {
    try {
      scanOptions.scope = { base: input.base, files: await filesChangedSince(input.cwd, input.base), alwaysRules: GRAPH_RULE_IDS };
    } catch (error) {
      problems.push({ kind: "base", file: input.base, message: `cannot list the files changed since it, so every finding is judged: ${(error as Error).message}` });
    }
  }
  if (scanOptions.applySuppressions !== false) {
    const location = resolveSuppressionsLocation(input.cwd, input.configFile, scanOptions.suppressionsLocation);
    try {
      readSuppressions(location);
      scanOptions.applySuppressions = true;
    } catch (error) {
      // Judged without the accepted debt: every finding counts, and the decision says why.
      scanOptions.applySuppressions = false;
      const message = (error as Error).message.replace(`${location}: `, "");
      problems.push({ kind: "suppressions", file: location, message: `${message} — no finding was suppressed` });
    }
  }
  return { scanOptions, problems };
}

/** What the scan left out, for the release facts. */
export function leftOutFacts(scan: ScanResult): ReleaseFacts["findingsLeftOut"] {
  const out: NonNullable<ReleaseFacts["findingsLeftOut"]> = {};
  if (scan.outOfScope && scan.outOfScope.count > 0) out.unchangedSinceBase = { ...scan.outOfScope };
  if (scan.suppressions && scan.suppressions.suppressed > 0) out.suppressed = { file: scan.suppressions.file, count: scan.suppressions.suppressed };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One info reason per kind of finding left out. */
export function leftOutReasons(facts: ReleaseFacts): DecisionReason[] {
  const reasons: DecisionReason[] = [];
  const left = facts.findingsLeftOut;
  const findings = (n: number) => `${n} finding${n === 1 ? "" : "s"}`;
  if (left?.unchangedSinceBase) {
    const { base, count } = left.unchangedSinceBase;
    reasons.push({ code: "findings-out-of-scope", effect: "info", message: `${findings(count)} left out: in files unchanged since ${base} (judge them all without --base)`, inputs: { base, count } });
  }
  if (left?.suppressed) {
    const { file, count } = left.suppressed;
    reasons.push({ code: "findings-suppressed", effect: "info", message: `${findings(count)} left out: accepted in ${path.basename(file)}`, inputs: { file, count } });
  }
  return reasons;
}

/**
 * The suppressions file accepting more findings than at `base` is a weakening made by the change
 * itself: one sentence naming what grew, or none.
 */
export async function suppressionsWeakenings(cwd: string, base: string, location: string): Promise<string[]> {
  let head: Suppressions;
  try {
    head = readSuppressions(location);
  } catch {
    return []; // corrupt: already an input problem
  }
  if (Object.keys(head).length === 0) return [];
  const text = await readFileAtRevision(cwd, base, location);
  let before: Suppressions = {};
  // A file corrupt at base accepted nothing there.
  if (text !== undefined) {
    try {
      before = parseSuppressions(text, `${location}@${base}`);
    } catch {
      before = {};
    }
  }
  const grown = suppressionsGrowth(before, head);
  if (grown.length === 0) return [];
  const shown = grown.length > 5 ? [...grown.slice(0, 5), `and ${grown.length - 5} more`] : grown;
  return [`${path.relative(cwd, location).split(path.sep).join("/") || path.basename(location)} accepts more findings than at ${base}: ${shown.join(", ")}`];
}
