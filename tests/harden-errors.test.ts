// Issue 17, item 9 on the scan side: inputs that used to end in a stack trace (or worse, in
// gonogo replacing a device node or a source file) are clean errors: exit 2, one line naming the
// file and what was expected. Each has a harmless twin that works.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";
import { cleanProject, JUNIT_PASS } from "./hardening-helpers.js";

/** Nine levels of aliases, each a list of nine of the previous: 9^9 strings once expanded. */
function billionLaughs(prefix: string): string {
  const lines = [`${prefix}a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  let previous = "a";
  for (const name of "bcdefghi") {
    lines.push(`${prefix}${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(", ")}]`);
    previous = name;
  }
  return `${lines.join("\n")}\n`;
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |internal error/);

describe("billion-laughs YAML", () => {
  it("attack: in the config file: exit 2 naming the file, no stack trace", async () => {
    const dir = cleanProject();
    writeFileSync(path.join(dir, "gonogo.config.yaml"), `project: shop\nmigrations: alembic/versions\n${billionLaughs("x-")}`);
    const run = await runCli(["scan"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/gonogo\.config\.yaml: invalid YAML: .*aliases that expand without bound/);
    noStack(run.stderr);
  });

  it("attack: in a policy file: exit 2 naming the file, no stack trace", async () => {
    const dir = cleanProject();
    writeFileSync(path.join(dir, "policy.yaml"), billionLaughs(""));
    const run = await runCli(["check", "--env", "production", "--policy", "policy.yaml", "--junit", JUNIT_PASS], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/policy\.yaml: invalid YAML: .*aliases that expand without bound/);
    noStack(run.stderr);
  });

  it("twin: a config with an ordinary anchor and alias works", async () => {
    const dir = cleanProject();
    writeFileSync(path.join(dir, "gonogo.config.yaml"), 'project: shop\nmigrations: alembic/versions\nignore: &built ["build/**"]\noverrides:\n  - files: *built\n    rules: { sql/drop-table: high }\n');
    const run = await runCli(["scan"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

describe("--cache-location that is not gonogo's cache", () => {
  it("attack: /dev/full: exit 2, the device is left alone", async () => {
    const dir = cleanProject();
    const run = await runCli(["scan", "--cache", "--cache-location", "/dev/full"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--cache-location \/dev\/full: is not a regular file/);
    noStack(run.stderr);
  });

  it("attack: onto a source file: exit 2, the file is not overwritten", async () => {
    const dir = cleanProject();
    const source = path.join(dir, "alembic/versions/0001_create_orders.py");
    const before = readFileSync(source, "utf8");
    const run = await runCli(["scan", "--cache", "--cache-location", "alembic/versions/0001_create_orders.py"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exists and is not a gonogo cache file \(refusing to overwrite it\)/);
    noStack(run.stderr);
    expect(readFileSync(source, "utf8")).toBe(before);
  });

  it("twin: a new path, then the cache it wrote, are used", async () => {
    const dir = cleanProject();
    for (let i = 0; i < 2; i++) {
      const run = await runCli(["scan", "--cache", "--cache-location", "build/gonogo-cache.json"], { cwd: dir });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    }
    // A header line, the body's first line (the stamps), then a line per file: its key, a tab, its facts.
    const [header, meta, ...files] = readFileSync(path.join(dir, "build/gonogo-cache.json"), "utf8").split("\n") as [string, string, ...string[]];
    expect(JSON.parse(header)).toHaveProperty("mac");
    expect(JSON.parse(meta)).toHaveProperty("stamps");
    expect(files.length).toBeGreaterThan(0);
    for (const line of files) expect(JSON.parse(line.slice(line.indexOf("\t") + 1))).toHaveProperty("hash");
  });
});
