// `npm run new-rule` writes a rule stub, its fixture folder and a sorted registry entry.
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";

test("new-rule scaffolds a rule, its fixture folder with a starter file, and a sorted registry line", () => {
  const root = mkdtempSync(path.join(tmpdir(), "gonogo-scaffold-"));
  cpSync("scripts", path.join(root, "scripts"), { recursive: true });
  cpSync("rules", path.join(root, "rules"), { recursive: true });
  const out = execFileSync(process.execPath, [path.join(root, "scripts/new-rule.mjs"), "sql/ban-lock-table"], { encoding: "utf8" });
  expect(out).toContain("rules/sql/ban-lock-table.ts");
  const rule = readFileSync(path.join(root, "rules/sql/ban-lock-table.ts"), "utf8");
  expect(rule).toContain('id: "sql/ban-lock-table"');
  expect(rule).toContain('reads: "schemaChanges"');
  // The fixture layout every family shares: one folder per rule, files with an expectation header.
  expect(readFileSync(path.join(root, "fixtures/sql/ban-lock-table/0001_ban_lock_table.sql"), "utf8").split("\n")[0]).toBe("-- expect: sql/ban-lock-table");
  execFileSync(process.execPath, [path.join(root, "scripts/new-rule.mjs"), "infra/bucket-acl-public"], { encoding: "utf8" });
  expect(readFileSync(path.join(root, "fixtures/infra/bucket-acl-public/main.tf"), "utf8").split("\n")[0]).toBe("# expect: infra/bucket-acl-public");
  execFileSync(process.execPath, [path.join(root, "scripts/new-rule.mjs"), "alembic/drop-enum"], { encoding: "utf8" });
  expect(readFileSync(path.join(root, "fixtures/alembic/drop-enum/0001_drop_enum.py"), "utf8").split("\n")[0]).toBe("# expect: alembic/drop-enum");
  const index = readFileSync(path.join(root, "rules/sql/index.ts"), "utf8");
  const importOrder = [...index.matchAll(/from "\.\/([a-z0-9-]+)\.js"/g)].map((m) => m[1]);
  expect(importOrder).toContain("ban-lock-table");
  expect(importOrder).toEqual([...importOrder].sort());
  const listed = index.slice(index.indexOf("= [")).match(/\b[a-zA-Z]+\b/g)!;
  expect(listed).toContain("banLockTable");
  expect(listed.indexOf("banLockTable")).toBeLessThan(listed.indexOf("createIndexNonConcurrently"));
  // A second run refuses to overwrite.
  expect(() => execFileSync(process.execPath, [path.join(root, "scripts/new-rule.mjs"), "sql/ban-lock-table"], { stdio: "pipe" })).toThrow();
});
