// Severity by table size (the policy's judgement, no database): thresholds, which rules size can
// lower, tables created in the release, the --stats file's validation, the policy's tableSize and
// its weakening check.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { defaultPolicy, environmentWeakenings, resolvePolicy } from "../src/policy/index.js";
import { judgeTableSizes, parseTableStats, resolveDatabaseSource, type TableStatsSet } from "../src/policy/table-stats/index.js";
import type { Finding, Severity } from "../src/types.js";

const table = (name: string, rows: number | null, totalBytes: number) => ({ schema: "public", name, rows, tableBytes: totalBytes, totalBytes, indexes: [], constraints: [] });
const STATS: TableStatsSet = {
  dialect: "postgresql",
  collectedAt: "2026-01-01T00:00:00.000Z",
  tables: [table("tiny", 300, 80_000), table("mid", 500_000, 200_000_000), table("big", 2_000_000, 500_000_000), table("huge", 48_000_000, 31_000_000_000), table("fat", 5_000, 2_000_000_000), table("fresh", null, 16_384)],
};

function finding(ruleId: string, severity: Severity, tableName: string): Finding {
  return { ruleId, severity, message: `${ruleId} on ${tableName}`, file: "m.sql", line: 1, column: 1, endLine: 1, endColumn: 2, why: "", instead: "", docsUrl: "", data: { table: tableName } };
}

const judged = (ruleId: string, severity: Severity, tableName: string, created?: string[]) => {
  const f = finding(ruleId, severity, tableName);
  judgeTableSizes([f], { stats: STATS, ...(created ? { createdTables: new Set(created) } : {}) });
  return f;
};

describe("severity by table size", () => {
  it.each([
    ["tiny", "info"],
    ["mid", "medium"],
    ["big", "high"],
    ["huge", "critical"],
    ["fat", "high"], // few rows, but 2 GB
    ["fresh", "medium"], // never analysed: rows unknown, small: the rule's own severity
  ] as const)("a non-concurrent index on %s is %s", (name, expected) => {
    expect(judged("sql/create-index-non-concurrently", "medium", name).severity).toBe(expected);
  });

  it("says the size and the cost, and keeps the estimate and the safer form", () => {
    const f = judged("sql/create-index-non-concurrently", "medium", "huge");
    expect(f.message).toBe("sql/create-index-non-concurrently on huge; on table huge (~48 M rows, 31 GB): blocks writes for the whole build (it reads 31 GB)");
    expect(f.data?.tableSize).toMatchObject({ rows: 48_000_000, estimate: { rowsScanned: 48_000_000, bytesRead: 31_000_000_000 }, saferForm: expect.stringContaining("CONCURRENTLY"), severityWithoutStats: "medium" });
  });

  it("data-loss rules are only raised by size, never lowered", () => {
    expect(judged("sql/delete-without-where", "critical", "tiny").severity).toBe("critical");
    expect(judged("sql/update-without-where", "high", "tiny").severity).toBe("high");
    expect(judged("sql/update-without-where", "high", "huge").severity).toBe("critical");
    expect(judged("sql/add-not-null-without-default", "high", "tiny").severity).toBe("high");
    expect(judged("sql/add-not-null-without-default", "high", "accounts", ["accounts"]).severity).toBe("info"); // empty: nothing to fail on
  });

  it("a table created in the release is empty; a table the statistics do not hold keeps everything", () => {
    const created = judged("sql/add-foreign-key-validating", "medium", "orders", ["orders"]);
    expect(created.severity).toBe("info");
    expect(created.message).toContain("(created in this release, empty)");
    const f = finding("sql/create-index-non-concurrently", "medium", "ghost");
    const before = structuredClone(f);
    expect(judgeTableSizes([f], { stats: STATS }).missingTables).toEqual(["ghost"]);
    expect(f).toEqual(before);
  });

  it("rules whose danger is not the table's size are left alone (PostgreSQL's DROP COLUMN rewrites nothing)", () => {
    for (const ruleId of ["sql/drop-column", "sql/drop-table"]) {
      const f = finding(ruleId, "high", "huge");
      const before = structuredClone(f);
      judgeTableSizes([f], { stats: STATS });
      expect(f).toEqual(before);
    }
  });

  it("schema-qualified names and names in another schema", () => {
    const stats: TableStatsSet = { ...STATS, tables: [{ ...table("audit", 50, 1000), schema: "app" }, table("audit", 20_000_000, 1000)] };
    const qualified = finding("sql/alter-column-type", "medium", "app.audit");
    const plain = finding("sql/alter-column-type", "medium", "audit");
    judgeTableSizes([qualified, plain], { stats });
    expect([qualified.severity, plain.severity]).toEqual(["info", "critical"]); // unqualified: public, the default search_path
  });
});

describe("the --stats file", () => {
  it("names the file, the path inside it and what was expected", () => {
    expect(() => parseTableStats("{", "t.json")).toThrow(/^t\.json: invalid JSON/);
    expect(() => parseTableStats(JSON.stringify({ version: 1, dialect: "postgresql", collectedAt: "x", tables: [{ schema: "public", name: "a", rows: -1, tableBytes: 0, totalBytes: 0 }] }), "t.json")).toThrow("t.json: /tables/0/rows: expected must be >= 0");
    expect(() => parseTableStats(JSON.stringify({ version: 1, collectedAt: "x", tables: [] }), "t.json")).toThrow("t.json: /dialect: expected this key (it is required)");
    expect(() => parseTableStats(JSON.stringify({ version: 1, dialect: "mysql", collectedAt: "x", tables: [] }), "t.json")).toThrow('t.json: /dialect: expected one of "postgresql"');
  });

  it("a bad file is exit 2 for scan; a missing one too", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gonogo-stats-file-"));
    writeFileSync(path.join(dir, "m.sql"), "CREATE INDEX i ON t (x);\n");
    writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ version: 2 }));
    let stderr = "";
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: dir, env: {} };
    expect(await main(["scan", "--no-config", "--stats", "bad.json", "."], io)).toBe(2);
    expect(stderr).toContain("bad.json: /");
    expect(await main(["scan", "--no-config", "--stats", "nope.json", "."], io)).toBe(2);
    expect(stderr).toContain("nope.json: cannot read table statistics (no such file)");
    expect(await main(["scan", "--no-config", "--stats", "bad.json", "--database", "env:X", "."], io)).toBe(2);
  });
});

