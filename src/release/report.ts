// `gonogo log`: the deployment history (table, JSON, markdown) and one release's report in the
// operators' "Deployment Complete" format.
import { formatDuration } from "./duration.js";
import type { LogEvent, LogProblem } from "./log.js";
import type { ReleaseSummary } from "./summary.js";

export type LogFormat = "table" | "json" | "markdown";

interface Row {
  date: string;
  environment: string;
  version: string;
  kind: string;
  status: string;
  rollback: string;
  approver: string;
  revision: string;
  release: string;
}

function rows(releases: ReleaseSummary[], now?: Date): Row[] {
  return releases.map((r) => ({
    date: r.startedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    environment: r.environment,
    version: r.version,
    kind: r.kind,
    status: r.status === "pending" && now ? `pending (${formatDuration(Math.max(0, now.getTime() - Date.parse(r.finishedAt ?? r.startedAt)))})` : r.status,
    rollback: r.rollback ?? "-",
    approver: r.approver ? `${r.approver}${r.approvalAnswer && r.approvalAnswer !== "approved" ? ` (${r.approvalAnswer})` : ""}` : "-",
    revision: r.migrations ? r.migrations.flatMap((m) => m.revisions).join(",") || "base" : "-",
    release: r.releaseId,
  }));
}

const COLUMNS: [keyof Row, string][] = [
  ["date", "DATE"],
  ["environment", "ENVIRONMENT"],
  ["version", "VERSION"],
  ["kind", "KIND"],
  ["status", "STATUS"],
  ["rollback", "ROLLBACK"],
  ["approver", "APPROVER"],
  ["revision", "REVISION"],
  ["release", "RELEASE"],
];

/** The Notes cell of the markdown history: previous version, approver, why it ended, revision, release id. */
function notesOf(release: ReleaseSummary, row: Row): string {
  const notes: string[] = [];
  if (release.previousVersion) notes.push(`from ${release.previousVersion}`);
  if (row.approver !== "-") notes.push(`approver ${row.approver}`);
  if (release.reason && release.status !== "completed") notes.push(release.reason.length > 160 ? `${release.reason.slice(0, 159)}…` : release.reason);
  if (row.revision !== "-") notes.push(`revision ${row.revision}`);
  notes.push(release.releaseId);
  return notes.join("; ");
}

