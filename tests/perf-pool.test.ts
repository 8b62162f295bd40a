// The parsing pool: when workers are used, which files they may take, and that the in-thread path
// (what the workers run, batch by batch) gives the results in input order. Also --jobs validation.
import { describe, expect, it } from "vitest";
import { analyseAll, isWorkerSafe, MIN_FILES_FOR_WORKERS, workerCount } from "../src/engine/pool.js";
import analyseBatch from "../src/engine/pool-worker.js";
import { scan } from "../src/engine/scan.js";
import { runCli, tempProject } from "./helpers.js";

const migration = (rev: string, parent: string | null, body: string) =>
  `from alembic import op\n\nrevision = "${rev}"\ndown_revision = ${parent ? `"${parent}"` : "None"}\n\n\ndef upgrade():\n    ${body}\n\n\ndef downgrade():\n    pass\n`;

describe("worker pool", () => {
  it("starts workers only for enough files, and never when --jobs 1", () => {
    expect(workerCount(MIN_FILES_FOR_WORKERS - 1, undefined)).toBe(0);
    expect(workerCount(10_000, undefined)).toBeGreaterThanOrEqual(1);
    expect(workerCount(10_000, 1)).toBe(0);
    expect(workerCount(3, 4)).toBe(4);
    // --jobs counts the threads that parse: in a scan of SQL files only, the main thread is one.
    expect(workerCount(3, 4, true)).toBe(3);
    expect(workerCount(3, 2, true)).toBe(1);
  });

  it("sends only files whose extractor reads nothing else (Python, SQL) to workers", () => {
    expect(isWorkerSafe("db/versions/a1_init.py")).toBe(true);
    expect(isWorkerSafe("sql/0001.sql")).toBe(true);
    expect(isWorkerSafe("infra/main.tf")).toBe(false);
    expect(isWorkerSafe("template.yaml")).toBe(false);
  });

  it("analyses in input order, with the same facts as a worker batch", async () => {
    const inputs = [
      { file: "db/versions/b2.py", text: migration("b2", "a1", 'op.drop_table("users")') },
      { file: "sql/0001.sql", text: "TRUNCATE orders;\n" },
      { file: "notes/readme.py", text: "print('hello')\n" },
      { file: "db/versions/a1.py", text: migration("a1", null, 'op.create_table("users")') },
    ];
    const context = { dialect: "postgresql" as const, migrationDirectories: [] };
    const inThread = await analyseAll(inputs, context, { jobs: 1 });
    expect(inThread.map((a) => a.role)).toEqual(["migration", "sql", "python", "migration"]);
    expect(inThread[0]!.facts!.schemaChanges.map((c) => c.kind)).toEqual(["drop-table"]);
    expect(inThread[1]!.facts!.schemaChanges.map((c) => c.kind)).toEqual(["truncate"]);
    // What a worker returns for the same batch, after the structured clone a thread boundary does.
    const batch = structuredClone(await analyseBatch({ inputs, context }));
    expect(batch).toEqual(JSON.parse(JSON.stringify(inThread)));
  });

  it("scan gives the same findings with --jobs 1 and the default", async () => {
    const cwd = tempProject({
      "db/versions/a1.py": migration("a1", null, 'op.create_table("users")'),
      "db/versions/b2.py": migration("b2", "a1", 'op.drop_table("accounts")'),
      "db/versions/c3.py": migration("c3", "a1", 'op.execute("DELETE FROM sessions")'),
    });
    const one = await scan({ cwd, jobs: 1, configFile: false });
    const auto = await scan({ cwd, configFile: false });
    expect(auto.findings).toEqual(one.findings);
    expect(one.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["sql/drop-table", "sql/delete-without-where", "alembic/multiple-heads"]));
  });

  it("rejects a bad --jobs with exit 2", async () => {
    const cwd = tempProject({ "a.sql": "SELECT 1;\n" });
    for (const bad of ["0", "x", "1.5", "65"]) {
      const run = await runCli(["scan", "--jobs", bad, "."], { cwd });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--jobs ${bad}`);
    }
  });
});
