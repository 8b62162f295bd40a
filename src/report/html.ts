// One self-contained HTML report: the decision (when there is one), findings grouped by file with
// code frames, and the revision graph as inline SVG. No network: inline CSS, inline SVG, no
// scripts, no fonts; a Content-Security-Policy that forbids loading anything, as a second line of
// defence behind escaping every piece of text that comes from the scanned code.
import type { RevisionGraph } from "../extract/facts.js";
import { tableSizesOf } from "./table-sizes.js";
import { compareStrings, SEVERITIES, type Decision, type FileResult, type Finding, type Severity } from "../types.js";
import { buildGraphViews, NODE_PALETTE, colorForSeverity } from "./graph.js";
import { renderGraphSvg } from "./graph-svg.js";

export interface HtmlOptions {
  /** The revision graphs to draw (scan result `facts.revisionGraphs`). */
  revisionGraphs?: RevisionGraph[];
  /** The policy decision, for `gonogo check --format html`. */
  decision?: Decision;
  /** Page title (default "gonogo report"). */
  title?: string;
  /** Shown in the header; default now. Tests pass a fixed value. */
  generatedAt?: string;
  /** Graphs with more migrations than this are not drawn inline (default 400): the page would be metres long. */
  maxGraphNodes?: number;
}

const CONTEXT_LINES = 2;
const MAX_FRAME_LINES = 12;
const MAX_LINE_CHARS = 300;

