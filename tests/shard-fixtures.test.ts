// `--shard K/N` + `merge-reports` over the project's own fixtures/ (many unrelated Alembic
// projects sharing ids like 0001, Terraform modules, SQL, CloudFormation…) is byte for byte the
// unsharded JSON report (the benchmark corpus: the merge-reports tests beside the --shard ones).
import path from "node:path";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures");

describe("sharded fixtures/", () => {
  it("merge-reports of 3 shards equals the unsharded JSON report, byte for byte", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "gonogo-shard-fixtures-"));
    const whole = await runCli(["scan", "--no-config", "-f", "json", "-o", path.join(out, "whole.json"), "."], { cwd: fixtures });
    expect(whole.code).toBe(1);
    const parts: string[] = [];
    for (let index = 1; index <= 3; index++) {
      const part = path.join(out, `part-${index}.json`);
      const run = await runCli(["scan", "--no-config", "-f", "json", "--shard", `${index}/3`, "-o", part, "."], { cwd: fixtures });
      expect([0, 1]).toContain(run.code);
      parts.push(part);
    }
    const merged = await runCli(["merge-reports", "-o", path.join(out, "merged.json"), ...parts], { cwd: fixtures });
    expect(merged.stderr).toBe("");
    const wholeText = readFileSync(path.join(out, "whole.json"), "utf8");
    // The unsharded report has graph findings (unrelated projects each with their own 0001) and a
    // Terraform finding that needs its module's variables.tf: both must survive sharding.
    expect(wholeText).toContain("alembic/multiple-heads");
    expect(wholeText).toContain("(default true)");
    expect(readFileSync(path.join(out, "merged.json"), "utf8")).toBe(wholeText);
  }, 180_000);
});
