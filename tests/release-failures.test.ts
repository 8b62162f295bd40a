// Failed releases are not forgotten (the operators' playbook, reproduced end to end with the real
// CLI, real step scripts and a real 127.0.0.1 health server): a production release that failed and
// was not rolled back blocks the next one until rolled back or acknowledged; a rollback goes only
// to a version that completed there; a failed first release is not the first approved release.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURES, rechainLog, type HealthServer, runMain, servedWorkspace } from "./release-helpers.js";

const servers: HealthServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function workspace() {
  const ws = await servedWorkspace(servers);
  return ws;
}

function run(cwd: string, argv: string[]) {
  return runMain(cwd, argv);
}

const junit = path.join(FIXTURES, "junit-pass.xml");
const prod = (version: string, ...extra: string[]) => ["deploy", "--env", "production", "--version", version, "--junit", junit, "--answer", "yes", "--approver", "alice", ...extra];

describe("failed releases are not forgotten", () => {
  it("a failed production release that was not rolled back blocks the next production deploy until it is acknowledged", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, prod("2.0.0"))).code).toBe(0);
    const bad = await run(ws.dir, prod("2.1.0-bad"));
    expect(bad.code).toBe(1);
    const failedId = ws.events().find((e) => e.event === "failed" && e.version === "2.1.0-bad")!.releaseId as string;

    const blocked = await run(ws.dir, prod("2.1.1"));
    expect(blocked.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy production 2.0.0", "deploy production 2.1.0-bad"]);
    expect(blocked.out).toContain(`[failed-release-unresolved] release ${failedId} (2.1.0-bad`);
    expect(blocked.out).toContain(`--acknowledge-failure ${failedId} --approver NAME`);

    // Naming another release, or no approver, is a usage error; nothing is logged.
    const before = ws.events().length;
    const wrong = await run(ws.dir, prod("2.1.1", "--acknowledge-failure", "r-nope"));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(`the unresolved failed release of production is ${failedId} (2.1.0-bad)`);
    const nobody = await run(ws.dir, ["deploy", "--env", "production", "--version", "2.1.1", "--junit", junit, "--acknowledge-failure", failedId]);
    expect(nobody.code).toBe(2);
    expect(ws.events()).toHaveLength(before);

    const acknowledged = await run(ws.dir, prod("2.1.1", "--acknowledge-failure", failedId));
    expect(acknowledged.code).toBe(0);
    expect(ws.events().find((e) => e.event === "acknowledged")).toMatchObject({ acknowledges: failedId, failedVersion: "2.1.0-bad", approver: "alice", environment: "production" });
    expect(ws.calls().at(-1)).toBe("deploy production 2.1.1");
  });

  it("a rollback of the failed release resolves it too", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, prod("2.0.0"))).code).toBe(0);
    expect((await run(ws.dir, prod("2.1.0-bad"))).code).toBe(1);
    const back = await run(ws.dir, ["rollback", "--env", "production", "--to", "2.0.0", "--answer", "yes", "--approver", "alice"]);
    expect(back.code).toBe(0);
    expect((await run(ws.dir, prod("2.1.1"))).code).toBe(0);
  });

  it("rollback --to a version that never completed there is a no-go: nothing runs", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, prod("1.0.0"))).code).toBe(0);
    const r = await run(ws.dir, ["rollback", "--env", "production", "--to", "0.9.0", "--answer", "yes", "--approver", "alice"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("[rollback-target-unknown] 0.9.0 never completed in production");
    expect(ws.calls()).toEqual(["deploy production 1.0.0"]);
  });

  it("a failed first staging release says what to do by hand and is not the approved first release", async () => {
    const ws = await workspace();
    const first = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0-bad", "--answer", "yes", "--approver", "bob"]);
    expect(first.code).toBe(1);
    expect(first.out).toContain("No earlier release of staging is in the log");
    expect(first.out).toMatch(/acknowledge this release on the next deploy: --acknowledge-failure r-\S+ --approver NAME/);
    // The next staging release still needs its first-time approval.
    const next = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.1"]);
    expect(next.code).toBe(3);
    expect(next.out).toContain("first-time-approval");
  });
});

