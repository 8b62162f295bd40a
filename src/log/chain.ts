// The deployment log's hash chain: every event carries `prev`, the sha256 of the previous event's
// canonical JSON (keys sorted, no whitespace), and the first event of a log chains to GENESIS.
// Editing, removing or inserting an event in the middle breaks the chain at the next event.
// Events written before the chain existed (no `prev`) are accepted as a legacy prefix only.
import { createHash } from "node:crypto";
import type { ChainReport, LogEvent } from "./events.js";

/** What the first event of a log chains to. */
export const GENESIS = "0".repeat(64);

/** JSON with object keys sorted at every level: the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function eventHash(event: LogEvent): string {
  return createHash("sha256").update(canonicalJson(event)).digest("hex");
}

/** `events` with `prev` set, continuing a chain whose last event is `last` (none: GENESIS). */
export function chainEvents(last: LogEvent | undefined, events: readonly LogEvent[]): LogEvent[] {
  let prev = last ? eventHash(last) : GENESIS;
  return events.map((event) => {
    const { prev: _ignored, ...rest } = event;
    const chained: LogEvent = { ...rest, prev } as LogEvent;
    prev = eventHash(chained);
    return chained;
  });
}

/**
 * Checks the chain over `events` (in log order; `lines` gives each one's line for messages). A
 * legacy prefix of events without `prev` is counted as unchained; after the first chained event
 * every event must chain to the one before it.
 */
export function verifyChain(events: readonly LogEvent[], lines: readonly number[]): ChainReport {
  const report: ChainReport = { unchained: 0, chained: 0 };
  let previous: { hash: string; line: number } | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const line = lines[i] ?? i + 1;
    if (event.prev === undefined) {
      if (report.chained > 0) {
        report.broken = { line, message: `event without \`prev\` after chained events (inserted, or its \`prev\` removed)` };
        return report;
      }
      report.unchained++;
    } else {
      const expected = previous?.hash ?? GENESIS;
      if (event.prev !== expected) {
        report.broken = {
          line,
          message: previous
            ? `\`prev\` does not match the hash of the event on line ${previous.line}: that event was edited, or events between them were removed or inserted`
            : `\`prev\` is not the genesis value, but no event comes before it: events before it were removed`,
        };
        return report;
      }
      report.chained++;
    }
    previous = { hash: eventHash(event), line };
  }
  return report;
}

/** One line for people: "intact: 12 chained events (3 unchained, written before the chain)". */
export function describeChain(report: ChainReport): string {
  if (report.broken) return `broken at line ${report.broken.line}: ${report.broken.message}`;
  const legacy = report.unchained > 0 ? ` (${report.unchained} earlier event(s) without a hash chain, written before gonogo chained its log)` : "";
  return `intact: ${report.chained} chained event(s)${legacy}`;
}
