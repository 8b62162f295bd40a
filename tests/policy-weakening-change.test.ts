// Weakening from inside the change (issue 17, item 7): each way a change can let more through than
// its base — ignore globs, a stricter rules/overrides entry removed, an override moved to other
// files, a config file that shadows the base's — is a production no-go through the real CLI
// (`gonogo check --env production --base main`), and its harmless twin (the same change already on
// the base branch, or a change that makes things stricter) answers needs-approval.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { globsWithin, ruleSettingWeakenings } from "../src/policy/weakening.js";

const JUNIT = join(import.meta.dirname, "..", "fixtures", "policy", "junit", "pytest-pass.xml");
const CONFIG = "project: shop\nmigrations: alembic/versions\n";

let repo: string;
const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.invalid", ...args], { cwd: repo, stdio: "pipe" });
const write = (file: string, text: string) => {
  mkdirSync(join(repo, file, ".."), { recursive: true });
  writeFileSync(join(repo, file), text);
};
/** Writes and commits `files` (the caller moves main onto it). */
const onBase = (files: Record<string, string>) => {
  for (const [file, text] of Object.entries(files)) write(file, text);
  git("add", "-A");
  git("commit", "-q", "-m", "base");
};
async function check(cwd = repo) {
  let stdout = "";
  let stderr = "";
  const code = await main(["check", "--env", "production", "--junit", JUNIT, "--base", "main", "--format", "json"], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd,
    env: {},
  });
  if (process.env.DEBUG_WEAKEN) console.log(stdout);
  const reasons = code === 2 ? [] : (JSON.parse(stdout) as { reasons: { code: string; effect: string; message: string }[] }).reasons;
  return { code, stderr, weakened: reasons.find((r) => r.code === "policy-weakened") };
}
const expectNoGo = async (needle: string, cwd?: string) => {
  const r = await check(cwd);
  expect(r.weakened?.effect).toBe("no-go");
  expect(r.weakened?.message).toContain(needle);
  expect(r.code).toBe(1);
};
const expectNeedsApproval = async (cwd?: string) => {
  const r = await check(cwd);
  expect(r.weakened).toBeUndefined();
  expect(r.code).toBe(3);
};

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "gonogo-weaken-"));
  cpSync(join(import.meta.dirname, "..", "fixtures", "policy", "projects", "clean"), repo, { recursive: true });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "clean");
  git("checkout", "-q", "-b", "change");
});

