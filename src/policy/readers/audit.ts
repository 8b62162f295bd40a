// `npm audit --json` (npm 7+, auditReportVersion 2; npm 6's report has the same metadata counts).
import type { AuditResult, AuditSeverity } from "../types.js";
import { AUDIT_SEVERITIES } from "../types.js";
import { InputFormatError } from "./junit.js";

export function parseNpmAudit(text: string, file: string): AuditResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputFormatError(`invalid JSON: ${(error as Error).message}`);
  }
  const report = data as { metadata?: { vulnerabilities?: Record<string, unknown> }; vulnerabilities?: Record<string, unknown>; error?: { summary?: string } } | null;
  if (report?.error) throw new InputFormatError(`npm audit failed: ${String(report.error.summary ?? "unknown error")}`);
  const counts = report?.metadata?.vulnerabilities;
  if (!counts || typeof counts !== "object") throw new InputFormatError("not an npm audit report: expected metadata.vulnerabilities");
  const result: AuditResult = { file, counts: { info: 0, low: 0, moderate: 0, high: 0, critical: 0 }, total: 0, packages: [] };
  for (const severity of AUDIT_SEVERITIES) {
    const n = counts[severity];
    if (n === undefined) continue;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new InputFormatError(`npm audit: metadata.vulnerabilities.${severity} is not a count`);
    result.counts[severity] = n;
    result.total += n;
  }
  const vulnerabilities = report?.vulnerabilities;
  if (vulnerabilities && typeof vulnerabilities === "object") {
    for (const [name, entry] of Object.entries(vulnerabilities)) {
      const severity = (entry as { severity?: unknown } | null)?.severity;
      if (typeof severity === "string" && (AUDIT_SEVERITIES as readonly string[]).includes(severity) && result.packages.length < 50)
        result.packages.push({ name, severity: severity as AuditSeverity });
    }
  }
  return result;
}
