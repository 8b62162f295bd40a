// Several versions directories of one Alembic environment (alembic.ini `version_locations`, or a
// nested list in the config's `migrations:`) share one revision graph; unrelated directories never
// do, whatever ids they share. A staged file, a shard and the whole tree are judged alike.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";
import { readAlembicLocations } from "../src/engine/alembic-config.js";
import { runCli, tempProject } from "./helpers.js";

const migration = (revision: string, down: string | null) =>
  ["from alembic import op", "", `revision = "${revision}"`, `down_revision = ${down === null ? "None" : `"${down}"`}`, "branch_labels = None", "depends_on = None", "", "def upgrade():", "    pass", "", "def downgrade():", "    pass", ""].join("\n");

// core/versions: 0001 → 0002; ext/versions: e001 revises core's 0002 (Alembic version_locations).
const coreAndExt = (ini?: string) => ({
  ...(ini !== undefined ? { "alembic.ini": ini } : {}),
  "core/versions/0001_base.py": migration("0001", null),
  "core/versions/0002_users.py": migration("0002", "0001"),
  "ext/versions/e001_plugins.py": migration("e001", "0002"),
});
const ini = "[alembic]\nscript_location = %(here)s/alembic\nversion_locations = %(here)s/core/versions %(here)s/ext/versions\n";

async function alembicFindings(cwd: string, options: { paths?: string[]; configFile?: false | string; shard?: { index: number; count: number } } = {}) {
  const result = await scan({ cwd, configFile: false, ...options });
  return result.findings.filter((f) => f.ruleId.startsWith("alembic/")).map((f) => `${f.ruleId} ${f.file}:${f.line}`);
}

describe("Alembic version_locations", () => {
  test("one staged file of ext/versions finds its parent in core/versions (no missing-parent a full scan does not report)", async () => {
    const cwd = tempProject(coreAndExt(ini));
    expect(await alembicFindings(cwd)).toEqual([]);
    expect(await alembicFindings(cwd, { paths: ["ext/versions/e001_plugins.py"] })).toEqual([]);
    // Through the CLI, as the pre-commit hook runs it.
    const run = await runCli(["scan", "--no-config", "-f", "json", "ext/versions/e001_plugins.py"], { cwd });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // A scan of the ext directory alone reads core too, and reports only ext.
    expect(await alembicFindings(cwd, { paths: ["ext"] })).toEqual([]);
  });

  test("without version_locations the directories are unrelated: the parent is missing, in every mode", async () => {
    const cwd = tempProject(coreAndExt());
    const expected = ["alembic/missing-parent ext/versions/e001_plugins.py:3"];
    expect(await alembicFindings(cwd)).toEqual(expected);
    expect(await alembicFindings(cwd, { paths: ["ext/versions/e001_plugins.py"] })).toEqual(expected);
  });

  test("a nested list in the config's migrations: is one environment", async () => {
    const cwd = tempProject({ ...coreAndExt(), "gonogo.config.yaml": "migrations:\n  - [core/versions, ext/versions]\n" });
    const config = path.join(cwd, "gonogo.config.yaml");
    expect(await alembicFindings(cwd, { configFile: config })).toEqual([]);
    expect(await alembicFindings(cwd, { configFile: config, paths: ["ext/versions/e001_plugins.py"] })).toEqual([]);
    // A flat list names directories, each its own graph.
    writeFileSync(config, "migrations: [core/versions, ext/versions]\n");
    expect(await alembicFindings(cwd, { configFile: config, paths: ["ext/versions/e001_plugins.py"] })).toEqual(["alembic/missing-parent ext/versions/e001_plugins.py:3"]);
  });

  test("unrelated projects sharing revision ids are separate graphs (no duplicate-revision, no joined heads)", async () => {
    const cwd = tempProject({
      "shop/alembic/versions/0001_a.py": migration("0001", null),
      "shop/alembic/versions/0002_b.py": migration("0002", "0001"),
      "blog/alembic/versions/0001_a.py": migration("0001", null),
      "blog/alembic/versions/0002_b.py": migration("0002", "0001"),
      "staged/0003_c.py": migration("0003", "0002"),
    });
    const whole = await alembicFindings(cwd);
    expect(whole).toEqual(["alembic/missing-parent staged/0003_c.py:3"]);
    for (let index = 1; index <= 3; index++) {
      for (const line of await alembicFindings(cwd, { shard: { index, count: 3 } })) expect(whole).toContain(line);
    }
  });

  test("subdirectories of a versions directory (recursive_version_locations, OpenStack's versions/<release>/expand) are one environment", async () => {
    const cwd = tempProject({
      "db/versions/liberty/expand/a1_start.py": migration("a1", null),
      "db/versions/liberty/expand/a2_more.py": migration("a2", "a1"),
      "db/versions/2024.2/expand/b1_next.py": migration("b1", "a2"),
    });
    expect(await alembicFindings(cwd)).toEqual([]);
    expect(await alembicFindings(cwd, { paths: ["db/versions/2024.2/expand/b1_next.py"] })).toEqual([]);
    for (let index = 1; index <= 2; index++) expect(await alembicFindings(cwd, { shard: { index, count: 2 } })).toEqual([]);
  });

  test("subdirectories of one versions directory that are two complete histories (Prefect's versions/postgresql and versions/sqlite, picked by env.py) stay two graphs", async () => {
    // Both histories carry the same ids (the shape of PrefectHQ/prefect's _migrations/versions): joined
    // they read as duplicate revisions and two heads; Alembic, not recursive by default, loads one.
    const cwd = tempProject({
      "db/versions/postgresql/p1_base.py": migration("0001aa", null),
      "db/versions/postgresql/p2_users.py": migration("0002bb", "0001aa"),
      "db/versions/postgresql/p3_pg_only.py": migration("0003pg", "0002bb"),
      "db/versions/sqlite/s1_base.py": migration("0001aa", null),
      "db/versions/sqlite/s2_users.py": migration("0002bb", "0001aa"),
      "db/versions/sqlite/s3_lite_only.py": migration("0003li", "0002bb"),
    });
    expect(await alembicFindings(cwd)).toEqual([]);
    expect(await alembicFindings(cwd, { paths: ["db/versions/sqlite/s3_lite_only.py"] })).toEqual([]);
    for (let index = 1; index <= 2; index++) expect(await alembicFindings(cwd, { shard: { index, count: 2 } })).toEqual([]);
    // A real duplicate inside one of them is still reported.
    writeFileSync(path.join(cwd, "db/versions/sqlite/s4_again.py"), migration("0003li", "0002bb"));
    expect(await alembicFindings(cwd)).toContain("alembic/duplicate-revision db/versions/sqlite/s4_again.py:3");
  });

  test("alembic.ini version_locations is read as Alembic splits it", () => {
    const cwd = tempProject({
      "legacy/alembic.ini": "[alembic]\nversion_locations = %(here)s/a, %(here)s/b c\n",
      "os/alembic.ini": "[alembic]\nversion_path_separator = os\nversion_locations = a:%(here)s/b\n",
      "newline/alembic.ini": "[alembic]\npath_separator = newline\nversion_locations =\n    %(here)s/a dir\n    b\n",
      "default/alembic.ini": "[alembic]\nscript_location = migrations\n",
      "package/alembic.ini": "[alembic]\nscript_location = myapp:migrations\n",
      "interpolated/alembic.ini": "[DEFAULT]\nbase = db\n[alembic]\nversion_locations = %(here)s/%(base)s/versions\n",
    });
    const rel = (ini: string) => readAlembicLocations(path.join(cwd, path.dirname(ini)))?.directories.map((d) => path.relative(cwd, d).split(path.sep).join("/"));
    expect(rel("legacy/alembic.ini")).toEqual(["legacy/a", "legacy/b", "legacy/c"]);
    expect(rel("os/alembic.ini")).toEqual(["os/a", "os/b"]);
    expect(rel("newline/alembic.ini")).toEqual(["newline/a dir", "newline/b"]);
    expect(rel("default/alembic.ini")).toEqual(["default/migrations/versions"]);
    expect(rel("package/alembic.ini")).toBeUndefined();
    expect(rel("interpolated/alembic.ini")).toEqual(["interpolated/db/versions"]);
    expect(rel("missing/alembic.ini")).toBeUndefined();
  });
});

