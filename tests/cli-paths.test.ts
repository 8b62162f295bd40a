// Named paths and small wording: a path that does not exist is a usage error (exit 2, "no such
// file"), not a file that "vanished"; a dangling symbolic link still exists and is a finding;
// counts are singular when they are one.
import { symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli, tempProject } from "./helpers.js";

describe("paths named on the command line", () => {
  test("scan and check refuse a path that does not exist, naming it, with exit 2", async () => {
    const cwd = tempProject({ "db/ok.sql": "SELECT 1;\n" });
    const scan = await runCli(["scan", "db", "does/not/exist"], { cwd });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain("does/not/exist: no such file or directory");
    expect(scan.stdout + scan.stderr).not.toContain("vanished");
    const check = await runCli(["check", "--env", "development", "nope.sql"], { cwd });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain("nope.sql: no such file or directory");
  });

  test("a dangling symbolic link named on the command line is still a finding of the scan (exit 1)", async () => {
    const cwd = tempProject({ "db/ok.sql": "SELECT 1;\n" });
    symlinkSync(path.join(cwd, "db/gone.sql"), path.join(cwd, "db/link.sql"));
    const scan = await runCli(["scan", "db/link.sql"], { cwd });
    expect(scan.code).toBe(1);
    expect(scan.stdout).toContain("db/link.sql");
  });
});

test("--max-warnings says 1 warning, not 1 warnings", async () => {
  const cwd = tempProject({ "db/rename.sql": "ALTER TABLE users RENAME COLUMN name TO full_name;\n" });
  const one = await runCli(["scan", "db", "--max-warnings", "0"], { cwd });
  expect(one.code).toBe(1);
  expect(one.stderr).toContain("gonogo: 1 warning, more than --max-warnings 0");
});
