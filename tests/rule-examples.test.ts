// Every rule's documented examples are run through the real scan (like ESLint's RuleTester): each
// invalid example yields exactly one finding of that rule, at the line and column and with the
// message the example states (`finding`), each valid example none. Docs cannot drift from behaviour.
import { describe, expect, test } from "vitest";
import { allRules } from "../rules/index.js";
import type { RuleExample } from "../rules/define.js";
import { scan } from "../src/engine/scan.js";

async function findingsOf(example: RuleExample, ruleId: string) {
  const result = await scan({
    cwd: "/nonexistent-gonogo-example-root",
    configFile: false,
    files: [{ path: example.file, content: example.code }, ...(example.siblings ?? []).map((s) => ({ path: s.file, content: s.code }))],
    ...(example.options ?? {}),
  });
  return result.findings.filter((f) => f.ruleId === ruleId);
}

describe.each(allRules.map((rule) => [rule.id, rule] as const))("%s", (_id, rule) => {
  test.each(rule.examples.invalid.map((e, i) => [i, e] as const))("invalid example %i yields exactly one finding, where and as it states", async (_i, example) => {
    const findings = await findingsOf(example, rule.id);
    expect(findings.map((f) => ({ file: f.file, line: f.line, column: f.column, severity: f.severity, message: f.message }))).toEqual([
      { file: example.file, ...example.finding, severity: rule.severity },
    ]);
  });
  test.each(rule.examples.valid.map((e, i) => [i, e] as const))("valid example %i yields no finding", async (_i, example) => {
    const findings = await findingsOf(example, rule.id);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([]);
  });
});