export function formatHtml(results: FileResult[], options: HtmlOptions = {}): string {
  const findings = results.flatMap((r) => r.findings);
  const title = options.title ?? (options.decision ? `gonogo: ${options.decision.decision} for ${options.decision.environment}` : "gonogo report");
  const fileIds = new Map(results.map((r, i) => [r.file, `file-${i + 1}`]));
  const body: string[] = [];
  body.push(`<header><h1>${esc(title)}</h1><p class="meta">generated ${esc(options.generatedAt ?? new Date().toISOString())}</p></header>`);
  if (options.decision) body.push(decisionSection(options.decision));
  body.push(summarySection(findings, results.length));
  const graphs = options.revisionGraphs ?? [];
  const graphSize = graphs.reduce((n, g) => n + g.migrations.size, 0);
  if (graphSize > (options.maxGraphNodes ?? 400)) {
    body.push(
      `<section class="graph" aria-labelledby="graph-heading"><h2 id="graph-heading">Revision graph</h2><p class="meta">${graphSize} migrations are too many to draw here; run <code>gonogo migrations graph --format svg -o graph.svg</code> for the whole picture.</p></section>`,
    );
  } else if (graphs.length > 0) {
    const views = buildGraphViews(graphs, findings);
    const svg = renderGraphSvg(views, { idPrefix: "report-graph", hrefFor: (file) => (fileIds.has(file) ? `#${fileIds.get(file)}` : undefined) });
    body.push(`<section class="graph" aria-labelledby="graph-heading"><h2 id="graph-heading">Revision graph</h2><div class="graph-frame">${svg}</div></section>`);
  }
  body.push(findingsSection(results, fileIds));
  return [
    "<!DOCTYPE html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    // Nothing may be fetched: not even if a finding's text slipped past escaping.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="gonogo">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<main>`,
    ...body,
    `</main>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function decisionSection(decision: Decision): string {
  const subject = [`environment <strong>${esc(decision.environment)}</strong>`, decision.project && `project <strong>${esc(decision.project)}</strong>`, decision.version && `version <strong>${esc(decision.version)}</strong>`]
    .filter(Boolean)
    .join(" · ");
  const reasons = decision.reasons.length
    ? `<table class="reasons"><thead><tr><th>effect</th><th>code</th><th>reason</th></tr></thead><tbody>${decision.reasons
        .map((r) => `<tr class="reason effect-${esc(r.effect)}"><td><span class="effect">${esc(r.effect)}</span></td><td><code>${esc(r.code)}</code></td><td>${esc(r.message)}</td></tr>`)
        .join("")}</tbody></table>`
    : `<p>Nothing blocks and no approval is needed.</p>`;
  const approvals = decision.requiredApprovals > 0 ? `<p class="meta">approvals required: ${decision.requiredApprovals}</p>` : "";
  return `<section class="decision decision-${esc(decision.decision)}" aria-labelledby="decision-heading"><h2 id="decision-heading"><span class="verdict">${esc(decision.decision)}</span></h2><p>${subject}</p>${approvals}${reasons}</section>`;
}

function summarySection(findings: Finding[], fileCount: number): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const chips = SEVERITIES.map((s) => `<li class="chip sev-${s}" data-severity="${s}"><span class="count">${counts.get(s) ?? 0}</span> ${s}</li>`).join("");
  const headline = findings.length === 0 ? "No findings." : `${findings.length} finding${findings.length === 1 ? "" : "s"} in ${fileCount} file${fileCount === 1 ? "" : "s"}.`;
  return `<section class="summary" aria-label="summary"><p class="headline">${headline}</p><ul class="chips">${chips}</ul></section>`;
}

function findingsSection(results: FileResult[], fileIds: Map<string, string>): string {
  const withFindings = results.filter((r) => r.findings.length > 0);
  if (withFindings.length === 0) return `<section class="findings"><h2>Findings</h2><p class="none">No findings.</p></section>`;
  const files = [...withFindings]
    .sort((a, b) => compareStrings(a.file, b.file))
    .map((result) => {
      const lines = result.source?.split("\n");
      const items = result.findings.map((f) => findingItem(f, lines)).join("");
      const n = result.findings.length;
      // With table statistics: the size of each table the file locks or rewrites, beside it.
      const tables = tableSizesOf(result.findings).map((t) => `<code>${esc(t.table)}</code> ${esc(t.size)}`);
      const sizes = tables.length > 0 ? `<p class="meta table-sizes">tables: ${tables.join(" · ")}</p>` : "";
      return `<section class="file" id="${fileIds.get(result.file)}"><h3><code>${esc(result.file)}</code> <span class="meta">${n} finding${n === 1 ? "" : "s"}</span></h3>${sizes}<ol class="finding-list">${items}</ol></section>`;
    });
  return `<section class="findings" aria-labelledby="findings-heading"><h2 id="findings-heading">Findings</h2>${files.join("")}</section>`;
}

function findingItem(f: Finding, lines: string[] | undefined): string {
  const color = colorForSeverity(f.severity);
  const where = `${f.line}:${f.column}`;
  return [
    `<li class="finding sev-${f.severity}" data-rule="${esc(f.ruleId)}" data-severity="${f.severity}" style="border-left-color:${NODE_PALETTE[color].stroke}">`,
    `<div class="finding-head"><span class="sev sev-${f.severity}">${f.severity}</span> <span class="message">${esc(f.message)}</span></div>`,
    `<div class="finding-meta"><span class="loc">${esc(f.file)}:${where}</span> · <a class="rule" href="${esc(f.docsUrl)}">${esc(f.ruleId)}</a></div>`,
    codeFrame(f, lines),
    `<dl class="advice"><dt>Why</dt><dd>${esc(f.why)}</dd><dt>Instead</dt><dd>${esc(f.instead)}</dd></dl>`,
    `</li>`,
  ].join("");
}

/** The lines around the finding, its range marked. Columns are UTF-16 units, as JS strings index. */
function codeFrame(f: Finding, lines: string[] | undefined): string {
  // Without the source (an unreadable file), only the excerpt line is known: show it alone.
  const lineAt = lines ? (n: number) => lines[n - 1] ?? "" : (n: number) => (n === f.line ? (f.excerpt ?? "") : "");
  if (!lines && f.excerpt === undefined) return "";
  const first = lines ? Math.max(1, f.line - CONTEXT_LINES) : f.line;
  const last = lines ? Math.min(lines.length, Math.max(f.endLine, f.line) + CONTEXT_LINES, first + MAX_FRAME_LINES - 1) : f.line;
  const rows: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lineAt(n).replace(/\r$/, "");
    const inRange = n >= f.line && n <= f.endLine;
    const start = n === f.line ? f.column - 1 : 0;
    const end = n === f.endLine ? f.endColumn - 1 : text.length;
    rows.push(
      `<tr class="${inRange ? "hit" : ""}"><td class="ln">${n}</td><td class="src">${inRange ? markRange(text, start, Math.max(start, end)) : esc(clip(text, MAX_LINE_CHARS))}</td></tr>`,
    );
  }
  return `<table class="frame" role="presentation"><tbody>${rows.join("")}</tbody></table>`;
}

function markRange(text: string, start: number, end: number): string {
  if (text.length > MAX_LINE_CHARS) {
    // A minified or generated line: show a window around the range.
    const from = Math.max(0, start - 80);
    const to = Math.min(text.length, Math.max(end, start + 1) + 80, from + MAX_LINE_CHARS);
    return (from > 0 ? "…" : "") + markRange(text.slice(from, to), start - from, Math.min(end, to) - from) + (to < text.length ? "…" : "");
  }
  const s = Math.min(Math.max(0, start), text.length);
  const e = Math.min(Math.max(s, end), text.length);
  if (e === s) return esc(text.slice(0, s)) + `<mark class="caret"></mark>` + esc(text.slice(s));
  return esc(text.slice(0, s)) + `<mark>${esc(text.slice(s, e))}</mark>` + esc(text.slice(e));
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

/** HTML escaping for text and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--soft); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
header h1 { margin: 0; font-size: 24px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 0; padding: 10px 14px; background: var(--soft); border-bottom: 1px solid var(--line); }
code, .loc, .frame { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
a { color: #0969da; }
.meta { color: var(--muted); font-weight: normal; font-size: 12.5px; margin: 2px 0 0; }
section { margin-top: 20px; }
.decision, .summary, .graph, .file { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; }
.decision { padding: 16px; border-left-width: 8px; }
.decision-go { border-left-color: #1a7f37; }
.decision-no-go { border-left-color: #cf222e; }
.decision-needs-approval { border-left-color: #bf8700; }
.verdict { text-transform: uppercase; letter-spacing: .04em; }
.decision-go .verdict { color: #1a7f37; } .decision-no-go .verdict { color: #cf222e; } .decision-needs-approval .verdict { color: #9a6700; }
.reasons { border-collapse: collapse; width: 100%; margin-top: 8px; }
.reasons th, .reasons td { text-align: left; padding: 6px 8px; border-top: 1px solid var(--line); vertical-align: top; }
.effect { font-size: 12px; padding: 1px 8px; border-radius: 10px; background: var(--soft); white-space: nowrap; }
.effect-no-go .effect { background: #ffd8d3; } .effect-needs-approval .effect { background: #fff0b3; }
.summary { padding: 12px 16px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
.headline { margin: 0; font-weight: 600; }
.chips { list-style: none; margin: 0; padding: 0; display: flex; gap: 8px; flex-wrap: wrap; }
.chip { padding: 2px 10px; border-radius: 12px; border: 1px solid var(--line); background: var(--soft); }
.chip .count { font-weight: 700; }
.graph { padding: 16px; }
.graph-frame { overflow-x: auto; }
.graph svg { display: block; margin: 0 auto; max-width: 100%; height: auto; }
.file { overflow: hidden; }
.finding-list { list-style: none; margin: 0; padding: 0; }
.finding { padding: 12px 14px; border-top: 1px solid var(--line); border-left: 6px solid transparent; }
.finding:first-child { border-top: 0; }
.finding-head { font-weight: 600; }
.finding-meta { color: var(--muted); font-size: 12.5px; margin: 2px 0 8px; }
.sev { display: inline-block; min-width: 64px; text-align: center; font-size: 11.5px; font-weight: 700; text-transform: uppercase; border-radius: 10px; padding: 0 8px; margin-right: 6px; }
.sev-critical.sev, .sev-high.sev { background: #cf222e; color: #fff; }
.sev-medium.sev { background: #bf8700; color: #fff; }
.sev-low.sev, .sev-info.sev { background: #0969da; color: #fff; }
.chip.sev-critical, .chip.sev-high { border-color: #cf222e; } .chip.sev-medium { border-color: #bf8700; } .chip.sev-low, .chip.sev-info { border-color: #0969da; }
.frame { border-collapse: collapse; width: 100%; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; tab-size: 4; }
.frame td { padding: 0 10px; white-space: pre; }
.frame .ln { width: 1%; color: var(--muted); text-align: right; user-select: none; border-right: 1px solid var(--line); }
.frame tr.hit { background: #fff8c5; }
.frame .src { overflow-wrap: anywhere; }
mark { background: #ffb8b0; color: inherit; border-radius: 2px; }
mark.caret { display: inline-block; width: 2px; height: 1em; background: #cf222e; vertical-align: text-bottom; }
.advice { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 0; font-size: 13px; }
.advice dt { color: var(--muted); font-weight: 600; }
.advice dd { margin: 0; }
.none { padding: 12px 16px; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; }
`;
