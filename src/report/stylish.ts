// The default terminal format: findings grouped by file, with a code frame and a summary line.
// Colours only when the output is a TTY and NO_COLOR is not set.
import type { FileResult, Finding } from "../types.js";
import { eslintSeverity } from "../types.js";

export interface StylishOptions {
  color: boolean;
}

const codes = { red: 31, yellow: 33, dim: 2, bold: 1, underline: 4, cyan: 36, magenta: 35 } as const;

export function formatStylish(results: FileResult[], options: StylishOptions): string {
  const paint = (style: keyof typeof codes, text: string) => (options.color ? `\u001b[${codes[style]}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    if (result.findings.length === 0) continue;
    lines.push("", paint("underline", result.file));
    const sourceLines = result.source?.split("\n");
    for (const f of result.findings) {
      const isError = eslintSeverity(f.severity) === 2;
      if (isError) errors++;
      else warnings++;
      const level = isError ? paint("red", "error") : paint("yellow", "warning");
      lines.push(`  ${paint("dim", `${f.line}:${f.column}`)}  ${level}  ${f.message}  ${paint("dim", `${f.ruleId} (${f.severity})`)}`);
      lines.push(...codeFrame(f, sourceLines, paint));
    }
  }
  const total = errors + warnings;
  if (total === 0) return "";
  const summary = `✖ ${total} problem${total === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`;
  lines.push("", paint(errors > 0 ? "red" : "yellow", paint("bold", summary)), "");
  return lines.join("\n") + "\n";
}

function codeFrame(f: Finding, sourceLines: string[] | undefined, paint: (s: keyof typeof codes, t: string) => string): string[] {
  const text = sourceLines?.[f.line - 1]?.replace(/\r$/, "") ?? f.excerpt;
  if (text === undefined || text.length > 400) return [];
  const gutter = String(f.line).padStart(6);
  const width = f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : Math.max(1, text.length - f.column + 1);
  const expanded = text.replace(/\t/g, " ");
  return [
    `  ${paint("dim", `${gutter} |`)} ${expanded}`,
    `  ${paint("dim", `${" ".repeat(gutter.length)} |`)} ${" ".repeat(Math.max(0, f.column - 1))}${paint("red", "^".repeat(Math.min(width, Math.max(1, expanded.length - f.column + 1))))}`,
  ];
}
