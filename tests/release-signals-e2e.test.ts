// Error-rate and p95-latency signals end to end: the real CLI (main() in-process), a real health
// server and a real metrics server on 127.0.0.1, real child-process steps from fixtures/release.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parse, stringify } from "yaml";
import { main } from "../src/cli/main.js";
import { FIXTURES, makeWorkspace, memoryIO, startHealthServer, type HealthServer } from "./release-helpers.js";

const junit = path.join(FIXTURES, "junit-pass.xml");
const SIGNALS = path.join(FIXTURES, "signals");

interface MetricsServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * GET /metrics/<env>: metrics that follow the version the fixture scripts deployed to <env>
 * ("errors" in the version: 12 % errors; "slow": p95 900 ms; else 0.4 % and 187 ms), with a
 * baseline p95 of 200 ms. GET /garbage answers text that is not JSON, /down answers 503, /hang never answers.
 */
async function startMetricsServer(stateDir: string): Promise<MetricsServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? "";
    requests.push(url);
    if (url === "/garbage") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>502 Bad Gateway</html>");
      return;
    }
    if (url === "/hang") return; // never answers
    if (url === "/down") {
      res.writeHead(503);
      res.end();
      return;
    }
    const env = url.replace(/^\/metrics\//, "");
    const file = path.join(stateDir, `${env}.version`);
    const version = existsSync(file) ? readFileSync(file, "utf8") : "";
    const rate = version.includes("errors") ? 0.12 : version.includes("warn") ? 0.03 : 0.0044;
    const p95 = version.includes("slow") ? 900 : 187;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ service: "credentialmate-api", version, http: { errors: { rate }, latency_ms: { p95 } }, baseline: { latency_ms: { p95: 200 } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

type Signals = Record<string, unknown> | ((env: string, metrics: string) => Record<string, unknown>);

/** A workspace whose environments read signals from the metrics server (or what `signals` says). */
async function workspace(signals: Signals, healthTimeout?: string) {
  const ws = makeWorkspace({ healthUrl: "http://placeholder" });
  const health: HealthServer = await startHealthServer(ws.dir);
  const metrics = await startMetricsServer(ws.dir);
  servers.push(health, metrics);
  const config = parse(readFileSync(ws.config, "utf8").replaceAll("http://placeholder", health.url)) as {
    environments: Record<string, { health: Record<string, unknown> }>;
  };
  for (const [env, spec] of Object.entries(config.environments)) {
    spec.health.signals = typeof signals === "function" ? signals(env, metrics.url) : signals;
    if (healthTimeout) spec.health.timeout = healthTimeout;
  }
  writeFileSync(ws.config, stringify(config));
  return { ...ws, metrics };
}

const standard = (env: string, metrics: string) => ({
  url: `${metrics}/metrics/${env}`,
  errorRate: { path: "http.errors.rate" },
  p95LatencyMs: { path: "http.latency_ms.p95", baseline: { path: "baseline.latency_ms.p95" } },
});

async function run(cwd: string, argv: string[]) {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const prod = (version: string) => ["deploy", "--env", "production", "--version", version, "--junit", junit, "--answer", "yes", "--approver", "alice"];

describe("error-rate and p95-latency signals", () => {
  it("healthy signals: the deploy completes and the health event records values and thresholds", async () => {
    const ws = await workspace(standard);
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(ws.metrics.requests).toContain("/metrics/development");
    const health = ws.events().find((e) => e.event === "health");
    expect(health).toMatchObject({
      ok: true,
      signals: {
        source: `${ws.metrics.url}/metrics/development`,
        failClosed: false,
        errorRate: { value: 0.0044, max: 0.05, ok: true },
        p95LatencyMs: { value: 187, baseline: 200, factor: 2, limit: 400, ok: true },
      },
    });
    expect(health).not.toHaveProperty("warnings");
    expect(ws.events().at(-1)).toMatchObject({ event: "completed" });
    expect(r.out).toContain("error rate 0.44 % (max 5 %)");
  });

  it("development: an error rate over the maximum fails the verification and rolls back automatically", async () => {
    const ws = await workspace(standard);
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"])).code).toBe(0);
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.1.0-errors"]);
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy development 1.0.0", "deploy development 1.1.0-errors", "rollback development 1.0.0"]);
    const events = ws.events().filter((e) => e.version === "1.1.0-errors");
    const health = events.filter((e) => e.event === "health");
    expect(health[0]).toMatchObject({
      ok: false,
      checks: 1,
      reason: "signal-breach",
      error: "error rate 12 % is over the maximum 5 %",
      signals: { errorRate: { value: 0.12, max: 0.05, ok: false }, breaches: ["error rate 12 % is over the maximum 5 %"] },
    });
    // The health check after the rollback is the HTTP check alone.
    expect(health[1]).toMatchObject({ ok: true });
    expect(health[1]).not.toHaveProperty("signals");
    expect(events.find((e) => e.event === "rolled-back")).toMatchObject({ automatic: true, ok: true, to: "1.0.0" });
    expect(events.at(-1)).toMatchObject({ event: "failed", reason: "health-failed", trigger: "signal-breach", rolledBack: true });
    expect(String(events.at(-1)?.message)).toContain("error rate 12 % is over the maximum 5 %");
    expect(r.out).toContain("rolled back to 1.0.0");
  });

  it("production: a p95 over factor × baseline fails, nothing is rolled back, the manual command is printed", async () => {
    const ws = await workspace(standard);
    expect((await run(ws.dir, prod("2.0.0"))).code).toBe(0);
    const r = await run(ws.dir, prod("2.1.0-slow"));
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy production 2.0.0", "deploy production 2.1.0-slow"]);
    expect(r.out).toContain("p95 latency 900 ms is over 2 × the baseline 200 ms (400 ms)");
    expect(r.out).toContain("gonogo rollback --env production --to 2.0.0");
    const events = ws.events().filter((e) => e.version === "2.1.0-slow");
    expect(events.find((e) => e.event === "health")).toMatchObject({
      ok: false,
      reason: "signal-breach",
      signals: { failClosed: true, p95LatencyMs: { value: 900, baseline: 200, factor: 2, limit: 400, ok: false } },
    });
    expect(events.some((e) => e.event === "rolled-back")).toBe(false);
    expect(events.some((e) => e.event === "step-started" && e.phase === "rollback")).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: "failed", trigger: "signal-breach", manualRollback: "gonogo rollback --env production --to 2.0.0" });
  });

  it("thresholds default to the policy's rollback triggers; the config's max and factor override them", async () => {
    const strict = path.join(SIGNALS, "strict-triggers.policy.yaml");
    // 3 % errors: under the default 5 %, over the strict policy's 2 %.
    const ws = await workspace(standard);
    expect((await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0-warn"])).code).toBe(0);
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.1-warn", "--policy", strict]);
    expect(r.code).toBe(1);
    expect(ws.events().filter((e) => e.version === "1.0.1-warn").find((e) => e.event === "health")).toMatchObject({
      reason: "signal-breach",
      signals: { errorRate: { value: 0.03, max: 0.02, ok: false }, p95LatencyMs: { factor: 1.5, limit: 300 } },
    });

    const own = await workspace((env, metrics) => ({ ...standard(env, metrics), errorRate: { path: "http.errors.rate", max: 0.04 } }));
    const passes = await run(own.dir, ["deploy", "--env", "development", "--version", "1.0.1-warn", "--policy", strict]);
    expect(passes.code).toBe(0);
    expect(own.events().find((e) => e.event === "health")).toMatchObject({ ok: true, signals: { errorRate: { value: 0.03, max: 0.04, ok: true } } });
  });

  it("a baseline read from another JSON file (array index in the path)", async () => {
    const ws = await workspace((env, metrics) => ({
      url: `${metrics}/metrics/${env}`,
      p95LatencyMs: { path: "http.latency_ms.p95", baseline: { file: path.join(SIGNALS, "baseline-by-region.json"), path: "regions.1.p95_ms" }, factor: 3 },
    }));
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0-slow"]);
    expect(r.code).toBe(1);
    expect(ws.events().find((e) => e.event === "health")).toMatchObject({ signals: { p95LatencyMs: { value: 900, baseline: 210, factor: 3, limit: 630, ok: false } } });
  });
});

describe("an unreadable or malformed signal source", () => {
  it("development: a logged warning; the release completes on the HTTP checks", async () => {
    const ws = await workspace({ file: "metrics/current.json", errorRate: { path: "http.errors.rate" } });
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.code).toBe(0);
    const health = ws.events().find((e) => e.event === "health");
    expect(health).toMatchObject({ ok: true, signals: { source: "metrics/current.json", failClosed: false, problems: [expect.stringContaining("no such file")] } });
    expect(health?.warnings).toEqual(["signal source metrics/current.json unreadable: no such file"]);
    expect(r.out).toContain("⚠ signal source metrics/current.json unreadable: no such file");
    expect(ws.events().at(-1)).toMatchObject({ event: "completed" });
  });

  it("staging: a value that is a percentage, not a fraction, or a string is a warning too", async () => {
    const ws = await workspace({ file: path.join(SIGNALS, "metrics-percent.json"), errorRate: { path: "http.errors.rate" }, p95LatencyMs: { path: "http.latency_ms.p95", baseline: 150 } });
    const r = await run(ws.dir, ["deploy", "--env", "staging", "--version", "1.0.0", "--answer", "yes", "--approver", "bob"]);
    expect(r.code).toBe(0);
    const warnings = ws.events().find((e) => e.event === "health")?.warnings as string[];
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('has 4.4 at "http.errors.rate" (expected a fraction between 0 and 1)');
    expect(warnings[1]).toContain('has "187ms" at "http.latency_ms.p95" (expected a non-negative number)');
  });

  it("production: fails closed — every check counts as failed, then the release fails without a rollback", async () => {
    const ws = await workspace((_env, metrics) => ({ url: `${metrics}/garbage`, errorRate: { path: "http.errors.rate" } }));
    const r = await run(ws.dir, prod("2.0.0"));
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy production 2.0.0"]);
    expect(ws.metrics.requests.filter((u) => u === "/garbage")).toHaveLength(3);
    const health = ws.events().find((e) => e.event === "health");
    expect(health).toMatchObject({ ok: false, checks: 3, consecutiveFailures: 3, reason: "signals-unreadable", signals: { failClosed: true } });
    expect(String(health?.error)).toMatch(/unreadable: not JSON/);
    expect(ws.events().at(-1)).toMatchObject({ event: "failed", trigger: "signals-unreadable", manualRollback: "gonogo rollback --env production --to <previous version>" });
    expect(ws.events().some((e) => e.event === "rolled-back")).toBe(false);
  });

  it("development: an endpoint that never answers is given up after the health timeout, with a warning", async () => {
    const ws = await workspace((_env, metrics) => ({ url: `${metrics}/hang`, errorRate: { path: "http.errors.rate" } }), "300ms");
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.code).toBe(0);
    expect(ws.events().find((e) => e.event === "health")?.warnings).toEqual([`signal source ${ws.metrics.url}/hang unreadable: no answer within 300ms`]);
  });

  it("production: an endpoint answering 503 fails closed as well", async () => {
    const ws = await workspace((_env, metrics) => ({ url: `${metrics}/down`, p95LatencyMs: { path: "p95", baseline: 100 } }));
    const r = await run(ws.dir, prod("2.0.0"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("unreadable: HTTP 503");
    expect(ws.events().find((e) => e.event === "health")).toMatchObject({ ok: false, reason: "signals-unreadable" });
  });
});
