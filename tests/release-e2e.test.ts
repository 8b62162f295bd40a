// End to end: the real CLI (main() in-process) against a real HTTP health server on 127.0.0.1
// and real child-process step scripts from fixtures/release.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FIXTURES, type HealthServer, runMain, servedWorkspace } from "./release-helpers.js";

// The health server reads <state>/<env>.version; each workspace is its own state directory and
// gets its own server.
const servers: HealthServer[] = [];

async function workspace(options: { emptyDowngrade?: boolean } = {}) {
  // One server per workspace so its state directory is the workspace.
  const ws = await servedWorkspace(servers, { ...options });
  return { ...ws, server: servers.at(-1)! };
}

const junit = path.join(FIXTURES, "junit-pass.xml");

function run(cwd: string, argv: string[], env: Record<string, string> = {}) {
  return runMain(cwd, argv, env);
}

afterAll(async () => {
  for (const s of servers) await s.close();
});

describe("gonogo deploy", () => {
  it("development: deploys, passes health, logs every event", async () => {
    const ws = await workspace();
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(ws.calls()).toEqual(["deploy development 1.0.0"]);
    expect(ws.server.requests).toContain("/health/development");
    const events = ws.events();
    expect(events.map((e) => e.event)).toEqual(["requested", "decision", "step-started", "step-finished", "health", "completed"]);
    expect(new Set(events.map((e) => e.releaseId)).size).toBe(1);
    expect(events.every((e) => e.project === "credentialmate" && e.environment === "development" && e.version === "1.0.0" && e.v === 1)).toBe(true);
    expect(events[1]).toMatchObject({ decision: "go" });
    expect(r.out).toContain("is live in development");
  });

  it("development: a failed health check rolls back automatically to the previous version", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"])).code).toBe(0);
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.1.0-bad"]);
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy development 1.0.0", "deploy development 1.1.0-bad", "rollback development 1.0.0"]);
    const events = ws.events().filter((e) => e.version === "1.1.0-bad");
    const health = events.filter((e) => e.event === "health");
    expect(health[0]).toMatchObject({ ok: false, consecutiveFailures: 3 });
    expect(health[1]).toMatchObject({ ok: true });
    expect(events.find((e) => e.event === "rolled-back")).toMatchObject({ automatic: true, ok: true, to: "1.0.0" });
    expect(events.at(-1)).toMatchObject({ event: "failed", reason: "health-failed", rolledBack: true });
    expect(r.out).toContain("rolled back to 1.0.0");
  });

  it("production without an answer: pending, exit 3, nothing ran", async () => {
    const ws = await workspace();
    const r = await run(ws.dir, ["deploy", "--env", "production", "--version", "2.0.0", "--junit", junit]);
    expect(r.code).toBe(3);
    expect(ws.calls()).toEqual([]);
    const events = ws.events();
    expect(events.map((e) => e.event)).toEqual(["requested", "decision", "pending"]);
    expect(events[1]).toMatchObject({ decision: "needs-approval" });
    expect(r.out).toContain("approval required");
  });

  it("production with a failed health check: no automatic rollback, the manual command is printed", async () => {
    const ws = await workspace();
    const ok = await run(ws.dir, ["deploy", "--env", "production", "--version", "2.0.0", "--junit", junit, "--answer", "yes", "--approver", "alice"]);
    expect(ok.code).toBe(0);
    const r = await run(ws.dir, ["deploy", "--env", "production", "--version", "2.1.0-bad", "--junit", junit, "--answer", "yes", "--approver", "alice"]);
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy production 2.0.0", "deploy production 2.1.0-bad"]);
    expect(r.out).toContain("gonogo rollback --env production --to 2.0.0");
    const events = ws.events().filter((e) => e.version === "2.1.0-bad");
    expect(events.some((e) => e.event === "rolled-back")).toBe(false);
    expect(events.find((e) => e.event === "approval")).toMatchObject({ answer: "approved", approver: "alice" });
    expect(events.at(-1)).toMatchObject({ event: "failed", manualRollback: "gonogo rollback --env production --to 2.0.0" });
  });

  it("staging: the first release needs approval, the second does not", async () => {
    const ws = await workspace();
    const first = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0"]);
    expect(first.code).toBe(3);
    expect(ws.calls()).toEqual([]);
    const approved = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "yes", "--approver", "bob"]);
    expect(approved.code).toBe(0);
    const approval = ws.events().find((e) => e.event === "approval");
    // The second run resumed the pending release: the approval answers its latest decision.
    const decision = ws.events().filter((e) => e.event === "decision" && e.releaseId === approval?.releaseId).at(-1);
    expect(new Set(ws.events().map((e) => e.releaseId)).size).toBe(1);
    expect(approval).toMatchObject({ answer: "approved", approver: "bob", environment: "staging", project: "credentialmate" });
    expect(approval?.decisionId).toBe(decision?.decisionId);
    const second = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.1.0"]);
    expect(second.code).toBe(0);
    expect(ws.calls()).toEqual(["deploy staging 1.0.0", "deploy staging 1.1.0"]);
  });

  it("rejects a version with shell syntax before anything runs or is logged", async () => {
    const ws = await workspace();
    for (const version of ["1.0.0;touch pwned", "$(id)", "`id`", "--force", "1.0'0", "1.0\n0"]) {
      const r = await run(ws.dir, ["deploy", "--env", "development", "--version", version]);
      expect(r.code).toBe(2);
      expect(r.err).toContain("invalid version");
    }
    expect(ws.calls()).toEqual([]);
    expect(ws.events()).toEqual([]);
  });
});

