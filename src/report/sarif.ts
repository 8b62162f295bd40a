// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
import { createHash } from "node:crypto";
import type { FileResult, Finding, Severity } from "../types.js";
import { VERSION } from "../version.js";

export interface SarifRuleInfo {
  id: string;
  severity: Severity;
  docs: { summary: string; why: string; instead: string };
  docsUrl: string;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
// GitHub ranks alerts by `security-severity` (0–10).
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "1.0" };

function fingerprint(f: Finding, lineText: string): string {
  // Stable across unrelated edits: rule, file, and the normalised text of the line.
  return createHash("sha256").update(`${f.ruleId}\u0000${f.file}\u0000${lineText.trim().replace(/\s+/g, " ")}`).digest("hex").slice(0, 32);
}

export function formatSarif(results: FileResult[], rules: readonly SarifRuleInfo[]): string {
  const driverRules = rules;
  const index = new Map(driverRules.map((r, i) => [r.id, i]));
  const sarifResults = results.flatMap((r) => {
    const lines = r.source?.split("\n");
    return r.findings.map((f) => {
      const lineText = lines?.[f.line - 1] ?? f.excerpt ?? "";
      const result: Record<string, unknown> = {
        ruleId: f.ruleId,
        level: LEVEL[f.severity],
        // SARIF prefers messages that end with a period (SARIF2002).
        message: { text: /[.!?]$/.test(f.message) ? f.message : `${f.message}.` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: encodeURI(f.file), uriBaseId: "%SRCROOT%" },
              region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.endLine === f.line ? f.column + 1 : 1) },
            },
          },
        ],
        partialFingerprints: { "gonogoFingerprint/v1": fingerprint(f, lineText) },
        properties: { gonogoSeverity: f.severity },
      };
      const i = index.get(f.ruleId);
      if (i !== undefined) result.ruleIndex = i;
      return result;
    });
  });
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "gonogo",
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: "https://github.com/gonogo-dev/gonogo",
            rules: driverRules.map((r) => ({
              id: r.id,
              name: r.id.split("/")[1]!.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.docs.summary },
              fullDescription: { text: `${r.docs.summary} ${r.docs.why}` },
              help: { text: `${r.docs.why}\n\nInstead: ${r.docs.instead}`, markdown: `${r.docs.why}\n\n**Instead:** ${r.docs.instead}\n\n[Rule documentation](${r.docsUrl})` },
              helpUri: r.docsUrl,
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: [r.id.split("/")[0]!, "reliability"], "security-severity": SECURITY_SEVERITY[r.severity], precision: "high" },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The directory gonogo scanned from." } } },
        columnKind: "utf16CodeUnits",
        results: sarifResults,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
