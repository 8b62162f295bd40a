// Adopting gonogo on a project with history: a real git repository with 300 migrations (three of
// them dropping tables long ago, one unparsable SQL file), judged through the real CLI with
// `--base` (only the change) and with the bulk suppressions file (only what is beyond the accepted).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, JUNIT_PASS, runBin, type CheckJson } from "./hardening-helpers.js";

const HISTORY = 300;
let repo: string;

const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
const run = (args: string[]) => runBin(args, { cwd: repo });
const pad = (n: number) => String(n).padStart(4, "0");

function migration(n: number, upgrade: string, downgrade = "    pass"): string {
  return [
    `"""migration ${n}"""`,
    "from alembic import op",
    "import sqlalchemy as sa",
    "",
    `revision = "r${pad(n)}"`,
    `down_revision = ${n === 1 ? "None" : `"r${pad(n - 1)}"`}`,
    "",
    "",
    "def upgrade():",
    upgrade,
    "",
    "",
    "def downgrade():",
    downgrade,
    "",
  ].join("\n");
}
const addColumn = (n: number) => migration(n, `    op.add_column("orders", sa.Column("c${n}", sa.Integer(), nullable=True))`, `    op.drop_column("orders", "c${n}")`);
const dropTable = (n: number, table: string) => migration(n, `    op.drop_table("${table}")`, `    op.create_table("${table}", sa.Column("id", sa.Integer(), primary_key=True))`);
const file = (n: number) => path.join(repo, "alembic", "versions", `${pad(n)}_m.py`);
const write = (n: number, text: string) => writeFileSync(file(n), text);

/** The files and rule ids a `--format json` scan reported. */
function reported(stdout: string): string[] {
  const results = JSON.parse(stdout) as { filePath: string; messages: { ruleId: string }[] }[];
  return results.flatMap((r) => r.messages.map((m) => `${path.relative(repo, r.filePath)} ${m.ruleId}`));
}
const blocking = (decision: CheckJson) => decision.reasons.filter((r) => r.effect === "no-go").flatMap((r) => (r.findings ?? []).map((f) => `${f.file} ${f.ruleId}`));
const historyDrops = ["alembic/versions/0100_m.py sql/drop-table", "alembic/versions/0200_m.py sql/drop-table", "alembic/versions/0300_m.py sql/drop-table"];

