// Config and policy errors: wrong types, unknown keys, unknown rule ids, bad globs, invalid YAML.
// Each gives a message with the file, the line and what was expected, exits 2, and nothing runs:
// no scan output, no deploy step, nothing in the deployment log.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { makeWorkspace, memoryIO } from "./release-helpers.js";

const POLICIES = path.join(import.meta.dirname, "..", "fixtures", "policy", "policies");

/** Each appends to a valid release config; `line` is where the mistake is in that appended text. */
const BAD_CONFIGS: { name: string; append: string; expected: RegExp }[] = [
  { name: "a wrong type", append: "maxFileBytes: lots\n", expected: /gonogo\.config\.yaml:(\d+):\d+: maxFileBytes must be of type (integer|number)/ },
  { name: "an unknown key", append: "ignroe:\n  - build/**\n", expected: /gonogo\.config\.yaml:(\d+):\d+: ignroe is not a known key/ },
  { name: "an unknown rule id", append: "rules:\n  sql/drop-tabel: off\n", expected: /gonogo\.config\.yaml:(\d+):\d+: rules\.sql\/drop-tabel is not a known rule id/ },
  { name: "an invalid severity", append: "rules:\n  sql/drop-table: fatal\n", expected: /gonogo\.config\.yaml:(\d+):\d+: rules\.sql\/drop-table must be one of/ },
  { name: "a bad glob", append: "ignore:\n  - db/[abc\n", expected: /gonogo\.config\.yaml:(\d+):\d+: ignore\[0\] is not a valid glob/ },
  { name: "invalid YAML", append: "rules: {sql/drop-table: off\n", expected: /gonogo\.config\.yaml:(\d+):\d+: invalid YAML/ },
];

async function run(cwd: string, argv: string[]) {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe.each(BAD_CONFIGS)("a config with $name", ({ append, expected }) => {
  it("scan, check and deploy: file, line and what was expected; exit 2; nothing runs", async () => {
    const ws = makeWorkspace({ healthUrl: "http://127.0.0.1:1" });
    const valid = readFileSync(ws.config, "utf8");
    writeFileSync(ws.config, valid + append);
    const firstAppendedLine = valid.split("\n").length;
    for (const argv of [
      ["scan", "."],
      ["check", "--env", "development"],
      ["deploy", "--env", "development", "--version", "1.0.0"],
      ["rollback", "--env", "development", "--to", "0.9.0"],
    ]) {
      const r = await run(ws.dir, argv);
      expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
      expect(r.out).toBe("");
      const match = expected.exec(r.err);
      expect(match, `${argv[0]}: ${r.err}`).not.toBeNull();
      // The line points into the appended text, not somewhere else in the file.
      expect(Number(match![1])).toBeGreaterThanOrEqual(firstAppendedLine);
      expect(r.err).toContain(ws.config);
    }
    expect(ws.calls()).toEqual([]);
    expect(ws.events()).toEqual([]);
  });
});

describe("a policy file with a mistake (--policy)", () => {
  it.each([
    ["unknown-key.yaml", /unknown-key\.yaml:5: \/environments\/production\/require\/coverge: expected no such key/],
    ["bad-approval.yaml", /bad-approval\.yaml:3: \/environments\/staging\/approval: expected one of "never", "first-time", "always"/],
    ["invalid.yaml", /invalid\.yaml:4(:\d+)?: .*(YAML|indent)/i],
    ["unknown-rule.yaml", /unknown-rule\.yaml:4: \/environments\/production\/block\/rules\/0: expected a known rule id, got "alembic\/no-such-rule"/],
  ])("%s: check and deploy exit 2 naming file and line; nothing runs", async (file, expected) => {
    const ws = makeWorkspace({ healthUrl: "http://127.0.0.1:1" });
    const policy = path.join(POLICIES, file);
    const check = await run(ws.dir, ["check", "--env", "production", "--policy", policy]);
    expect(check.code).toBe(2);
    expect(check.err).toMatch(expected);
    const deploy = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0", "--policy", policy]);
    expect(deploy.code).toBe(2);
    expect(deploy.err).toMatch(expected);
    expect(ws.calls()).toEqual([]);
    // The release may record that its preflight failed, but no step was started.
    expect(ws.events().filter((e) => e.event === "step-started")).toEqual([]);
  });
});