// Alembic >= 1.16 can keep script_location and version_locations in pyproject.toml [tool.alembic]
// (a TOML list, `%(here)s` the file's directory); alembic.ini wins key by key.
describe("pyproject.toml [tool.alembic]", () => {
  const fixture = "fixtures/alembic/missing-parent/tool-alembic";
  const repo = path.resolve(import.meta.dirname, "..");
  const fixtureFiles = () =>
    Object.fromEntries(
      ["pyproject.toml", "billing/migrations/versions/1c0d2e3f4a5b_invoices.py", "plugins/invoicing/versions/7a8b9c0d1e2f_credit_notes.py", "plugins/invoicing/versions/8b9c0d1e2f3a_dunning.py"].map((f) => [f, readFileSync(path.join(repo, fixture, f), "utf8")]),
    );
  const ruleIds = (stdout: string) => (JSON.parse(stdout) as { messages: { ruleId: string }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId)).sort();

  test("a staged file whose parent is in a version location declared only in pyproject.toml: no false missing-parent; a real one still reported", async () => {
    const good = await runCli(["scan", "--no-config", "-f", "json", `${fixture}/plugins/invoicing/versions/7a8b9c0d1e2f_credit_notes.py`], { cwd: repo });
    expect({ code: good.code, stderr: good.stderr, rules: ruleIds(good.stdout) }).toEqual({ code: 0, stderr: "", rules: [] });
    const bad = await runCli(["scan", "--no-config", "-f", "json", `${fixture}/plugins/invoicing/versions/8b9c0d1e2f3a_dunning.py`], { cwd: repo });
    expect({ code: bad.code, rules: ruleIds(bad.stdout) }).toEqual({ code: 1, rules: ["alembic/missing-parent", "alembic/multiple-heads"] });
    // Without [tool.alembic] the two locations are unrelated: the test notices the table unread.
    const cwd = tempProject({ ...fixtureFiles(), "pyproject.toml": '[project]\nname = "billing"\n' });
    const bare = await runCli(["scan", "--no-config", "-f", "json", "plugins/invoicing/versions/7a8b9c0d1e2f_credit_notes.py"], { cwd });
    expect(ruleIds(bare.stdout)).toContain("alembic/missing-parent");
  });

  test("the configuration is found however deep the versions directory is (sortipy: six levels)", async () => {
    const deep = "src/app/adapters/sqlalchemy/migrations/versions";
    const cwd = tempProject({
      "pyproject.toml": `[tool.alembic]\nscript_location = "%(here)s/src/app/adapters/sqlalchemy/migrations"\nversion_locations = ["%(here)s/${deep}", "%(here)s/plugins/lastfm/versions"]\n`,
      [`${deep}/0001_base.py`]: migration("0001", null),
      "plugins/lastfm/versions/l001_scrobbles.py": migration("l001", "0001"),
    });
    expect(await alembicFindings(cwd, { paths: ["plugins/lastfm/versions/l001_scrobbles.py"] })).toEqual([]);
    expect(await alembicFindings(cwd)).toEqual([]);
  });

  test("alembic.ini wins key by key; script_location from pyproject.toml; %(here)s and relative paths from the file's directory", () => {
    const cwd = tempProject({
      "toml-only/pyproject.toml": '[tool.alembic]\nscript_location = "db"\n',
      "both/alembic.ini": "[alembic]\nsqlalchemy.url = sqlite:///app.db\n",
      "both/pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/migrations"\nversion_locations = ["%(here)s/a", "b/versions"]\n',
      "ini-wins/alembic.ini": "[alembic]\nversion_locations = %(here)s/from-ini\n",
      "ini-wins/pyproject.toml": '[tool.alembic]\nversion_locations = ["%(here)s/from-toml"]\n',
      "ini-script/alembic.ini": "[alembic]\nscript_location = ini-migrations\n",
      "ini-script/pyproject.toml": '[tool.alembic]\nversion_locations = ["from-toml"]\n',
      "other-tool/pyproject.toml": '[tool.ruff]\nline-length = 100\n',
    });
    const rel = (dir: string) => {
      const found = readAlembicLocations(path.join(cwd, dir));
      return found && { file: path.relative(cwd, found.file), directories: found.directories.map((d) => path.relative(cwd, d).split(path.sep).join("/")) };
    };
    expect(rel("toml-only")).toEqual({ file: "toml-only/pyproject.toml", directories: ["toml-only/db/versions"] });
    expect(rel("both")).toEqual({ file: "both/pyproject.toml", directories: ["both/a", "both/b/versions"] });
    expect(rel("ini-wins")).toEqual({ file: "ini-wins/alembic.ini", directories: ["ini-wins/from-ini"] });
    // version_locations (the TOML's) is looked up before script_location (the ini's), as Alembic does.
    expect(rel("ini-script")).toEqual({ file: "ini-script/pyproject.toml", directories: ["ini-script/from-toml"] });
    expect(rel("other-tool")).toBeUndefined();
  });

  test("a broken pyproject.toml is a warning naming the file and line, never a crash; wrong types too", async () => {
    const broken = tempProject({ ...fixtureFiles(), "pyproject.toml": '[tool.alembic]\nversion_locations = ["billing/migrations/versions",\n' });
    const run = await runCli(["scan", "--no-config", "-f", "json", "plugins/invoicing/versions/7a8b9c0d1e2f_credit_notes.py"], { cwd: broken });
    expect(run.stderr).toMatch(/^gonogo: warning: pyproject\.toml:\d+:\d+: not valid TOML \(.+\); its \[tool\.alembic\] version locations are not read\n$/);
    // Not joined, so the parent is missing: fails closed.
    expect({ code: run.code, rules: ruleIds(run.stdout) }).toEqual({ code: 1, rules: ["alembic/missing-parent"] });
    // `check` says why too: its decision rests on that missing parent.
    const checked = await runCli(["check", "--no-config", "--env", "production", "plugins/invoicing/versions/7a8b9c0d1e2f_credit_notes.py"], { cwd: broken });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/^gonogo: warning: pyproject\.toml:\d+:\d+: not valid TOML \(.+\); its \[tool\.alembic\] version locations are not read\n/);
    expect(checked.stdout).toContain("alembic/missing-parent");

    const typed = tempProject({ ...fixtureFiles(), "pyproject.toml": '[tool.alembic]\nversion_locations = "billing/migrations/versions plugins/invoicing/versions"\n' });
    const wrong = await runCli(["scan", "--no-config", "-f", "json", "plugins/invoicing/versions/7a8b9c0d1e2f_credit_notes.py"], { cwd: typed });
    expect(wrong.stderr).toBe("gonogo: warning: pyproject.toml: tool.alembic.version_locations must be a list of strings (Alembic reads no path_separator from pyproject.toml); not read\n");
    expect(ruleIds(wrong.stdout)).toEqual(["alembic/missing-parent"]);
  });
});
