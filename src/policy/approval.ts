// Who may approve, and when releases are frozen: the operators' rules as policy, opt-in.
import type { EnvironmentPolicy, FreezeWindow, Weekday } from "./types.js";

/**
 * Why an approval answer may not count in this environment, or undefined when it may: the
 * approver is not among the environment's `approvers`, or the environment wants approvals at a
 * terminal (`interactiveApproval`) and this one was given in advance (`--answer`).
 */
export function approvalRefusal(env: EnvironmentPolicy | undefined, environment: string, answer: { approver: string; interactive: boolean }): string | undefined {
  if (!env) return undefined;
  if (env.approvers !== undefined && !env.approvers.includes(answer.approver))
    return `${answer.approver} may not approve ${environment} releases (approvers: ${env.approvers.join(", ")})`;
  if (env.interactiveApproval === true && !answer.interactive) return `${environment} approvals must be given at a terminal, not with --answer`;
  return undefined;
}

const WEEKDAYS: Record<string, Weekday> = { Mon: "mon", Tue: "tue", Wed: "wed", Thu: "thu", Fri: "fri", Sat: "sat", Sun: "sun" };
const PREVIOUS_DAY: Record<Weekday, Weekday> = { mon: "sun", tue: "mon", wed: "tue", thu: "wed", fri: "thu", sat: "fri", sun: "sat" };

/** Weekday and "HH:MM" of `at` in `timeZone`. */
function localTime(at: Date, timeZone: string): { day: Weekday; time: string } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { day: WEEKDAYS[get("weekday")] ?? "mon", time: `${get("hour")}:${get("minute")}` };
}

/** The first freeze window of `env` that `at` falls in. A window whose `to` is before `from` runs past midnight into the next day. */
export function activeFreezeWindow(env: EnvironmentPolicy, at: Date): FreezeWindow | undefined {
  for (const window of env.freeze ?? []) {
    const { day, time } = localTime(at, window.timeZone);
    if (window.from <= window.to) {
      if (window.days.includes(day) && time >= window.from && time < window.to) return window;
    } else if ((window.days.includes(day) && time >= window.from) || (window.days.includes(PREVIOUS_DAY[day]) && time < window.to)) {
      return window;
    }
  }
  return undefined;
}
