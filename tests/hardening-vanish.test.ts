// Directories that vanish mid-scan. Two deterministic cases use the real file system with a hook
// on fs/promises that deletes a directory at an exact moment (after discovery listed it, or just
// before the walk enters it); a third races a real deleting process against repeated scans.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "./helpers.js";
import { cleanProject, JUNIT_PASS, type CheckJson } from "./hardening-helpers.js";

const hooks = vi.hoisted(() => ({ beforeStat: undefined as ((p: string) => void) | undefined, beforeListing: undefined as ((p: string) => void) | undefined }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const stat = ((p: Parameters<typeof actual.stat>[0], ...rest: unknown[]) => {
    hooks.beforeStat?.(String(p));
    return (actual.stat as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof actual.stat;
  // The walk lists a directory with readdir (opendir before): both are hooked.
  const opendir = ((p: Parameters<typeof actual.opendir>[0], ...rest: unknown[]) => {
    hooks.beforeListing?.(String(p));
    return (actual.opendir as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof actual.opendir;
  const readdir = ((p: Parameters<typeof actual.readdir>[0], ...rest: unknown[]) => {
    hooks.beforeListing?.(String(p));
    return (actual.readdir as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof actual.readdir;
  return { ...actual, stat, opendir, readdir, default: { ...actual, stat, opendir, readdir } };
});

// The scan reads files with the synchronous API (faster for many small files): hook its open too.
vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const openSync = ((p: Parameters<typeof actual.openSync>[0], ...rest: unknown[]) => {
    hooks.beforeStat?.(String(p));
    return (actual.openSync as (...a: unknown[]) => number)(p, ...rest);
  }) as typeof actual.openSync;
  return { ...actual, openSync, default: { ...actual, openSync } };
});

afterEach(() => {
  hooks.beforeStat = undefined;
  hooks.beforeListing = undefined;
});

function projectWithSql(): string {
  const dir = cleanProject();
  mkdirSync(path.join(dir, "db/archive"), { recursive: true });
  writeFileSync(path.join(dir, "db/0001_purge.sql"), "DELETE FROM sessions;\n");
  writeFileSync(path.join(dir, "db/0002_reindex.sql"), "REINDEX TABLE orders;\n");
  writeFileSync(path.join(dir, "db/archive/2023_drop.sql"), "DROP TABLE orders_2023;\n");
  return dir;
}

type JsonResults = { filePath: string; messages: { ruleId: string; message: string }[] }[];

describe("a directory that vanishes mid-scan", () => {
  it("after discovery listed its files: each file is reported as vanished, exit 1, production no-go", async () => {
    const dir = projectWithSql();
    // The scan reads files in sorted order: alembic/ first. Reading it removes db/.
    hooks.beforeStat = (p) => {
      if (p.endsWith("0001_create_orders.py")) rmSync(path.join(dir, "db"), { recursive: true, force: true });
    };
    const scan = await runCli(["scan", "--format", "json", "."], { cwd: dir });
    expect(scan.stderr).toBe("");
    expect(scan.code).toBe(1);
    const byFile = Object.fromEntries((JSON.parse(scan.stdout) as JsonResults).map((r) => [path.relative(dir, r.filePath), r.messages]));
    for (const file of ["db/0001_purge.sql", "db/0002_reindex.sql", "db/archive/2023_drop.sql"]) {
      expect(byFile[file], file).toEqual([expect.objectContaining({ ruleId: "sql/parse-error", message: expect.stringContaining("vanished during the scan") })]);
    }

    const restored = projectWithSql();
    hooks.beforeStat = (p) => {
      if (p.endsWith("0001_create_orders.py")) rmSync(path.join(restored, "db"), { recursive: true, force: true });
    };
    const check = await runCli(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: restored });
    expect(check.code).toBe(1);
    const json = JSON.parse(check.stdout) as CheckJson;
    expect(json.decision).toBe("no-go");
    expect(json.reasons.filter((r) => r.code === "unanalysed-file").map((r) => r.findings?.[0]?.file)).toEqual(["db/0001_purge.sql", "db/0002_reindex.sql", "db/archive/2023_drop.sql"]);
  });

  it("while the walk is about to enter it: the directory is reported, its siblings are analysed", async () => {
    const dir = projectWithSql();
    hooks.beforeListing = (p) => {
      if (p.endsWith(`${path.sep}archive`)) rmSync(p, { recursive: true, force: true });
    };
    const scan = await runCli(["scan", "--format", "json", "."], { cwd: dir });
    expect(scan.stderr).toBe("");
    expect(scan.code).toBe(1);
    const byFile = Object.fromEntries((JSON.parse(scan.stdout) as JsonResults).map((r) => [path.relative(dir, r.filePath), r.messages]));
    expect(byFile["db/archive"]).toEqual([expect.objectContaining({ ruleId: "gonogo/file-unreadable", message: expect.stringContaining("vanished") })]);
    expect(byFile["db/0001_purge.sql"]).toEqual([expect.objectContaining({ ruleId: "sql/delete-without-where" })]);
  });

  it("racing a process that keeps creating and deleting directories: never exit 2, never a stack trace", async () => {
    const dir = projectWithSql();
    const churn = `
      const fs = require("fs"), path = require("path");
      const root = ${JSON.stringify(path.join(dir, "db"))};
      let i = 0;
      setInterval(() => {}, 1000);
      fs.writeFileSync(path.join(root, "..", "churn.ready"), "");
      (function loop() {
        const d = path.join(root, "tmp-" + (i++ % 4));
        try { fs.mkdirSync(path.join(d, "deeper"), { recursive: true }); fs.writeFileSync(path.join(d, "x.sql"), "DROP TABLE t;\\n"); fs.writeFileSync(path.join(d, "deeper", "y.sql"), "SELECT 1;\\n"); } catch {}
        try { fs.rmSync(path.join(root, "tmp-" + (i % 4)), { recursive: true, force: true }); } catch {}
        setImmediate(loop);
      })();`;
    const child = spawn(process.execPath, ["-e", churn], { stdio: "ignore" });
    try {
      while (!existsSync(path.join(dir, "churn.ready"))) await new Promise((r) => setTimeout(r, 10));
      const codes = new Set<number>();
      for (let run = 0; run < 40; run++) {
        const scan = await runCli(["scan", "--format", "json", "."], { cwd: dir });
        expect(scan.stderr).toBe("");
        expect(() => JSON.parse(scan.stdout) as unknown).not.toThrow();
        codes.add(scan.code);
      }
      // The purge without WHERE is always there: every run finds something.
      expect([...codes]).toEqual([1]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});
