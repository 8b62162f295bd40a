// What the deployment log (JSON Lines, written by the release wrappers) says about past approvals.
import { readFile } from "node:fs/promises";

export interface ApprovalEvent {
  ts?: string;
  releaseId?: string;
  project?: string;
  environment: string;
  version?: string;
  answer: string;
  approver?: string;
  decisionId?: string;
}

/**
 * Every `approval` event of the log, in order. A missing log is no history; a line that does not
 * parse (a torn last line after a crash, or damage) is skipped, never fatal.
 */
export async function readApprovalHistory(logPath: string): Promise<ApprovalEvent[]> {
  let text: string;
  try {
    text = await readFile(logPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
  const events: ApprovalEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof event !== "object" || event === null) continue;
    const e = event as Record<string, unknown>;
    if (e.event !== "approval" || typeof e.environment !== "string" || typeof e.answer !== "string") continue;
    const approval: ApprovalEvent = { environment: e.environment, answer: e.answer };
    for (const key of ["ts", "releaseId", "project", "version", "approver", "decisionId"] as const) {
      const value = e[key];
      if (typeof value === "string") approval[key] = value;
    }
    events.push(approval);
  }
  return events;
}

/** True when the log holds an approved release of `project` to `environment`. */
export async function hasApprovedRelease(logPath: string, project: string | undefined, environment: string): Promise<boolean> {
  const events = await readApprovalHistory(logPath);
  return events.some((e) => e.environment === environment && e.project === project && e.answer === "approved");
}
