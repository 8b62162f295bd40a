// Who holds an environment's release lock, and whether a dead holder's step still runs: shared by
// the file and PostgreSQL stores.
import { hostname } from "node:os";
import type { OwnerRecord } from "./events.js";

/** Whether any process of group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A release that died (its gonogo process is gone) while one of its steps still runs on this host:
 * the environment stays busy until that step's process group has ended.
 */
export function orphanedStepOf(owner: OwnerRecord | undefined): string | undefined {
  if (!owner || owner.host !== hostname() || owner.stepPgid === undefined || processAlive(owner.pid) || !groupAlive(owner.stepPgid)) return undefined;
  return `release ${owner.releaseId} ended (process ${owner.pid} is gone) but its step ${owner.step ?? "?"} still runs as process group ${owner.stepPgid}; wait for it to end or stop it (kill -TERM -${owner.stepPgid})`;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
