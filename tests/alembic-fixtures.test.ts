// Every folder under fixtures/alembic/<rule-name>/ is one versions directory. The first line of
// each migration says which alembic/* rules must fire in that file (`# expect: alembic/x, …` or
// `# expect: none`), and the rendered stylish output of the folder is kept as a snapshot beside it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { alembicRules } from "../rules/alembic/index.js";
import { scan } from "../src/engine/scan.js";
import { formatStylish } from "../src/report/stylish.js";

const root = path.resolve(import.meta.dirname, "../fixtures/alembic");
// `shop` is the quick-start example project, not a rule fixture.
const EXAMPLE_PROJECTS = new Set(["shop"]);
const folders = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !EXAMPLE_PROJECTS.has(d.name))
  .map((d) => d.name)
  .sort();

function expectationOf(text: string, file: string): string[] {
  const first = text.split("\n", 1)[0]!;
  const match = /^# expect: (.+)$/.exec(first);
  if (!match) throw new Error(`${file}: the first line must be "# expect: <rule ids>|none"`);
  return match[1]!.trim() === "none" ? [] : match[1]!.split(",").map((s) => s.trim()).sort();
}

describe("alembic fixtures", () => {
  test("there is a folder for every alembic rule, and every folder names a rule", () => {
    expect(folders).toEqual(alembicRules.map((r) => r.id.slice("alembic/".length)).sort());
  });

  test.each(folders)("%s", async (folder) => {
    const result = await scan({ cwd: root, paths: [folder], configFile: false });
    const files = readdirSync(path.join(root, folder)).filter((f) => f.endsWith(".py")).sort();
    for (const name of files) {
      const file = `${folder}/${name}`;
      const expected = expectationOf(readFileSync(path.join(root, file), "utf8"), file);
      const fired = [...new Set(result.findings.filter((f) => f.file === file && f.ruleId.startsWith("alembic/")).map((f) => f.ruleId))].sort();
      expect(fired, file).toEqual(expected);
    }
    expect(expectationOfFolder(files.map((n) => readFileSync(path.join(root, folder, n), "utf8")))).toContain(`alembic/${folder}`);
    await expect(formatStylish(result.results, { color: false })).toMatchFileSnapshot(path.join(root, folder, "__snapshots__", "stylish.txt"));
  });
});

function expectationOfFolder(texts: string[]): string[] {
  return texts.flatMap((t, i) => expectationOf(t, String(i)));
}
