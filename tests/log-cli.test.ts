// `gonogo log verify|export|import` and the deployment log behind the wrappers, on both backends:
// an edited line found, a broken chain stopping a deploy (exit 2, nothing runs) and granting no
// approval, a password in the config refused, an unreachable database failing closed, history moved
// from the file to PostgreSQL with the same `gonogo log` output, and 16 concurrent deploys from
// separate processes against one PostgreSQL log.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { openLogStore, parseLog, type LogEvent, type LogLocation } from "../src/release/index.js";
import { ensureBuilt, JUNIT_PASS, runBin, type ProcessRun } from "./hardening-helpers.js";
import { postgresAvailable, startCluster, type PgCluster } from "./pg-cluster.js";
import { makeWorkspace, memoryIO, startHealthServer, type HealthServer, type Workspace } from "./release-helpers.js";

const withPostgres = postgresAvailable();
let cluster: PgCluster | undefined;
let databases = 0;
const servers: HealthServer[] = [];

beforeAll(async () => {
  ensureBuilt();
  if (withPostgres) cluster = await startCluster();
}, 180_000);
afterAll(async () => {
  for (const s of servers) await s.close();
  cluster?.stop();
});

async function workspace(log?: string): Promise<Workspace> {
  const ws = makeWorkspace({ healthUrl: "http://placeholder" });
  const server = await startHealthServer(ws.dir);
  servers.push(server);
  let text = readFileSync(ws.config, "utf8").replaceAll("http://placeholder", server.url);
  if (log !== undefined) text = text.replace("log: .gonogo/deployments.jsonl", log);
  writeFileSync(ws.config, text);
  return ws;
}

async function run(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const io = memoryIO(cwd, env);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const deployArgs = (environment: string, version: string): string[] => {
  const args = ["deploy", "--env", environment, "--version", version];
  if (environment !== "development") args.push("--answer", "yes", "--approver", "release-bot");
  if (environment === "production") args.push("--junit", JUNIT_PASS);
  return args;
};

/** Rewrites line `index` (0-based) of a file log with `change` applied to its event. */
function editLine(file: string, index: number, change: (event: Record<string, unknown>) => void): void {
  const lines = readFileSync(file, "utf8").split("\n");
  const event = JSON.parse(lines[index]!) as Record<string, unknown>;
  change(event);
  lines[index] = JSON.stringify(event);
  writeFileSync(file, lines.join("\n"));
}

describe("gonogo log verify", () => {
  it("exit 0 on an intact log, 1 naming the line after an edited one, 2 when the log cannot be read", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, deployArgs("development", "1.0.0"))).code).toBe(0);
    expect((await run(ws.dir, deployArgs("development", "1.0.1"))).code).toBe(0);
    const intact = await run(ws.dir, ["log", "verify"]);
    expect(intact.code, intact.err).toBe(0);
    expect(intact.out).toMatch(/deployments\.jsonl: \d+ event\(s\), hash chain intact: \d+ chained event\(s\)/);

    // Someone changes the version the first release recorded.
    editLine(ws.log, 5, (e) => (e.version = "0.9.9"));
    const broken = await run(ws.dir, ["log", "verify"]);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain("deployments.jsonl:7: hash chain broken: `prev` does not match the hash of the event on line 6");
    // `gonogo log` still shows the history, and says the chain is broken.
    const shown = await run(ws.dir, ["log"]);
    expect(shown.code).toBe(0);
    expect(shown.err).toContain("deployments.jsonl:7: hash chain broken");

    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl", "log: .gonogo"));
    const unreadable = await run(ws.dir, ["log", "verify"]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.err).toMatch(/deployment log .*\.gonogo is a directory/);
  });

  it("a log written before the chain verifies, its events reported as unchained", async () => {
    const ws = await workspace();
    const legacy = { v: 1, ts: "2024-05-01T12:00:00.000Z", releaseId: "r-old", event: "completed", project: "credentialmate", environment: "development", version: "0.9.0" };
    mkdirSync(path.dirname(ws.log), { recursive: true });
    writeFileSync(ws.log, `${JSON.stringify(legacy)}\n`);
    expect((await run(ws.dir, deployArgs("development", "1.0.0"))).code).toBe(0);
    const verify = await run(ws.dir, ["log", "verify"]);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/hash chain intact: \d+ chained event\(s\) \(1 earlier event\(s\) without a hash chain/);
  });
});

