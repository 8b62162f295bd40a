// Table statistics read from a real PostgreSQL (a throwaway cluster, tests/pg-cluster.ts; no mock):
// the same migration on a big and a small table gets different severities; the reader works as a
// role without write privileges and sends nothing but catalog reads (the server logs every
// statement of that role); --stats FILE (from gonogo stats export) gives the same findings as
// --database; an unreachable database, a wrong password, a timeout and a table missing from the
// statistics are clear messages and leave today's severities, never a crash.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { postgresAvailable, startCluster, type PgCluster } from "./pg-cluster.js";

const withPostgres = postgresAvailable();
let cluster: PgCluster | undefined;
let adminUrl = "";
let readerUrl = "";
const PASSWORD = "s3cret-Pw-9f2c";
const project = mkdtempSync(path.join(os.tmpdir(), "gonogo-table-stats-"));

// Lowered thresholds: ~20,000 rows count as big without a slow test.
const CONFIG = `policy:
  environments:
    production:
      tableSize: { infoBelowRows: 100, highAboveRows: 5000, criticalAboveRows: 1000000 }
`;

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (!withPostgres) return;
  cluster = await startCluster();
  adminUrl = await cluster.createDatabase("app");
  await sql(adminUrl, `
    CREATE TABLE events (id bigserial PRIMARY KEY, user_id bigint NOT NULL, payload text);
    INSERT INTO events (user_id, payload) SELECT g % 500, 'x' FROM generate_series(1, 20000) g;
    CREATE TABLE small (id bigserial PRIMARY KEY, user_id bigint NOT NULL);
    INSERT INTO small (user_id) SELECT g FROM generate_series(1, 40) g;
    CREATE TABLE measurements (id bigint NOT NULL, taken date NOT NULL) PARTITION BY RANGE (taken);
    CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    INSERT INTO measurements SELECT g, date '2025-06-01' + (g % 400) FROM generate_series(1, 9000) g;
    CREATE TABLE never_analysed (id int);
    ANALYZE events; ANALYZE small; ANALYZE measurements;
    CREATE ROLE reader LOGIN PASSWORD '${PASSWORD}';
    ALTER ROLE reader SET log_statement = 'all';`);
  // The reader's connections need its password; every other stays trusted.
  const hba = (await sql(adminUrl, "SHOW hba_file")).rows[0].hba_file as string;
  writeFileSync(hba, `local all reader scram-sha-256\n${readFileSync(hba, "utf8")}`);
  await sql(adminUrl, "SELECT pg_reload_conf()");
  readerUrl = adminUrl.replace("postgres@", `reader:${PASSWORD}@`);
  mkdirSync(path.join(project, "migrations"));
  writeFileSync(path.join(project, "gonogo.config.yaml"), CONFIG);
  writeFileSync(path.join(project, "migrations", "0001_index_events.sql"), "CREATE INDEX idx_events_user ON events (user_id);\n");
  writeFileSync(path.join(project, "migrations", "0002_index_small.sql"), "CREATE INDEX idx_small_user ON small (user_id);\n");
}, 180_000);
afterAll(() => cluster?.stop());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function gonogo(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: project, env });
  return { code, stdout, stderr };
}

interface Message {
  ruleId: string;
  gonogoSeverity: string;
  message: string;
  line: number;
  column: number;
}

const messagesOf = (run: Run): (Message & { file: string })[] =>
  (JSON.parse(run.stdout) as { filePath: string; messages: Message[] }[]).flatMap((r) => r.messages.map((m) => ({ ...m, file: path.basename(r.filePath) })));
const severities = (run: Run) => Object.fromEntries(messagesOf(run).map((m) => [m.file, m.gonogoSeverity]));

/** Statements the server logged for the reader role (log_statement = all), in order. */
function loggedStatements(): string[] {
  const log = readFileSync(path.join(cluster!.dir, "server.log"), "utf8");
  const statements: string[] = [];
  let current: string | undefined;
  for (const line of log.split("\n")) {
    const start = /^\d{4}-\d\d-\d\d [^ ]+ [^ ]+ \[\d+\] (\w+):\s+(.*)$/.exec(line);
    if (start) {
      if (current !== undefined) statements.push(current.trim());
      const logged = start[1] === "LOG" ? /^(?:statement|execute [^:]+): (.*)$/.exec(start[2]!) : null;
      current = logged ? logged[1] : undefined;
    } else if (current !== undefined) current += `\n${line}`;
  }
  if (current !== undefined) statements.push(current.trim());
  return statements;
}

