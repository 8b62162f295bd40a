// Webhook notifications of release outcomes. The notifier watches the events a release appends to
// the deployment log (already redacted), turns each outcome into a notification and posts it to
// every webhook that wants that event: with a timeout per try, bounded retries, in order per
// webhook. A release awaits `settle()` before it returns; a webhook that fails is reported as a
// warning and in the outcome, never in the deployment log, and never changes the release.
import { VERSION } from "../version.js";
import { formatDuration } from "./duration.js";
import type { LogEvent } from "./log.js";
import { expandLink, type NotifyEvent, type NotifyTarget } from "./notify-config.js";
import { notificationPayload, type Notification, type NotificationReason } from "./notify-format.js";
import { redactDeep, type Redactor } from "./redact.js";

/** What happened to one notification at one webhook. */
export interface NotificationDelivery {
  /** The webhook as messages show it (`notify[0] (slack, https://hooks.slack.com/…)`), never its URL. */
  target: string;
  event: NotifyEvent;
  releaseId: string;
  ok: boolean;
  tries: number;
  /** The last HTTP status, when there was an answer. */
  status?: number;
  /** Why it failed (redacted): `HTTP 500`, `timed out after 5.0s`, `ECONNREFUSED`. */
  error?: string;
}

/** Backoff before the second, third … try; the total stays bounded by retries ≤ 4 in the schema. */
const BACKOFF_MS = [250, 500, 1000, 2000];

/** What the notifier remembers of each release from its earlier events. */
interface ReleaseContext {
  startedAt?: string;
  previousVersion?: string;
  decision?: string;
  reasons: NotificationReason[];
  approver?: string;
  rolledBackTo?: string;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The notification event a log event stands for, if any. */
export function notifyEventOf(record: LogEvent): NotifyEvent | undefined {
  switch (record.event) {
    case "completed":
      return record.kind === "rollback" ? "rolled-back" : "completed";
    case "failed":
      return record.reason === "no-go" ? "no-go" : record.reason === "rejected" || record.reason === "approval-refused" ? "rejected" : "failed";
    case "interrupted":
      return "failed";
    case "pending":
      return "pending";
    case "rolled-back":
      // A deploy's automatic rollback that worked; a `gonogo rollback` is told by its `completed`, a
      // rollback that failed by the `failed` event that follows.
      return record.kind !== "rollback" && record.automatic === true && record.ok === true ? "rolled-back" : undefined;
    default:
      return undefined;
  }
}

export class Notifier {
  private readonly contexts = new Map<string, ReleaseContext>();
  /** One chain per webhook: its notifications go out in the order the events happened. */
  private readonly chains: Promise<void>[];
  /** Webhooks that gave up once in this run: later notifications get one try each, so a dead webhook costs little. */
  private readonly gaveUp = new Set<number>();
  readonly deliveries: NotificationDelivery[] = [];

  constructor(
    private readonly targets: readonly NotifyTarget[],
    private readonly options: { redact: Redactor; warn: (text: string) => void },
  ) {
    this.chains = targets.map(() => Promise.resolve());
  }

  /** Reads one (redacted) log event; an outcome is queued to every webhook that wants it. */
  observe(record: LogEvent): void {
    if (this.targets.length === 0) return;
    const context = this.contexts.get(record.releaseId) ?? { reasons: [] };
    this.contexts.set(record.releaseId, context);
    remember(context, record);
    const event = notifyEventOf(record);
    if (!event) return;
    const notification = notificationOf(event, record, context);
    this.targets.forEach((target, index) => {
      if (!target.events.includes(event)) return;
      const n: Notification = target.link ? { ...notification, link: expandLink(target.link, linkValues(notification)) } : notification;
      const body = JSON.stringify(redactDeep(notificationPayload(n, target.format), this.options.redact));
      this.chains[index] = this.chains[index]!.then(() => this.deliver(index, target, n, body));
    });
  }

  /** Resolves when every queued notification was delivered or given up on. Never rejects. */
  async settle(): Promise<NotificationDelivery[]> {
    await Promise.all(this.chains);
    return this.deliveries;
  }

  private async deliver(index: number, target: NotifyTarget, n: Notification, body: string): Promise<void> {
    const tries = this.gaveUp.has(index) ? 1 : target.retries + 1;
    let last: PostResult = { ok: false, retry: false };
    let tried = 0;
    for (; tried < tries; tried++) {
      if (tried > 0) await sleep(BACKOFF_MS[Math.min(tried - 1, BACKOFF_MS.length - 1)]!);
      last = await post(target, body);
      if (last.ok || !last.retry) {
        tried++;
        break;
      }
    }
    const error = last.error !== undefined ? this.clean(last.error, target) : undefined;
    const delivery: NotificationDelivery = { target: target.label, event: n.event, releaseId: n.releaseId, ok: last.ok, tries: tried, ...(last.status !== undefined ? { status: last.status } : {}), ...(error ? { error } : {}) };
    this.deliveries.push(delivery);
    if (!last.ok) {
      this.gaveUp.add(index);
      try {
        this.options.warn(`⚠ ${target.label}: ${n.event} notification of ${n.releaseId} not delivered after ${tried} ${tried === 1 ? "try" : "tries"}: ${error ?? "failed"} (the release is not affected)\n`);
      } catch {
        // A closed stderr loses the warning, nothing else.
      }
    }
  }