describe("gonogo cascade", () => {
  it("halts before production for approval and resumes there without redeploying", async () => {
    const ws = await workspace();
    // Staging has been approved before, so only production asks.
    expect((await run(ws.dir, ["deploy", "--env", "staging", "--version", "0.9.0", "--answer", "yes", "--approver", "bob"])).code).toBe(0);
    const halted = await run(ws.dir, ["cascade", "--version", "1.0.0", "--junit", junit]);
    expect(halted.code).toBe(3);
    expect(ws.calls()).toEqual(["deploy staging 0.9.0", "deploy development 1.0.0", "deploy staging 1.0.0"]);
    expect(halted.out).toMatch(/production\s+PENDING/);
    const resumed = await run(ws.dir, ["cascade", "--version", "1.0.0", "--junit", junit, "--answer", "yes", "--approver", "carol"]);
    expect(resumed.code).toBe(0);
    expect(ws.calls()).toEqual(["deploy staging 0.9.0", "deploy development 1.0.0", "deploy staging 1.0.0", "deploy production 1.0.0"]);
    expect(resumed.out).toMatch(/development\s+SKIPPED/);
    expect(resumed.out).toMatch(/staging\s+SKIPPED/);
    expect(resumed.out).toMatch(/production\s+COMPLETED/);
    const cascadeIds = new Set(ws.events().filter((e) => e.version === "1.0.0").map((e) => e.cascadeId));
    expect(cascadeIds).toEqual(new Set(["c-credentialmate-1.0.0"]));
  });

  it("one --answer never approves two stages: a fresh project's cascade approves staging, then halts pending before production", async () => {
    const ws = await workspace();
    const first = await run(ws.dir, ["cascade", "--version", "2.1.0", "--junit", junit, "--answer", "yes", "--approver", "carol"]);
    expect(first.code).toBe(3);
    expect(ws.calls()).toEqual(["deploy development 2.1.0", "deploy staging 2.1.0"]);
    expect(first.out).toMatch(/staging\s+COMPLETED/);
    expect(first.out).toMatch(/production\s+PENDING/);
    const approvals = ws.events().filter((e) => e.event === "approval");
    expect(approvals.map((e) => [e.environment, e.approver])).toEqual([["staging", "carol"]]);
    // Production is approved by an answer given for it, in its own run.
    const second = await run(ws.dir, ["cascade", "--version", "2.1.0", "--junit", junit, "--answer", "yes", "--approver", "alice"]);
    expect(second.code).toBe(0);
    expect(ws.calls()).toEqual(["deploy development 2.1.0", "deploy staging 2.1.0", "deploy production 2.1.0"]);
    expect(ws.events().filter((e) => e.event === "approval").map((e) => [e.environment, e.approver])).toEqual([["staging", "carol"], ["production", "alice"]]);
  });

  it("stops at the first failed stage and leaves later stages untouched", async () => {
    const ws = await workspace();
    const r = await run(ws.dir, ["cascade", "--version", "1.0.0-bad", "--junit", junit, "--answer", "yes", "--approver", "carol"]);
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy development 1.0.0-bad"]);
    expect(r.out).toMatch(/staging\s+NOT-RUN/);
    expect(r.out).toMatch(/production\s+NOT-RUN/);
  });
});

describe("gonogo rollback", () => {
  it("refuses a downgrade path that includes an empty downgrade, before asking and before running anything", async () => {
    const ws = await workspace({ emptyDowngrade: true });
    const r = await run(ws.dir, ["rollback", "--env", "production", "--to", "1.0.0", "--migrations-to", "0001", "--answer", "yes", "--approver", "alice"]);
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual([]);
    expect(r.out).toContain("0003 (migrations/versions/0003_create_audit_log.py");
    expect(r.out).toContain("EMPTY downgrade");
    expect(r.out).toContain("destroys column users.email");
    expect(r.out).toContain("REFUSED");
    const events = ws.events();
    expect(events.some((e) => e.event === "approval")).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: "failed", reason: "no-go" });
  });

  it("production: asks for approval, rolls back app then migrations, verifies health", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, ["deploy", "--env", "production", "--version", "1.0.0", "--junit", junit, "--answer", "yes", "--approver", "alice"])).code).toBe(0);
    const pending = await run(ws.dir, ["rollback", "--env", "production", "--to", "1.0.0", "--migrations-to", "0001"]);
    expect(pending.code).toBe(3);
    expect(ws.calls()).toEqual(["deploy production 1.0.0"]);
    expect(pending.out).toContain("destroys column users.email");
    const r = await run(ws.dir, ["rollback", "--env", "production", "--to", "1.0.0", "--migrations-to", "0001", "--answer", "yes", "--approver", "alice"]);
    expect(r.code).toBe(0);
    expect(ws.calls()).toEqual(["deploy production 1.0.0", "rollback production 1.0.0", "downgrade 0001"]);
    const events = ws.events().filter((e) => (e.event === "health" || e.event === "completed") && e.kind === "rollback");
    expect(events.map((e) => e.event)).toEqual(["health", "completed"]);
  });
});

