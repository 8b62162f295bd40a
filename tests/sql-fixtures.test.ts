// Every fixture under fixtures/sql/<rule>/ is scanned as a .sql file; its first line says which
// sql/* rules must fire (`-- expect: sql/drop-table[, sql/…]`) or that none may (`-- expect: none`).
// An optional `-- dialect: mysql|sqlite|mssql` line picks the dialect.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sqlRules } from "../rules/sql/index.js";
import { scan } from "../src/engine/scan.js";
import type { SqlDialect } from "../src/types.js";

const root = path.resolve(import.meta.dirname, "../fixtures/sql");
const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const fixtures = folders.flatMap((folder) =>
  readdirSync(path.join(root, folder))
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => ({ folder, file, text: readFileSync(path.join(root, folder, file), "utf8") })),
);

function header(text: string): { expected: string[]; dialect?: SqlDialect } {
  const [first = "", ...rest] = text.split("\n");
  const expect = first.startsWith("-- expect:") ? first.slice("-- expect:".length).trim() : undefined;
  if (expect === undefined) throw new Error("first line must be `-- expect: …`");
  const dialectLine = rest.find((line) => line.startsWith("-- dialect:"));
  const expected = expect === "none" ? [] : expect.split(",").map((id) => id.trim());
  return dialectLine ? { expected, dialect: dialectLine.slice("-- dialect:".length).trim() as SqlDialect } : { expected };
}

describe("sql fixtures", () => {
  it("has a folder for every sql rule, and every folder names a rule", () => {
    expect(folders).toEqual(sqlRules.map((r) => r.id.slice("sql/".length)).sort());
  });

  it.each(fixtures.map((f) => [`${f.folder}/${f.file}`, f] as const))("%s", async (_name, fixture) => {
    const { expected, dialect } = header(fixture.text);
    if (expected.length > 0) expect(expected, "a fixture that fires must fire its folder's rule").toContain(`sql/${fixture.folder}`);
    const file = `migrations/${fixture.file}`;
    const result = await scan({ cwd: root, configFile: false, files: [{ path: file, content: fixture.text }], paths: [file], ...(dialect ? { dialect } : {}) });
    const fired = [...new Set(result.findings.filter((f) => f.ruleId.startsWith("sql/")).map((f) => f.ruleId))].sort();
    expect(fired).toEqual([...expected].sort());
    for (const finding of result.findings) {
      expect(finding.line).toBeGreaterThan(1);
      expect(finding.endLine).toBeGreaterThanOrEqual(finding.line);
    }
  });
});