beforeAll(() => {
  ensureBuilt();
  repo = mkdtempSync(path.join(tmpdir(), "gonogo-adopt-"));
  mkdirSync(path.join(repo, "alembic", "versions"), { recursive: true });
  mkdirSync(path.join(repo, "sql"));
  writeFileSync(path.join(repo, "gonogo.config.yaml"), "project: shop\nmigrations: alembic/versions\n");
  for (let n = 1; n <= HISTORY; n++) write(n, n % 100 === 0 ? dropTable(n, `legacy_${n}`) : addColumn(n));
  writeFileSync(path.join(repo, "sql", "report.sql"), "SELEC total FROM orders;\n");
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "three hundred migrations of history");
  git("checkout", "-q", "-b", "feature");
}, 60_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("--base: only the files the change touches are judged", () => {
  it("check without --base is no-go on history", async () => {
    const r = await run(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"]);
    expect(r.code).toBe(1);
    const decision = JSON.parse(r.stdout) as CheckJson;
    expect(blocking(decision)).toEqual(expect.arrayContaining(historyDrops));
    expect(decision.reasons.some((reason) => reason.code === "unanalysed-file" && reason.message.includes("sql/report.sql"))).toBe(true);
  }, 60_000);

  it("a harmless new migration: scan --base reports nothing, says what it left out; check --base needs approval", async () => {
    write(HISTORY + 1, addColumn(HISTORY + 1));
    // Untracked (not committed yet) is part of the change too.
    const scan = await run(["scan", "--base", "main", "--format", "json"]);
    expect(scan.stderr).toContain("gonogo: 4 findings left out: in files unchanged since main");
    expect(reported(scan.stdout)).toEqual([]);
    expect(scan.code).toBe(0);
    git("add", "-A");
    git("commit", "-q", "-m", "a harmless migration");
    const r = await run(["check", "--env", "production", "--junit", JUNIT_PASS, "--base", "main", "--format", "json"]);
    const decision = JSON.parse(r.stdout) as CheckJson;
    expect(decision.decision).toBe("needs-approval");
    expect(r.code).toBe(3);
    expect(decision.reasons.filter((reason) => reason.code === "findings-out-of-scope").map((reason) => reason.message)).toEqual([
      "4 findings left out: in files unchanged since main (judge them all without --base)",
    ]);
  }, 60_000);

  it("a new DROP TABLE: scan --base reports only the new migration, check --base is no-go on it alone", async () => {
    write(HISTORY + 1, dropTable(HISTORY + 1, "users"));
    git("commit", "-q", "-am", "drop users");
    const scan = await run(["scan", "--base", "main", "--format", "json"]);
    expect(reported(scan.stdout)).toEqual(["alembic/versions/0301_m.py sql/drop-table"]);
    expect(scan.code).toBe(1);
    const r = await run(["check", "--env", "production", "--junit", JUNIT_PASS, "--base", "main", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(blocking(JSON.parse(r.stdout) as CheckJson)).toEqual(["alembic/versions/0301_m.py sql/drop-table"]);
    write(HISTORY + 1, addColumn(HISTORY + 1));
    git("commit", "-q", "-am", "keep users");
  }, 60_000);

  it("a deleted migration: the graph finding it causes in an unchanged file is still reported", async () => {
    rmSync(file(150));
    try {
      const scan = await run(["scan", "--base", "main", "--format", "json"]);
      const found = reported(scan.stdout);
      expect(found).toContain("alembic/versions/0151_m.py alembic/missing-parent");
      // Only graph findings: the unchanged history's drops stay out of scope.
      expect(found.filter((f) => !/ alembic\/(missing-parent|multiple-heads)$/.test(f))).toEqual([]);
      expect(scan.code).toBe(1);
    } finally {
      git("checkout", "-q", "--", file(150));
    }
  }, 60_000);

  it("a --base git does not know: scan exits 2 naming it; check fails closed naming it", async () => {
    const scan = await run(["scan", "--base", "no-such-branch"]);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain('--base "no-such-branch": not a git revision known here');
    const r = await run(["check", "--env", "production", "--junit", JUNIT_PASS, "--base", "no-such-branch"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[NO-GO\] input-unreadable: base revision no-such-branch could not be read: not known to git here .*and every finding is judged/);
  }, 60_000);
});

describe("bulk suppressions: the accepted history is recorded once, only what is beyond it counts", () => {
  const suppressionsFile = () => path.join(repo, "gonogo-suppressions.json");

  it("--suppress-all records every finding, unanalysable ones included, and exits 0; the next scan is clean", async () => {
    const r = await run(["scan", "--suppress-all"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("gonogo: wrote gonogo-suppressions.json");
    expect(JSON.parse(readFileSync(suppressionsFile(), "utf8"))).toEqual({
      "alembic/versions/0100_m.py": { "sql/drop-table": { count: 1 } },
      "alembic/versions/0200_m.py": { "sql/drop-table": { count: 1 } },
      "alembic/versions/0300_m.py": { "sql/drop-table": { count: 1 } },
      "sql/report.sql": { "sql/parse-error": { count: 1 } },
    });
    const clean = await run(["scan", "--format", "json"]);
    expect(reported(clean.stdout)).toEqual([]);
    expect(clean.stderr).toContain("gonogo: 4 findings suppressed by gonogo-suppressions.json");
    expect(clean.code).toBe(0);
    git("add", "gonogo-suppressions.json");
    git("commit", "-q", "-m", "accept the history");
    // Accepted on the base branch: from now on it is the baseline a change is compared with.
    git("branch", "-f", "main", "HEAD");
  }, 60_000);

  it("a new finding is reported alone; one more of an accepted rule in the same file reports that file+rule whole", async () => {
    write(HISTORY + 2, dropTable(HISTORY + 2, "carts"));
    const alone = await run(["scan", "--format", "json"]);
    expect(reported(alone.stdout)).toEqual(["alembic/versions/0302_m.py sql/drop-table"]);
    expect(alone.code).toBe(1);
    const check = await run(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"]);
    const decision = JSON.parse(check.stdout) as CheckJson;
    expect(blocking(decision)).toEqual(["alembic/versions/0302_m.py sql/drop-table"]);
    expect(decision.reasons.find((reason) => reason.code === "findings-suppressed")?.message).toBe("4 findings left out: accepted in gonogo-suppressions.json");
    rmSync(file(HISTORY + 2));

    const original = readFileSync(file(100), "utf8");
    write(100, original.replace(`    op.drop_table("legacy_100")`, `    op.drop_table("legacy_100")\n    op.drop_table("legacy_100b")`));
    const whole = await run(["scan", "--format", "json"]);
    expect(reported(whole.stdout)).toEqual(["alembic/versions/0100_m.py sql/drop-table", "alembic/versions/0100_m.py sql/drop-table"]);
    write(100, original);
  }, 60_000);

  it("a suppressions file grown by the change itself is a weakening with --base: production no-go naming it", async () => {
    write(HISTORY + 2, dropTable(HISTORY + 2, "carts"));
    const accepted = await run(["scan", "--suppress-rule", "sql/drop-table"]);
    expect(accepted.code).toBe(0);
    const r = await run(["check", "--env", "production", "--junit", JUNIT_PASS, "--base", "main", "--format", "json"]);
    expect(r.code).toBe(1);
    const weakened = (JSON.parse(r.stdout) as CheckJson).reasons.find((reason) => reason.code === "policy-weakened");
    expect(weakened?.effect).toBe("no-go");
    expect(weakened?.message).toContain("gonogo-suppressions.json accepts more findings than at main: alembic/versions/0302_m.py sql/drop-table 0 → 1");
    rmSync(file(HISTORY + 2));
    git("checkout", "-q", "gonogo-suppressions.json");
  }, 60_000);

  it("--prune-suppressions drops the entry of a fixed file", async () => {
    write(200, addColumn(200));
    const stale = await run(["scan"]);
    expect(stale.code).toBe(0);
    expect(stale.stderr).toContain("gonogo: 1 suppression in gonogo-suppressions.json matches fewer findings than recorded: run gonogo scan --prune-suppressions");
    const pruned = await run(["scan", "--prune-suppressions"]);
    expect(pruned.code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(suppressionsFile(), "utf8")) as object)).toEqual(["alembic/versions/0100_m.py", "alembic/versions/0300_m.py", "sql/report.sql"]);
    const after = await run(["scan"]);
    expect(after.stderr).not.toContain("prune");
  }, 60_000);

  it("--suppressions-location moves the file", async () => {
    const missingDirectory = await run(["scan", "--suppress-all", "--suppressions-location", "ci/accepted.json"]);
    expect(missingDirectory.code).toBe(2);
    expect(missingDirectory.stderr).toContain(`${path.join(repo, "ci", "accepted.json")}: cannot write the suppressions file (ENOENT)`);
    mkdirSync(path.join(repo, "ci"), { recursive: true });
    const moved = await run(["scan", "--suppress-all", "--suppressions-location", "ci/accepted.json"]);
    expect(moved.code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(path.join(repo, "ci", "accepted.json"), "utf8")) as object)).toEqual(["../alembic/versions/0100_m.py", "../alembic/versions/0300_m.py", "../sql/report.sql"]);
    const elsewhere = await run(["scan", "--suppressions-location", "ci/accepted.json"]);
    expect(elsewhere.stderr).toContain("gonogo: 3 findings suppressed by ci/accepted.json");
    rmSync(path.join(repo, "ci"), { recursive: true });
  }, 60_000);

  it("a corrupt suppressions file: scan exits 2 naming it and what was expected; check fails closed", async () => {
    writeFileSync(suppressionsFile(), '{"sql/report.sql": {"sql/parse-error": {"count": "one"}}}\n');
    const scan = await run(["scan"]);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain(`${suppressionsFile()}: "sql/report.sql" → "sql/parse-error": expected {"count": <whole number ≥ 1>}, got {"count":"one"}`);
    writeFileSync(suppressionsFile(), "{ not json");
    const notJson = await run(["scan"]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(`${suppressionsFile()}: not valid JSON`);
    const check = await run(["check", "--env", "production", "--junit", JUNIT_PASS]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`[NO-GO] input-unreadable: suppressions file ${suppressionsFile()} could not be read: not valid JSON`);
    git("checkout", "-q", "gonogo-suppressions.json");
  }, 60_000);
});
