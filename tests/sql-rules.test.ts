// Every sql rule: registered in id order, documented, and its examples behave as documented when
// run through scan(). Also the behaviour the examples cannot show (downgrades, Alembic facts).
import { describe, expect, it } from "vitest";
import { sqlRules } from "../rules/sql/index.js";
import { scan } from "../src/engine/scan.js";
import type { RuleExample } from "../rules/define.js";
import type { SqlDialect } from "../src/types.js";

async function findingsOf(example: RuleExample, ruleId: string) {
  const result = await scan({
    cwd: "/nonexistent-gonogo-examples",
    configFile: false,
    files: [{ path: example.file, content: example.code }, ...(example.siblings ?? []).map((s) => ({ path: s.file, content: s.code }))],
    paths: [example.file],
    ...(example.options?.dialect ? { dialect: example.options.dialect as SqlDialect } : {}),
  });
  return result.findings.filter((f) => f.ruleId === ruleId);
}

const EXPECTED: Record<string, string> = {
  "sql/add-foreign-key-validating": "medium",
  "sql/add-not-null-without-default": "high",
  "sql/alter-column-type": "medium",
  "sql/create-index-non-concurrently": "medium",
  "sql/delete-without-where": "critical",
  "sql/drop-column": "high",
  "sql/drop-schema": "critical",
  "sql/drop-table": "critical",
  "sql/parse-error": "medium",
  "sql/rename-column": "medium",
  "sql/rename-table": "medium",
  "sql/truncate": "critical",
  "sql/update-without-where": "high",
};

describe("sql rule registry", () => {
  it("holds exactly the catalogue's ids, sorted, with their default severities", () => {
    expect(sqlRules.map((r) => r.id)).toEqual(Object.keys(EXPECTED));
    for (const rule of sqlRules) {
      expect(rule.severity, rule.id).toBe(EXPECTED[rule.id]);
      expect(rule.family).toBe("sql");
      expect(rule.docs.summary.length, rule.id).toBeGreaterThan(20);
      expect(rule.docs.why.length, rule.id).toBeGreaterThan(40);
      expect(rule.docs.instead.length, rule.id).toBeGreaterThan(40);
      expect(rule.examples.invalid.length, rule.id).toBeGreaterThan(0);
      expect(rule.examples.valid.length, rule.id).toBeGreaterThan(0);
    }
  });
});

describe.each(sqlRules.map((rule) => [rule.id, rule] as const))("%s examples", (id, rule) => {
  it.each(rule.examples.invalid.map((e) => [e.file, e] as const))("invalid %s yields exactly one finding", async (_file, example) => {
    const findings = await findingsOf(example, id);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe(rule.severity);
    expect(findings[0]!.file).toBe(example.file);
  });
  it.each(rule.examples.valid.map((e) => [e.file, e] as const))("valid %s yields none", async (_file, example) => {
    expect(await findingsOf(example, id)).toEqual([]);
  });
});
