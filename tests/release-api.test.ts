// The library API with injected executors, approvers, health probes, clocks and preflights.
import { describe, expect, it } from "vitest";
import { rechainLog } from "./release-helpers.js";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import {
  cascade,
  deploy,
  fixedApprover,
  parseApprovalAnswer,
  releaseConfigFrom,
  rollback,
  ttyApprover,
  DeploymentLog,
  ReleaseInputError,
  type ApprovalRequest,
  type Approver,
  type Clock,
  type ExecRequest,
  type Executor,
  type HealthProbe,
  type Preflight,
  type ReleaseConfig,
} from "../src/release/index.js";
import type { Decision, DecisionValue } from "../src/types.js";
import { defaultPolicy } from "../src/policy/defaults.js";

function decisionFor(value: DecisionValue, environment: string, autoRollback: boolean): Decision {
  return {
    decision: value,
    environment,
    project: "shop",
    version: "x",
    reasons: value === "go" ? [] : [{ code: value === "no-go" ? "blocking-finding" : "approval-required", effect: value, message: `because ${value}` }],
    requiredApprovals: value === "needs-approval" ? 1 : 0,
    autoRollback,
    policyHash: "p",
    inputsHash: "i",
    evaluatedAt: "2024-06-01T00:00:00.000Z",
  };
}

function preflight(value: DecisionValue | ((env: string) => DecisionValue), autoRollback = true): Preflight & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (options: { environment: string }) => {
    calls.push(options.environment);
    return decisionFor(typeof value === "function" ? value(options.environment) : value, options.environment, autoRollback);
  };
  return Object.assign(fn, { calls });
}

class FakeExecutor implements Executor {
  runs: ExecRequest[] = [];
  constructor(private readonly fail: (argv: string[]) => boolean = () => false, private readonly output = "done\n") {}
  async run(request: ExecRequest) {
    this.runs.push(request);
    const failed = this.fail(request.argv);
    return { exitCode: failed ? 2 : 0, signal: null, timedOut: false, interrupted: false, output: this.output, outputBytes: this.output.length, truncated: false, durationMs: 5 };
  }
  argvs(): string[] {
    return this.runs.map((r) => r.argv.join(" "));
  }
}

function probe(ok: (url: string, n: number) => boolean): HealthProbe & { count: number } {
  const p = {
    count: 0,
    async check(request: { url: string }) {
      p.count++;
      const good = ok(request.url, p.count);
      return { ok: good, status: good ? 200 : 503, durationMs: 1 };
    },
  };
  return p;
}

const fakeClock: Clock = { now: () => new Date("2024-06-01T12:00:00.000Z"), sleep: async () => undefined };

function config(): ReleaseConfig {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gonogo-api-"));
  const env = {
    steps: [
      { name: "build", run: ["make", "build", "VERSION={version}"] },
      { name: "deploy", run: ["./deploy", "{environment}", "{version}"], timeout: "1m" },
    ],
    health: { url: "http://127.0.0.1:9/health", interval: "1s", failures: 2 },
    rollback: [{ name: "rollback", run: ["./rollback", "{environment}", "{previousVersion}"] }],
  };
  return releaseConfigFrom({ project: "shop", environments: { development: env, staging: env, production: env } }, { baseDir: dir });
}

/** Records that `version` completed in `environments` (a rollback may only go back to such a version). */
function deployedBefore(cfg: ReleaseConfig, version: string, environments: string[]): ReleaseConfig {
  mkdirSync(path.dirname(cfg.logPath), { recursive: true });
  for (const environment of environments)
    appendFileSync(cfg.logPath, JSON.stringify({ v: 1, ts: "2024-05-01T12:00:00.000Z", releaseId: `r-seed-${environment}`, event: "completed", project: cfg.project, environment, version }) + "\n");
  rechainLog(cfg.logPath);
  return cfg;
}

