// A short PR-comment / job-summary: counts by severity and the top findings with file:line links.
import { tableSizesOf } from "./table-sizes.js";
import { compareStrings, SEVERITIES, severityRank, type FileResult, type Finding } from "../types.js";
import { plural } from "../plural.js";

export interface MarkdownOptions {
  /**
   * Where file links point: `<linkBase><file>#L<line>`. Without it locations are shown as code,
   * unlinked (a relative link in a PR comment leads nowhere). See `markdownLinkBase`.
   */
  linkBase?: string;
  /** How many findings to list (default 10). */
  top?: number;
}

const ICON: Record<Finding["severity"], string> = { critical: "🔴", high: "🟠", medium: "🟡", low: "🔵", info: "⚪" };

export function formatMarkdown(results: FileResult[], options: MarkdownOptions = {}): string {
  const findings = results.flatMap((r) => r.findings);
  const top = options.top ?? 10;
  if (findings.length === 0) return "### ✅ gonogo: no findings\n";
  const files = new Set(findings.map((f) => f.file)).size;
  const errors = findings.filter((f) => f.severity === "critical" || f.severity === "high").length;
  const out: string[] = [];
  out.push(`### ${errors > 0 ? "🛑" : "⚠️"} gonogo: ${plural(findings.length, "finding")} in ${plural(files, "file")}`, "");
  out.push("| Severity | Count |", "| --- | ---: |");
  for (const s of SEVERITIES) {
    const n = findings.filter((f) => f.severity === s).length;
    if (n > 0) out.push(`| ${ICON[s]} ${s} | ${n} |`);
  }
  const worstFirst = [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column,
  );
  const shown = worstFirst.slice(0, top);
  out.push("", `**${shown.length === findings.length ? "Findings" : `Top ${shown.length} findings`}**`, "");
  out.push("| Severity | Location | Rule | Message |", "| --- | --- | --- | --- |");
  for (const f of shown) out.push(`| ${ICON[f.severity]} ${f.severity} | ${location(f, options.linkBase)} | [\`${codeSpan(f.ruleId)}\`](${url(f.docsUrl)}) | ${cell(f.message)} |`);
  if (findings.length > shown.length) out.push("", `_…and ${findings.length - shown.length} more; run \`gonogo scan\` for all of them._`);
  const tables = tableSizesOf(findings);
  if (tables.length > 0) {
    out.push("", "**Table sizes** (from table statistics)", "", "| Table | Size | Migrations |", "| --- | --- | --- |");
    for (const t of tables) out.push(`| \`${codeSpan(t.table)}\` | ${cell(t.size)} | ${t.locations.map((l) => `\`${codeSpan(l)}\``).join(", ")} |`);
  }
  return out.join("\n") + "\n";
}

function location(f: Finding, linkBase: string | undefined): string {
  const text = `\`${codeSpan(`${f.file}:${f.line}`)}\``;
  if (!linkBase) return text;
  const anchor = f.endLine > f.line ? `#L${f.line}-L${f.endLine}` : `#L${f.line}`;
  return `[${text}](${url(linkBase + f.file.split("/").map(encodeURIComponent).join("/") + anchor)})`;
}

/**
 * The blob URL of the commit being checked, from the CI's environment: GitHub Actions
 * (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA) or GitLab CI (CI_PROJECT_URL, CI_COMMIT_SHA).
 * Paths in findings are relative to the scan's working directory, so links are right when the
 * scan runs from the repository root.
 */
export function markdownLinkBase(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const sha = /^[0-9a-f]{7,64}$/i;
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA && sha.test(env.GITHUB_SHA) && isHttpUrl(env.GITHUB_SERVER_URL)) {
    return `${env.GITHUB_SERVER_URL.replace(/\/+$/, "")}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}/`;
  }
  if (env.CI_PROJECT_URL && env.CI_COMMIT_SHA && sha.test(env.CI_COMMIT_SHA) && isHttpUrl(env.CI_PROJECT_URL)) {
    return `${env.CI_PROJECT_URL.replace(/\/+$/, "")}/-/blob/${env.CI_COMMIT_SHA}/`;
  }
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/** A table cell: no pipes, no line breaks, no raw HTML. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ");
}

/** Inside backticks only a backtick and a pipe (the table) can break out. */
function codeSpan(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function url(text: string): string {
  return text.replace(/[()\s<>]/g, (c) => encodeURIComponent(c));
}

