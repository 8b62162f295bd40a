// Suppression directives: a finding on a line covered by a directive naming its rule (or naming
// none) is dropped. A directive needs a reason after `--`; one without is reported and suppresses
// nothing; one that suppresses nothing is reported as unused. A finding that says a file (or a piece
// of SQL) could not be analysed is never dropped by a directive (the bulk suppressions file may).
import type { Directive } from "../extract/facts.js";
import type { Finding } from "../types.js";
import { NOT_HIDDEN_BY_DIRECTIVES } from "./types.js";

export interface SuppressionOutcome {
  kept: Finding[];
  suppressed: Finding[];
  /** Directives without a reason (they suppress nothing). */
  missingReason: Directive[];
  /** Directives with a reason that matched no finding. */
  unused: Directive[];
  /** Of `unused`: those that covered only findings a directive cannot hide (`NOT_HIDDEN_BY_DIRECTIVES`). */
  refused: Set<Directive>;
}

function covers(directive: Directive, finding: Finding, directives: Directive[]): boolean {
  if (directive.ruleIds.length > 0 && !directive.ruleIds.includes(finding.ruleId)) return false;
  if (directive.kind === "disable-next-line" || directive.kind === "disable-line") return finding.line === directive.appliesToLine;
  if (directive.kind === "disable") {
    if (finding.line <= directive.location.line) return false;
    // Until the next `enable` that re-enables the rule (or all rules).
    const enable = directives.find(
      (d) => d.kind === "enable" && d.location.line > directive.location.line && (d.ruleIds.length === 0 || directive.ruleIds.length === 0 || d.ruleIds.some((id) => directive.ruleIds.includes(id))),
    );
    return !enable || finding.line < enable.location.line;
  }
  return false;
}

export function applySuppressions(findings: Finding[], directives: Directive[]): SuppressionOutcome {
  const active = directives.filter((d) => d.kind !== "enable" && d.reason !== undefined);
  const used = new Set<Directive>();
  const refused = new Set<Directive>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    if (NOT_HIDDEN_BY_DIRECTIVES.includes(finding.ruleId)) {
      for (const d of active) if (covers(d, finding, directives)) refused.add(d);
      kept.push(finding);
      continue;
    }
    const by = active.find((d) => covers(d, finding, directives));
    if (by) {
      used.add(by);
      suppressed.push(finding);
    } else kept.push(finding);
  }
  return {
    kept,
    suppressed,
    missingReason: directives.filter((d) => d.kind !== "enable" && d.reason === undefined),
    unused: active.filter((d) => !used.has(d)),
    refused: new Set([...refused].filter((d) => !used.has(d))),
  };
}
