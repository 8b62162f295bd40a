// Rendering a decision: the operators' banner (text), a PR comment (markdown), or JSON.
import { tableSizesOf } from "../report/table-sizes.js";
import type { Decision, DecisionReason, Finding, Severity } from "../types.js";
import { SEVERITIES } from "../types.js";

type FindingRef = NonNullable<DecisionReason["findings"]>[number];

const EFFECT_LABEL: Record<DecisionReason["effect"], string> = { "no-go": "NO-GO", "needs-approval": "APPROVAL", info: "info" };

function groupBySeverity(entries: { finding: FindingRef; reason: DecisionReason }[]): Map<Severity, { finding: FindingRef; reason: DecisionReason }[]> {
  const groups = new Map<Severity, { finding: FindingRef; reason: DecisionReason }[]>();
  for (const severity of SEVERITIES) {
    const inGroup = entries.filter((e) => e.finding.severity === severity);
    if (inGroup.length > 0) groups.set(severity, inGroup);
  }
  return groups;
}

function findingEntries(decision: Decision, blocking: boolean) {
  return decision.reasons
    .filter((r) => (r.effect === "no-go") === blocking)
    .flatMap((reason) => (reason.findings ?? []).map((finding) => ({ finding, reason })));
}

const findingKey = (f: FindingRef): string => `${f.file}\0${f.line}\0${f.column}\0${f.ruleId}`;

/** The code a finding matched: its range on its first line (… when the range goes on). */
function patternOf(f: Finding): string | undefined {
  const line = f.excerpt;
  if (line === undefined) return undefined;
  // A shortened excerpt (a very long line) no longer lines up with the columns: the whole of it.
  if (line.endsWith("…")) return line.trim();
  const text = f.endLine === f.line ? line.slice(f.column - 1, Math.max(f.column, f.endColumn - 1)) : `${line.slice(f.column - 1)} …`;
  const trimmed = text.trim();
  return trimmed.length > 0 ? trimmed : line.trim() || undefined;
}

/**
 * The operators' banner style, for terminals and CI logs. With the findings (as the scan returned
 * them, excerpts included) each blocking one shows Pattern (the matched code), Reason (why it is
 * dangerous) and Code (its source line); Policy is the decision's reason code.
 */
export function formatDecisionText(decision: Decision, findings: readonly Finding[] = []): string {
  const out: string[] = [];
  const full = new Map(findings.map((f) => [findingKey(f), f]));
  const blocking = findingEntries(decision, true);
  if (blocking.length > 0) {
    out.push("DEPLOYMENT SAFETY VIOLATIONS DETECTED", "=====================================", "");
    for (const [severity, entries] of groupBySeverity(blocking)) {
      out.push(`${severity.toUpperCase()} (${entries.length})`);
      for (const { finding, reason } of entries) {
        out.push(`  ${finding.file}:${finding.line}:${finding.column}  ${finding.ruleId}`);
        out.push(`    ${finding.message}`);
        const f = full.get(findingKey(finding));
        const pattern = f ? patternOf(f) : undefined;
        if (pattern) out.push(`    Pattern: ${pattern}`);
        if (f?.why) out.push(`    Reason:  ${f.why}`);
        if (f?.excerpt?.trim()) out.push(`    Code:    ${finding.line} | ${f.excerpt.trimEnd()}`);
        out.push(`    Policy:  ${reason.code}`);
      }
      out.push("");
    }
  }
  const reported = findingEntries(decision, false);
  if (reported.length > 0) {
    out.push(`Findings not blocking in ${decision.environment}:`);
    for (const [severity, entries] of groupBySeverity(reported)) {
      for (const { finding } of entries) out.push(`  ${severity.padEnd(8)} ${finding.file}:${finding.line}  ${finding.ruleId}  ${finding.message}`);
    }
    out.push("");
  }
  const subject = [decision.project, decision.version].filter((s) => s !== undefined).join(" ");
  out.push(`DECISION: ${decision.decision.toUpperCase()} — ${decision.environment}${subject ? ` (${subject})` : ""}`);
  out.push("Reasons:");
  if (decision.reasons.length === 0) out.push("  (none: nothing blocks and no approval is needed)");
  for (const reason of decision.reasons) out.push(`  [${EFFECT_LABEL[reason.effect]}] ${reason.code}: ${reason.message}`);
  out.push(`Approvals required: ${decision.requiredApprovals} · automatic rollback: ${decision.autoRollback ? "allowed" : "never (manual only)"}`);
  out.push(`Policy ${decision.policyHash.slice(0, 19)}… · inputs ${decision.inputsHash.slice(0, 19)}… · evaluated ${decision.evaluatedAt}`);
  return out.join("\n") + "\n";
}

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/</g, "&lt;");
}

const MARK: Record<Decision["decision"], string> = { go: "✅", "needs-approval": "✋", "no-go": "🛑" };
const EFFECT_MARK: Record<DecisionReason["effect"], string> = { "no-go": "⛔ no-go", "needs-approval": "✋ approval", info: "ℹ️ info" };

/** A short PR-comment summary. */
export function formatDecisionMarkdown(decision: Decision, findings: Finding[] = []): string {
  const out: string[] = [];
  out.push(`### ${MARK[decision.decision]} gonogo: **${decision.decision}** for \`${decision.environment}\``);
  const subject = [decision.project && `project \`${decision.project}\``, decision.version && `version \`${decision.version}\``].filter(Boolean).join(" · ");
  if (subject) out.push("", subject);
  out.push("");
  if (decision.reasons.length > 0) {
    out.push("| | Code | Reason |", "| --- | --- | --- |");
    const shown = decision.reasons.slice(0, 25);
    for (const r of shown) out.push(`| ${EFFECT_MARK[r.effect]} | \`${r.code}\` | ${cell(r.message)} |`);
    if (decision.reasons.length > shown.length) out.push(`| | | … and ${decision.reasons.length - shown.length} more |`);
  } else {
    out.push("Nothing blocks and no approval is needed.");
  }
  if (findings.length > 0) {
    out.push("", `<details><summary>${findings.length} finding${findings.length === 1 ? "" : "s"}</summary>`, "");
    out.push("| Severity | Location | Rule | Message |", "| --- | --- | --- | --- |");
    for (const f of findings.slice(0, 50)) out.push(`| ${f.severity} | \`${cell(f.file)}:${f.line}\` | \`${f.ruleId}\` | ${cell(f.message)} |`);
    if (findings.length > 50) out.push(`| | | | … and ${findings.length - 50} more |`);
    out.push("", "</details>");
  }
  const tables = tableSizesOf(findings);
  if (tables.length > 0) {
    out.push("", "| Table | Size | Migrations |", "| --- | --- | --- |");
    for (const t of tables) out.push(`| \`${cell(t.table)}\` | ${cell(t.size)} | ${t.locations.map((l) => `\`${cell(l)}\``).join(", ")} |`);
  }
  out.push("", `<sub>${decision.requiredApprovals > 0 ? `approvals required: ${decision.requiredApprovals} · ` : ""}policy \`${decision.policyHash.slice(7, 19)}\` · inputs \`${decision.inputsHash.slice(7, 19)}\` · ${decision.evaluatedAt}</sub>`);
  return out.join("\n") + "\n";
}

/** The decision as JSON, with the findings it was made on. */
export function formatDecisionJson(decision: Decision, findings: Finding[] = []): string {
  return JSON.stringify({ ...decision, findings }, null, 2) + "\n";
}