  /** An error message as it may be shown: redacted, and without the webhook's URL in it. */
  private clean(message: string, target: NotifyTarget): string {
    return this.options.redact(message.split(target.url).join(target.label)).slice(0, 300);
  }
}

function remember(context: ReleaseContext, record: LogEvent): void {
  switch (record.event) {
    case "requested":
      context.startedAt ??= record.ts;
      context.previousVersion = text(record.previousVersion) ?? text(record.from) ?? context.previousVersion;
      break;
    case "decision":
      if (typeof record.decision === "string") context.decision = record.decision;
      if (Array.isArray(record.reasons))
        context.reasons = (record.reasons as Record<string, unknown>[])
          .filter((r) => r && typeof r.message === "string")
          .map((r) => ({ code: String(r.code ?? ""), ...(typeof r.effect === "string" ? { effect: r.effect } : {}), message: String(r.message) }));
      break;
    case "rolled-back":
      if (typeof record.to === "string") context.rolledBackTo = record.to;
      break;
    default:
      break;
  }
  if (typeof record.approver === "string" && record.event !== "acknowledged") context.approver = record.approver;
}

function notificationOf(event: NotifyEvent, record: LogEvent, context: ReleaseContext): Notification {
  const started = context.startedAt ? Date.parse(context.startedAt) : NaN;
  const durationMs = typeof record.durationMs === "number" && record.event === "completed" ? record.durationMs : Date.parse(record.ts) - started;
  const previousVersion = text(record.previousVersion) ?? text(record.from) ?? context.previousVersion;
  const message = text(record.message);
  const manualRollback = text(record.manualRollback);
  return {
    event,
    ts: record.ts,
    project: record.project,
    environment: record.environment,
    version: record.version,
    ...(previousVersion ? { previousVersion } : {}),
    kind: typeof record.kind === "string" ? record.kind : "deploy",
    releaseId: record.releaseId,
    ...(typeof record.cascadeId === "string" ? { cascadeId: record.cascadeId } : {}),
    ...(context.decision ? { decision: context.decision } : {}),
    reasons: context.reasons,
    ...(context.approver ? { approver: context.approver } : {}),
    ...(Number.isFinite(durationMs) && durationMs >= 0 ? { durationMs } : {}),
    ...(message ? { message } : {}),
    ...(event === "rolled-back" ? { rolledBackTo: record.kind === "rollback" ? record.version : (context.rolledBackTo ?? text(record.to)) } : {}),
    ...(manualRollback ? { manualRollback } : {}),
  };
}

function linkValues(n: Notification): Record<string, string> {
  return { project: n.project, environment: n.environment, version: n.version, previousVersion: n.previousVersion ?? "", releaseId: n.releaseId, event: n.event };
}

interface PostResult {
  ok: boolean;
  status?: number;
  error?: string;
  /** Worth another try: no answer, a timeout, 429 or 5xx. */
  retry: boolean;
}

/** One POST with the target's timeout (answer and body); redirects are not followed (the payload stays where it was sent). */
async function post(target: NotifyTarget, body: string): Promise<PostResult> {
  const signal = AbortSignal.timeout(target.timeoutMs);
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": `gonogo/${VERSION}` },
      body,
      redirect: "manual",
      signal,
    });
    // The answer's body is not read: a webhook streaming a large one costs nothing.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, retry: false };
    const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
    return { ok: false, status: response.status, error: `HTTP ${response.status}${redirect}`, retry: response.status === 429 || response.status >= 500 };
  } catch (error) {
    if (signal.aborted) return { ok: false, error: `timed out after ${formatDuration(target.timeoutMs)}`, retry: true };
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const code = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : (error as Error).message;
    return { ok: false, error: code, retry: true };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `redact`, and every webhook URL (and the secret parts of one: its variables, a long path) replaced by `[REDACTED:notify-url]`. */
export function withWebhookUrlsRedacted(redact: Redactor, targets: readonly NotifyTarget[]): Redactor {
  // Longest first, so a URL is replaced whole before its path is.
  const parts = [...new Set(targets.flatMap((t) => [t.url, ...(t.secrets ?? [])]))].sort((a, b) => b.length - a.length);
  if (parts.length === 0) return redact;
  return (text: string) => redact(parts.reduce((out, part) => out.split(part).join("[REDACTED:notify-url]"), text));
}
