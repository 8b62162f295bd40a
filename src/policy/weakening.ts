// Approvals cannot come from the code being deployed: a change that makes the policy (or the
// config's rule settings) weaker than at the base revision is itself a reason. Pure comparisons.
import { severityRank, type Severity } from "../types.js";
import { DEFAULT_TABLE_SIZE } from "./defaults.js";
import type { EnvironmentPolicy, TableSizeThresholds } from "./types.js";

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
  // A higher threshold lets a bigger table through at a lower severity.
  const baseSize = base.tableSize ?? DEFAULT_TABLE_SIZE;
  const headSize = head.tableSize ?? DEFAULT_TABLE_SIZE;
  for (const name of Object.keys(DEFAULT_TABLE_SIZE) as (keyof TableSizeThresholds)[])
    if (headSize[name] > baseSize[name]) out.push(`${at}.tableSize.${name} raised from ${baseSize[name]} to ${headSize[name]}`);
  return out;
}

type Setting = Severity | "off";

export interface RuleSettingsSnapshot {
  ignore?: string[];
  rules?: Record<string, Setting>;
  overrides?: { files: string[]; rules?: Record<string, Setting> }[];
}

const rankOf = (setting: Setting | undefined, fallback: Severity | undefined): number =>
  setting === "off" ? -1 : setting !== undefined ? severityRank(setting) : fallback !== undefined ? severityRank(fallback) : -1;
const shownSetting = (setting: Setting | undefined, fallback: Severity | undefined) => setting ?? `${fallback ?? "on"} by default`;
const globsKey = (files: string[]) => JSON.stringify([...files].sort());

/**
 * Whether every file `inner` matches is matched by `outer` too, when that is plain from the globs:
 * the same glob, or one under a directory `outer` takes whole (`legacy/**` holds `legacy/old/**`).
 * Anything else is not proven (gonogo does not compare glob languages).
 */
export function globsWithin(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.every((glob) => outer.some((o) => o === glob || o === "**" || (o.endsWith("/**") && !/[*?[\]{}()!+@]/.test(o.slice(0, -3)) && glob.startsWith(o.slice(0, -2)))));
}

/** The setting the last override whose files hold `files` gives `ruleId`, if one does. */
function heldBy(overrides: readonly { files: string[]; rules?: Record<string, Setting> }[], files: string[], ruleId: string): Setting | undefined {
  return overrides.filter((o) => o.rules?.[ruleId] !== undefined && globsWithin(files, o.files)).at(-1)?.rules?.[ruleId];
}

/**
 * What the config lets through at head that it did not at base: a rule turned off or given a lower
 * severity (at top level or in an override), a stricter entry removed, an override moved to other
 * files, more `ignore` globs. Making things stricter (an ignore glob removed, a rule raised, an
 * override that relaxes applied to fewer files) is no weakening. `defaults` gives each rule's
 * default severity.
 */
export function ruleSettingWeakenings(base: RuleSettingsSnapshot, head: RuleSettingsSnapshot, defaults: (ruleId: string) => Severity | undefined): string[] {
  const out: string[] = [];
  const ignored = removed(head.ignore ?? [], base.ignore ?? []).filter((glob) => !globsWithin([glob], base.ignore ?? []));
  if (ignored.length > 0) out.push(`ignore now also skips ${ignored.join(", ")}`);
  for (const ruleId of new Set([...Object.keys(head.rules ?? {}), ...Object.keys(base.rules ?? {})])) {
    const before = base.rules?.[ruleId];
    const setting = head.rules?.[ruleId];
    if (rankOf(setting, defaults(ruleId)) >= rankOf(before, defaults(ruleId))) continue;
    if (setting === undefined) out.push(`rules.${ruleId} entry removed (was ${before}, now ${defaults(ruleId) ?? "on"} by default)`);
    else out.push(`rules.${ruleId} ${setting === "off" ? "turned off" : `lowered to ${setting}`} (was ${shownSetting(before, defaults(ruleId))})`);
  }
  const baseOverrides = base.overrides ?? [];
  const headOverrides = head.overrides ?? [];
  // An override is the same one when it names the same globs; one at the same index naming other
  // globs had its files changed.
  const moved = (index: number, from: readonly { files: string[] }[], to: readonly { files: string[] }[]) => {
    const other = to[index];
    return other !== undefined && !from.some((o) => globsKey(o.files) === globsKey(other.files)) && globsKey(other.files) !== globsKey(from[index]!.files);
  };
  const describe = (index: number, override: { files: string[] }) => `overrides[${index}] (${override.files.join(", ")})`;
  headOverrides.forEach((override, index) => {
    const match = baseOverrides.find((o) => globsKey(o.files) === globsKey(override.files));
    const where = match === undefined && moved(index, headOverrides, baseOverrides)
      ? `overrides[${index}].files changed from ${baseOverrides[index]!.files.join(", ")} to ${override.files.join(", ")}:`
      : `${describe(index, override)}:`;
    for (const [ruleId, setting] of Object.entries(override.rules ?? {})) {
      const before = match?.rules?.[ruleId] ?? heldBy(baseOverrides, override.files, ruleId) ?? base.rules?.[ruleId];
      if (rankOf(setting, undefined) < rankOf(before, defaults(ruleId))) out.push(`${where} ${ruleId} ${setting === "off" ? "turned off" : `lowered to ${setting}`}`);
    }
  });
  // A stricter entry of a base override that no longer applies to its files.
  baseOverrides.forEach((override, index) => {
    const match = headOverrides.find((o) => globsKey(o.files) === globsKey(override.files));
    for (const [ruleId, setting] of Object.entries(override.rules ?? {})) {
      if (match?.rules?.[ruleId] !== undefined) continue; // compared above
      const now = heldBy(headOverrides, override.files, ruleId) ?? head.rules?.[ruleId];
      if (rankOf(now, defaults(ruleId)) >= rankOf(setting, undefined)) continue;
      const what = `${ruleId} ${setting} no longer applies to ${override.files.join(", ")} (now ${shownSetting(now, defaults(ruleId))})`;
      if (match !== undefined) out.push(`${describe(index, override)}: ${ruleId} entry removed: ${what}`);
      else if (moved(index, baseOverrides, headOverrides)) out.push(`overrides[${index}].files changed from ${override.files.join(", ")} to ${headOverrides[index]!.files.join(", ")}: ${what}`);
      else out.push(`${describe(index, override)} removed: ${what}`);
    }
  });
  return out;
}
