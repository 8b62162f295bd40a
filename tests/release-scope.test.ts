// Judging the release, not the history: pending migrations per environment, from the revision the
// deployment log recorded, `--from-revision` or the config's `current:`; `--all`; bad revisions.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { buildRevisionGraphs } from "../src/extract/alembic/graph.js";
import type { Migration } from "../src/extract/facts.js";
import { readEnvironmentState } from "../src/policy/history.js";
import { pendingMigrations } from "../src/policy/scope.js";
import { runCli, tempProject } from "./helpers.js";

function m(revision: string, down: string[] | string | null, extra: Partial<Migration> = {}): Migration {
  const file = `alembic/versions/${revision}.py`;
  return {
    file,
    directory: "alembic/versions",
    revision,
    downRevisions: down === null ? [] : [down].flat(),
    branchLabels: [],
    dependsOn: [],
    revisionLocation: { file, line: 3, column: 1, endLine: 3, endColumn: 20 },
    ...extra,
  };
}

const names = (files: string[]) => files.map((f) => path.basename(f, ".py"));

describe("pending migrations on the revision graph", () => {
  // a ─ b ─┬─ c (branch "billing") ─ d ─┬─ m (merge of d and f) ─ n
  //        └─ e (branch "search") ─ f ──┘
  //                                   └─ g (search continues after the merge point, a second head)
  const migrations = [
    m("a", null),
    m("b", "a"),
    m("c", "b", { branchLabels: ["billing"] }),
    m("d", "c"),
    m("e", "b", { branchLabels: ["search"] }),
    m("f", "e"),
    m("m", ["d", "f"]),
    m("n", "m"),
    m("g", "f"),
  ];
  const graphs = buildRevisionGraphs(migrations);

  test("an environment on one branch head has the other branch, the merge and what follows pending", () => {
    const scope = pendingMigrations(graphs, migrations, ["d"]);
    expect(names(scope.appliedFiles)).toEqual(["a", "b", "c", "d"]);
    expect(names(scope.pendingFiles)).toEqual(["e", "f", "g", "m", "n"]);
    expect(scope.unknownRevisions).toEqual([]);
  });

  test("an environment on both branch heads has only the merge and later pending", () => {
    const scope = pendingMigrations(graphs, migrations, ["d", "f"]);
    expect(names(scope.pendingFiles)).toEqual(["g", "m", "n"]);
  });

  test("an environment at the merge runs both branches; the two heads recorded leave nothing pending", () => {
    expect(names(pendingMigrations(graphs, migrations, ["m"]).pendingFiles)).toEqual(["g", "n"]);
    expect(pendingMigrations(graphs, migrations, ["n", "g"]).pendingFiles).toEqual([]);
  });

  test("depends_on counts as applied before its dependant", () => {
    const withDependency = [m("a", null), m("x", null, { branchLabels: ["other"] }), m("b", "a", { dependsOn: ["x"] })];
    const scope = pendingMigrations(buildRevisionGraphs(withDependency), withDependency, ["b"]);
    expect(names(scope.appliedFiles)).toEqual(["a", "b", "x"]);
  });

  test("a revision no graph holds is reported, never read as 'nothing pending'", () => {
    const scope = pendingMigrations(graphs, migrations, ["zzz"]);
    expect(scope.unknownRevisions).toEqual(["zzz"]);
    expect(scope.pendingFiles).toHaveLength(migrations.length);
  });
});

const migration = (revision: string, down: string | null, upgrade: string, downgrade = "    pass") =>
  [
    '"""' + revision + '"""',
    "from alembic import op",
    "import sqlalchemy as sa",
    "",
    `revision = "${revision}"`,
    `down_revision = ${down === null ? "None" : `"${down}"`}`,
    "branch_labels = None",
    "depends_on = None",
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

/** A project whose history dropped a table (0002) and whose new migration (0003) is harmless. */
function project(extra: Record<string, string> = {}) {
  return tempProject({
    "alembic/versions/0001_users.py": migration("0001", null, '    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))', '    op.drop_table("users")'),
    "alembic/versions/0002_drop_sessions.py": migration("0002", "0001", '    op.drop_table("legacy_sessions")', '    op.create_table("legacy_sessions", sa.Column("id", sa.Integer()))'),
    "alembic/versions/0003_add_email.py": migration("0003", "0002", '    op.add_column("users", sa.Column("email", sa.String(), nullable=True))', '    op.drop_column("users", "email")'),
    ...extra,
  });
}

const completed = (environment: string, version: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, ts: "2026-11-30T10:00:00.000Z", releaseId: `r-${version}`, event: "completed", project: "shop", environment, version, ...fields });