describe("who may approve, and freeze windows (opt-in policy)", () => {
  const withPolicy = (ws: { config: string }, policy: string) => writeFileSync(ws.config, `${readFileSync(ws.config, "utf8")}policy:\n  environments:\n${policy}`);

  it("approvers: an approval by someone not listed is refused, logged, exit 1, nothing runs; a listed approver goes", async () => {
    const ws = await workspace();
    withPolicy(ws, "    production:\n      approvers: [alice, bob]\n");
    const mallory = await run(ws.dir, ["deploy", "--env", "production", "--version", "1.0.0", "--junit", junit, "--answer", "yes", "--approver", "mallory"]);
    expect(mallory.code).toBe(1);
    expect(mallory.out).toContain("approval refused: mallory may not approve production releases (approvers: alice, bob)");
    expect(ws.calls()).toEqual([]);
    expect(ws.events().at(-1)).toMatchObject({ event: "failed", reason: "approval-refused", approver: "mallory" });
    expect(ws.events().some((e) => e.event === "approval")).toBe(false);
    expect((await run(ws.dir, prod("1.0.0"))).code).toBe(0);
    expect(ws.calls()).toEqual(["deploy production 1.0.0"]);
  });

  it("interactiveApproval: --answer cannot approve production", async () => {
    const ws = await workspace();
    withPolicy(ws, "    production:\n      interactiveApproval: true\n");
    const r = await run(ws.dir, prod("1.0.0"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("approval refused: production approvals must be given at a terminal, not with --answer");
    expect(ws.calls()).toEqual([]);
  });

  it("a bad approvers or freeze value is a config error naming the file and the path; nothing is logged", async () => {
    const ws = await workspace();
    withPolicy(ws, "    production:\n      freeze:\n        - days: [fri]\n          from: \"16:00\"\n          to: \"24:00\"\n          timeZone: Mars/Olympus\n");
    const r = await run(ws.dir, prod("1.0.0"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/gonogo\.config\.yaml(:\d+)?: \/policy\/environments\/production\/freeze\/0\/timeZone: expected an IANA time zone/);
    expect(ws.events()).toEqual([]);
  });
});

describe("health.preflight", () => {
  it("a deploy into an environment whose own health check fails is a no-go before any step; a healthy one goes", async () => {
    const ws = await workspace();
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace(/( {2}staging:[\s\S]*? {6}failures: 3)/, "$1\n      preflight: true"));
    writeFileSync(path.join(ws.dir, "staging.version"), "0.9.0-bad");
    const r = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "yes", "--approver", "bob"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[environment-unhealthy\] staging is unhealthy before the release \(http:\/\/127\.0\.0\.1:\d+\/health\/staging: expected HTTP 200, got 500\)/);
    expect(ws.calls()).toEqual([]);
    expect(ws.events().find((e) => e.event === "health")).toMatchObject({ phase: "preflight", ok: false });
    writeFileSync(path.join(ws.dir, "staging.version"), "0.9.0");
    expect((await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "yes", "--approver", "bob"])).code).toBe(0);
    expect(ws.calls()).toEqual(["deploy staging 1.0.0"]);
  });
});

describe("pending releases end", () => {
  it("a second deploy of the same version resumes the pending release; one older than pendingExpiry is closed as expired; the log shows a pending release's age", async () => {
    const ws = await workspace();
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl", "log: .gonogo/deployments.jsonl\npendingExpiry: 1h"));
    const waiting = await run(ws.dir, ["deploy", "--env", "production", "--version", "3.0.0", "--junit", junit]);
    expect(waiting.code).toBe(3);
    const pendingId = ws.events().at(-1)!.releaseId;
    expect((await run(ws.dir, ["deploy", "--env", "production", "--version", "3.0.0", "--junit", junit])).code).toBe(3);
    expect(new Set(ws.events().map((e) => e.releaseId))).toEqual(new Set([pendingId]));
    const table = await run(ws.dir, ["log", "--env", "production"]);
    expect(table.out).toMatch(/3\.0\.0 +deploy +pending \(\d+(ms|\.\d+s|s)\)/);
    // Approved later: the same release completes.
    const approved = await run(ws.dir, prod("3.0.0"));
    expect(approved.code).toBe(0);
    expect(approved.out).toContain(`resuming pending release ${pendingId}`);
    expect(ws.events().filter((e) => e.event === "completed").map((e) => e.releaseId)).toEqual([pendingId]);

    // A pending release older than the expiry is closed by the next release of the environment.
    const old = JSON.stringify({ v: 1, ts: "2020-01-01T00:00:00.000Z", releaseId: "r-old", event: "pending", project: "credentialmate", environment: "production", version: "2.9.0", kind: "deploy", reason: "approval-required" });
    writeFileSync(ws.log, readFileSync(ws.log, "utf8") + old + "\n");
    rechainLog(ws.log);
    const next = await run(ws.dir, prod("3.0.1"));
    expect(next.code).toBe(0);
    expect(next.out).toMatch(/release r-old \(2\.9\.0\) waited .* for an approval: expired/);
    expect(ws.events().find((e) => e.releaseId === "r-old" && e.event === "failed")).toMatchObject({ reason: "expired", message: "no approval within 60m00s" });
    const history = await run(ws.dir, ["log", "--env", "production", "--format", "json"]);
    expect(JSON.parse(history.out).releases.find((r: { releaseId: string }) => r.releaseId === "r-old").status).toBe("expired");
  });
});
