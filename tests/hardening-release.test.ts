// The release wrappers under load and faults, as real processes (`node bin/gonogo.js`, which runs
// dist/): 16 concurrent deploys against one log, writers killed with SIGKILL, stale locks of dead
// processes, SIGINT/SIGTERM, steps that flood output or never end.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLog, type LogEvent } from "../src/release/index.js";
import { ensureBuilt, JUNIT_PASS, ROOT, runBin, type ProcessRun } from "./hardening-helpers.js";
import { SCRIPTS, alive, makeWorkspace, startHealthServer, type HealthServer, type Workspace } from "./release-helpers.js";

const servers: HealthServer[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function workspace(options: { extraSteps?: string } = {}): Promise<Workspace> {
  const ws = makeWorkspace({ healthUrl: "http://placeholder", ...options });
  const server = await startHealthServer(ws.dir);
  servers.push(server);
  writeFileSync(ws.config, readFileSync(ws.config, "utf8").replaceAll("http://placeholder", server.url));
  return ws;
}

/** Inserts steps before the deploy step of one environment. */
function addSteps(ws: Workspace, environment: string, steps: string): void {
  const text = readFileSync(ws.config, "utf8");
  const marker = new RegExp(`( {2}${environment}:\\n {4}env:\\n {6}STATE_DIR: [^\\n]+\\n {4}steps:)`);
  expect(text).toMatch(marker);
  writeFileSync(ws.config, text.replace(marker, `$1${steps}`));
}

const node = JSON.stringify(process.execPath);
const script = (name: string) => JSON.stringify(path.join(SCRIPTS, name));

function deployArgs(environment: string, version: string): string[] {
  const args = ["deploy", "--env", environment, "--version", version];
  if (environment !== "development") args.push("--answer", "yes", "--approver", "release-bot");
  if (environment === "production") args.push("--junit", JUNIT_PASS);
  return args;
}


async function until(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const logEvents = (ws: Workspace) => parseLog(existsSync(ws.log) ? readFileSync(ws.log, "utf8") : "");

describe("16 concurrent gonogo deploy processes against one log", () => {
  it("every event of every release exactly once, the log parses, same-environment releases never overlap", async () => {
    const ws = await workspace();
    const plan = Array.from({ length: 16 }, (_, i) => ({ environment: ["development", "staging", "production"][i % 3]!, version: `3.0.${i}` }));
    const busyRuns: ProcessRun[] = [];
    // Each process deploys once; one refused because its environment is busy retries, as a CI job would.
    const finals = await Promise.all(
      plan.map(async ({ environment, version }) => {
        for (let attempt = 0; attempt < 60; attempt++) {
          const run = await runBin(deployArgs(environment, version), { cwd: ws.dir });
          if (run.code === 0 || !/is busy/.test(run.stdout + run.stderr)) return run;
          busyRuns.push(run);
        }
        throw new Error(`${environment} ${version} stayed busy`);
      }),
    );
    for (const run of finals) expect(run.stderr, run.stdout).toBe("");
    expect(finals.map((r) => r.code)).toEqual(plan.map(() => 0));
    // The refusals named the running release and wrote nothing.
    // (A refusal in the instant between taking the lock and writing its owner record says "another release".)
    for (const run of busyRuns) expect(run.stdout + run.stderr).toMatch(/is busy: (release r-[\w-]+ \(deploy 3\.0\.\d+\)|another release)/);

    const { events, problems } = logEvents(ws);
    expect(problems).toEqual([]);
    const byRelease = new Map<string, LogEvent[]>();
    for (const e of events) byRelease.set(e.releaseId, [...(byRelease.get(e.releaseId) ?? []), e]);
    expect(byRelease.size).toBe(16);
    expect([...byRelease.values()].map((list) => list[0]!.version).sort()).toEqual(plan.map((p) => p.version).sort());
    const firstStaging = events.find((e) => e.environment === "staging")!.releaseId;
    for (const [releaseId, list] of byRelease) {
      // Production asks every time, staging the first time only (default policy), development never.
      const environment = list[0]!.environment;
      const approval = environment === "production" || releaseId === firstStaging ? ["approval"] : [];
      expect(list.map((e) => e.event)).toEqual(["requested", "decision", ...approval, "step-started", "step-finished", "health", "completed"]);
    }
    // Same environment: in log order, one release's events are never interleaved with another's.
    for (const environment of ["development", "staging", "production"]) {
      const order = events.filter((e) => e.environment === environment).map((e) => e.releaseId);
      const blocks = order.filter((id, i) => i === 0 || order[i - 1] !== id);
      expect(new Set(blocks).size, `${environment}: ${blocks.join(" ")}`).toBe(blocks.length);
    }
    // Each step ran exactly once per release, and no environment lock is left behind.
    expect(ws.calls().sort()).toEqual(plan.map((p) => `deploy ${p.environment} ${p.version}`).sort());
    for (const environment of ["development", "staging", "production"]) expect(existsSync(path.join(path.dirname(ws.log), "locks", `${environment}.lock`))).toBe(false);
  }, 240_000);
});

describe("crashes", () => {
  it("a writer SIGKILLed mid-write: the log stays readable and the next gonogo deploy repairs the torn line", async () => {
    const ws = await workspace();
    expect((await runBin(deployArgs("development", "1.0.0"), { cwd: ws.dir })).code).toBe(0);
    const before = statSync(ws.log).size;
    // A writer appending one 64 MB event with the real DeploymentLog, killed once the line has begun.
    const writer = `
      import { DeploymentLog } from ${JSON.stringify(path.join(ROOT, "dist/src/release/log.js"))};
      await new DeploymentLog(${JSON.stringify(ws.log)}).append({ v: 1, ts: new Date().toISOString(), releaseId: "r-killed", event: "step-finished", project: "credentialmate", environment: "development", version: "1.1.0", output: "z".repeat(64 * 1024 * 1024) });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", writer], { stdio: "ignore" });
    await until(() => statSync(ws.log).size > before, "the writer to start its line");
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));
    const torn = readFileSync(ws.log, "utf8");
    expect(torn.endsWith("\n")).toBe(false);
    expect(torn.length).toBeLessThan(before + 64 * 1024 * 1024);
    const read = parseLog(torn);
    expect(read.events.map((e) => e.event).at(-1)).toBe("completed");
    expect(read.problems).toEqual([expect.objectContaining({ message: expect.stringContaining("unterminated last line") })]);
    // The killed writer still "holds" the log lock until it goes stale; the next deploy waits, then repairs.
    const next = await runBin(deployArgs("development", "1.2.0"), { cwd: ws.dir });
    expect(next.stderr).toBe("");
    expect(next.code).toBe(0);
    const repaired = logEvents(ws);
    expect(repaired.problems).toHaveLength(1);
    expect(repaired.problems[0]!.message).toMatch(/not JSON/);
    expect(repaired.events.filter((e) => e.version === "1.2.0").map((e) => e.event)).toEqual(["requested", "decision", "step-started", "step-finished", "health", "completed"]);
  }, 90_000);

  it("a gonogo deploy SIGKILLed during a long step: busy while the step's process group lives, then the next deploy takes the lock over", async () => {
    const ws = await workspace();
    addSteps(ws, "development", `\n      - name: migrate\n        run: [${node}, ${script("hang.mjs")}]\n        timeout: 10m`);
    const first = runBin(deployArgs("development", "1.0.0"), { cwd: ws.dir });
    const pidsFile = path.join(ws.dir, "hang.pids");
    await until(() => existsSync(pidsFile) && readFileSync(pidsFile, "utf8").trim().split(" ").length === 2, "the step to start");
    first.child.kill("SIGKILL");
    await first;
    // gonogo is gone but its step still runs: the environment stays busy, naming the step's process group.
    await new Promise((r) => setTimeout(r, 2200));
    const owner0 = JSON.parse(readFileSync(path.join(path.dirname(ws.log), "locks", "development.owner.json"), "utf8")) as { stepPgid: number; step: string };
    expect(owner0.step).toBe("migrate");
    const refused = await runBin(deployArgs("development", "1.0.1"), { cwd: ws.dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`its step migrate still runs as process group ${owner0.stepPgid}`);
    expect(logEvents(ws).events.some((e) => e.version === "1.0.1")).toBe(false);
    // Once that group has ended, the lock is taken over.
    for (const pid of readFileSync(pidsFile, "utf8").trim().split(" ").map(Number)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* not a group leader or already gone */
      }
    }
    const owner = JSON.parse(readFileSync(path.join(path.dirname(ws.log), "locks", "development.owner.json"), "utf8")) as { pid: number };
    expect(owner.pid).toBe(first.child.pid);
    // Without the dead-holder check this would be refused as busy until the lock goes stale (10 s).
    // proper-lockfile may date a fresh lock up to 1 s ahead, and a lock younger than 1 s is left to
    // its holder, so wait a little over 2 s.
    await new Promise((r) => setTimeout(r, 2200));
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace(/\n {6}- name: migrate\n[^\n]+\n[^\n]+/, ""));
    const next = await runBin(deployArgs("development", "1.1.0"), { cwd: ws.dir });
    expect(next.stdout).not.toContain("busy");
    expect(next.code).toBe(0);
    const { events, problems } = logEvents(ws);
    expect(problems).toEqual([]);
    // The killed release is visible as started-and-never-finished; the new one is complete.
    expect(events.filter((e) => e.version === "1.0.0").map((e) => e.event)).toEqual(["requested", "decision", "step-started"]);
    expect(events.filter((e) => e.version === "1.1.0").at(-1)).toMatchObject({ event: "completed" });
  }, 60_000);
});

describe.each(["SIGINT", "SIGTERM"] as const)("%s delivered to a real gonogo deploy process", (signal) => {
  it("stops the step and its child, logs interrupted, releases the lock", async () => {
    const ws = await workspace();
    addSteps(ws, "development", `\n      - name: migrate\n        run: [${node}, ${script("hang.mjs")}]\n        timeout: 10m`);
    const run = runBin(deployArgs("development", "1.0.0"), { cwd: ws.dir });
    const pidsFile = path.join(ws.dir, "hang.pids");
    await until(() => existsSync(pidsFile) && readFileSync(pidsFile, "utf8").trim().split(" ").length === 2, "the step to start");
    run.child.kill(signal);
    const result = await run;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("interrupted during migrate");
    const pids = readFileSync(pidsFile, "utf8").trim().split(" ").map(Number);
    await until(() => pids.every((pid) => !alive(pid)), "the step and its child to stop", 10_000);
    const { events, problems } = logEvents(ws);
    expect(problems).toEqual([]);
    expect(events.at(-1)).toMatchObject({ event: "interrupted", step: "migrate", manualRollback: expect.stringContaining("gonogo rollback --env development") });
    expect(ws.calls()).toEqual([]);
    expect(existsSync(path.join(path.dirname(ws.log), "locks", "development.lock"))).toBe(false);
    // The environment is free at once.
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace(/\n {6}- name: migrate\n[^\n]+\n[^\n]+/, ""));
    expect((await runBin(deployArgs("development", "1.0.1"), { cwd: ws.dir })).code).toBe(0);
  }, 60_000);
});

describe("steps that flood or hang", () => {
  it("a step printing 1 GB: output capped in memory, terminal and log; the release fails and rolls back (development)", async () => {
    const ws = await workspace();
    expect((await runBin(deployArgs("development", "1.0.0"), { cwd: ws.dir })).code).toBe(0);
    addSteps(ws, "development", `\n      - name: noisy-migrate\n        run: [${node}, ${script("flood.mjs")}, "1048576"]\n        timeout: 5m`);
    const run = await runBin(deployArgs("development", "1.1.0"), { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stdout.length + run.stderr.length).toBeLessThan(64 * 1024);
    expect(run.stdout).toContain("END-OF-FLOOD");
    const { events, problems } = logEvents(ws);
    expect(problems).toEqual([]);
    const finished = events.find((e) => e.event === "step-finished" && e.step === "noisy-migrate")!;
    expect(finished).toMatchObject({ ok: false, exitCode: 1, outputTruncated: true });
    expect(finished.outputBytes).toBeGreaterThanOrEqual(1024 * 1024 * 1024);
    expect(readFileSync(ws.log, "utf8").length).toBeLessThan(256 * 1024);
    expect(events.at(-1)).toMatchObject({ event: "failed", reason: "step-failed", rolledBack: true });
    expect(ws.calls()).toEqual(["deploy development 1.0.0", "rollback development 1.0.0"]);
  }, 180_000);

  it("a step that never ends (and floods while it waits): killed by its timeout; production fails cleanly without an automatic rollback", async () => {
    const ws = await workspace();
    expect((await runBin(deployArgs("production", "2.0.0"), { cwd: ws.dir })).code).toBe(0);
    addSteps(ws, "production", `\n      - name: stuck\n        run: [${node}, "-e", "setInterval(() => process.stdout.write('x'.repeat(65536)), 1)"]\n        timeout: 1s`);
    const run = await runBin(deployArgs("production", "2.1.0"), { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/timed out after 1(\.0)?s/);
    expect(run.stdout).toContain("gonogo rollback --env production --to 2.0.0");
    const events = logEvents(ws).events.filter((e) => e.version === "2.1.0");
    expect(events.find((e) => e.event === "step-finished")).toMatchObject({ step: "stuck", timedOut: true, ok: false, outputTruncated: true });
    expect(events.some((e) => e.event === "rolled-back")).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: "failed", reason: "step-failed", manualRollback: "gonogo rollback --env production --to 2.0.0" });
    expect(ws.calls()).toEqual(["deploy production 2.0.0"]);
  }, 60_000);
});
