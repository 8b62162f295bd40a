// Bad input never crashes the scan and never passes silently: each bad file gets a finding, the
// scan goes on, and the exit code is 1 (findings), never 2 (usage) or a stack trace.
import { chmodSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";
import { runCli, tempProject } from "./helpers.js";

const good = [
  '"""good"""',
  "from alembic import op",
  'revision = "0001"',
  "down_revision = None",
  "",
  "def upgrade():",
  '    op.create_index("ix_a", "a", ["x"], postgresql_concurrently=True)',
  "",
  "def downgrade():",
  '    op.drop_index("ix_a", table_name="a")',
  "",
].join("\n");

function mkfifo(p: string): void {
  // Node has no mkfifo; the coreutils binary is on every Debian image.
  execFileSync("mkfifo", [p]);
}

describe("a directory with a syntax error, a binary file and a 20 MB file", () => {
  const dir = tempProject({
    "alembic/versions/0001_good.py": good,
    "alembic/versions/0002_syntax.py": 'revision = "0002"\ndown_revision = "0001"\n\ndef upgrade(:\n    op.drop_table("users")\n',
    "alembic/versions/0003_binary.py": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    "alembic/versions/0004_huge.py": `revision = "0004"\ndown_revision = "0003"\nDATA = """${"x".repeat(20 * 1024 * 1024)}"""\n`,
    "db/0005_latin1.sql": Buffer.concat([Buffer.from("-- caf"), Buffer.from([0xe9]), Buffer.from("\nSELECT 1;\n")]),
  });

  test("each is reported and the scan exits 1", async () => {
    const run = await runCli(["scan", "--format", "json", "."], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; message: string; line: number }[] }[];
    const byFile = Object.fromEntries(results.map((r) => [path.relative(dir, r.filePath), r.messages]));
    expect(byFile["alembic/versions/0002_syntax.py"]).toContainEqual(expect.objectContaining({ ruleId: "alembic/parse-error", line: 4 }));
    expect(byFile["alembic/versions/0003_binary.py"]).toContainEqual(expect.objectContaining({ ruleId: "alembic/parse-error", message: expect.stringContaining("binary file") }));
    expect(byFile["alembic/versions/0004_huge.py"]).toContainEqual(expect.objectContaining({ ruleId: "alembic/parse-error", message: expect.stringContaining("over the 10.0 MB analysis limit") }));
    expect(byFile["db/0005_latin1.sql"]).toContainEqual(expect.objectContaining({ ruleId: "sql/parse-error", message: expect.stringContaining("invalid UTF-8 at byte 6") }));
    // The good migration is still analysed: no finding, but it is part of the graph.
    expect(byFile["alembic/versions/0001_good.py"]).toBeUndefined();
  });

  test("the unanalysed files are listed for the policy", async () => {
    const result = await scan({ cwd: dir, configFile: false });
    expect(result.unanalysed.map((u) => u.file).sort()).toEqual([
      "alembic/versions/0002_syntax.py",
      "alembic/versions/0003_binary.py",
      "alembic/versions/0004_huge.py",
      "db/0005_latin1.sql",
    ]);
  });
});

describe("the file system", () => {
  test("a symlink loop, a FIFO and a dangling link are reported, the scan goes on", async () => {
    const dir = tempProject({ "alembic/versions/0001_good.py": good, "alembic/versions/0002_drop.py": good.replace('"0001"', '"0002"').replace("None", '"0001"').replace('op.create_index("ix_a", "a", ["x"], postgresql_concurrently=True)', 'op.drop_table("legacy")') });
    symlinkSync(path.join(dir, "alembic"), path.join(dir, "alembic", "versions", "loop"));
    symlinkSync(path.join(dir, "self-a.sql"), path.join(dir, "self-b.sql"));
    symlinkSync(path.join(dir, "self-b.sql"), path.join(dir, "self-a.sql"));
    mkfifo(path.join(dir, "alembic", "versions", "0003_pipe.py"));
    const run = await runCli(["scan", "--format", "json", "."], { cwd: dir });
    expect(run.code).toBe(1);
    const messages = (JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; message: string }[] }[]).flatMap((r) =>
      r.messages.map((m) => ({ file: path.relative(dir, r.filePath), ruleId: m.ruleId, message: m.message })),
    );
    expect(messages).toContainEqual(expect.objectContaining({ file: "alembic/versions/loop", ruleId: "gonogo/file-unreadable", message: expect.stringContaining("symbolic link loop") }));
    expect(messages).toContainEqual(expect.objectContaining({ file: "self-a.sql", ruleId: "gonogo/file-unreadable", message: expect.stringContaining("symbolic link loop") }));
    expect(messages).toContainEqual(expect.objectContaining({ file: "alembic/versions/0003_pipe.py", ruleId: "alembic/parse-error", message: expect.stringContaining("FIFO") }));
    // The real migrations are still analysed.
    expect(messages).toContainEqual(expect.objectContaining({ file: "alembic/versions/0002_drop.py", ruleId: "sql/drop-table" }));
  });

  test("an unreadable file is reported (skipped when running as root, who can read anything)", async () => {
    if (process.getuid?.() === 0) {
      // Root bypasses permission bits; prove the reader's mapping instead.
      const { describeFsError } = await import("../src/engine/read.js");
      expect(describeFsError(Object.assign(new Error("x"), { code: "EACCES" }))).toBe("permission denied");
      return;
    }
    const dir = tempProject({ "db/secret.sql": "DROP TABLE users;\n" });
    chmodSync(path.join(dir, "db/secret.sql"), 0o000);
    const result = await scan({ cwd: dir, configFile: false });
    expect(result.findings).toContainEqual(expect.objectContaining({ ruleId: "sql/parse-error", message: expect.stringContaining("permission denied") }));
  });

  test("a path that does not exist is a usage error of the CLI, and a 'no such file' finding of scan()", async () => {
    const dir = tempProject({ "db/a.sql": "SELECT 1;\n" });
    writeFileSync(path.join(dir, "db", "b.sql"), "SELECT 2;\n");
    const run = await runCli(["scan", "--format", "json", "missing-dir", "db"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing-dir: no such file or directory");
    const result = await scan({ cwd: dir, configFile: false, paths: ["missing-dir", "db"] });
    expect(result.findings).toContainEqual(expect.objectContaining({ ruleId: "gonogo/file-unreadable", file: "missing-dir", message: expect.stringContaining("no such file or directory") }));
    expect(result.findings.map((f) => f.message).join("\n")).not.toContain("vanished");
  });
});
