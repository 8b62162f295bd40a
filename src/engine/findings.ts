// The rules and directives steps of the scan. rules: every registered rule checks the project's
// facts and reports findings at the severity the config gives it; a rule that throws becomes the
// registered gonogo/internal-error finding (production fails closed on it: it is among
// UNANALYSED_RULE_IDS), and the other rules still report. directives: the files' gonogo-disable
// comments hide findings; a directive without a reason, or one that hides nothing, is a finding.
import { allRules } from "../../rules/index.js";
import { docsUrlFor, type ProjectFacts, type Rule } from "../../rules/define.js";
import type { Directive, FileFacts } from "../extract/facts.js";
import type { Finding, Severity, SourceLocation } from "../types.js";
import { ruleSettingFor, type GonogoConfig } from "./config.js";
import { configGlobMatcher, type ConfigBase } from "./config-paths.js";
import { applySuppressions } from "./suppress.js";
import type { RuleSetting } from "./types.js";

/** What the config (and --rule) make of each rule, per file, and which files are reported. */
export interface RuleSettings {
  settingFor(rule: Pick<Rule, "id" | "severity">, file: string): RuleSetting;
  isReported(file: string): boolean;
}

/** `base`: where the config's `overrides[].files` globs are relative to (its directory). */
export function ruleSettings(config: GonogoConfig, overrides: Record<string, RuleSetting> | undefined, reportFiles: Set<string> | undefined, base?: ConfigBase): RuleSettings {
  const overrideMatchers = (config.overrides ?? []).map((o) => ({ match: configGlobMatcher(o.files, base), rules: o.rules }));
  return {
    settingFor: (rule, file) => ruleSettingFor(rule.id, rule.severity, file, config, overrides, overrideMatchers),
    isReported: (file) => !reportFiles || reportFiles.has(file),
  };
}

export function runRules(facts: ProjectFacts, settings: RuleSettings): Finding[] {
  const raw: Finding[] = [];
  for (const rule of allRules) {
    const report = (at: SourceLocation | { location: SourceLocation }, message: string, data?: Record<string, unknown>) => {
      const location = "location" in at ? at.location : at;
      if (!settings.isReported(location.file)) return;
      const setting = settings.settingFor(rule, location.file);
      if (setting === "off") return;
      raw.push(makeFinding(rule, setting, location, message, data));
    };
    try {
      rule.check(facts, report);
    } catch (error) {
      // A rule bug must not hide other findings, and must not pass silently either.
      const internal = ruleById("gonogo/internal-error");
      const setting = settings.settingFor(internal, ".");
      if (setting !== "off") raw.push(makeFinding(internal, setting, { file: ".", line: 1, column: 1, endLine: 1, endColumn: 1 }, `Rule ${rule.id} failed: ${(error as Error).message}`));
    }
  }
  return raw;
}

export function applyDirectives(raw: Finding[], factsByFile: ReadonlyMap<string, FileFacts>, settings: RuleSettings): { findings: Finding[]; hiddenByDirectives: Finding[] } {
  const findings: Finding[] = [];
  const hiddenByDirectives: Finding[] = [];
  const byFile = groupBy(raw, (f) => f.file);
  const filesWithDirectives = [...factsByFile.values()].filter((f) => f.directives.length > 0).map((f) => f.file);
  for (const file of new Set([...byFile.keys(), ...filesWithDirectives])) {
    const directives: Directive[] = factsByFile.get(file)?.directives ?? [];
    const outcome = applySuppressions(byFile.get(file) ?? [], directives);
    for (const item of outcome.kept) findings.push(item);
    if (!settings.isReported(file)) continue;
    for (const item of outcome.suppressed) hiddenByDirectives.push(item);
    for (const d of outcome.missingReason) {
      const rule = ruleById("gonogo/directive-missing-reason");
      const setting = settings.settingFor(rule, file);
      if (setting !== "off") findings.push(makeFinding(rule, setting, d.location, `Suppression directive ${describeDirective(d)} has no reason; write one after " -- "`));
    }
    for (const d of outcome.unused) {
      const rule = ruleById("gonogo/unused-directive");
      const setting = settings.settingFor(rule, file);
      const message = outcome.refused.has(d)
        ? `Suppression directive ${describeDirective(d)} cannot hide a file or SQL that could not be analysed; fix it, or accept the finding in the suppressions file`
        : `Suppression directive ${describeDirective(d)} suppresses nothing; remove it`;
      if (setting !== "off") findings.push(makeFinding(rule, setting, d.location, message));
    }
  }
  return { findings, hiddenByDirectives };
}

function ruleById(id: string): Rule {
  const rule = allRules.find((r) => r.id === id);
  if (!rule) throw new Error(`rule ${id} is not registered`);
  return rule;
}

function makeFinding(
  rule: Pick<Rule, "id" | "docs">,
  severity: Severity,
  location: SourceLocation,
  message: string,
  data?: Record<string, unknown>,
): Finding {
  const finding: Finding = {
    ruleId: rule.id,
    severity,
    message: boundedMessage(message),
    file: location.file,
    line: location.line,
    column: location.column,
    endLine: location.endLine,
    endColumn: location.endColumn,
    why: rule.docs.why,
    instead: rule.docs.instead,
    docsUrl: docsUrlFor(rule.id),
  };
  if (data && Object.keys(data).length > 0) finding.data = data;
  return finding;
}

/**
 * Messages quote names from the source; a 5 MB bucket name must not become a 5 MB message in every
 * report. Each word longer than 200 characters keeps its start and end.
 */
function boundedMessage(message: string): string {
  if (message.length <= 1000) return message;
  const shortened = message.replace(/\S{201,}/g, (word) => `${word.slice(0, 120)}…(${word.length - 160} characters)…${word.slice(-40)}`);
  return shortened.length <= 2000 ? shortened : `${shortened.slice(0, 1999)}…`;
}

function describeDirective(d: Directive): string {
  return `gonogo-${d.kind}${d.ruleIds.length ? " " + d.ruleIds.join(", ") : ""}`;
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
