// History the change cannot write: the deployment log lives outside the work tree by default; a log
// inside a git work tree needs logInWorkTree: true and is never read when git tracks it — so a
// forged approval committed with the change grants nothing. Real CLI, real git, real step scripts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultLogPath } from "../src/engine/log-location.js";
import { type HealthServer, runMain, servedWorkspace } from "./release-helpers.js";

const servers: HealthServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const stateDir = mkdtempSync(path.join(os.tmpdir(), "gonogo-state-"));

async function workspace(logLines: string) {
  const ws = await servedWorkspace(servers);
  writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl\n", logLines));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: ws.dir, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  return { ...ws, git };
}

function run(cwd: string, argv: string[]) {
  return runMain(cwd, argv, { GONOGO_STATE_DIR: stateDir });
}

// An approved staging release of credentialmate: with it, staging is no longer "first time".
const forgedApproval = [
  { v: 1, ts: "2026-11-01T10:00:00.000Z", releaseId: "r-20261101-100000Z-f0f0f0", event: "approval", project: "credentialmate", environment: "staging", version: "0.9.0", kind: "deploy", answer: "approved", approver: "mallory" },
  { v: 1, ts: "2026-11-01T10:00:01.000Z", releaseId: "r-20261101-100000Z-f0f0f0", event: "completed", project: "credentialmate", environment: "staging", version: "0.9.0", kind: "deploy" },
]
  .map((e) => JSON.stringify(e))
  .join("\n");

describe("the deployment log is history the change cannot write", () => {
  it("by default it lives outside the work tree, one per project; deploy writes there and gonogo log reads it", async () => {
    const ws = await workspace("");
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.code).toBe(0);
    const expected = defaultLogPath("credentialmate", ws.dir, { GONOGO_STATE_DIR: stateDir });
    expect(expected.startsWith(stateDir)).toBe(true);
    expect(readFileSync(expected, "utf8")).toContain('"event":"completed"');
    expect(existsSync(path.join(ws.dir, ".gonogo"))).toBe(false);
    const log = await run(ws.dir, ["log", "--format", "json"]);
    expect(JSON.parse(log.out).releases.map((x: { version: string }) => x.version)).toEqual(["1.0.0"]);
    // Another project (another root) has its own log.
    expect(defaultLogPath("credentialmate", path.join(ws.dir, "other"), { GONOGO_STATE_DIR: stateDir })).not.toBe(expected);
  });

  it("a log inside the git work tree is refused unless allowed: exit 2, nothing runs, nothing is logged", async () => {
    const ws = await workspace("log: .gonogo/deployments.jsonl\n");
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("is inside the git work tree");
    expect(r.err).toContain("logInWorkTree: true");
    expect(ws.calls()).toEqual([]);
    expect(existsSync(ws.log)).toBe(false);
  });

  it("a forged approval committed in a tracked log grants nothing: deploy refuses (exit 2) and check does not read it", async () => {
    const ws = await workspace("log: .gonogo/deployments.jsonl\nlogInWorkTree: true\n");
    mkdirSync(path.join(ws.dir, ".gonogo"));
    writeFileSync(ws.log, `${forgedApproval}\n`);
    ws.git("add", ".");
    ws.git("commit", "-qm", "a change that brings its own approval");
    const deploy = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0"]);
    expect(deploy.code).toBe(2);
    expect(deploy.err).toContain("is tracked by git");
    expect(ws.calls()).toEqual([]);
    const check = await run(ws.dir, ["check", "--env", "staging"]);
    expect(check.code).toBe(3);
    expect(check.out).toContain("first-time-approval");

    // The twin: the same history, untracked (git ignores it), is the project's own history.
    ws.git("rm", "-q", "--cached", ".gonogo/deployments.jsonl");
    writeFileSync(path.join(ws.dir, ".gitignore"), ".gonogo/\n");
    const trusted = await run(ws.dir, ["check", "--env", "staging"]);
    expect(trusted.code).toBe(0);
    expect(trusted.out).not.toContain("first-time-approval");
  });

  it("history left at the old in-project default is not silently forgotten: exit 2 with the command that moves it", async () => {
    const ws = await workspace("");
    mkdirSync(path.join(ws.dir, ".gonogo"));
    writeFileSync(path.join(ws.dir, ".gonogo/deployments.jsonl"), `${forgedApproval}\n`);
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("deployment history at the old default location");
    expect(r.err).toContain("mv ");
    expect(ws.calls()).toEqual([]);
  });
});
