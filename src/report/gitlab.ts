// GitLab Code Quality report (a CodeClimate-style JSON array), shown in merge-request widgets and
// diffs when a job publishes it as `artifacts:reports:codequality`.
import { createHash } from "node:crypto";
import type { FileResult, Finding, Severity } from "../types.js";

/** GitLab's five severities; gonogo's scale maps one to one, critical being GitLab's blocker. */
export const GITLAB_SEVERITY: Record<Severity, "blocker" | "critical" | "major" | "minor" | "info"> = {
  critical: "blocker",
  high: "critical",
  medium: "major",
  low: "minor",
  info: "info",
};

export interface GitlabIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: (typeof GITLAB_SEVERITY)[Severity];
  location: { path: string; lines: { begin: number; end: number } };
}

/**
 * What identifies a finding across commits: rule, file, message and the flagged source line's
 * text, not its line number, so GitLab still matches it (and shows it as unchanged rather than
 * fixed + new) after code above it moves.
 */
function identity(finding: Finding): string {
  const text = finding.excerpt !== undefined ? finding.excerpt.trim() : `line ${finding.line}`;
  return [finding.ruleId, finding.file, finding.message, text].join("\0");
}

/**
 * Findings as Code Quality issues. Fingerprints are stable (sha256 of the identity) and unique:
 * identical findings in one file are told apart by their order of appearance.
 */
export function toGitlabIssues(results: FileResult[]): GitlabIssue[] {
  const seen = new Map<string, number>();
  const issues: GitlabIssue[] = [];
  for (const result of results) {
    for (const finding of result.findings) {
      const key = identity(finding);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      issues.push({
        description: `${finding.message} (${finding.ruleId}, ${finding.severity})`,
        check_name: finding.ruleId,
        fingerprint: createHash("sha256").update(`${key}\0${occurrence}`).digest("hex"),
        severity: GITLAB_SEVERITY[finding.severity],
        location: { path: finding.file, lines: { begin: finding.line, end: finding.endLine } },
      });
    }
  }
  return issues;
}

export function formatGitlab(results: FileResult[]): string {
  return JSON.stringify(toGitlabIssues(results), null, 2) + "\n";
}
