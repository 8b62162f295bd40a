// --shard K/N splits the files into a partition; the merged JSON/SARIF reports of all shards equal
// the report of one unsharded scan, graph findings (multiple heads) included.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scan } from "../src/engine/scan.js";
import { inShard, parseShard, shardOf } from "../src/engine/shard.js";
import { runCli } from "./helpers.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
let cwd: string;
let files: string[];

beforeAll(() => {
  // A realistic project: the benchmark generator's migrations and SQL, plus a second head.
  cwd = mkdtempSync(path.join(tmpdir(), "gonogo-shard-"));
  execFileSync(process.execPath, [path.join(repoRoot, "bench/corpus.mjs"), "--n", "48", "--seed", "11", "--out", cwd]);
  const versions = path.join(cwd, "alembic/versions");
  const third = readdirSync(versions).sort()[2]!;
  const parent = /^revision = "([0-9a-f]+)"/m.exec(readFileSync(path.join(versions, third), "utf8"))![1]!;
  writeFileSync(
    path.join(versions, "ffff00000001_hotfix_branch.py"),
    `"""hotfix branch\n\nRevision ID: ffff00000001\nRevises: ${parent}\n"""\nfrom alembic import op\n\nrevision = "ffff00000001"\ndown_revision = "${parent}"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.execute("DELETE FROM sessions")\n\n\ndef downgrade():\n    pass\n`,
  );
  files = [
    ...readdirSync(versions).map((f) => `alembic/versions/${f}`),
    ...readdirSync(path.join(cwd, "sql")).map((f) => `sql/${f}`),
  ].sort();
}, 60_000);

describe("--shard K/N", () => {
  it("parses K/N and refuses anything else", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "4", "a/b", "1/0", "-1/2", "1/2/3", "1/5000"]) expect(parseShard(bad)).toBeUndefined();
  });

  it("is a partition: for every N, each file is in exactly one of the shards 1..N", () => {
    for (let count = 1; count <= 8; count++) {
      const owners = files.map((file) => [1, 2, 3, 4, 5, 6, 7, 8].slice(0, count).filter((index) => inShard(file, { index, count })));
      for (const list of owners) expect(list).toHaveLength(1);
      expect(files.every((file) => shardOf(file, count) >= 1 && shardOf(file, count) <= count)).toBe(true);
    }
    // Not everything in one shard: the split actually spreads files.
    expect(new Set(files.map((f) => shardOf(f, 4))).size).toBe(4);
  });

  it("reports every finding of the unsharded scan in exactly one shard", async () => {
    const whole = await scan({ cwd, configFile: false });
    expect(whole.findings.map((f) => f.ruleId)).toContain("alembic/multiple-heads");
    for (let count = 1; count <= 4; count++) {
      const sharded = [];
      for (let index = 1; index <= count; index++) {
        const part = await scan({ cwd, configFile: false, shard: { index, count } });
        for (const finding of part.findings) expect(inShard(finding.file, { index, count })).toBe(true);
        sharded.push(...part.findings);
      }
      expect(sharded.map((f) => `${f.file}:${f.line}:${f.column}:${f.ruleId}`).sort()).toEqual(whole.findings.map((f) => `${f.file}:${f.line}:${f.column}:${f.ruleId}`).sort());
    }
  });

  it("rejects a malformed --shard with exit 2", async () => {
    const run = await runCli(["scan", "--shard", "3/2", "."], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--shard 3/2");
  });
});

describe("gonogo merge-reports", () => {
  for (const format of ["json", "sarif"] as const) {
    it(`merges ${format} shard reports into exactly the unsharded report`, async () => {
      const whole = await runCli(["scan", "--no-config", "-f", format, "-o", `whole.${format}`, "."], { cwd });
      expect(whole.code).toBe(1);
      const parts: string[] = [];
      for (let index = 1; index <= 3; index++) {
        const part = await runCli(["scan", "--no-config", "-f", format, "--shard", `${index}/3`, "-o", `part-${index}.${format}`, "."], { cwd });
        expect([0, 1]).toContain(part.code);
        parts.push(`part-${index}.${format}`);
      }
      const merged = await runCli(["merge-reports", "-o", `merged.${format}`, ...parts.reverse()], { cwd });
      expect(merged.stderr).toBe("");
      expect(merged.code).toBe(1); // the merged report has errors, as the unsharded scan had
      const expected = JSON.parse(readFileSync(path.join(cwd, `whole.${format}`), "utf8"));
      const actual = JSON.parse(readFileSync(path.join(cwd, `merged.${format}`), "utf8"));
      expect(actual).toEqual(expected);
    }, 60_000);
  }

  it("refuses mixed formats and files that are not gonogo reports (exit 2)", async () => {
    await runCli(["scan", "--no-config", "-f", "json", "--shard", "1/2", "-o", "a.json", "."], { cwd });
    await runCli(["scan", "--no-config", "-f", "sarif", "--shard", "2/2", "-o", "b.sarif", "."], { cwd });
    writeFileSync(path.join(cwd, "junk.json"), '{"hello": 1}');
    const mixed = await runCli(["merge-reports", "a.json", "b.sarif"], { cwd });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("mix JSON and SARIF");
    const junk = await runCli(["merge-reports", "a.json", "junk.json"], { cwd });
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain("junk.json");
    const missing = await runCli(["merge-reports", "a.json", "nope.json"], { cwd });
    expect(missing.code).toBe(2);
  });
});