describe("config weakenings since --base", () => {
  it("an ignore glob added by the change; removing one (stricter) or one already on base is not", async () => {
    write("gonogo.config.yaml", `${CONFIG}ignore:\n  - "alembic/versions/0002_*"\n`);
    await expectNoGo(`ignore now also skips alembic/versions/0002_*`);
    git("commit", "-q", "-am", "ignore");
    git("branch", "-f", "main", "HEAD");
    await expectNeedsApproval();
    write("gonogo.config.yaml", CONFIG);
    await expectNeedsApproval();
  });

  it("an ignore glob inside one the base already ignores is no weakening", async () => {
    onBase({ "gonogo.config.yaml": `${CONFIG}ignore: ["vendor/**"]\n` });
    git("branch", "-f", "main", "HEAD");
    write("gonogo.config.yaml", `${CONFIG}ignore: ["vendor/**", "vendor/old/**"]\n`);
    await expectNeedsApproval();
    write("gonogo.config.yaml", `${CONFIG}ignore: ["vendor/**", "vendor*/**"]\n`);
    await expectNoGo("ignore now also skips vendor*/**");
  });

  it("a stricter rules entry removed; removing a relaxing one is stricter", async () => {
    onBase({ "gonogo.config.yaml": `${CONFIG}rules:\n  sql/drop-column: critical\n  sql/rename-column: low\n` });
    git("branch", "-f", "main", "HEAD");
    write("gonogo.config.yaml", `${CONFIG}rules:\n  sql/drop-column: critical\n`);
    await expectNeedsApproval();
    write("gonogo.config.yaml", CONFIG);
    await expectNoGo("rules.sql/drop-column entry removed (was critical, now high by default)");
  });

  it("a stricter overrides entry removed, or the whole override; widening a stricter override is not", async () => {
    onBase({ "gonogo.config.yaml": `${CONFIG}overrides:\n  - files: ["alembic/**"]\n    rules:\n      sql/rename-column: critical\n` });
    git("branch", "-f", "main", "HEAD");
    write("gonogo.config.yaml", `${CONFIG}overrides:\n  - files: ["alembic/**"]\n    rules:\n      sql/rename-table: high\n`);
    await expectNoGo("overrides[0] (alembic/**): sql/rename-column entry removed: sql/rename-column critical no longer applies to alembic/** (now medium by default)");
    write("gonogo.config.yaml", CONFIG);
    await expectNoGo("overrides[0] (alembic/**) removed: sql/rename-column critical no longer applies to alembic/**");
    write("gonogo.config.yaml", `${CONFIG}rules:\n  sql/rename-column: critical\n`);
    await expectNeedsApproval();
  });

  it("overrides[].files changed: a relaxing override moved onto the migrations; narrowing it is not", async () => {
    onBase({ "gonogo.config.yaml": `${CONFIG}overrides:\n  - files: ["legacy/**"]\n    rules:\n      sql/drop-table: "off"\n` });
    git("branch", "-f", "main", "HEAD");
    write("gonogo.config.yaml", `${CONFIG}overrides:\n  - files: ["alembic/**"]\n    rules:\n      sql/drop-table: "off"\n`);
    await expectNoGo("overrides[0].files changed from legacy/** to alembic/**: sql/drop-table turned off");
    write("gonogo.config.yaml", `${CONFIG}overrides:\n  - files: ["legacy/old/**"]\n    rules:\n      sql/drop-table: "off"\n`);
    await expectNeedsApproval();
  });

  it("overrides[].files changed: a stricter override moved away from the migrations", async () => {
    onBase({ "gonogo.config.yaml": `${CONFIG}overrides:\n  - files: ["alembic/**"]\n    rules:\n      sql/rename-column: critical\n` });
    git("branch", "-f", "main", "HEAD");
    write("gonogo.config.yaml", `${CONFIG}overrides:\n  - files: ["docs/**"]\n    rules:\n      sql/rename-column: critical\n`);
    await expectNoGo("overrides[0].files changed from alembic/** to docs/**: sql/rename-column critical no longer applies to alembic/**");
    write("gonogo.config.yaml", `${CONFIG}overrides:\n  - files: ["**"]\n    rules:\n      sql/rename-column: critical\n`);
    await expectNeedsApproval();
  });

  it("a second config file that takes precedence over the base's (yaml beside json, or nearer the working directory)", async () => {
    onBase({ "gonogo.config.json": JSON.stringify({ project: "shop", migrations: "alembic/versions", rules: { "sql/rename-column": "critical" } }) });
    rmSync(join(repo, "gonogo.config.yaml"));
    git("commit", "-q", "-am", "json config");
    git("branch", "-f", "main", "HEAD");
    await expectNeedsApproval();
    write("gonogo.config.yml", CONFIG);
    const r = await check();
    expect(r.code).toBe(1);
    expect(r.weakened?.message).toContain("gonogo.config.yml takes precedence over gonogo.config.json, the config at main");
    // Compared with the config it shadows, not with the defaults.
    expect(r.weakened?.message).toContain("rules.sql/rename-column entry removed (was critical, now medium by default)");
    rmSync(join(repo, "gonogo.config.yml"));
    write("alembic/gonogo.config.yaml", "project: shop\nmigrations: versions\n");
    await expectNoGo("gonogo.config.yaml takes precedence over ../gonogo.config.json, the config at main", join(repo, "alembic"));
    // The same second file already on the base branch is the config.
    git("add", "-A");
    git("commit", "-q", "-m", "nested config");
    git("branch", "-f", "main", "HEAD");
    await expectNeedsApproval(join(repo, "alembic"));
  });
});