describe("decisions on an edited log", () => {
  it("a deploy stops before any step (exit 2); a forged approval grants nothing", async () => {
    const ws = await workspace();
    // A staging release that was rejected: staging has never approved a release.
    const first = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "no", "--approver", "alice"]);
    expect(first.code).toBe(1);
    expect((await run(ws.dir, deployArgs("development", "1.0.1"))).code).toBe(0);
    const events = parseLog(readFileSync(ws.log, "utf8")).events;
    const approvalLine = events.findIndex((e) => e.event === "approval");
    const rejectedEnd = events.findIndex((e, i) => i > approvalLine && e.releaseId === events[approvalLine]!.releaseId && e.event === "failed");
    // The forger turns the rejection into an approval and the failure into a completion.
    editLine(ws.log, approvalLine, (e) => (e.answer = "approved"));
    editLine(ws.log, rejectedEnd, (e) => (e.event = "completed"));
    const calls = ws.calls().length;
    const deploy = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.2"]);
    expect(deploy.code).toBe(2);
    expect(deploy.err).toMatch(/hash chain broken at line \d+/);
    expect(ws.calls()).toHaveLength(calls);
    // The policy's own reading: no first-time approval assumed, and the log is an input problem.
    const check = await run(ws.dir, ["check", "--env", "staging", "--format", "json"]);
    const decision = JSON.parse(check.out) as { decision: string; reasons: { code?: string; message: string }[] };
    expect(decision.decision).not.toBe("go");
    expect(JSON.stringify(decision.reasons)).toMatch(/hash chain broken/);
  });
});

describe("rollback targets on an edited log", () => {
  it("gonogo rollback and cascade stop before any step (exit 2) when the chain is broken", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, deployArgs("development", "1.0.0"))).code).toBe(0);
    expect((await run(ws.dir, deployArgs("development", "1.0.1"))).code).toBe(0);
    // The version 1.0.0 completed with is changed: a rollback "to 1.0.0" would trust it.
    editLine(ws.log, 0, (e) => (e.version = "0.0.1"));
    const calls = ws.calls().length;
    const rollback = await run(ws.dir, ["rollback", "--env", "development", "--to", "1.0.0", "--answer", "yes", "--approver", "alice"]);
    expect(rollback.code).toBe(2);
    expect(rollback.err).toMatch(/hash chain broken at line 2/);
    const cascade = await run(ws.dir, ["cascade", "--version", "1.0.2", "--through", "development"]);
    expect(cascade.code).toBe(2);
    expect(ws.calls()).toHaveLength(calls);
  });
});

describe("the config's log: shapes", () => {
  it("a password in a config URL is a config error naming file:line:column and log.url", async () => {
    const ws = await workspace("log:\n  backend: postgres\n  url: postgres://gonogo:hunter2@db.internal/deploys");
    const r = await run(ws.dir, deployArgs("development", "1.0.0"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("gonogo.config.yaml:5:8: log.url holds a password");
    expect(r.err).not.toContain("hunter2");
    expect(ws.calls()).toEqual([]);
  });

  it("log: { backend: file, path } is the file backend; a backend without its key, or an unknown one, is a config error", async () => {
    const ws = await workspace("log: { backend: file, path: var/deploys.jsonl }");
    expect((await run(ws.dir, deployArgs("development", "1.0.0"))).code).toBe(0);
    expect(parseLog(readFileSync(path.join(ws.dir, "var/deploys.jsonl"), "utf8")).events.at(-1)).toMatchObject({ event: "completed", version: "1.0.0" });
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: { backend: file, path: var/deploys.jsonl }", "log: { backend: postgres }"));
    const noUrl = await run(ws.dir, ["log"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toMatch(/gonogo\.config\.yaml:\d+:\d+: log needs `url` for the postgres backend/);
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: { backend: postgres }", "log: { backend: sqlite }"));
    const unknown = await run(ws.dir, ["log"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/gonogo\.config\.yaml:\d+:\d+: .*log/);
  });

  it("an unreachable database fails closed: exit 2, a message naming the log without its password, nothing runs", async () => {
    const ws = await workspace("log: { url: env:GONOGO_LOG_URL }");
    const r = await run(ws.dir, deployArgs("development", "1.0.0"), { GONOGO_LOG_URL: "postgresql://gonogo:s3cret@127.0.0.1:9/deploys" });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot lock an environment in the PostgreSQL deployment log postgresql:\/\/gonogo@127\.0\.0\.1:9\/deploys \(from \$GONOGO_LOG_URL\): .*ECONNREFUSED/);
    expect(r.err + r.out).not.toContain("s3cret");
    expect(ws.calls()).toEqual([]);
    const unset = await run(ws.dir, deployArgs("development", "1.0.0"));
    expect(unset.code).toBe(2);
    expect(unset.err).toContain("environment variable GONOGO_LOG_URL is not set");
  });
});

describe("gonogo log import: the target is trusted as a release would trust it", () => {
  it("refuses (exit 2, nothing written) a file log inside the git work tree without logInWorkTree; imports once it is allowed", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, deployArgs("development", "1.0.0"))).code).toBe(0);
    expect((await run(ws.dir, ["log", "export", "--to", "history.jsonl"])).code).toBe(0);
    execFileSync("git", ["init", "-q", ws.dir]);
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl", "log: imported/deployments.jsonl"));
    const refused = await run(ws.dir, ["log", "import", "history.jsonl"]);
    expect(refused.code, refused.err).toBe(2);
    expect(refused.err).toContain("inside the git work tree");
    expect(existsSync(path.join(ws.dir, "imported", "deployments.jsonl"))).toBe(false);

    writeFileSync(ws.config, `${readFileSync(ws.config, "utf8")}\nlogInWorkTree: true\n`);
    const imported = await run(ws.dir, ["log", "import", "history.jsonl"]);
    expect(imported.code, imported.err).toBe(0);
    expect(readFileSync(path.join(ws.dir, "imported", "deployments.jsonl"), "utf8")).toBe(readFileSync(path.join(ws.dir, "history.jsonl"), "utf8"));
  });
});

