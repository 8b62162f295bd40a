// Approvals cannot come from the code being deployed: a change that makes the policy (or the
// config's rule settings) weaker than at the base revision is itself a reason. Pure comparisons.
import { severityRank, type Severity } from "../types.js";
import type { EnvironmentPolicy } from "./types.js";

const APPROVAL_RANK = { never: 0, "first-time": 1, always: 2 } as const;

const removed = <T>(base: readonly T[], head: readonly T[]) => base.filter((item) => !head.includes(item));

/** What `head` allows that `base` did not, one sentence each; empty when head is at least as strict. */
export function environmentWeakenings(environment: string, base: EnvironmentPolicy, head: EnvironmentPolicy): string[] {
  const out: string[] = [];
  const at = `environments.${environment}`;
  if (APPROVAL_RANK[head.approval] < APPROVAL_RANK[base.approval]) out.push(`${at}.approval lowered from ${base.approval} to ${head.approval}`);
  if (head.rollbackApproval === "never" && base.rollbackApproval === "always") out.push(`${at}.rollbackApproval lowered from always to never`);
  if (head.autoRollback && !base.autoRollback) out.push(`${at}.autoRollback turned on`);
  if (!head.failClosed && base.failClosed) out.push(`${at}.failClosed turned off`);
  const severities = removed(base.block.severities, head.block.severities);
  if (severities.length > 0) out.push(`${at}.block.severities no longer blocks ${severities.join(", ")}`);
  const rules = removed(base.block.rules, head.block.rules);
  if (rules.length > 0) out.push(`${at}.block.rules no longer blocks ${rules.join(", ")}`);
  if (!head.block.failedGates && base.block.failedGates) out.push(`${at}.block.failedGates turned off`);
  const vulnerabilities = removed(base.block.vulnerabilities, head.block.vulnerabilities);
  if (vulnerabilities.length > 0) out.push(`${at}.block.vulnerabilities no longer blocks ${vulnerabilities.join(", ")}`);
  if (!head.require.tests && base.require.tests) out.push(`${at}.require.tests turned off`);
  if (base.require.coverage !== null && (head.require.coverage === null || head.require.coverage < base.require.coverage))
    out.push(`${at}.require.coverage lowered from ${base.require.coverage} to ${head.require.coverage ?? "none"}`);
  const audit = removed(base.require.audit, head.require.audit);
  if (audit.length > 0) out.push(`${at}.require.audit no longer requires the absence of ${audit.join(", ")}`);
  if (!head.require.sarif && base.require.sarif) out.push(`${at}.require.sarif turned off`);
  if (!head.require.migrationsChecked && base.require.migrationsChecked) out.push(`${at}.require.migrationsChecked turned off`);
  const addedApprovers = base.approvers === undefined ? [] : head.approvers === undefined ? ["anyone"] : removed(head.approvers, base.approvers);
  if (addedApprovers.length > 0) out.push(`${at}.approvers now also lets ${addedApprovers.join(", ")} approve`);
  if (base.interactiveApproval === true && head.interactiveApproval !== true) out.push(`${at}.interactiveApproval turned off`);
  const windows = (env: EnvironmentPolicy) => (env.freeze ?? []).map((w) => JSON.stringify(w));
  const lifted = removed(windows(base), windows(head));
  if (lifted.length > 0) out.push(`${at}.freeze lifted ${lifted.length} window${lifted.length === 1 ? "" : "s"}`);
  const t = (name: keyof EnvironmentPolicy["rollbackTriggers"], looser: boolean) => {
    if (looser) out.push(`${at}.rollbackTriggers.${name} loosened from ${base.rollbackTriggers[name]} to ${head.rollbackTriggers[name]}`);
  };
  t("healthFailures", head.rollbackTriggers.healthFailures > base.rollbackTriggers.healthFailures);
  t("errorRatePercent", head.rollbackTriggers.errorRatePercent > base.rollbackTriggers.errorRatePercent);
  t("p95LatencyFactor", head.rollbackTriggers.p95LatencyFactor > base.rollbackTriggers.p95LatencyFactor);
  return out;
}

type Setting = Severity | "off";

export interface RuleSettingsSnapshot {
  rules?: Record<string, Setting>;
  overrides?: { files: string[]; rules?: Record<string, Setting> }[];
}

const rankOf = (setting: Setting | undefined, fallback: Severity | undefined): number =>
  setting === "off" ? -1 : setting !== undefined ? severityRank(setting) : fallback !== undefined ? severityRank(fallback) : -1;

/**
 * Rule settings of the config that are weaker at head than at base: a rule turned off or given a
 * lower severity, at top level or in an override. `defaults` gives each rule's default severity.
 */
export function ruleSettingWeakenings(base: RuleSettingsSnapshot, head: RuleSettingsSnapshot, defaults: (ruleId: string) => Severity | undefined): string[] {
  const out: string[] = [];
  for (const [ruleId, setting] of Object.entries(head.rules ?? {})) {
    const before = base.rules?.[ruleId];
    if (rankOf(setting, undefined) < rankOf(before, defaults(ruleId))) out.push(`rules.${ruleId} ${setting === "off" ? "turned off" : `lowered to ${setting}`} (was ${before ?? `${defaults(ruleId) ?? "on"} by default`})`);
  }
  const key = (files: string[]) => JSON.stringify([...files].sort());
  (head.overrides ?? []).forEach((override, index) => {
    const match = (base.overrides ?? []).find((o) => key(o.files) === key(override.files));
    for (const [ruleId, setting] of Object.entries(override.rules ?? {})) {
      const before = match?.rules?.[ruleId] ?? base.rules?.[ruleId];
      if (rankOf(setting, undefined) < rankOf(before, defaults(ruleId)))
        out.push(`overrides[${index}] (${override.files.join(", ")}): ${ruleId} ${setting === "off" ? "turned off" : `lowered to ${setting}`}`);
    }
  });
  return out;
}