describe("--database values", () => {
  it("env:NAME reads the whole URL from the environment; the password is never shown", () => {
    expect(resolveDatabaseSource("env:DB", { DB: "postgresql://u:pw@h/db" })).toEqual({ url: "postgresql://u:pw@h/db", shown: "env:DB" });
    expect(() => resolveDatabaseSource("env:DB", {})).toThrow("--database env:DB: the environment variable DB is not set");
    expect(() => resolveDatabaseSource("mysql://u:pw@h/db", {})).toThrow("--database mysql://u:REDACTED@h/db: mysql is not supported");
    expect(resolveDatabaseSource("postgresql://u:pw@h/db", {})).toMatchObject({ shown: "postgresql://u:REDACTED@h/db", warning: expect.stringContaining("env:NAME") });
  });
});

describe("the policy's tableSize", () => {
  it("defaults, validation, and raising a threshold is a weakening", () => {
    expect(defaultPolicy().environments.production!.tableSize).toEqual({ infoBelowRows: 10_000, highAboveRows: 1_000_000, highAboveBytes: 1_000_000_000, criticalAboveRows: 10_000_000, criticalAboveBytes: 10_000_000_000 });
    const head = resolvePolicy({ environments: { production: { tableSize: { highAboveRows: 5_000_000 } } } }, { file: "p.yaml", prefix: [] });
    expect(environmentWeakenings("production", defaultPolicy().environments.production!, head.environments.production!)).toEqual(["environments.production.tableSize.highAboveRows raised from 1000000 to 5000000"]);
    const stricter = resolvePolicy({ environments: { production: { tableSize: { infoBelowRows: 10 } } } }, { file: "p.yaml", prefix: [] });
    expect(environmentWeakenings("production", defaultPolicy().environments.production!, stricter.environments.production!)).toEqual([]);
    expect(() => resolvePolicy({ environments: { production: { tableSize: { highAboveRows: 99_000_000 } } } }, { file: "p.yaml", prefix: [] })).toThrow("p.yaml: /environments/production/tableSize/highAboveRows: expected at most criticalAboveRows (10000000), got 99000000");
    expect(() => resolvePolicy({ environments: { production: { tableSize: { rows: 1 } } } }, { file: "p.yaml", prefix: [] })).toThrow("/environments/production/tableSize/rows: expected no such key");
  });
});

describe("reports", () => {
  it("HTML and markdown show the table sizes beside the migrations; without statistics they are unchanged", async () => {
    const { formatMarkdown } = await import("../src/report/markdown.js");
    const { formatHtml } = await import("../src/report/html.js");
    const { formatDecisionMarkdown } = await import("../src/policy/format.js");
    const f = finding("sql/create-index-non-concurrently", "medium", "huge");
    const plain = [{ file: "m.sql", findings: [structuredClone(f)] }];
    const plainMarkdown = formatMarkdown(plain);
    const plainHtml = formatHtml(plain, { generatedAt: "t" });
    expect(plainMarkdown).not.toContain("Table sizes");
    expect(plainHtml).not.toContain("table-sizes");
    judgeTableSizes([f], { stats: STATS });
    const sized = [{ file: "m.sql", findings: [f] }];
    expect(formatMarkdown(sized)).toContain("| `huge` | ~48 M rows, 31 GB | `m.sql:1` |");
    expect(formatHtml(sized, { generatedAt: "t" })).toContain('<p class="meta table-sizes">tables: <code>huge</code> ~48 M rows, 31 GB</p>');
    const decision = { decision: "no-go" as const, environment: "production", reasons: [], requiredApprovals: 0, autoRollback: false, policyHash: "sha256:0", inputsHash: "sha256:0", evaluatedAt: "t" };
    expect(formatDecisionMarkdown(decision, [f])).toContain("| `huge` | ~48 M rows, 31 GB | `m.sql:1` |");
  });
});

describe("the request a pending release records", () => {
  it("keeps the --stats file or env:NAME for gonogo approve, never a URL with a password", async () => {
    const { requestOf } = await import("../src/release/request.js");
    const inputs = { inputProblems: [] };
    expect(requestOf(inputs, { tableStats: { statsFile: "/p/table-stats.json" } }, "h").tableStats).toEqual({ statsFile: "/p/table-stats.json" });
    expect(requestOf(inputs, { tableStats: { database: "env:STATS_DB" } }, "h").tableStats).toEqual({ database: "env:STATS_DB" });
    expect(requestOf(inputs, { tableStats: { database: "postgresql://ro@db/app" } }, "h").tableStats).toEqual({ database: "postgresql://ro@db/app" });
    expect(JSON.stringify(requestOf(inputs, { tableStats: { database: "postgresql://ro:pw-77@db/app" } }, "h"))).not.toContain("pw-77");
  });
});
