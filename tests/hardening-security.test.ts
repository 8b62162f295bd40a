// Security through the real binary: shell syntax in a version, environment or revision is refused
// before any step runs (a step would leave a marker file; a shell would create PWNED), and secrets a
// step prints never reach the terminal or the deployment log.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, HARDENING, JUNIT_PASS, runBin } from "./hardening-helpers.js";
import { makeWorkspace, startHealthServer, type HealthServer, type Workspace } from "./release-helpers.js";

const servers: HealthServer[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function workspace(): Promise<Workspace> {
  const ws = makeWorkspace({ healthUrl: "http://placeholder" });
  const server = await startHealthServer(ws.dir);
  servers.push(server);
  writeFileSync(ws.config, readFileSync(ws.config, "utf8").replaceAll("http://placeholder", server.url));
  return ws;
}

const HOSTILE = ["1.0.0;touch PWNED", "$(touch PWNED)", "`touch PWNED`", "1.0.0' && touch PWNED '", '1.0.0" && touch PWNED "', "1.0.0\ntouch PWNED", "--help", "-rf", "1.0.0|touch PWNED", "1.0.0 && touch PWNED"];

describe("no shell: hostile values are refused before anything runs", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
  });

  const nothingHappened = () => {
    expect(ws.calls()).toEqual([]); // the step scripts append every call to calls.log
    expect(existsSync(path.join(ws.dir, "PWNED"))).toBe(false);
    expect(existsSync(ws.log)).toBe(false);
  };

  it.each(HOSTILE)("version %j (deploy --version, rollback --to)", async (value) => {
    const deploy = await runBin(["deploy", "--env", "development", "--version", value], { cwd: ws.dir });
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toMatch(/invalid version|not a valid value|unknown option|option .* argument missing|gonogo:/);
    const rollback = await runBin(["rollback", "--env", "development", "--to", value], { cwd: ws.dir });
    expect(rollback.code).toBe(2);
    nothingHappened();
  });

  it.each(HOSTILE.map((v) => v.replace("1.0.0", "development")))("environment %j", async (value) => {
    const run = await runBin(["deploy", "--env", value, "--version", "1.0.0"], { cwd: ws.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid environment|not a valid value|unknown option|gonogo:/);
    nothingHappened();
  });

  it.each(HOSTILE.map((v) => v.replace("1.0.0", "0001")))("revision %j (rollback --migrations-to)", async (value) => {
    const run = await runBin(["rollback", "--env", "development", "--to", "1.0.0", "--migrations-to", value, "--answer", "yes", "--approver", "alice"], { cwd: ws.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid revision|not a valid value|unknown option|gonogo:/);
    nothingHappened();
  });

  it("control: the same workspace deploys a plain version (so the refusals above are about the values)", async () => {
    const run = await runBin(["deploy", "--env", "development", "--version", "1.0.0"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(ws.calls()).toEqual(["deploy development 1.0.0"]);
  });
});

describe("secrets printed by a step", () => {
  const SECRETS = {
    env: { DB_PASSWORD: "pg-Pa55word-7731", STRIPE_API_KEY: "sk_live_51HxQa2KLm9PqRsTuVw", SESSION_SECRET: "c0ffee-f00d-session-42" },
    planted: [
      "AKIAQWERTYUIOPASDFGH",
      "Zx9Q2w8E7r6T5y4U3i2O1pAsDfGhJkL0zXcVbNm1",
      "ghp_R4nd0mT0k3nV4lu3Th4tL00ksR34l1234567",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
      "sk-live-8f7e6d5c4b3a29180706",
      "Tr0ub4dor-and-3",
    ],
  };

  it("never reach the terminal (stdout, stderr) or the deployment log", async () => {
    const ws = await workspace();
    const step = `\n      - name: migrate\n        run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(HARDENING, "scripts", "leaky-step.mjs"))}]\n        timeout: 30s`;
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace(/( {2}development:\n {4}env:\n {6}STATE_DIR: [^\n]+\n {4}steps:)/, `$1${step}`));
    const run = await runBin(["deploy", "--env", "development", "--version", "1.0.0"], { cwd: ws.dir, env: SECRETS.env });
    expect(run.code).toBe(1);
    const terminal = run.stdout + run.stderr;
    const log = readFileSync(ws.log, "utf8");
    // The output did arrive (so its absence below is redaction, not silence).
    for (const text of [terminal, log]) {
      expect(text).toContain("migration failed: relation");
      expect(text).toContain("[REDACTED:STRIPE_API_KEY]");
      expect(text).toContain("postgresql://migrator:[REDACTED]@db.internal:5432/shop");
    }
    for (const secret of [...Object.values(SECRETS.env), ...SECRETS.planted]) {
      expect(terminal, secret).not.toContain(secret);
      expect(log, secret).not.toContain(secret);
    }
  });
});

describe("approvals cannot come from the code being deployed", () => {
  it("a config that weakens production compared with --base is a no-go even with an approval: nothing runs", async () => {
    const ws = await workspace();
    // The log stays in this work tree, untracked: allowed explicitly.
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl", "log: .gonogo/deployments.jsonl\nlogInWorkTree: true"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.invalid", ...args], { cwd: ws.dir, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-q", "-m", "base");
    // The release turns production approval off and drops high from the blocking severities.
    writeFileSync(ws.config, readFileSync(ws.config, "utf8") + "policy:\n  environments:\n    production:\n      approval: never\n      block:\n        severities: [critical]\n");
    const run = await runBin(["deploy", "--env", "production", "--version", "2.0.0", "--junit", JUNIT_PASS, "--base", "main", "--answer", "yes", "--approver", "mallory"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("policy-weakened");
    expect(run.stdout).toContain("environments.production.approval lowered from always to never");
    expect(ws.calls()).toEqual([]);
    const events = ws.events();
    expect(events.some((e) => e.event === "approval" || e.event === "step-started")).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: "failed", reason: "no-go" });
    // Once the change is on the base branch (reviewed and merged), it is simply the policy.
    git("commit", "-q", "-am", "relax production");
    const merged = await runBin(["deploy", "--env", "production", "--version", "2.0.0", "--junit", JUNIT_PASS, "--base", "main"], { cwd: ws.dir });
    expect(merged.stdout).not.toContain("policy-weakened");
    expect(merged.code).toBe(0);
  });
});
