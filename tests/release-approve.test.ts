// `gonogo approve RELEASE-ID`: a pending release is answered later and carried out on the decision
// and release facts recorded when it was requested — end to end with the real CLI, real step
// scripts and a real 127.0.0.1 health server.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURES, rechainLog, type HealthServer, runMain, servedWorkspace } from "./release-helpers.js";

const servers: HealthServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function workspace() {
  const ws = await servedWorkspace(servers);
  // The test results live in the project, so a test can take them away before the approval.
  copyFileSync(path.join(FIXTURES, "junit-pass.xml"), path.join(ws.dir, "junit.xml"));
  return ws;
}

function run(cwd: string, argv: string[]) {
  return runMain(cwd, argv);
}

/** A production deploy nobody answers: pending, exit 3. Returns its release id. */
async function pendingRelease(ws: Awaited<ReturnType<typeof workspace>>, version = "3.0.0"): Promise<string> {
  const waiting = await run(ws.dir, ["deploy", "--env", "production", "--version", version, "--junit", "junit.xml"]);
  expect(waiting.code).toBe(3);
  const id = ws.events().at(-1)!.releaseId as string;
  expect(waiting.out).toContain(`Release ${id} is pending`);
  return id;
}

describe("gonogo approve RELEASE-ID", () => {
  it("carries the pending release out on the recorded test results (the JUnit file is gone by then) and logs who approved", async () => {
    const ws = await workspace();
    const id = await pendingRelease(ws);
    const decision = ws.events().find((e) => e.releaseId === id && e.event === "decision")!;
    expect(decision.request).toMatchObject({ inputs: { tests: { total: expect.any(Number), failed: 0 } }, configHash: expect.stringMatching(/^sha256:/) });
    rmSync(path.join(ws.dir, "junit.xml"));

    const approved = await run(ws.dir, ["approve", id, "--answer", "yes", "--approver", "alice"]);
    expect(approved.code).toBe(0);
    expect(approved.out).toContain(`resuming pending release ${id}`);
    expect(approved.out).toContain("✓ approved by alice");
    expect(ws.calls()).toEqual(["deploy production 3.0.0"]);
    const events = ws.events().filter((e) => e.releaseId === id);
    expect(new Set(ws.events().map((e) => e.releaseId))).toEqual(new Set([id]));
    expect(events.find((e) => e.event === "approval")).toMatchObject({ answer: "approved", approver: "alice" });
    expect(events.at(-1)).toMatchObject({ event: "completed" });
    // The decision made again is the one approval was asked for.
    const decisions = events.filter((e) => e.event === "decision");
    expect(decisions).toHaveLength(2);
    expect(decisions[1]!.inputsHash).toBe(decisions[0]!.inputsHash);
  });

  it("--answer no rejects it: exit 1, nothing runs, the release is rejected in the log", async () => {
    const ws = await workspace();
    const id = await pendingRelease(ws);
    const r = await run(ws.dir, ["approve", id, "--answer", "no", "--approver", "bob"]);
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual([]);
    const history = JSON.parse((await run(ws.dir, ["log", "--format", "json"])).out);
    expect(history.releases.find((x: { releaseId: string }) => x.releaseId === id)).toMatchObject({ status: "rejected", approver: "bob" });
    // A rejected release is no longer pending: approving it now is an input error.
    const again = await run(ws.dir, ["approve", id, "--answer", "yes", "--approver", "alice"]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`release ${id} (3.0.0 → production) is rejected, not pending`);
  });

  it("is refused when the config changed since approval was asked: exit 1, nothing runs, logged request-changed", async () => {
    const ws = await workspace();
    const id = await pendingRelease(ws);
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("timeout: 30s", "timeout: 31s"));
    const r = await run(ws.dir, ["approve", id, "--answer", "yes", "--approver", "alice"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("the config or policy file changed since approval was asked");
    expect(ws.calls()).toEqual([]);
    expect(ws.events().at(-1)).toMatchObject({ releaseId: id, event: "failed", reason: "request-changed" });
    expect(ws.events().some((e) => e.event === "approval")).toBe(false);
  });

  it("is refused when the code changed since approval was asked (a new migration): nothing runs", async () => {
    const ws = await workspace();
    const id = await pendingRelease(ws);
    writeFileSync(
      path.join(ws.dir, "migrations/versions/0003_drop_users.py"),
      'from alembic import op\n\nrevision = "0003"\ndown_revision = "0002"\n\n\ndef upgrade():\n    op.drop_table("users")\n\n\ndef downgrade():\n    pass\n',
    );
    const r = await run(ws.dir, ["approve", id, "--answer", "yes", "--approver", "alice"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("the code, the release facts or the environment's recorded state changed");
    expect(ws.calls()).toEqual([]);
  });

  it("keeps the policy's approvers: someone not listed is refused, exit 1, nothing runs", async () => {
    const ws = await workspace();
    writeFileSync(ws.config, `${readFileSync(ws.config, "utf8")}policy:\n  environments:\n    production:\n      approvers: [alice]\n`);
    const id = await pendingRelease(ws);
    const r = await run(ws.dir, ["approve", id, "--answer", "yes", "--approver", "mallory"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("approval refused: mallory may not approve production releases");
    expect(ws.calls()).toEqual([]);
  });

  it("an expired pending release cannot be approved: it is closed as expired, exit 1, nothing runs", async () => {
    const ws = await workspace();
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl", "log: .gonogo/deployments.jsonl\npendingExpiry: 1h"));
    const id = await pendingRelease(ws);
    // The request was made two hours ago.
    const aged = readFileSync(ws.log, "utf8").replace(/"ts":"[^"]+"/g, `"ts":"${new Date(Date.now() - 2 * 3600_000).toISOString()}"`);
    writeFileSync(ws.log, aged);
    rechainLog(ws.log);
    const r = await run(ws.dir, ["approve", id, "--answer", "yes", "--approver", "alice"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`release ${id} is no longer pending`);
    expect(ws.calls()).toEqual([]);
    expect(ws.events().at(-1)).toMatchObject({ releaseId: id, event: "failed", reason: "expired" });
  });

  it("input errors exit 2 and log nothing: a malformed id, an unknown release, no --answer off a terminal", async () => {
    const ws = await workspace();
    const bad = await run(ws.dir, ["approve", "r-$(touch PWNED)", "--answer", "yes", "--approver", "alice"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("is not a release id");
    const unknown = await run(ws.dir, ["approve", "r-20261201-101500Z-a1b2c3", "--answer", "yes", "--approver", "alice"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("release r-20261201-101500Z-a1b2c3 of credentialmate is not in the deployment log");
    const id = await pendingRelease(ws);
    const before = ws.events().length;
    const noAnswer = await run(ws.dir, ["approve", id]);
    expect(noAnswer.code).toBe(2);
    expect(noAnswer.err).toContain("needs --answer yes|no|wait --approver NAME");
    expect(ws.events()).toHaveLength(before);
  });
});