function events(cfg: ReleaseConfig): Record<string, unknown>[] {
  try {
    return readFileSync(cfg.logPath, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

describe("deploy (library)", () => {
  it("runs the steps in order with placeholders expanded, then health, and logs the release", async () => {
    const cfg = config();
    const executor = new FakeExecutor();
    const health = probe(() => true);
    const outcome = await deploy({ config: cfg, environment: "development", version: "1.2.3", executor, healthProbe: health, clock: fakeClock, preflight: preflight("go"), env: {} });
    expect(outcome.status).toBe("completed");
    expect(outcome.exitCode).toBe(0);
    expect(executor.argvs()).toEqual(["make build VERSION=1.2.3", "./deploy development 1.2.3"]);
    expect(executor.runs[1]!.timeoutMs).toBe(60_000);
    expect(executor.runs[0]!.cwd).toBe(cfg.baseDir);
    expect(executor.runs[0]!.env.GONOGO_RELEASE_ID).toBe(outcome.releaseId);
    expect(health.count).toBe(1);
    expect(events(cfg).map((e) => e.event)).toEqual(["requested", "decision", "step-started", "step-finished", "step-started", "step-finished", "health", "completed"]);
  });

  it("the outcome a library caller gets is redacted like the log: a decision reason quoting a step secret", async () => {
    const cfg = config();
    const secret = "tok-5e6f7a8b9c0d";
    const leaky: Preflight = async (options) => {
      const decision = decisionFor("no-go", options.environment, true);
      return { ...decision, reasons: [...decision.reasons, { code: "custom", effect: "no-go", message: `the deploy token ${secret} is expired` }] };
    };
    const outcome = await deploy({ config: cfg, environment: "development", version: "1.2.3", executor: new FakeExecutor(), clock: fakeClock, preflight: leaky, env: { DEPLOY_TOKEN: secret } });
    expect(outcome.status).toBe("no-go");
    expect(JSON.stringify(outcome)).not.toContain(secret);
    expect(outcome.decision?.reasons.map((r) => r.message)).toContain("the deploy token [REDACTED:DEPLOY_TOKEN] is expired");
    expect(readFileSync(cfg.logPath, "utf8")).not.toContain(secret);
  });

  it("needs approval and nobody answers: pending, exit 3, nothing ran", async () => {
    const cfg = config();
    const executor = new FakeExecutor();
    const outcome = await deploy({ config: cfg, environment: "production", version: "1.2.3", executor, clock: fakeClock, preflight: preflight("needs-approval"), env: {} });
    expect(outcome).toMatchObject({ status: "pending", exitCode: 3 });
    expect(executor.runs).toHaveLength(0);
    expect(events(cfg).map((e) => e.event)).toEqual(["requested", "decision", "pending"]);
  });

  it("asks the approver with the release details and records the answer with the decision id", async () => {
    const cfg = config();
    const asked: ApprovalRequest[] = [];
    const approver: Approver = { ask: async (request) => (asked.push(request), { answer: "approved", approver: "alice" }) };
    const executor = new FakeExecutor();
    const outcome = await deploy({ config: cfg, environment: "production", version: "1.2.3", executor, approver, healthProbe: probe(() => true), clock: fakeClock, preflight: preflight("needs-approval", false), env: {} });
    expect(outcome.status).toBe("completed");
    expect(asked[0]).toMatchObject({ environment: "production", version: "1.2.3", project: "shop", kind: "deploy", decisionId: outcome.decisionId });
    const approval = events(cfg).find((e) => e.event === "approval");
    expect(approval).toMatchObject({ answer: "approved", approver: "alice", decisionId: outcome.decisionId, ts: "2024-06-01T12:00:00.000Z" });
  });

  it("a paused answer leaves the release pending; a rejection fails it; neither runs anything", async () => {
    for (const [answer, status, code] of [["paused", "pending", 3], ["rejected", "rejected", 1]] as const) {
      const cfg = config();
      const executor = new FakeExecutor();
      const outcome = await deploy({ config: cfg, environment: "production", version: "1.2.3", executor, approver: fixedApprover(answer, "bob"), clock: fakeClock, preflight: preflight("needs-approval"), env: {} });
      expect(outcome).toMatchObject({ status, exitCode: code, approver: "bob" });
      expect(executor.runs).toHaveLength(0);
      expect(events(cfg).find((e) => e.event === "approval")).toMatchObject({ answer, approver: "bob" });
    }
  });

  it("no-go: nothing runs and the approver is never asked", async () => {
    const cfg = config();
    const executor = new FakeExecutor();
    let asked = false;
    const outcome = await deploy({ config: cfg, environment: "staging", version: "1.2.3", executor, approver: { ask: async () => ((asked = true), undefined) }, clock: fakeClock, preflight: preflight("no-go"), env: {} });
    expect(outcome).toMatchObject({ status: "no-go", exitCode: 1 });
    expect(executor.runs).toHaveLength(0);
    expect(asked).toBe(false);
  });

  it("a failed step rolls back automatically to the previous version where the decision allows it", async () => {
    const cfg = config();
    const good = new FakeExecutor();
    await deploy({ config: cfg, environment: "staging", version: "1.0.0", executor: good, healthProbe: probe(() => true), clock: fakeClock, preflight: preflight("go"), env: {} });
    const executor = new FakeExecutor((argv) => argv[0] === "./deploy");
    const outcome = await deploy({ config: cfg, environment: "staging", version: "1.1.0", executor, healthProbe: probe(() => true), clock: fakeClock, preflight: preflight("go"), env: {} });
    expect(outcome.status).toBe("failed");
    expect(executor.argvs()).toEqual(["make build VERSION=1.1.0", "./deploy staging 1.1.0", "./rollback staging 1.0.0"]);
    expect(outcome.rollback).toMatchObject({ automatic: true, ok: true, to: "1.0.0" });
  });

  it("never rolls back automatically when the decision forbids it (production): prints the manual command", async () => {
    const cfg = config();
    await deploy({ config: cfg, environment: "production", version: "1.0.0", executor: new FakeExecutor(), healthProbe: probe(() => true), clock: fakeClock, approver: fixedApprover("approved", "a"), preflight: preflight("needs-approval", false), env: {} });
    const executor = new FakeExecutor();
    let out = "";
    const outcome = await deploy({
      config: cfg,
      environment: "production",
      version: "1.1.0",
      executor,
      healthProbe: probe(() => false),
      clock: fakeClock,
      approver: fixedApprover("approved", "a"),
      preflight: preflight("needs-approval", false),
      env: {},
      out: (t) => (out += t),
    });
    expect(outcome.status).toBe("failed");
    expect(executor.argvs()).toEqual(["make build VERSION=1.1.0", "./deploy production 1.1.0"]);
    expect(outcome.rollback).toMatchObject({ automatic: false, manualCommand: "gonogo rollback --env production --to 1.0.0" });
    expect(out).toContain("gonogo rollback --env production --to 1.0.0");
    expect(outcome.health).toMatchObject({ ok: false, checks: 2, consecutiveFailures: 2 });
  });

  it("validates version and environment before anything is logged or run", async () => {
    const cfg = config();
    const executor = new FakeExecutor();
    await expect(deploy({ config: cfg, environment: "development", version: "1.0.0 && rm -rf /", executor, preflight: preflight("go") })).rejects.toBeInstanceOf(ReleaseInputError);
    await expect(deploy({ config: cfg, environment: "-rf", version: "1.0.0", executor, preflight: preflight("go") })).rejects.toThrow(/invalid environment/);
    await expect(deploy({ config: cfg, environment: "qa", version: "1.0.0", executor, preflight: preflight("go") })).rejects.toThrow(/not configured/);
    expect(executor.runs).toHaveLength(0);
    expect(events(cfg)).toEqual([]);
  });

  it("one release per environment: a second one is refused with the running release named", async () => {
    const cfg = config();
    const log = new DeploymentLog(cfg.logPath);
    const lock = await log.acquireEnvironment("staging", { releaseId: "r-running-1", kind: "deploy", version: "0.9.0", startedAt: "2024-06-01T11:59:00Z" });
    try {
      const executor = new FakeExecutor();
      const outcome = await deploy({ config: cfg, environment: "staging", version: "1.0.0", executor, preflight: preflight("go"), clock: fakeClock, env: {} });
      expect(outcome).toMatchObject({ status: "busy", exitCode: 1 });
      expect(outcome.message).toContain("r-running-1");
      expect(executor.runs).toHaveLength(0);
      // Another environment is not blocked.
      const other = await deploy({ config: cfg, environment: "development", version: "1.0.0", executor, healthProbe: probe(() => true), preflight: preflight("go"), clock: fakeClock, env: {} });
      expect(other.status).toBe("completed");
    } finally {
      await lock.release();
    }
    const after = await deploy({ config: cfg, environment: "staging", version: "1.0.0", executor: new FakeExecutor(), healthProbe: probe(() => true), preflight: preflight("go"), clock: fakeClock, env: {} });
    expect(after.status).toBe("completed");
  });

  it("an interrupt stops the release, logs it as interrupted and releases the environment", async () => {
    const cfg = config();
    const controller = new AbortController();
    const executor: Executor = {
      run: async (request) => {
        controller.abort();
        return { exitCode: null, signal: "SIGTERM", timedOut: false, interrupted: request.signal?.aborted ?? false, output: "", outputBytes: 0, truncated: false, durationMs: 1 };
      },
    };
    const outcome = await deploy({ config: cfg, environment: "development", version: "1.0.0", executor, preflight: preflight("go"), clock: fakeClock, env: {}, signal: controller.signal });
    expect(outcome.status).toBe("interrupted");
    expect(events(cfg).at(-1)).toMatchObject({ event: "interrupted", step: "build" });
    expect(await new DeploymentLog(cfg.logPath).runningRelease("development")).toBeUndefined();
  });
});

describe("cascade (library)", () => {
  it("halts before production when not answered, then resumes there", async () => {
    const cfg = config();
    const pre = preflight((env) => (env === "production" ? "needs-approval" : "go"));
    const executor = new FakeExecutor();
    const first = await cascade({ config: cfg, version: "2.0.0", executor, healthProbe: probe(() => true), clock: fakeClock, preflight: pre, env: {} });
    expect(first.exitCode).toBe(3);
    expect(first.stages.map((s) => s.status)).toEqual(["completed", "completed", "pending"]);
    const second = await cascade({ config: cfg, version: "2.0.0", executor, approver: fixedApprover("approved", "carol"), healthProbe: probe(() => true), clock: fakeClock, preflight: pre, env: {} });
    expect(second.exitCode).toBe(0);
    expect(second.stages.map((s) => s.status)).toEqual(["skipped", "skipped", "completed"]);
    expect(executor.argvs().filter((a) => a.startsWith("./deploy"))).toEqual(["./deploy development 2.0.0", "./deploy staging 2.0.0", "./deploy production 2.0.0"]);
  });

  it("--through staging stops there", async () => {
    const cfg = config();
    const out = await cascade({ config: cfg, version: "2.0.0", through: "staging", executor: new FakeExecutor(), healthProbe: probe(() => true), clock: fakeClock, preflight: preflight("go"), env: {} });
    expect(out.stages.map((s) => s.environment)).toEqual(["development", "staging"]);
  });
});

describe("rollback (library)", () => {
  it("asks for approval in production per the policy and refuses a non-reversible downgrade path", async () => {
    const cfg = deployedBefore(config(), "1.0.0", ["development", "staging", "production"]);
    cfg.environments.production!.migrationRollback = { name: "downgrade", run: ["alembic", "downgrade", "{revision}"], timeoutMs: 1000, cwd: cfg.baseDir, env: {} };
    const scanner = async () => {
      const { scan } = await import("../src/engine/scan.js");
      return scan({ cwd: path.resolve("fixtures/release/project"), configFile: false, paths: ["migrations"] });
    };
    const executor = new FakeExecutor();
    const pending = await rollback({ config: cfg, environment: "production", to: "1.0.0", migrationsTo: "0001", scanner, policy: defaultPolicy(), executor, clock: fakeClock, env: {} });
    expect(pending.status).toBe("pending");
    expect(pending.plan?.migrations.map((m) => [m.revision, m.downgrade, m.destroys])).toEqual([["0002", "real", ["column users.email"]]]);
    const done = await rollback({ config: cfg, environment: "production", to: "1.0.0", migrationsTo: "0001", scanner, policy: defaultPolicy(), executor, approver: fixedApprover("approved", "alice"), healthProbe: probe(() => true), clock: fakeClock, env: {} });
    expect(done.status).toBe("completed");
    expect(executor.argvs()).toEqual(["./rollback production 1.0.0", "alembic downgrade 0001"]);
    // Development needs no approval for a rollback.
    const dev = await rollback({ config: cfg, environment: "development", to: "1.0.0", policy: defaultPolicy(), executor, healthProbe: probe(() => true), clock: fakeClock, env: {} });
    expect(dev.status).toBe("completed");
  });
});

describe("deploy decisions are made on the release's clock", () => {
  it("the default preflight (check) is stamped with the injected clock, so freeze windows are judged at it", async () => {
    const cfg = config();
    const outcome = await deploy({ config: cfg, environment: "development", version: "1.2.3", executor: new FakeExecutor(), healthProbe: probe(() => true), clock: fakeClock, env: {} });
    expect(outcome.decision?.evaluatedAt).toBe("2024-06-01T12:00:00.000Z");
  });
});

describe("rollback decisions come from the policy (evaluateRollback)", () => {
  it("the decision is stamped with the injected clock and logged with it", async () => {
    const cfg = deployedBefore(config(), "1.0.0", ["development", "staging", "production"]);
    const outcome = await rollback({ config: cfg, environment: "development", to: "1.0.0", policy: defaultPolicy(), executor: new FakeExecutor(), healthProbe: probe(() => true), clock: fakeClock, env: {} });
    expect(outcome.decision?.evaluatedAt).toBe("2024-06-01T12:00:00.000Z");
    expect(events(cfg).find((e) => e.event === "decision")).toMatchObject({ decision: "go", evaluatedAt: "2024-06-01T12:00:00.000Z", autoRollback: false });
  });

  it("rollback approval is the policy's: a policy without it lets production roll back unasked", async () => {
    const policy = defaultPolicy();
    policy.environments.production!.rollbackApproval = "never";
    const outcome = await rollback({ config: deployedBefore(config(), "1.0.0", ["development", "staging", "production"]), environment: "production", to: "1.0.0", policy, executor: new FakeExecutor(), healthProbe: probe(() => true), clock: fakeClock, env: {} });
    expect(outcome.status).toBe("completed");
    expect(outcome.decision?.reasons.map((r) => r.code)).toEqual([]);
  });

  it("the release config's rollbackApproval overrides the policy through the policy layer", async () => {
    const cfg = deployedBefore(config(), "1.0.0", ["development", "staging", "production"]);
    cfg.environments.development!.rollbackApproval = "always";
    const outcome = await rollback({ config: cfg, environment: "development", to: "1.0.0", policy: defaultPolicy(), executor: new FakeExecutor(), clock: fakeClock, env: {} });
    expect(outcome.status).toBe("pending");
    expect(outcome.decision?.reasons.map((r) => [r.code, r.effect])).toEqual([["approval-required", "needs-approval"]]);
  });

  it("an environment the policy does not declare is a config error before anything is logged", async () => {
    const cfg = config();
    const policy = defaultPolicy();
    delete policy.environments.staging;
    await expect(rollback({ config: cfg, environment: "staging", to: "1.0.0", policy, executor: new FakeExecutor(), clock: fakeClock, env: {} })).rejects.toThrow(/declares no such environment/);
    expect(events(cfg)).toEqual([]);
  });
});

describe("approvers", () => {
  it("reads the operators' answers", () => {
    for (const a of ["y", "YES", "approved", " proceed "]) expect(parseApprovalAnswer(a)).toBe("approved");
    for (const a of ["n", "No", "reject", "cancel"]) expect(parseApprovalAnswer(a)).toBe("rejected");
    for (const a of ["wait", "hold", "not yet", "Not  Yet"]) expect(parseApprovalAnswer(a)).toBe("paused");
    for (const a of ["", "maybe", "yess", "ok"]) expect(parseApprovalAnswer(a)).toBeUndefined();
  });

  it("the TTY approver shows the banner and asks again until it gets an accepted answer", async () => {
    const input = new PassThrough();
    let shown = "";
    const approver = ttyApprover({ input, output: { write: (t: string) => (shown += t) }, approver: "dana" });
    const answer = approver.ask({
      releaseId: "r-1",
      decisionId: "d-1",
      kind: "deploy",
      project: "shop",
      environment: "production",
      version: "3.0.0",
      migrations: ["0002 migrations/versions/0002_add_user_email.py"],
      decision: decisionFor("needs-approval", "production", false),
    });
    input.write("maybe\n");
    input.write("not yet\n");
    await expect(answer).resolves.toEqual({ answer: "paused", approver: "dana" });
    expect(shown).toContain("DEPLOYMENT APPROVAL REQUIRED\nEnvironment: production\nVersion: 3.0.0\nProject: shop\nMigrations: 1");
    expect(shown.match(/Proceed\? \[Y\/N\]/g)).toHaveLength(2);
  });

  it("end of input without an answer leaves the release pending", async () => {
    const input = new PassThrough();
    const approver = ttyApprover({ input, output: { write: () => true }, approver: "dana" });
    const answer = approver.ask({ releaseId: "r", decisionId: "d", kind: "deploy", project: "p", environment: "production", version: "1.0.0", migrations: [], decision: decisionFor("needs-approval", "production", false) });
    input.end("what?\n");
    await expect(answer).resolves.toBeUndefined();
  });
});