const checkArgs = (env: string, ...rest: string[]) => ["check", "--env", env, "--project", "shop", "--no-config", "--log", ".gonogo/deployments.jsonl", ...rest];

describe("gonogo check judges the migrations pending in the environment", () => {
  test("no record: every migration is judged (the old DROP TABLE is a no-go), and nothing says it was scoped", async () => {
    const dir = project();
    const r = await runCli(checkArgs("production", "--format", "json"), { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.reasons.map((x: { code: string }) => x.code)).not.toContain("migrations-applied");
    expect(out.reasons.find((x: { code: string }) => x.code === "blocking-finding").message).toContain("alembic/versions/0002_drop_sessions.py:12 sql/drop-table");
  });

  test("a revision recorded in the log leaves the applied migrations' findings out, with one info reason", async () => {
    const dir = project({ ".gonogo/deployments.jsonl": completed("production", "1.0.0", { migrations: [{ directories: ["alembic/versions"], revisions: ["0002"] }] }) + "\n" });
    const r = await runCli(checkArgs("production", "--format", "json"), { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.decision).toBe("no-go"); // tests are required in production; no finding blocks
    const codes = out.reasons.map((x: { code: string }) => x.code);
    expect(codes).not.toContain("blocking-finding");
    const scoped = out.reasons.find((x: { code: string }) => x.code === "migrations-applied");
    expect(scoped).toMatchObject({ effect: "info", inputs: { source: "log", revisions: ["0002"], pending: 1, applied: 2, findingsLeftOut: 1 } });
    expect(scoped.message).toBe("production runs revision 0002 (recorded by release 1.0.0 on 2026-11-30T10:00:00.000Z): 1 migration pending; 1 finding in 1 of the 2 applied migrations left out (--all judges them)");
    expect(out.findings.map((f: { file: string }) => f.file)).not.toContain("alembic/versions/0002_drop_sessions.py");
  });

  test("the record is per environment and per project, and a later rollback without migrations keeps it", async () => {
    const log = [
      completed("production", "1.0.0", { migrations: [{ directories: ["alembic/versions"], revisions: ["0002"] }] }),
      completed("production", "0.9.0", { kind: "rollback" }),
      completed("staging", "1.1.0", { migrations: [{ directories: ["alembic/versions"], revisions: ["0003"] }] }),
      JSON.stringify({ v: 1, ts: "x", releaseId: "r-o", event: "completed", project: "other", environment: "production", version: "9", migrations: [{ directories: [], revisions: ["0003"] }] }),
    ].join("\n");
    const dir = project({ ".gonogo/deployments.jsonl": log + "\n" });
    const state = await readEnvironmentState(path.join(dir, ".gonogo/deployments.jsonl"), "shop", "production");
    expect(state).toMatchObject({ version: "0.9.0", migrations: [{ revisions: ["0002"] }], migrationsRecordedBy: { version: "1.0.0" } });
    const dev = JSON.parse((await runCli(checkArgs("development", "--format", "json"), { cwd: dir })).stdout);
    expect(dev.reasons.map((x: { code: string }) => x.code)).not.toContain("migrations-applied");
  });

  test("--all judges everything again", async () => {
    const dir = project({ ".gonogo/deployments.jsonl": completed("production", "1.0.0", { migrations: [{ directories: ["alembic/versions"], revisions: ["0002"] }] }) + "\n" });
    const out = JSON.parse((await runCli(checkArgs("production", "--all", "--format", "json"), { cwd: dir })).stdout);
    const codes = out.reasons.map((x: { code: string }) => x.code);
    expect(codes).toContain("blocking-finding");
    expect(codes).not.toContain("migrations-applied");
  });

  test("a new DROP TABLE after the recorded revision is still a no-go", async () => {
    const dir = project({
      ".gonogo/deployments.jsonl": completed("production", "1.0.0", { migrations: [{ directories: ["alembic/versions"], revisions: ["0003"] }] }) + "\n",
      "alembic/versions/0004_drop_users.py": migration("0004", "0003", '    op.drop_table("users")'),
    });
    const out = JSON.parse((await runCli(checkArgs("production", "--format", "json"), { cwd: dir })).stdout);
    const blocking = out.reasons.filter((x: { code: string }) => x.code === "blocking-finding").map((x: { message: string }) => x.message);
    expect(blocking.some((msg: string) => msg.startsWith("alembic/versions/0004_drop_users.py:12 sql/drop-table"))).toBe(true);
    expect(blocking.some((msg: string) => msg.includes("0002_drop_sessions"))).toBe(false);
  });

  test("--from-revision says where an environment with no record stands; 'base' means nothing applied", async () => {
    const dir = project();
    const from = JSON.parse((await runCli(checkArgs("production", "--from-revision", "0002", "--format", "json"), { cwd: dir })).stdout);
    expect(from.reasons.find((x: { code: string }) => x.code === "migrations-applied").inputs).toMatchObject({ source: "from-revision", pending: 1 });
    const base = JSON.parse((await runCli(checkArgs("production", "--from-revision", "base", "--format", "json"), { cwd: dir })).stdout);
    expect(base.reasons.map((x: { code: string }) => x.code)).toContain("blocking-finding");
  });

  test("the config's current: adopts an environment deployed before gonogo; the log wins once it has a record", async () => {
    const config = ["project: shop", "log: .gonogo/deployments.jsonl", "environments:", "  production:", "    current: \"0002\"", ""].join("\n");
    const dir = project({ "gonogo.config.yaml": config });
    const args = ["check", "--env", "production", "--format", "json"];
    const adopted = JSON.parse((await runCli(args, { cwd: dir })).stdout);
    expect(adopted.reasons.find((x: { code: string }) => x.code === "migrations-applied").inputs).toMatchObject({ source: "config", revisions: ["0002"] });
    mkdirSync(path.join(dir, ".gonogo"));
    writeFileSync(path.join(dir, ".gonogo", "deployments.jsonl"), completed("production", "1.1.0", { migrations: [{ directories: ["alembic/versions"], revisions: ["0003"] }] }) + "\n");
    const recorded = JSON.parse((await runCli(args, { cwd: dir })).stdout);
    expect(recorded.reasons.find((x: { code: string }) => x.code === "migrations-applied").inputs).toMatchObject({ source: "log", revisions: ["0003"], pending: 0 });
  });

  test("bad input: an unknown --from-revision or current: is a usage error naming it (exit 2)", async () => {
    const dir = project({ "gonogo.config.yaml": ["project: shop", "environments:", "  production:", "    current: deadbeef", ""].join("\n") });
    const unknownFlag = await runCli(["check", "--env", "production", "--no-config", "--from-revision", "cafe0001"], { cwd: dir });
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('--from-revision "cafe0001": no scanned migration has this revision');
    const unknownConfig = await runCli(["check", "--env", "production"], { cwd: dir });
    expect(unknownConfig.code).toBe(2);
    expect(unknownConfig.stderr).toMatch(/gonogo\.config\.yaml: environments\.production\.current "deadbeef": no scanned migration has this revision/);
  });

  test("bad input: a recorded revision that no longer exists fails closed in production and judges everything", async () => {
    const dir = project({ ".gonogo/deployments.jsonl": completed("production", "1.0.0", { migrations: [{ directories: ["alembic/versions"], revisions: ["0002-rewritten"] }] }) + "\n" });
    const out = JSON.parse((await runCli(checkArgs("production", "--format", "json"), { cwd: dir })).stdout);
    const problem = out.reasons.find((x: { code: string }) => x.code === "input-unreadable");
    expect(problem).toMatchObject({ effect: "no-go", inputs: { kind: "state" } });
    expect(problem.message).toContain("revision 0002-rewritten, recorded for production by release 1.0.0, is not in the scanned revision graph");
    expect(out.reasons.map((x: { code: string }) => x.code)).toContain("blocking-finding");
    const dev = JSON.parse((await runCli(checkArgs("development", "--format", "json"), { cwd: dir })).stdout);
    expect(dev.decision).toBe("go");
  });
});