describe("gonogo log", () => {
  it("prints the history and one release's report", async () => {
    const ws = await workspace();
    await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "yes", "--approver", "bob"]);
    await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    const table = await run(ws.dir, ["log"]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/DATE\s+ENVIRONMENT\s+VERSION\s+KIND\s+STATUS\s+ROLLBACK\s+APPROVER/);
    expect(table.out).toMatch(/staging\s+1\.0\.0\s+deploy\s+completed\s+-\s+bob/);
    const onlyDev = await run(ws.dir, ["log", "--env", "development", "--format", "json"]);
    const parsed = JSON.parse(onlyDev.out) as { releases: { environment: string; releaseId: string }[] };
    expect(parsed.releases.map((r) => r.environment)).toEqual(["development"]);
    const report = await run(ws.dir, ["log", "--release", parsed.releases[0]!.releaseId]);
    expect(report.out).toContain("DEPLOYMENT COMPLETE");
    expect(report.out).toMatch(/Environment:\s+development/);
    const md = await run(ws.dir, ["log", "--format", "markdown"]);
    expect(md.out).toContain("| Date | Environment | Version | Type | Status | Rollback | Notes |");
    expect(md.out).toMatch(/\| staging \| 1\.0\.0 \| deploy \| completed \| - \| approver bob; revision 0002; r-[0-9a-f-Z]+ \|/);
  });

  it("one release's report: previous version, expected and actual health, a timestamped timeline; a failed one says why", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"])).code).toBe(0);
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.1.0-bad"])).code).toBe(1);
    const id = ws.events().find((e) => e.version === "1.1.0-bad")!.releaseId as string;
    const report = (await run(ws.dir, ["log", "--release", id])).out;
    expect(report).toContain("DEPLOYMENT FAILED");
    expect(report).toMatch(/Previous: +1\.0\.0/);
    expect(report).toMatch(/Health: +expected 200, got 500: FAILED after 3 check\(s\)/);
    expect(report).toContain("Timeline:");
    const timeline = report.slice(report.indexOf("Timeline:")).split("\n").slice(1).filter((l) => /^ {2}\d\d:\d\d:\d\d\.\d{3} {2}/.test(l)).map((l) => l.slice(16));
    expect(timeline).toEqual([
      "requested (running 1.0.0)",
      expect.stringMatching(/^decision go \(d-[0-9a-f]+\)$/),
      "step deploy started",
      expect.stringMatching(/^step deploy ok in /),
      "health FAILED (expected 200, got 500)",
      "rollback step rollback started",
      expect.stringMatching(/^rollback step rollback ok in /),
      "health ok (expected 200, got 200)",
      "rolled back to 1.0.0 (automatic)",
      expect.stringMatching(/^failed \(health-failed\): health check failed/),
    ]);
    const md = (await run(ws.dir, ["log", "--format", "markdown"])).out;
    expect(md).toMatch(/\| development \| 1\.1\.0-bad \| deploy \| failed \| automatic \| from 1\.0\.0; health check failed[^|]*; r-/);
  });
});

describe("faults and bad config", () => {
  it("a step that never ends is killed by its timeout and the release rolls back (development)", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"])).code).toBe(0);
    const hang = `
      - name: migrate
        run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(FIXTURES, "scripts/hang.mjs"))}]
        timeout: 300ms`;
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace(/( {2}development:\n {4}env:\n {6}STATE_DIR: [^\n]+\n {4}steps:)/, `$1${hang}`));
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.1.0"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("timed out after 300ms");
    expect(ws.calls()).toEqual(["deploy development 1.0.0", "rollback development 1.0.0"]);
    const events = ws.events().filter((e) => e.version === "1.1.0");
    expect(events.find((e) => e.event === "step-finished")).toMatchObject({ step: "migrate", timedOut: true, ok: false });
    expect(events.at(-1)).toMatchObject({ event: "failed", reason: "step-failed", rolledBack: true });
  });

  it("an invalid config is a usage error naming the file and line, and nothing runs", async () => {
    const ws = await workspace();
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("timeout: 30s", "timeout: soon"));
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/gonogo\.config\.yaml:\d+:\d+: environments\.development\.steps\[0\]\.timeout/);
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("timeout: soon", "timeout: 30s").replace('"{version}"]', '"{verison}"]'));
    const typo = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("unknown placeholder {verison}");
    expect(ws.calls()).toEqual([]);
    expect(ws.events()).toEqual([]);
  });

  it("--answer without --approver is a usage error", async () => {
    const ws = await workspace();
    const r = await run(ws.dir, ["deploy", "--env", "production", "--version", "1.0.0", "--answer", "yes"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--approver");
    expect(ws.events()).toEqual([]);
  });
});
