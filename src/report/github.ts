// GitHub Actions workflow commands: one annotation per finding, shown on the pull request diff.
import type { FileResult } from "../types.js";
import { eslintSeverity } from "../types.js";

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function formatGithub(results: FileResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const level = eslintSeverity(f.severity) === 2 ? "error" : "warning";
      const props = [
        `file=${escapeProperty(f.file)}`,
        `line=${f.line}`,
        `col=${f.column}`,
        `endLine=${f.endLine}`,
        `endColumn=${f.endColumn}`,
        `title=${escapeProperty(`${f.ruleId} (${f.severity})`)}`,
      ].join(",");
      lines.push(`::${level} ${props}::${escapeData(`${f.message}. ${f.instead}`)}`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}
