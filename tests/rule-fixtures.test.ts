// One fixture layout for every rule family: fixtures/<family>/<rule-name>/ holds realistic files,
// each starting with an expectation header in its own comment syntax (`# expect: alembic/x, …`,
// `-- expect: none`, `// expect: infra/y`; after a `#!` line for scripts) that says which rules of
// the family must fire in that file, and __snapshots__/findings.txt: every finding of the folder as
// `file:line:column severity rule message`, one a line. A finding that moves a line or column,
// changes its message or severity, appears or disappears fails the test with a readable diff.
// An optional `<comment> dialect: mysql|sqlite|mssql` line scans that file with that SQL dialect.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { Rule } from "../rules/define.js";
import { alembicRules } from "../rules/alembic/index.js";
import { gonogoRules } from "../rules/gonogo/index.js";
import { infraRules } from "../rules/infra/index.js";
import { sqlRules } from "../rules/sql/index.js";
import { scan } from "../src/engine/scan.js";
import type { Finding, SqlDialect } from "../src/types.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");

// Rules that cannot be shown by files alone have no folder.
const FAMILIES: { family: string; rules: Rule[]; withoutFixtures: string[] }[] = [
  { family: "alembic", rules: alembicRules, withoutFixtures: [] },
  { family: "sql", rules: sqlRules, withoutFixtures: [] },
  // Needs a git base revision (--base): its findings are pinned where the repository is built.
  { family: "infra", rules: infraRules, withoutFixtures: ["bucket-removed"] },
  // The engine reports these: a crashing rule, and a file it cannot read.
  { family: "gonogo", rules: gonogoRules, withoutFixtures: ["internal-error", "file-unreadable"] },
];

const HEADER = /^(?:#|--|\/\/)\s*expect:\s*(.+?)\s*$/;
const DIALECT = /^(?:#|--|\/\/)\s*dialect:\s*(\S+)\s*$/;

interface Fixture {
  file: string;
  expected: string[];
  dialect?: SqlDialect;
}

function filesUnder(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const child = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) return d.name === "__snapshots__" ? [] : filesUnder(dir, child);
    return d.name === "README.md" ? [] : [child];
  });
}

function readFixture(root: string, file: string): Fixture {
  const lines = readFileSync(path.join(root, file), "utf8").split("\n");
  const headerLine = lines[0]?.startsWith("#!") ? lines[1] : lines[0];
  const match = HEADER.exec(headerLine ?? "");
  if (!match) throw new Error(`${file}: the first line (after a #! line) must be "<comment> expect: <rule ids>|none"`);
  const expected = match[1] === "none" ? [] : match[1]!.split(",").map((s) => s.trim()).sort();
  const dialect = lines.map((l) => DIALECT.exec(l)?.[1]).find(Boolean) as SqlDialect | undefined;
  return dialect ? { file, expected, dialect } : { file, expected };
}

/** The folder's findings: the whole folder is one scan (a versions directory, a Terraform module), per SQL dialect. */
async function findingsOf(root: string, folder: string, fixtures: Fixture[]): Promise<Finding[]> {
  const dialects = [...new Set(fixtures.map((f) => f.dialect))];
  if (dialects.length === 1 && dialects[0] === undefined) return (await scan({ cwd: root, paths: [folder], configFile: false })).findings;
  const findings: Finding[] = [];
  for (const dialect of dialects) {
    const paths = fixtures.filter((f) => f.dialect === dialect).map((f) => `${folder}/${f.file}`);
    findings.push(...(await scan({ cwd: root, paths, configFile: false, ...(dialect ? { dialect } : {}) })).findings);
  }
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

function snapshotLine(f: Finding): string {
  return `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message.replace(/\n/g, "\\n")}`;
}

describe.each(FAMILIES)("fixtures/$family", ({ family, rules, withoutFixtures }) => {
  const root = path.join(FIXTURES, family);
  const names = rules.map((r) => r.id.slice(family.length + 1)).filter((n) => !withoutFixtures.includes(n));
  const subfolders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  // A folder named after a rule is that rule's fixture folder. Other folders (the quick-start
  // project fixtures/alembic/shop, the per-language inputs of the infra extractor tests) are not
  // rule fixtures and must not look like one.
  const folders = subfolders.filter((name) => names.includes(name)).sort();

  test("a folder for every rule; no findings snapshot outside a rule's folder (a renamed or removed rule)", () => {
    expect(folders).toEqual([...names].sort());
    const strays = subfolders.filter((name) => !names.includes(name) && existsSync(path.join(root, name, "__snapshots__", "findings.txt")));
    expect(strays, "folders with a findings snapshot that name no rule").toEqual([]);
  });

  test.each(folders)("%s", async (folder) => {
    const fixtures = filesUnder(path.join(root, folder)).sort().map((file) => readFixture(path.join(root, folder), file));
    expect(fixtures.some((f) => f.expected.includes(`${family}/${folder}`)), `a file in ${folder}/ expects ${family}/${folder}`).toBe(true);
    const findings = await findingsOf(root, folder, fixtures);
    for (const fixture of fixtures) {
      const file = `${folder}/${fixture.file}`;
      const fired = [...new Set(findings.filter((f) => f.file === file && f.ruleId.startsWith(`${family}/`)).map((f) => f.ruleId))].sort();
      expect(fired, file).toEqual(fixture.expected);
    }
    const snapshot = findings.map(snapshotLine).join("\n") + (findings.length > 0 ? "\n" : "");
    await expect(snapshot).toMatchFileSnapshot(path.join(root, folder, "__snapshots__", "findings.txt"));
  });
});