describe.skipIf(!withPostgres)("PostgreSQL log through the CLI", () => {
  it("export from the file, import into PostgreSQL: same chain, same gonogo log output; import refuses a log that is not empty", async () => {
    const ws = await workspace();
    expect((await run(ws.dir, deployArgs("development", "1.0.0"))).code).toBe(0);
    expect((await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "yes", "--approver", "alice"])).code).toBe(0);
    const before = await run(ws.dir, ["log", "--format", "json"]);
    const exported = await run(ws.dir, ["log", "export", "--to", "history.jsonl"]);
    expect(exported.code, exported.err).toBe(0);
    expect(readFileSync(path.join(ws.dir, "history.jsonl"), "utf8")).toBe(readFileSync(ws.log, "utf8"));
    expect((await run(ws.dir, ["log", "export", "--to", "history.jsonl"])).err).toContain("the file exists");

    const env = { GONOGO_LOG_URL: await cluster!.createDatabase(`cli_${++databases}`) };
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("log: .gonogo/deployments.jsonl", "log: { url: env:GONOGO_LOG_URL }"));
    const imported = await run(ws.dir, ["log", "import", "history.jsonl"], env);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/imported \d+ event\(s\) .* hash chain intact/);
    expect((await run(ws.dir, ["log", "--format", "json"], env)).out).toBe(before.out);
    const again = await run(ws.dir, ["log", "import", "history.jsonl"], env);
    expect(again.code).toBe(2);
    expect(again.err).toContain("not empty");

    // Staging approved before (in the imported history): the next staging deploy needs no answer.
    const next = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.1.0"], env);
    expect(next.code, next.out + next.err).toBe(0);
    expect((await run(ws.dir, ["log", "verify"], env)).code).toBe(0);
    const store = openLogStore({ backend: "postgres", url: env.GONOGO_LOG_URL, env: {} } as LogLocation);
    expect((await store.read()).events.at(-1)).toMatchObject({ event: "completed", environment: "staging", version: "1.1.0" });
  }, 120_000);

  it("16 concurrent gonogo deploy processes against one PostgreSQL log: every event once, never two releases of an environment at a time", async () => {
    const ws = await workspace("log: { url: env:GONOGO_LOG_URL }");
    const env = { GONOGO_LOG_URL: await cluster!.createDatabase(`concurrent_${++databases}`) };
    const plan = Array.from({ length: 16 }, (_, i) => ({ environment: ["development", "staging", "production"][i % 3]!, version: `3.0.${i}` }));
    const busyRuns: ProcessRun[] = [];
    const finals = await Promise.all(
      plan.map(async ({ environment, version }) => {
        for (let attempt = 0; attempt < 80; attempt++) {
          const r = await runBin(deployArgs(environment, version), { cwd: ws.dir, env });
          if (r.code === 0 || !/is busy/.test(r.stdout + r.stderr)) return r;
          busyRuns.push(r);
        }
        throw new Error(`${environment} ${version} stayed busy`);
      }),
    );
    for (const r of finals) expect(r.stderr, r.stdout).toBe("");
    expect(finals.map((r) => r.code)).toEqual(plan.map(() => 0));
    for (const r of busyRuns) expect(r.stdout + r.stderr).toMatch(/is busy: (release r-[\w-]+ \(deploy 3\.0\.\d+\), started .* on |another release)/);

    const { events, problems, chain } = await openLogStore({ backend: "postgres", url: env.GONOGO_LOG_URL, env: {} }).read();
    expect(problems).toEqual([]);
    expect(chain?.broken).toBeUndefined();
    const byRelease = new Map<string, LogEvent[]>();
    for (const e of events) byRelease.set(e.releaseId, [...(byRelease.get(e.releaseId) ?? []), e]);
    expect(byRelease.size).toBe(16);
    const firstStaging = events.find((e) => e.environment === "staging")!.releaseId;
    for (const [releaseId, list] of byRelease) {
      const environment = list[0]!.environment;
      const approval = environment === "production" || releaseId === firstStaging ? ["approval"] : [];
      expect(list.map((e) => e.event)).toEqual(["requested", "decision", ...approval, "step-started", "step-finished", "health", "completed"]);
    }
    for (const environment of ["development", "staging", "production"]) {
      const order = events.filter((e) => e.environment === environment).map((e) => e.releaseId);
      const blocks = order.filter((id, i) => i === 0 || order[i - 1] !== id);
      expect(new Set(blocks).size, `${environment}: ${blocks.join(" ")}`).toBe(blocks.length);
    }
    expect(ws.calls().sort()).toEqual(plan.map((p) => `deploy ${p.environment} ${p.version}`).sort());
    for (const environment of ["development", "staging", "production"]) expect(await openLogStore({ backend: "postgres", url: env.GONOGO_LOG_URL, env: {} }, { project: "credentialmate" }).runningRelease(environment)).toBeUndefined();
  }, 300_000);
});
