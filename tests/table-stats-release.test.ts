// deploy and cascade judge lock and rewrite findings by table size too (--stats), and a database
// that cannot be read is a reason in the decision they log, never a silent downgrade.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { makeWorkspace, memoryIO, startHealthServer, type HealthServer } from "./release-helpers.js";

let health: HealthServer;
beforeAll(async () => {
  health = await startHealthServer(mkdtempSync(path.join(os.tmpdir(), "gonogo-health-")));
});
afterAll(() => health.close());

const INDEX_MIGRATION = `"""index users.email

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade():
    op.create_index("ix_users_email", "users", ["email"])


def downgrade():
    op.drop_index("ix_users_email", table_name="users")
`;

function workspace() {
  const ws = makeWorkspace({ healthUrl: health.url });
  writeFileSync(path.join(ws.dir, "migrations/versions/0003_index_users_email.py"), INDEX_MIGRATION);
  writeFileSync(
    path.join(ws.dir, "table-stats.json"),
    JSON.stringify({ version: 1, dialect: "postgresql", collectedAt: "2026-01-01T00:00:00Z", tables: [{ schema: "public", name: "users", rows: 48_000_000, tableBytes: 21_000_000_000, totalBytes: 31_000_000_000 }] }),
  );
  return ws;
}

const decisions = (events: Record<string, unknown>[]) => events.filter((e) => e.event === "decision") as { environment: string; decision: string; reasons: { code: string; effect: string; message: string }[] }[];

describe("table sizes in the release wrappers", () => {
  it("deploy: the index on a 48 M-row table is critical and blocks staging; without statistics it does not", async () => {
    const ws = workspace();
    const args = ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "yes", "--approver", "ci"];
    const sized = memoryIO(ws.dir);
    expect(await main([...args, "--stats", "table-stats.json"], sized)).toBe(1);
    const [decision] = decisions(ws.events());
    expect(decision!.decision).toBe("no-go");
    expect(decision!.reasons.find((r) => r.code === "blocking-finding")?.message).toContain("on table users (~48 M rows, 31 GB): blocks writes for the whole build");
    expect(ws.calls()).toEqual([]); // nothing ran
    const plain = memoryIO(ws.dir);
    expect(await main(args, plain)).toBe(0);
  });

  it("cascade: stops at staging on the size; a database that cannot be read is a logged reason", async () => {
    const ws = workspace();
    const io = memoryIO(ws.dir);
    expect(await main(["cascade", "--version", "1.0.0", "--through", "staging", "--answer", "yes", "--approver", "ci", "--stats", "table-stats.json"], io)).toBe(1);
    expect(decisions(ws.events()).map((d) => [d.environment, d.decision])).toEqual([["development", "go"], ["staging", "no-go"]]);

    const down = workspace();
    const downIO = memoryIO(down.dir, { STATS_DB: "postgresql://reader:pw-9f2c@127.0.0.1:1/app" });
    expect(await main(["deploy", "--env", "development", "--version", "1.0.0", "--database", "env:STATS_DB", "--database-timeout", "2000"], downIO)).toBe(0);
    const [decision] = decisions(down.events());
    expect(decision!.reasons.find((r) => r.code === "input-unreadable")).toMatchObject({ effect: "info", message: expect.stringContaining("table statistics from env:STATS_DB could not be read: connect ECONNREFUSED") });
    expect(JSON.stringify(down.events()) + downIO.out() + downIO.err()).not.toContain("pw-9f2c");
  });
});