describe("ruleSettingWeakenings and globsWithin", () => {
  const defaults = (id: string) => (id === "sql/drop-table" ? "critical" : id === "sql/rename-column" ? "medium" : undefined);
  it("lowering a stricter top-level entry to the default is reported; raising or removing a relaxing one is not", () => {
    expect(ruleSettingWeakenings({ rules: { "sql/rename-column": "high" } }, {}, defaults)).toEqual(["rules.sql/rename-column entry removed (was high, now medium by default)"]);
    expect(ruleSettingWeakenings({ rules: { "sql/rename-column": "low" } }, {}, defaults)).toEqual([]);
    expect(ruleSettingWeakenings({ rules: { "sql/drop-table": "off" } }, {}, defaults)).toEqual([]);
  });
  it("a relaxing override narrowed under a directory the base override held is not reported; one outside it is", () => {
    const base = { overrides: [{ files: ["legacy/**"], rules: { "sql/drop-table": "off" as const } }] };
    expect(ruleSettingWeakenings(base, { overrides: [{ files: ["legacy/a/**", "legacy/b.sql"], rules: { "sql/drop-table": "off" } }] }, defaults)).toEqual([]);
    expect(ruleSettingWeakenings(base, { overrides: [{ files: ["legacy*/**"], rules: { "sql/drop-table": "off" } }] }, defaults)).toEqual([
      "overrides[0].files changed from legacy/** to legacy*/**: sql/drop-table turned off",
    ]);
  });
  it("globsWithin proves only plain containment", () => {
    expect(globsWithin(["a/b/**"], ["a/**"])).toBe(true);
    expect(globsWithin(["x/**"], ["**"])).toBe(true);
    expect(globsWithin(["ab/**"], ["a/**"])).toBe(false);
    expect(globsWithin(["a/b/**"], ["a*/**"])).toBe(false);
    expect(globsWithin(["{a,b}/**"], ["a/**"])).toBe(false);
  });
});

// The downgrade cannot bring dropped data back; accepted for the whole file (on base and head alike).
const migration = (body: string, header = "") => `"""drop legacy"""
# gonogo-disable alembic/empty-downgrade -- the dropped tables were emptied in 0002
from alembic import op
${header}
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
${body}


def downgrade():
    pass
`;
const M3 = "alembic/versions/0003_drop_legacy.py";
const DIRECTIVE = "    # gonogo-disable-next-line sql/drop-table -- emptied in 0002";

