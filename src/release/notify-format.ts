// What a webhook receives: one notification per release event, as a compact JSON object
// (`format: json`), a Slack message (`{text, blocks}`) or a Discord message (`{content}`).
import { formatDuration } from "./duration.js";
import type { NotifyEvent, NotifyFormat } from "./notify-config.js";

export interface NotificationReason {
  code: string;
  effect?: string;
  message: string;
}

/** One release event, as every format sees it. Built from the (redacted) deployment log events. */
export interface Notification {
  event: NotifyEvent;
  ts: string;
  project: string;
  environment: string;
  /** The version deployed, or for a rollback the version rolled back to. */
  version: string;
  /** What the environment ran before this release (a rollback: the version it rolled back from). */
  previousVersion?: string;
  kind: string;
  releaseId: string;
  cascadeId?: string;
  /** no-go, needs-approval or go: the policy's decision. */
  decision?: string;
  reasons: NotificationReason[];
  approver?: string;
  durationMs?: number;
  /** What happened, in a sentence (a failure's cause, a no-go's summary). */
  message?: string;
  /** For a rollback: the version the environment went back to. */
  rolledBackTo?: string;
  /** A failed release that was not rolled back: the command to do it by hand. */
  manualRollback?: string;
  link?: string;
}

/** Reasons listed in a chat message, and carried by the JSON format (the rest are counted). */
const MAX_REASONS_SHOWN = 10;
const MAX_REASONS_JSON = 100;
const SLACK_SECTION_MAX = 2900;
const DISCORD_MAX = 1900;

function headline(n: Notification): string {
  const release = `${n.project} ${n.version} → ${n.environment}`;
  switch (n.event) {
    case "completed":
      return `✅ ${n.project} ${n.version} is live in ${n.environment}${n.previousVersion ? ` (was ${n.previousVersion})` : ""}`;
    case "rolled-back":
      return n.kind === "rollback"
        ? `↩️ ${n.project} ${n.environment} rolled back to ${n.version}${n.previousVersion ? ` (from ${n.previousVersion})` : ""}`
        : `↩️ ${n.project} ${n.environment} rolled back to ${n.rolledBackTo ?? "the previous version"} after ${n.version} failed`;
    case "failed":
      return `❌ ${release} failed${n.message ? `: ${n.message}` : ""}`;
    case "no-go":
      return `⛔ ${release}: no-go, nothing ran`;
    case "pending":
      return `⏸️ ${release} is waiting for approval`;
    case "rejected":
      return `🚫 ${release} rejected${n.approver ? ` by ${n.approver}` : ""}: nothing ran`;
  }
}

/** The message body under the headline, one fact a line. */
function detailLines(n: Notification, code: (text: string) => string): string[] {
  const lines: string[] = [];
  if (n.previousVersion) lines.push(`Previous version: ${n.previousVersion}`);
  if (n.decision) lines.push(`Decision: ${n.decision.toUpperCase()}`);
  const shown = n.reasons.slice(0, MAX_REASONS_SHOWN);
  for (const reason of shown) lines.push(`• ${code(reason.code)} ${reason.message}`);
  if (n.reasons.length > shown.length) lines.push(`• … and ${n.reasons.length - shown.length} more`);
  if (n.approver) lines.push(`Approver: ${n.approver}`);
  if (n.durationMs !== undefined) lines.push(`Duration: ${formatDuration(n.durationMs)}`);
  if (n.manualRollback) lines.push(`Roll back by hand: ${code(n.manualRollback)}`);
  lines.push(`Release: ${n.releaseId}${n.cascadeId ? ` (cascade ${n.cascadeId})` : ""}`);
  return lines;
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn: `&`, `<` and `>` are control characters (links, mentions). */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The JSON body posted for `n` in `format`. */
export function notificationPayload(n: Notification, format: NotifyFormat): Record<string, unknown> {
  if (format === "json") {
    // Keys in a fixed order, absent values left out: one compact object per event.
    const omitted = n.reasons.length - MAX_REASONS_JSON;
    const capped = omitted > 0 ? { ...n, reasons: n.reasons.slice(0, MAX_REASONS_JSON), reasonsOmitted: omitted } : n;
    return Object.fromEntries(Object.entries(capped).filter(([, value]) => value !== undefined));
  }
  if (format === "slack") {
    const body = [slackEscape(headline(n)), ...detailLines(n, (c) => `\`${c}\``).map(slackEscape)].join("\n");
    const blocks: Record<string, unknown>[] = [{ type: "section", text: { type: "mrkdwn", text: cap(body, SLACK_SECTION_MAX) } }];
    if (n.link) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `<${slackEscape(n.link)}|Open release ${slackEscape(n.releaseId)}>` }] });
    return { text: cap(headline(n), SLACK_SECTION_MAX), blocks };
  }
  const body = [headline(n), ...detailLines(n, (c) => `\`${c.replace(/`/g, "'")}\``)].join("\n");
  const link = n.link ? `\n<${n.link}>` : "";
  // No @everyone/@here/role pings from text a release carries (a reason, a version).
  return { content: cap(body, DISCORD_MAX - link.length) + link, allowed_mentions: { parse: [] } };
}
