// What a release records about the migrations, and how a failed deploy takes them back: the
// environment runs the head of each revision graph after a completed deploy; when a deploy that
// had pending migrations fails, the automatic rollback takes them back to the revision the
// previous release recorded, if the policy's rollback decision allows the downgrade path.
import type { ScanResult } from "../engine/types.js";
import type { RecordedMigrations } from "../policy/history.js";
import { evaluateRollback } from "../policy/rollback.js";
import type { Policy } from "../policy/types.js";
import type { Decision } from "../types.js";
import type { PreflightResult } from "./outcome.js";
import { planDowngrade, type PlanFacts, type RollbackPlan } from "./plan.js";
import { validateRevision } from "./validate.js";

/** The head(s) of each revision graph the scan saw; undefined when it saw no migration. */
export function recordedHeads(scan: Pick<ScanResult, "facts">): RecordedMigrations[] | undefined {
  const graphs = scan.facts.revisionGraphs;
  if (graphs.length === 0) return undefined;
  return graphs.map((g) => ({ directories: [...g.directories], revisions: [...g.heads].sort() }));
}

/** How the migrations of a failed deploy are taken back. */
export type MigrationRecovery =
  /** Downgrade to `target` (the previous release's revision) with `plan`, as `decision` allows. */
  | { kind: "downgrade"; target: string; plan: RollbackPlan; decision: Decision }
  /** Nothing can be downgraded automatically; `message` says why and what to do. */
  | { kind: "manual"; target?: string; message: string };

/**
 * What the automatic rollback of a failed deploy does with the migrations. Undefined when the
 * release applied none (the environment's revision is known and nothing was pending) or when it
 * saw no migration at all.
 */
export function migrationRecovery(pre: PreflightResult, policy: Policy, facts: { environment: string; project: string; version: string; evaluatedAt: string }): MigrationRecovery | undefined {
  if (!pre.scan || pre.scan.facts.migrations.length === 0) return undefined;
  const scope = pre.facts?.migrationScope;
  if (!scope) {
    return { kind: "manual", message: `no migration revision is recorded for ${facts.environment} before this release, so the migrations cannot be taken back automatically; if this release applied any, downgrade them by hand (gonogo rollback --migrations-to REVISION)` };
  }
  if (scope.pendingFiles.length === 0) return undefined;
  if (scope.revisions.length > 1) {
    return { kind: "manual", message: `${facts.environment} ran ${scope.revisions.length} revisions (${scope.revisions.join(", ")}) before this release: migrationRollback takes one {revision}, so downgrade each revision graph by hand` };
  }
  let target: string;
  try {
    target = scope.revisions.length === 0 ? "base" : validateRevision(scope.revisions[0]);
  } catch (error) {
    return { kind: "manual", message: `the recorded revision cannot be used: ${(error as Error).message}` };
  }
  const plan = planDowngrade(pre.scan.facts as PlanFacts, target);
  return { kind: "downgrade", target, plan, decision: evaluateRollback(plan, facts, policy) };
}
