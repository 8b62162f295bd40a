// The rollback go/no-go: the downgrade plan + the environment's policy → decision. Pure, like
// evaluate(): the same plan, facts (including `evaluatedAt`) and policy give the same decision.
import { createHash } from "node:crypto";
import type { Decision, DecisionReason } from "../types.js";
import { sha256Of } from "./hash.js";
import type { EnvironmentPolicy, Policy } from "./types.js";

/** Every reason code `evaluateRollback` can give (documented in docs/release.md). */
export const ROLLBACK_REASON_CODES = {
  "unknown-environment": "The policy declares no such environment.",
  "rollback-target-unknown": "The version to roll back to never completed in this environment: there is nothing known to go back to.",
  "downgrade-not-reversible": "A migration on the downgrade path has no real downgrade (missing, empty or raising).",
  "downgrade-destroys-data": "The downgrade drops tables, columns or rows, reported for information.",
  "approval-required": "The environment's rollbackApproval is always: a human approves every rollback.",
} as const;

/** What the decision needs of a downgrade plan (the release's `RollbackPlan` is one). */
export interface DowngradePlanFacts {
  migrations: { revision: string; destroys: string[] }[];
  /** Why the plan cannot run; empty when it can. */
  refusals: string[];
}

export interface RollbackFacts {
  environment: string;
  project: string;
  /** The application version rolled back to. */
  version: string;
  /** ISO timestamp of the decision (the release's clock). */
  evaluatedAt: string;
  /** Whether `version` ever completed in the environment (absent: not known, not checked). */
  targetCompletedBefore?: boolean;
}

/** Decides whether a rollback (and the migration downgrade `plan`, when there is one) may run. */
export function evaluateRollback(plan: DowngradePlanFacts | undefined, facts: RollbackFacts, policy: Policy): Decision {
  const { environment, version, project } = facts;
  const env = policy.environments[environment];
  const reasons: DecisionReason[] = [];
  if (!env)
    reasons.push({
      code: "unknown-environment",
      effect: "no-go",
      message: `the policy declares no environment "${environment}" (known: ${Object.keys(policy.environments).join(", ")})`,
      inputs: { environment },
    });
  if (facts.targetCompletedBefore === false)
    reasons.push({
      code: "rollback-target-unknown",
      effect: "no-go",
      message: `${version} never completed in ${environment}: roll back to a version the deployment log shows there`,
      inputs: { version },
    });
  for (const refusal of plan?.refusals ?? []) reasons.push({ code: "downgrade-not-reversible", effect: "no-go", message: refusal });
  const destroys = plan?.migrations.flatMap((m) => m.destroys.map((d) => `${m.revision}: ${d}`)) ?? [];
  if (destroys.length > 0) reasons.push({ code: "downgrade-destroys-data", effect: "info", message: `the downgrade destroys ${destroys.join("; ")}`, inputs: { destroys } });
  if (env?.rollbackApproval === "always") reasons.push({ code: "approval-required", effect: "needs-approval", message: `every rollback in ${environment} needs approval` });
  const value = reasons.some((r) => r.effect === "no-go") ? "no-go" : reasons.some((r) => r.effect === "needs-approval") ? "needs-approval" : "go";
  return {
    decision: value,
    environment,
    project,
    version,
    reasons,
    requiredApprovals: value === "needs-approval" ? 1 : 0,
    // A rollback never rolls back automatically.
    autoRollback: false,
    policyHash: sha256Of(policy),
    inputsHash: createHash("sha256").update(JSON.stringify({ environment, version, plan })).digest("hex"),
    evaluatedAt: facts.evaluatedAt,
  };
}

type RollbackApprovalOverrides = Record<string, unknown> | undefined;

/**
 * The policy with the release config's per-environment `rollbackApproval` (environments.<name>.
 * rollbackApproval in gonogo.config.yaml) applied: the one policy both the rollback decision and
 * the weakening check (`--base`) look at, so lowering it in the config is a weakening too.
 */
export function withRollbackApprovalOverrides(policy: Policy, environments: RollbackApprovalOverrides): Policy {
  let changed: Record<string, EnvironmentPolicy> | undefined;
  for (const [name, spec] of Object.entries(environments ?? {})) {
    const override = spec !== null && typeof spec === "object" ? (spec as { rollbackApproval?: unknown }).rollbackApproval : undefined;
    const env = policy.environments[name];
    if (!env || (override !== "always" && override !== "never") || env.rollbackApproval === override) continue;
    changed ??= { ...policy.environments };
    changed[name] = { ...env, rollbackApproval: override };
  }
  return changed ? { ...policy, environments: changed } : policy;
}