describe.skipIf(!withPostgres)("table statistics from PostgreSQL", () => {
  it("the same migration on a big and on a small table: different severities, the size in the message", async () => {
    const run = await gonogo(["scan", "--format", "json", "--database", "env:APP_DB", "migrations"], { APP_DB: readerUrl });
    expect(run.stderr).toBe("");
    expect(severities(run)).toEqual({ "0001_index_events.sql": "high", "0002_index_small.sql": "info" });
    const [big, small] = messagesOf(run);
    expect(big).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/^Index idx_events_user is created on table events without CONCURRENTLY; on table events \(~20 k rows, \d+(\.\d)? [kM]B\): blocks writes for the whole build/) });
    expect(small!.message).toMatch(/on table small \(40 rows, /);
    expect(run.code).toBe(1); // a high finding
    // Without statistics: today's severities.
    expect(severities(await gonogo(["scan", "--format", "json", "migrations"]))).toEqual({ "0001_index_events.sql": "medium", "0002_index_small.sql": "medium" });
  });

  it("reads as a role without write privileges, and sends only catalog reads in a read-only transaction", async () => {
    // The role really cannot write.
    await expect(sql(readerUrl, "INSERT INTO small (user_id) VALUES (1)")).rejects.toThrow(/permission denied/);
    const before = loggedStatements().length;
    const run = await gonogo(["stats", "export", "--database", "env:APP_DB"], { APP_DB: readerUrl });
    expect(run.code).toBe(0);
    const sent = loggedStatements().slice(before);
    expect(sent.slice(0, 2)).toEqual(["BEGIN", "SET TRANSACTION READ ONLY"]);
    expect(sent.at(-1)).toBe("ROLLBACK");
    const reads = sent.slice(2, -1);
    expect(reads.length).toBe(2);
    for (const statement of reads) {
      expect(statement).toMatch(/^(SELECT|WITH)\b/);
      expect(statement).not.toMatch(/\b(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE|LOCK|COPY|GRANT|VACUUM|ANALYZE)\b/i);
      // Every relation read is the catalog's (or a name the statement itself defines).
      const relations = [...statement.matchAll(/\b(?:FROM|JOIN)\s+(?:LATERAL\s+)?([A-Za-z_][\w.]*)/g)].map((m) => m[1]!);
      expect(relations.filter((r) => !r.startsWith("pg_catalog.") && !["target", "leaves", "sizes"].includes(r))).toEqual([]);
    }
    const exported = JSON.parse(run.stdout) as { version: number; dialect: string; database: string; tables: { name: string; rows: number; indexes: { name: string }[]; constraints: { type: string }[] }[] };
    expect(exported).toMatchObject({ version: 1, dialect: "postgresql", database: "app" });
    const events = exported.tables.find((t) => t.name === "events")!;
    expect(events.rows).toBeGreaterThan(15_000);
    expect(events.indexes.map((i) => i.name)).toEqual(["events_pkey"]);
    expect(events.constraints.map((c) => c.type)).toEqual(["primary-key"]);
    // A partitioned table is the sum of its partitions (its own relation is empty).
    const measurements = exported.tables.find((t) => t.name === "measurements")!;
    const partitions = exported.tables.filter((t) => t.name.startsWith("measurements_"));
    expect(partitions.map((t) => t.rows).reduce((a, b) => a + b, 0)).toBeGreaterThan(8000);
    expect(measurements.rows).toBe(partitions.map((t) => t.rows).reduce((a, b) => a + b, 0));
    // Never analysed: rows unknown (null), not 0 — an unknown never lowers a severity.
    expect(exported.tables.find((t) => t.name === "never_analysed")!.rows).toBeNull();
    // The password is nowhere in what gonogo printed.
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it("--stats FILE (written by gonogo stats export) and --database give the same findings", async () => {
    const exported = await gonogo(["stats", "export", "--database", "env:APP_DB", "--output", "table-stats.json"], { APP_DB: readerUrl });
    expect(exported.code).toBe(0);
    const fromFile = await gonogo(["scan", "--format", "json", "--stats", "table-stats.json", "migrations"]);
    const fromDatabase = await gonogo(["scan", "--format", "json", "--database", "env:APP_DB", "migrations"], { APP_DB: readerUrl });
    expect(messagesOf(fromFile)).toEqual(messagesOf(fromDatabase));
    expect(fromFile.code).toBe(fromDatabase.code);
  });

  it("check: sizes judge the decision; a database that cannot be read is a reason, not a silent downgrade", async () => {
    const decide = async (env: string, args: string[], vars: Record<string, string> = {}) => {
      const run = await gonogo(["check", "--env", env, "--format", "json", "--log", path.join(project, "log.jsonl"), ...args, "migrations"], vars);
      return { ...run, decision: JSON.parse(run.stdout) as { decision: string; reasons: { code: string; effect: string; message: string }[] } };
    };
    const sized = await decide("production", ["--database", "env:APP_DB"], { APP_DB: readerUrl });
    expect(sized.decision.reasons.find((r) => r.code === "blocking-finding")?.message).toContain("on table events (~20 k rows");
    expect(sized.decision.reasons.find((r) => r.code === "table-sizes")).toMatchObject({ effect: "info", message: expect.stringContaining("2 lock or rewrite findings judged by table size") });
    const down = await decide("production", ["--database", "env:APP_DB"], { APP_DB: readerUrl.replace(/:\d+\//, ":1/").replace(/\?host=.*$/, "") });
    expect(down.decision.decision).toBe("no-go");
    expect(down.decision.reasons.find((r) => r.code === "input-unreadable")).toMatchObject({ effect: "no-go", message: expect.stringContaining("table statistics from env:APP_DB could not be read") });
    const dev = await decide("development", ["--database", "env:APP_DB"], { APP_DB: readerUrl.replace(PASSWORD, "wrong-password") });
    expect(dev.decision.reasons.find((r) => r.code === "input-unreadable")).toMatchObject({ effect: "info", message: expect.stringContaining("authentication failed") });
    expect(dev.stdout + dev.stderr).not.toContain("wrong-password");
  });

  it("unreachable, wrong password, timeout, a missing table: a clear message and today's severities", async () => {
    const today = { "0001_index_events.sql": "medium", "0002_index_small.sql": "medium" };
    const unreachable = await gonogo(["scan", "--format", "json", "--database", "env:APP_DB", "--database-timeout", "2000", "migrations"], { APP_DB: "postgresql://reader@127.0.0.1:1/app" });
    expect(severities(unreachable)).toEqual(today);
    expect(unreachable.stderr).toMatch(/cannot read table statistics from env:APP_DB: connect ECONNREFUSED .*; findings keep their default severity/);

    const wrong = await gonogo(["scan", "--format", "json", "--database", readerUrl.replace(PASSWORD, "not-it-1234"), "migrations"]);
    expect(severities(wrong)).toEqual(today);
    expect(wrong.stderr).toContain("authentication failed");
    expect(wrong.stderr).toContain("a password on the command line is visible");
    expect(wrong.stderr).not.toContain("not-it-1234");

    // A migration holding the table: the catalog read waits for its lock until the timeout.
    const holder = new pg.Client({ connectionString: adminUrl });
    await holder.connect();
    try {
      await holder.query("BEGIN; LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      const timedOut = await gonogo(["scan", "--format", "json", "--database", "env:APP_DB", "--database-timeout", "300", "migrations"], { APP_DB: readerUrl });
      expect(severities(timedOut)).toEqual(today);
      expect(timedOut.stderr).toMatch(/cannot read table statistics from env:APP_DB: (lock|statement) timeout/);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }

    writeFileSync(path.join(project, "migrations", "0003_index_ghost.sql"), "CREATE INDEX idx_ghost ON ghost (x);\n");
    try {
      const missing = await gonogo(["scan", "--format", "json", "--database", "env:APP_DB", "migrations"], { APP_DB: readerUrl });
      expect(severities(missing)).toMatchObject({ "0001_index_events.sql": "high", "0003_index_ghost.sql": "medium" });
      expect(missing.stderr).toContain("table statistics from env:APP_DB hold no table ghost: its lock and rewrite findings keep their default severity");
    } finally {
      writeFileSync(path.join(project, "migrations", "0003_index_ghost.sql"), "-- nothing\n");
    }
  });
});