describe("inline gonogo-disable directives added by the change", () => {
  async function scanJson(cwd = repo) {
    let stdout = "";
    const code = await main(["scan", "--format", "json", "--no-config", "alembic"], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => {} }, cwd, env: {} });
    const messages = (JSON.parse(stdout) as { filePath: string; messages: { ruleId: string; line: number; message: string }[] }[]).flatMap((r) => r.messages);
    return { code, messages };
  }

  it("a directive that hides a finding in a changed file is a production no-go; the same directive on base, with lines moved above it, is not", async () => {
    write(M3, migration(`${DIRECTIVE}\n    op.drop_table("legacy_orders")`));
    const head = await scanJson();
    expect(head.messages.filter((m) => m.ruleId === "sql/drop-table")).toEqual([]);
    await expectNoGo(`inline gonogo-disable directives hide more findings than at main: ${M3} sql/drop-table 0 → 1 (line 13)`);
    git("add", "-A");
    git("commit", "-q", "-m", "accepted drop");
    git("branch", "-f", "main", "HEAD");
    await expectNeedsApproval();
    // Code added above the directive moves it down: the same findings are hidden, nothing new.
    write(M3, migration(`${DIRECTIVE}\n    op.drop_table("legacy_orders")`, "import sqlalchemy as sa\nimport logging\n"));
    await expectNeedsApproval();
    // Moved onto another statement that it now hides as well: more hidden than at base.
    write(M3, migration(`${DIRECTIVE}\n    op.drop_table("legacy_orders")\n    # gonogo-disable-next-line sql/drop-table -- also emptied\n    op.drop_table("orders")`));
    await expectNoGo(`${M3} sql/drop-table 1 → 2 (lines 13, 15)`);
  });

  it("a gonogo-disable block on base that hides a new finding added under it is a weakening too", async () => {
    write(M3, migration(`    # gonogo-disable sql/drop-table -- legacy tables, emptied in 0002\n    op.drop_table("legacy_orders")`));
    git("add", "-A");
    git("commit", "-q", "-m", "block");
    git("branch", "-f", "main", "HEAD");
    await expectNeedsApproval();
    write(M3, migration(`    # gonogo-disable sql/drop-table -- legacy tables, emptied in 0002\n    op.drop_table("legacy_orders")\n    op.drop_table("orders")`));
    await expectNoGo(`${M3} sql/drop-table 1 → 2`);
  });

  it("removing a directive (stricter) is no weakening", async () => {
    write(M3, migration(`${DIRECTIVE}\n    op.drop_table("legacy_orders")`));
    git("add", "-A");
    git("commit", "-q", "-m", "accepted drop");
    git("branch", "-f", "main", "HEAD");
    write(M3, migration(`    op.drop_table("legacy_orders")`));
    const r = await check();
    expect(r.weakened).toBeUndefined();
    expect(r.code).toBe(1); // the drop table itself blocks production
  });

  it("an inline directive never hides dynamic SQL either; the suppressions file may", async () => {
    const dynamic = (note: string) =>
      migration(`    # ${note}\n    name = "legacy_" + "orders"\n    # gonogo-disable-next-line alembic/dynamic-sql -- the name is a constant\n    op.execute(f"DROP TABLE {name}")`);
    write(M3, dynamic("first"));
    const head = await scanJson();
    expect(head.messages.filter((m) => m.ruleId === "alembic/dynamic-sql").map((m) => m.line)).toEqual([15]);
    expect(head.messages.find((m) => m.ruleId === "gonogo/unused-directive")).toMatchObject({ line: 14, message: expect.stringContaining("cannot hide a file or SQL that could not be analysed") });
    expect((await check()).code).toBe(1);
    await main(["scan", "--suppress-rule", "alembic/dynamic-sql"], { stdout: { write: () => {} }, stderr: { write: () => {} }, cwd: repo, env: {} });
    git("add", "-A");
    git("commit", "-q", "-m", "accept");
    git("branch", "-f", "main", "HEAD");
    write(M3, dynamic("second"));
    await expectNeedsApproval();
  });

  it("an inline directive never hides a file that could not be analysed; the suppressions file (accepted history) may", async () => {
    const dynamic = (note: string) => migration(`    # ${note}\n    # gonogo-disable-next-line alembic/parse-error -- dynamic on purpose\n    getattr(op, "drop_" + "table")("legacy_orders")`);
    write(M3, dynamic("first"));
    const head = await scanJson();
    expect(head.messages.filter((m) => m.ruleId === "alembic/parse-error").map((m) => m.line)).toEqual([14]);
    expect(head.messages.find((m) => m.ruleId === "gonogo/unused-directive")).toMatchObject({ line: 13, message: expect.stringContaining("cannot hide a file or SQL that could not be analysed") });
    const blocked = await check();
    expect(blocked.code).toBe(1);
    expect(blocked.weakened?.message).not.toContain("alembic/parse-error"); // that directive hid nothing
    // Accepted in the bulk suppressions file on the base branch, then the file changes again: the
    // decision asks for an approval.
    await main(["scan", "--suppress-rule", "alembic/parse-error"], { stdout: { write: () => {} }, stderr: { write: () => {} }, cwd: repo, env: {} });
    git("add", "-A");
    git("commit", "-q", "-m", "accept");
    git("branch", "-f", "main", "HEAD");
    write(M3, dynamic("second"));
    await expectNeedsApproval();
  });
});
