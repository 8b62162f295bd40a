// The CLI ships as one bundled script (scripts/bundle-cli.mjs → dist/cli/gonogo.cjs): bin/gonogo.js
// loads it, its worker threads start from the bundled worker entry beside it, and it reports
// exactly what the module build (dist/src/, what `import "gonogo"` gives) reports.
import { isAscii } from "node:buffer";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT, ensureBuilt, runBin } from "./hardening-helpers.js";
import { tempProject } from "./helpers.js";

const migration = (rev: string, parent: string | null, body: string) =>
  `from alembic import op\n\nrevision = "${rev}"\ndown_revision = ${parent ? `"${parent}"` : "None"}\n\n\ndef upgrade():\n    ${body}\n\n\ndef downgrade():\n    pass\n`;

beforeAll(() => ensureBuilt(), 600_000);

describe("the bundled CLI", () => {
  it("is what bin/gonogo.js loads, with the worker entry beside it", () => {
    expect(readFileSync(BIN, "utf8")).toContain('"gonogo.cjs"');
    expect(existsSync(path.join(ROOT, "dist/cli/gonogo.cjs"))).toBe(true);
    expect(existsSync(path.join(ROOT, "dist/cli/pool-worker.js"))).toBe(true);
    // Native and WebAssembly parsers are loaded from node_modules, never inlined.
    const bundle = readFileSync(path.join(ROOT, "dist/cli/gonogo.cjs"), "utf8");
    expect(bundle).toContain('require("libpg-query")');
    // ASCII only: bin/gonogo.js reads it as Latin-1.
    expect(isAscii(Buffer.from(bundle))).toBe(true);
    expect(bundle).not.toContain("node-gyp-build");
  });

  it("runs worker threads (--jobs 2) with the same report as one thread and as the module build", async () => {
    const files: Record<string, string> = {};
    let parent: string | null = null;
    for (let i = 0; i < 30; i++) {
      const rev = `r${String(i).padStart(3, "0")}`;
      files[`db/versions/${rev}.py`] = migration(rev, parent, i % 7 === 3 ? `op.drop_table("t${i}")` : `op.create_table("t${i}")`);
      files[`sql/${rev}.sql`] = i % 5 === 2 ? `DELETE FROM t${i};\n` : `CREATE TABLE t${i} (id int);\n`;
      parent = rev;
    }
    const cwd = tempProject(files);
    const two = await runBin(["scan", "--no-config", "--format", "json", "--jobs", "2", "."], { cwd });
    const one = await runBin(["scan", "--no-config", "--format", "json", "--jobs", "1", "."], { cwd });
    expect(two.stderr).toBe("");
    expect(two.code).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect((JSON.parse(two.stdout) as { messages: { ruleId: string }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId))).toEqual(
      expect.arrayContaining(["sql/drop-table", "sql/delete-without-where"]),
    );
    const { main } = (await import(pathToFileURL(path.join(ROOT, "dist/src/cli/main.js")).href)) as typeof import("../src/cli/main.js");
    let stdout = "";
    const code = await main(["scan", "--no-config", "--format", "json", "--jobs", "2", "."], {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: () => undefined, isTTY: false },
      cwd,
      env: {},
    });
    expect(code).toBe(1);
    expect(stdout).toBe(two.stdout);
  }, 120_000);

  it("answers --version from the bundle", async () => {
    const run = await runBin(["--version"], { cwd: ROOT });
    expect(run.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version);
  });
});
