// Rule docs under docs/rules/ are generated from the rule modules: this test is the staleness
// check of the suite (the same as `npm run docs:check`), and proves the check fails when stale.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { allRules } from "../rules/index.js";
import { docsUrlFor } from "../rules/define.js";
import { renderAllRuleDocs, ruleDocPath, suggestRuleIds } from "../src/cli/rule-docs.js";
import { runCli } from "./helpers.js";

function markdownUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? markdownUnder(abs) : name.endsWith(".md") ? [abs] : [];
  });
}

describe("docs/rules", () => {
  const expected = renderAllRuleDocs(allRules);

  test("is up to date with the rule modules (run `npm run docs:rules` when this fails)", () => {
    const stale = [...expected].filter(([rel, content]) => !existsSync(rel) || readFileSync(rel, "utf8") !== content).map(([rel]) => rel);
    expect(stale).toEqual([]);
    const extra = markdownUnder("docs/rules")
      .map((f) => path.relative(".", f).split(path.sep).join("/"))
      .filter((rel) => !expected.has(rel));
    expect(extra).toEqual([]);
  });

  test("every finding's docsUrl points at its rule's generated page", () => {
    for (const rule of allRules) {
      expect(docsUrlFor(rule.id).endsWith(`/${ruleDocPath(rule.id)}`)).toBe(true);
      expect(expected.has(ruleDocPath(rule.id))).toBe(true);
      expect(ruleDocPath(rule.id)).toBe(`docs/rules/${rule.family}/${rule.id.slice(rule.family.length + 1)}.md`);
    }
  });

  test("a page holds the rule's summary, why, instead, default severity and every example", () => {
    const rule = allRules.find((r) => r.id === "sql/drop-table")!;
    const page = expected.get("docs/rules/sql/drop-table.md")!;
    expect(page).toContain("# sql/drop-table");
    expect(page).toContain(`**Default severity:** ${rule.severity} (error)`);
    for (const text of [rule.docs.summary, rule.docs.why, rule.docs.instead]) expect(page).toContain(text);
    for (const example of [...rule.examples.invalid, ...rule.examples.valid]) expect(page).toContain(example.code.trimEnd());
    expect(page).toContain("gonogo-disable-next-line sql/drop-table -- ");
    expect(expected.get("docs/rules/README.md")).toContain("| [infra/bucket-delete](infra/bucket-delete.md) | infra | critical |");
  });

  test("`node scripts/gen-rule-docs.mjs --check` fails on a stale page and passes once regenerated", () => {
    const root = mkdtempSync(path.join(tmpdir(), "gonogo-docs-"));
    cpSync("docs/rules", path.join(root, "docs/rules"), { recursive: true });
    const run = (...args: string[]) => spawnSync(process.execPath, ["scripts/gen-rule-docs.mjs", ...args, "--root", root], { encoding: "utf8" });

    expect(run("--check").status).toBe(0);
    const page = path.join(root, "docs/rules/sql/truncate.md");
    writeFileSync(page, readFileSync(page, "utf8").replace("## Why this is dangerous", "## Why (edited by hand)"));
    writeFileSync(path.join(root, "docs/rules/sql/drop-everything.md"), "# a rule that does not exist\n");
    const stale = run("--check");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("docs/rules/sql/truncate.md");
    expect(stale.stderr).toContain("docs/rules/sql/drop-everything.md (no such rule)");

    expect(run().status).toBe(0);
    expect(existsSync(path.join(root, "docs/rules/sql/drop-everything.md"))).toBe(false);
    expect(run("--check").status).toBe(0);
  }, 60_000);

  test("package.json has docs:rules and docs:check", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["docs:rules"]).toBe("node scripts/gen-rule-docs.mjs");
    // docs:check runs the rule pages' check first, then the API reference's.
    expect(pkg.scripts["docs:check"]?.split(" && ")).toEqual(["node scripts/gen-rule-docs.mjs --check", "node scripts/gen-api-docs.mjs --check"]);
  });
});

describe("gonogo rules", () => {
  test("text: every rule with family, severity and summary", async () => {
    const run = await runCli(["rules"]);
    expect(run.code).toBe(0);
    for (const rule of allRules) {
      const line = run.stdout.split("\n").find((l) => l.startsWith(rule.id + " "));
      expect(line, rule.id).toBeDefined();
      expect(line!.split(/\s{2,}/).slice(0, 4)).toEqual([rule.id, rule.family, rule.severity, rule.docs.summary]);
    }
    expect(run.stdout).toContain(`${allRules.length} rules`);
  });

  test("json: the same list as data", async () => {
    const run = await runCli(["rules", "--format", "json"]);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { id: string; family: string; severity: string; summary: string; docsUrl: string }[];
    expect(list.map((r) => r.id).sort()).toEqual(allRules.map((r) => r.id).sort());
    expect(list.find((r) => r.id === "infra/bucket-delete")).toEqual({
      id: "infra/bucket-delete",
      family: "infra",
      severity: "critical",
      summary: allRules.find((r) => r.id === "infra/bucket-delete")!.docs.summary,
      docsUrl: docsUrlFor("infra/bucket-delete"),
    });
  });

  test("an unknown format is a usage error", async () => {
    expect((await runCli(["rules", "--format", "xml"])).code).toBe(2);
  });
});

describe("gonogo explain", () => {
  test("prints the docs with the examples", async () => {
    const rule = allRules.find((r) => r.id === "alembic/missing-downgrade")!;
    const run = await runCli(["explain", "alembic/missing-downgrade"]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe("alembic/missing-downgrade  (alembic, critical (error))");
    for (const text of [rule.docs.summary, rule.docs.why, rule.docs.instead, docsUrlFor(rule.id)]) expect(run.stdout).toContain(text);
    const firstInvalidLine = rule.examples.invalid[0]!.code.split("\n").find((l) => l.trim() !== "")!;
    expect(run.stdout).toContain(`    ${firstInvalidLine}`.trimEnd());
    expect(run.stdout.indexOf("Flagged:")).toBeLessThan(run.stdout.indexOf("Not flagged:"));
  });

  test("--format markdown prints the rule's docs page", async () => {
    const run = await runCli(["explain", "infra/bucket-empty", "--format", "markdown"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync("docs/rules/infra/bucket-empty.md", "utf8"));
  });

  test("an unknown rule exits 2 with a suggestion", async () => {
    const typo = await runCli(["explain", "sql/drop-tabel"]);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toContain('unknown rule "sql/drop-tabel"; did you mean sql/drop-table?');
    const bare = await runCli(["explain", "bucket-delete"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("did you mean infra/bucket-delete?");
    const nonsense = await runCli(["explain", "frobnicate-everything-now"]);
    expect(nonsense.code).toBe(2);
    expect(nonsense.stderr).not.toContain("did you mean");
    expect((await runCli(["explain"])).code).toBe(2);
  });

  test("suggestions: parse-error exists in several families", () => {
    expect(suggestRuleIds("parse-error", allRules.map((r) => r.id)).sort()).toEqual(["alembic/parse-error", "infra/parse-error", "sql/parse-error"]);
  });
});
