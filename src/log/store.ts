// The deployment log behind one interface, whatever stores it: a JSON Lines file (the default) or
// a PostgreSQL table. The release wrappers, `gonogo log` and the policy's history readers all go
// through it; what decides reads verified history (readVerified) and fails closed on a broken chain.
import { describeChain } from "./chain.js";
import { DeploymentLogError, type LogContents } from "./events.js";
import type { LogLocation, LogStore } from "./types.js";
import { DeploymentLog } from "./file-store.js";
import { PostgresLog } from "./postgres-store.js";

export type { LogLocation, LogStore };

export function openLogStore(location: LogLocation, options: { project?: string } = {}): LogStore {
  if (location.backend === "file") return new DeploymentLog(location.path);
  return new PostgresLog(location.url, { env: location.env ?? process.env, ...(options.project ? { project: options.project } : {}) });
}

/**
 * Reads the log for a decision: the events, or a DeploymentLogError when the hash chain does not
 * hold (history that was edited is not history a release may rely on).
 */
export async function readVerified(store: LogStore): Promise<LogContents> {
  const contents = await store.read();
  if (contents.chain?.broken) {
    throw new DeploymentLogError(`deployment log ${store.where}: hash chain ${describeChain(contents.chain)}; nothing that reads history can rely on it (see gonogo log verify)`);
  }
  return contents;
}