/** The history; with `now`, a pending release's status shows how long it has waited. */
export function formatHistory(releases: ReleaseSummary[], format: LogFormat, problems: LogProblem[] = [], now?: Date): string {
  if (format === "json") {
    return `${JSON.stringify(
      {
        releases: releases.map(({ events, ...rest }) => ({ ...rest, events: events.length })),
        problems,
      },
      null,
      2,
    )}\n`;
  }
  const data = rows(releases, now);
  const notes = problems.map((p) => `line ${p.line} of the log skipped: ${p.message}`);
  if (format === "markdown") {
    // The operators' history table: Date | Environment | Version | Type | Status | Rollback | Notes.
    const escape = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
    const lines = [
      "| Date | Environment | Version | Type | Status | Rollback | Notes |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...data.map((row, i) => `| ${[row.date, row.environment, row.version, row.kind, row.status, row.rollback, notesOf(releases[i]!, row)].map(escape).join(" | ")} |`),
    ];
    if (data.length === 0) lines.push("", "_No deployments recorded._");
    if (notes.length > 0) lines.push("", ...notes.map((n) => `> ${n}`));
    return `${lines.join("\n")}\n`;
  }
  if (data.length === 0) return `No deployments recorded.\n${notes.map((n) => `warning: ${n}\n`).join("")}`;
  const widths = COLUMNS.map(([key, header]) => Math.max(header.length, ...data.map((row) => row[key].length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return `${[line(COLUMNS.map(([, h]) => h)), ...data.map((row) => line(COLUMNS.map(([key]) => row[key]))), ...notes.map((n) => `warning: ${n}`)].join("\n")}\n`;
}

const STATUS_TITLE: Record<ReleaseSummary["status"], string> = {
  completed: "DEPLOYMENT COMPLETE",
  failed: "DEPLOYMENT FAILED",
  pending: "DEPLOYMENT PENDING APPROVAL",
  rejected: "DEPLOYMENT REJECTED",
  interrupted: "DEPLOYMENT INTERRUPTED",
  "no-go": "DEPLOYMENT BLOCKED (NO-GO)",
  running: "DEPLOYMENT IN PROGRESS",
  expired: "DEPLOYMENT EXPIRED (APPROVAL NEVER GIVEN)",
};

/** One release as the operators' report. */
export function formatReleaseReport(release: ReleaseSummary, format: LogFormat): string {
  if (format === "json") return `${JSON.stringify(release, null, 2)}\n`;
  const md = format === "markdown";
  const title = release.kind === "rollback" ? STATUS_TITLE[release.status].replace("DEPLOYMENT", "ROLLBACK") : STATUS_TITLE[release.status];
  const lines: string[] = [md ? `## ${title}` : `${"=".repeat(title.length)}\n${title}\n${"=".repeat(title.length)}`];
  const field = (name: string, value: string): void => {
    lines.push(md ? `- **${name}:** ${value}` : `${`${name}:`.padEnd(14)}${value}`);
  };
  field("Project", release.project);
  field("Environment", release.environment);
  field("Version", release.version);
  field(release.kind === "rollback" ? "Rolled back from" : "Previous", release.previousVersion ?? "none (first release here)");
  field("Release", release.releaseId);
  if (release.cascadeId) field("Cascade", release.cascadeId);
  field("Started", release.startedAt);
  if (release.finishedAt) {
    field("Finished", release.finishedAt);
    field("Duration", formatDuration(Date.parse(release.finishedAt) - Date.parse(release.startedAt)));
  }
  field("Status", release.status.toUpperCase());
  if (release.commit) field("Commit", release.commit);
  if (release.migrations) field("Migrations", release.migrations.map((m) => `${m.revisions.join(", ") || "base"} (${m.directories.join(", ") || "?"})`).join("; "));
  if (release.decision) field("Decision", `${release.decision}${release.decisionId ? ` (${release.decisionId})` : ""}`);
  field("Approved by", release.approver ? `${release.approver} (${release.approvalAnswer ?? "?"}) at ${release.approvedAt ?? "?"}` : "not required");
  const steps = release.events.filter((e) => e.event === "step-finished");
  if (steps.length > 0) {
    lines.push(md ? "\n**Steps**\n" : "\nSteps:");
    for (const s of steps) {
      const mark = s.ok ? "✓" : "✗";
      const detail = s.ok ? "" : s.timedOut ? " timed out" : ` exit ${String(s.exitCode ?? s.signal ?? "?")}`;
      lines.push(`${md ? "- " : "  "}${mark} ${String(s.phase === "rollback" ? "rollback: " : "")}${String(s.step)}${detail} (${formatDuration(Number(s.durationMs ?? 0))})`);
    }
  }
  const health = release.events.filter((e) => e.event === "health");
  for (const h of health) {
    const expected = h.expect !== undefined ? `expected ${String(h.expect)}, got ${h.status !== undefined ? String(h.status) : h.error ? "no answer" : "?"}: ` : "";
    const label = h.phase === "preflight" ? "Health before" : "Health";
    lines.push(`${md ? `- **${label}:** ` : `${`${label}:`.padEnd(14)}`}${expected}${h.ok ? "passed" : "FAILED"} after ${String(h.checks)} check(s)${h.error ? ` (${String(h.error)})` : ""}`);
  }
  const decision = release.events.find((e) => e.event === "decision");
  const reasons = Array.isArray(decision?.reasons) ? (decision.reasons as { code: string; effect: string; message: string }[]) : [];
  if (reasons.length > 0) {
    lines.push(md ? "\n**Reasons**\n" : "\nReasons:");
    for (const r of reasons) lines.push(`${md ? "- " : "  - "}[${r.code}] ${r.message}`);
  }
  lines.push(md ? "\n**Timeline**\n" : "\nTimeline:");
  const day = release.startedAt.slice(0, 10);
  for (const e of release.events) {
    const at = e.ts.slice(0, 10) === day ? e.ts.slice(11, 23) : `${e.ts.slice(0, 10)} ${e.ts.slice(11, 23)}`;
    lines.push(`${md ? "- `" : "  "}${at}${md ? "`" : ""}  ${timelineEntry(e)}`);
  }
  lines.push("");
  field("Rollback", release.rollback ?? (release.status === "completed" ? "not needed" : "none"));
  if (release.reason) field("Reason", release.reason);
  return `${lines.join("\n")}\n`;
}

/** One event of a release, in a few words, for the report's timeline. */
function timelineEntry(e: LogEvent): string {
  const text = (value: unknown): string => (typeof value === "string" || typeof value === "number" ? String(value) : "?");
  switch (e.event) {
    case "requested":
      return `requested${e.previousVersion ? ` (running ${text(e.previousVersion)})` : e.from ? ` (running ${text(e.from)})` : ""}${e.resumed ? ", resuming the pending release" : ""}`;
    case "decision":
      return `decision ${text(e.decision)}${e.decisionId ? ` (${text(e.decisionId)})` : ""}`;
    case "approval":
      return `${e.answer === "approved" ? "approved" : e.answer === "rejected" ? "rejected" : "paused"} by ${text(e.approver)}`;
    case "acknowledged":
      return `${text(e.approver)} acknowledged failed release ${text(e.acknowledges)}`;
    case "step-started":
      return `${e.phase === "rollback" ? "rollback " : ""}step ${text(e.step)} started`;
    case "step-finished":
      return `${e.phase === "rollback" ? "rollback " : ""}step ${text(e.step)} ${e.ok ? "ok" : e.timedOut ? "timed out" : `failed (exit ${text(e.exitCode ?? e.signal)})`} in ${formatDuration(Number(e.durationMs ?? 0))}`;
    case "health":
      return `${e.phase === "preflight" ? "preflight " : ""}health ${e.ok ? "ok" : "FAILED"}${e.expect !== undefined ? ` (expected ${text(e.expect)}, got ${e.status !== undefined ? text(e.status) : "no answer"})` : ""}`;
    case "rolled-back":
      return `rolled back${e.to ? ` to ${text(e.to)}` : ""} (${e.automatic === false ? "manual" : "automatic"}${e.ok === false ? ", FAILED" : ""})`;
    case "completed":
      return "completed";
    default:
      return `${e.event}${e.reason ? ` (${text(e.reason)})` : ""}${e.message ? `: ${text(e.message)}` : ""}`;
  }
}
