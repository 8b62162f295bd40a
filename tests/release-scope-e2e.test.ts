// End to end, the release scope through the real CLI, real step scripts and a real 127.0.0.1 health
// server: each completed deploy records the commit and the migration heads; a failed staging deploy
// that had pending migrations rolls them back to the revision the previous release recorded; the
// next deploy judges only the migrations after it; `rollback --to V` takes V's recorded revision.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type HealthServer, runMain, servedWorkspace } from "./release-helpers.js";

const servers: HealthServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function workspace() {
  const ws = await servedWorkspace(servers);
  // The log stays inside this work tree (untracked): allowed explicitly.
  writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl", "log: .gonogo/deployments.jsonl\nlogInWorkTree: true"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ws.dir, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } }).trim();
  git("init", "-q");
  git("add", "migrations", "gonogo.config.yaml");
  git("commit", "-qm", "0001 and 0002");
  return { ...ws, git };
}

function run(cwd: string, argv: string[]) {
  return runMain(cwd, argv);
}

const migration = (revision: string, down: string, upgrade: string, downgrade: string) =>
  [`"""${revision}"""`, "from alembic import op", "import sqlalchemy as sa", "", `revision = "${revision}"`, `down_revision = "${down}"`, "branch_labels = None", "depends_on = None", "", "", "def upgrade():", `    ${upgrade}`, "", "", "def downgrade():", `    ${downgrade}`, ""].join("\n");

describe("deploys record what the environment runs; rollbacks follow the migrations", () => {
  it("staging: 1.0.0 records 0002; 1.1.0-bad with 0003 fails its health check and takes 0003 back to 0002; 1.2.0 judges only what follows 0002", async () => {
    const ws = await workspace();
    const approve = ["--answer", "yes", "--approver", "bob"];
    const first = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", ...approve]);
    expect(first.code).toBe(0);
    const completed = ws.events().find((e) => e.event === "completed" && e.version === "1.0.0");
    expect(completed).toMatchObject({ commit: ws.git("rev-parse", "HEAD"), migrations: [{ directories: ["migrations/versions"], revisions: ["0002"] }] });

    writeFileSync(path.join(ws.dir, "migrations/versions/0003_add_phone.py"), migration("0003", "0002", 'op.add_column("users", sa.Column("phone", sa.String(32), nullable=True))', 'op.drop_column("users", "phone")'));
    const bad = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.1.0-bad"]);
    expect(bad.code).toBe(1);
    // The application first, then the migrations down to what 1.0.0 recorded.
    expect(ws.calls()).toEqual(["deploy staging 1.0.0", "deploy staging 1.1.0-bad", "rollback staging 1.0.0", "downgrade 0002"]);
    const rolled = ws.events().find((e) => e.event === "rolled-back" && e.version === "1.1.0-bad");
    expect(rolled).toMatchObject({ automatic: true, ok: true, to: "1.0.0", migrationsTo: "0002", plan: [{ revision: "0003", downgrade: "real", destroys: ["column users.phone"] }] });
    expect(bad.out).toContain("rolled back to 1.0.0, migrations at 0002");
    // The decision of 1.1.0 listed 0003 as pending and the approver would have seen only it.
    const decision = ws.events().find((e) => e.event === "decision" && e.version === "1.1.0-bad");
    expect(JSON.stringify(decision)).toContain("staging runs revision 0002 (recorded by release 1.0.0");

    // The log shows both releases and the revision each left running.
    const log = await run(ws.dir, ["log", "--env", "staging", "--format", "json"]);
    const releases = JSON.parse(log.out).releases as { version: string; status: string; migrations?: unknown }[];
    expect(releases.map((r) => [r.version, r.status, r.migrations])).toEqual([
      ["1.0.0", "completed", [{ directories: ["migrations/versions"], revisions: ["0002"] }]],
      ["1.1.0-bad", "failed", undefined],
    ]);
    const table = await run(ws.dir, ["log", "--env", "staging"]);
    expect(table.out).toMatch(/REVISION/);
    expect(table.out).toMatch(/1\.0\.0 +deploy +completed .* 0002 /);

    // A third deploy judges only the migration after 0002; a DROP TABLE in it blocks staging.
    writeFileSync(path.join(ws.dir, "migrations/versions/0003_add_phone.py"), migration("0003", "0002", 'op.drop_table("users")', "pass"));
    const third = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.2.0"]);
    expect(third.code).toBe(1);
    expect(third.out).toContain("migrations/versions/0003_add_phone.py");
    expect(third.out).toMatch(/1 migration pending; 0 findings in 0 of the 2 applied migrations left out/);
  });

  it("a failed deploy whose downgrade path is not reversible stops the automatic rollback and prints the manual steps", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"])).code).toBe(0);
    writeFileSync(path.join(ws.dir, "migrations/versions/0003_backfill.py"), migration("0003", "0002", 'op.execute("UPDATE users SET email = lower(email) WHERE email IS NOT NULL")', 'raise NotImplementedError("one-way")'));
    const bad = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.1.0-bad"]);
    expect(bad.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy development 1.0.0", "deploy development 1.1.0-bad"]);
    expect(bad.out).toContain("gonogo rollback --env development --to 1.0.0 --migrations-to 0002");
    expect(bad.out).toMatch(/downgrade-not-reversible/);
    expect(ws.events().at(-1)).toMatchObject({ event: "failed", rolledBack: false, manualRollback: "gonogo rollback --env development --to 1.0.0 --migrations-to 0002" });
  });

  it("rollback --to V without --migrations-to takes the revision recorded for V in that environment", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"])).code).toBe(0);
    writeFileSync(path.join(ws.dir, "migrations/versions/0003_add_phone.py"), migration("0003", "0002", 'op.add_column("users", sa.Column("phone", sa.String(32), nullable=True))', 'op.drop_column("users", "phone")'));
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.1.0"])).code).toBe(0);
    const back = await run(ws.dir, ["rollback", "--env", "development", "--to", "1.0.0"]);
    expect(back.code).toBe(0);
    expect(back.out).toContain("migrations → 0002: the revision development ran after 1.0.0 (from the deployment log)");
    expect(ws.calls().slice(-2)).toEqual(["rollback development 1.0.0", "downgrade 0002"]);
    // The environment now runs 0002 again: a check judges 0003 as pending.
    expect(ws.events().at(-1)).toMatchObject({ event: "completed", migrations: [{ directories: ["migrations/versions"], revisions: ["0002"] }] });
    const again = await run(ws.dir, ["rollback", "--env", "development", "--to", "1.0.0"]);
    expect(again.out).not.toContain("migrations →");
  });
});
