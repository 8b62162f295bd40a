// The request a release that needs approval records with its decision, so that `gonogo approve`
// can decide again on exactly it: the release facts read then, the options that shaped the
// decision, and a hash of the config and policy files.
import { readFile } from "node:fs/promises";
import type { ReleaseInputs } from "../policy/readers/index.js";
import { sha256Of } from "../policy/hash.js";
import type { Decision } from "../types.js";
import type { ReleaseConfig } from "./config.js";
import type { LogEvent } from "./log.js";

/** The options of a release that shape its decision (ReleaseOptions' subset). */
export interface RequestOptions {
  tableStats?: { statsFile?: string; database?: string };
  base?: string;
  fromRevision?: string[];
  all?: boolean;
  policyFile?: string;
}

/** What a release that asked for approval records in its `decision` event, to be decided again on. */
export interface RecordedRequest {
  /** The test, coverage, audit and SARIF results the decision was made on. */
  inputs: ReleaseInputs;
  base?: string;
  fromRevision?: string[];
  all?: boolean;
  policyFile?: string;
  /**
   * Where the table statistics came from: the file, or the database as `env:NAME` (a URL only when
   * it holds no password: the log never holds one).
   */
  tableStats?: { statsFile?: string; database?: string };
  /** sha256 of the config file's and the policy file's bytes. */
  configHash: string;
}

/** What `approve` requires of the decision made again: the one approval was asked for. */
export interface ApprovingRequest {
  releaseId: string;
  decisionId: string;
  policyHash: string;
  inputsHash: string;
  configHash: string;
}

/** sha256 over the bytes of the config and policy files (an unreadable one hashes as its error). */
export async function configHashOf(config: ReleaseConfig, policyFile: string | undefined): Promise<string> {
  const bytes = async (file: string | undefined): Promise<string | null> => {
    if (file === undefined) return null;
    try {
      return (await readFile(file)).toString("base64");
    } catch (error) {
      return `unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  };
  return sha256Of({ config: config.configFile !== undefined ? await bytes(config.configFile) : { project: config.project, environments: Object.keys(config.environments) }, policy: await bytes(policyFile) });
}

/** The request a deploy that needs approval records with its decision. */
export function requestOf(inputs: ReleaseInputs | undefined, options: RequestOptions, configHash: string): RecordedRequest {
  return {
    inputs: inputs ?? { inputProblems: [] },
    ...(options.base ? { base: options.base } : {}),
    ...(options.fromRevision?.length ? { fromRevision: options.fromRevision } : {}),
    ...(options.all ? { all: true } : {}),
    ...(options.policyFile ? { policyFile: options.policyFile } : {}),
    ...(recordableStats(options.tableStats) ? { tableStats: recordableStats(options.tableStats)! } : {}),
    configHash,
  };
}

/** The table statistics' source as the log may hold it: never a URL with a password. */
function recordableStats(stats: RequestOptions["tableStats"]): RecordedRequest["tableStats"] | undefined {
  if (stats?.statsFile !== undefined) return { statsFile: stats.statsFile };
  const database = stats?.database;
  if (database === undefined) return undefined;
  if (database.startsWith("env:")) return { database };
  try {
    return new URL(database).password === "" ? { database } : undefined;
  } catch {
    return undefined;
  }
}

/** Why the decision made again is not the one approval was asked for (empty: it is). */
export function requestChanges(expected: ApprovingRequest, decision: Decision, configHash: string): string[] {
  const changes: string[] = [];
  if (configHash !== expected.configHash) changes.push("the config or policy file changed");
  else if (decision.policyHash !== expected.policyHash) changes.push("the policy changed");
  if (decision.inputsHash !== expected.inputsHash) changes.push("the code, the release facts or the environment's recorded state changed");
  return changes;
}

function parseRequest(value: unknown): RecordedRequest | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const inputs = r.inputs as ReleaseInputs | undefined;
  if (typeof r.configHash !== "string" || typeof inputs !== "object" || inputs === null || !Array.isArray(inputs.inputProblems)) return undefined;
  const out: RecordedRequest = { inputs, configHash: r.configHash };
  if (typeof r.base === "string") out.base = r.base;
  if (Array.isArray(r.fromRevision) && r.fromRevision.every((x) => typeof x === "string")) out.fromRevision = r.fromRevision as string[];
  if (r.all === true) out.all = true;
  if (typeof r.policyFile === "string") out.policyFile = r.policyFile;
  const stats = r.tableStats as Record<string, unknown> | undefined;
  if (typeof stats?.statsFile === "string") out.tableStats = { statsFile: stats.statsFile };
  else if (typeof stats?.database === "string") out.tableStats = { database: stats.database };
  return out;
}

/** The decision a release asked approval for and the request recorded with it (its last decision event). */
export function recordedDecision(events: readonly LogEvent[]): { expect: Omit<ApprovingRequest, "releaseId">; request: RecordedRequest } | undefined {
  const decision = [...events].reverse().find((e) => e.event === "decision");
  if (!decision || decision.decision !== "needs-approval") return undefined;
  const request = parseRequest(decision.request);
  const { decisionId, policyHash, inputsHash } = decision;
  if (!request || typeof decisionId !== "string" || typeof policyHash !== "string" || typeof inputsHash !== "string") return undefined;
  return { expect: { decisionId, policyHash, inputsHash, configHash: request.configHash }, request };
}

