// Signal configuration errors and policy errors stop deploy/rollback/cascade with exit 2 before
// anything is logged or run; the pieces of signals.ts on their own.
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { main } from "../src/cli/main.js";
import { readSignals, signalsSpecFrom, valueAtPath } from "../src/release/signals.js";
import { FIXTURES, makeWorkspace, memoryIO } from "./release-helpers.js";

const SIGNALS = path.join(FIXTURES, "signals");

function workspaceWith(signals: unknown) {
  const ws = makeWorkspace({ healthUrl: "http://127.0.0.1:1" });
  const config = parse(readFileSync(ws.config, "utf8")) as { environments: Record<string, { health: Record<string, unknown> }> };
  config.environments.development!.health.signals = signals;
  writeFileSync(ws.config, stringify(config));
  return ws;
}

async function run(cwd: string, argv: string[]) {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const at = "environments.development.health.signals";

describe("bad signal configuration: exit 2, nothing logged, nothing run", () => {
  const cases: [string, unknown, RegExp][] = [
    ["both url and file", { url: "http://127.0.0.1:9/m", file: "m.json", errorRate: { path: "a" } }, new RegExp(`:\\d+:\\d+: ${at} has both "url" and "file"`)],
    ["no source", { errorRate: { path: "a" } }, new RegExp(`:\\d+:\\d+: ${at} needs a JSON source`)],
    ["no signal", { file: "m.json" }, new RegExp(`:\\d+:\\d+: ${at} needs "errorRate" or "p95LatencyMs"`)],
    ["an error rate max that is a percentage", { file: "m.json", errorRate: { path: "a", max: 5 } }, new RegExp(`:\\d+:\\d+: ${at}\\.errorRate\\.max must be <= 1`)],
    ["an empty dot path segment", { file: "m.json", errorRate: { path: "http..rate" } }, new RegExp(`:\\d+:\\d+: ${at}\\.errorRate\\.path must match`)],
    ["a p95 without a baseline", { file: "m.json", p95LatencyMs: { path: "p95" } }, new RegExp(`${at}\\.p95LatencyMs is missing required key "baseline"`)],
    ["a factor of 1", { file: "m.json", p95LatencyMs: { path: "p95", baseline: 100, factor: 1 } }, new RegExp(`:\\d+:\\d+: ${at}\\.p95LatencyMs\\.factor must be > 1`)],
    ["a non-http URL", { url: "ftp://metrics.internal/m", errorRate: { path: "a" } }, new RegExp(`:\\d+:\\d+: ${at}\\.url must match`)],
    ["an unknown key", { file: "m.json", errorRate: { path: "a", threshold: 0.1 } }, new RegExp(`${at}\\.errorRate\\.threshold is not a known key`)],
    ["a baseline that is neither a number nor a source", { file: "m.json", p95LatencyMs: { path: "p95", baseline: "fast" } }, new RegExp(`${at}\\.p95LatencyMs\\.baseline`)],
    ["a baseline source with both url and file", { file: "m.json", p95LatencyMs: { path: "p95", baseline: { path: "b", url: "http://127.0.0.1:9/b", file: "b.json" } } }, new RegExp(`:\\d+:\\d+: ${at}\\.p95LatencyMs\\.baseline has both`)],
  ];
  it.each(cases)("%s", async (_name, signals, message) => {
    const ws = workspaceWith(signals);
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(ws.config);
    expect(r.err).toMatch(message);
    expect(r.out).toBe("");
    expect(existsSync(ws.log)).toBe(false);
    expect(ws.calls()).toEqual([]);
  });

  it("the line points at the offending key", async () => {
    const ws = workspaceWith({ url: "http://127.0.0.1:9/m", file: "m.json", errorRate: { path: "a" } });
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    const line = Number(/gonogo\.config\.yaml:(\d+):/.exec(r.err)?.[1]);
    expect(readFileSync(ws.config, "utf8").split("\n")[line - 1]).toMatch(/^\s+(url|file):/);
  });
});

describe("a bad --policy FILE: exit 2 before anything is logged or run", () => {
  const broken = path.join(SIGNALS, "broken.policy.yaml");

  it("deploy: no log file, no lock, no step", async () => {
    const ws = makeWorkspace({ healthUrl: "http://127.0.0.1:1" });
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0", "--policy", broken]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.policy\.yaml:\d+: .*errorRatePercent/);
    expect(existsSync(ws.log)).toBe(false);
    expect(existsSync(path.join(ws.dir, ".gonogo"))).toBe(false);
    expect(ws.calls()).toEqual([]);
  });

  it("deploy, rollback and cascade after earlier releases: the log gains no line", async () => {
    const ws = makeWorkspace({ healthUrl: "http://127.0.0.1:1" });
    // An earlier release in the log (its health check fails: the server is not there; that is fine here).
    await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"]);
    const before = readFileSync(ws.log, "utf8");
    const calls = ws.calls();
    expect(before.length).toBeGreaterThan(0);
    for (const argv of [
      ["deploy", "--env", "development", "--version", "1.1.0", "--policy", broken],
      ["deploy", "--env", "development", "--version", "1.1.0", "--policy", path.join(SIGNALS, "no-such.policy.yaml")],
      ["rollback", "--env", "development", "--to", "0.9.0", "--policy", broken],
      ["cascade", "--version", "1.1.0", "--policy", broken],
    ]) {
      const r = await run(ws.dir, argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(/policy\.yaml/);
      expect(readFileSync(ws.log, "utf8")).toBe(before);
      expect(ws.calls()).toEqual(calls);
    }
  });

  it("rollback honours a valid --policy FILE", async () => {
    const ws = makeWorkspace({ healthUrl: "http://127.0.0.1:1" });
    const policy = path.join(ws.dir, "rollback.policy.yaml");
    writeFileSync(policy, "environments:\n  development:\n    rollbackApproval: always\n");
    // 0.9.0 completed in development before (a rollback may only go back to such a version).
    mkdirSync(path.dirname(ws.log), { recursive: true });
    writeFileSync(ws.log, JSON.stringify({ v: 1, ts: "2024-05-01T12:00:00.000Z", releaseId: "r-seed", event: "completed", project: "credentialmate", environment: "development", version: "0.9.0" }) + "\n");
    const r = await run(ws.dir, ["rollback", "--env", "development", "--to", "0.9.0", "--policy", policy]);
    expect(r.code).toBe(3);
    expect(ws.calls()).toEqual([]);
  });
});

describe("signals.ts", () => {
  it("valueAtPath walks objects and array indexes, and nothing else", () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] }, "x.y": 3 };
    expect(valueAtPath(doc, "a.b.1.c")).toBe(2);
    expect(valueAtPath(doc, "a.b.2.c")).toBeUndefined();
    expect(valueAtPath(doc, "a.b.c")).toBeUndefined();
    expect(valueAtPath(doc, "a.toString")).toBeUndefined();
    expect(valueAtPath(doc, "x.y")).toBeUndefined();
  });

  it("reads a file source once for both signals and compares with the thresholds", async () => {
    const spec = signalsSpecFrom(
      { file: "metrics-healthy.json", errorRate: { path: "http.errors.rate" }, p95LatencyMs: { path: "http.latency_ms.p95", baseline: { path: "baseline.latency_ms.p95" } } },
      { baseDir: SIGNALS, at: ["signals"] },
    );
    const ok = await readSignals(spec, { errorRateMax: 0.05, p95LatencyFactor: 2 }, { timeoutMs: 1000 });
    expect(ok).toEqual({
      breaches: [],
      problems: [],
      errorRate: { value: 0.0044, max: 0.05, ok: true },
      p95LatencyMs: { value: 187, baseline: 160, factor: 2, limit: 320, ok: true },
    });
    const tight = await readSignals(spec, { errorRateMax: 0.004, p95LatencyFactor: 1.1 }, { timeoutMs: 1000 });
    expect(tight.breaches).toEqual(["error rate 0.44 % is over the maximum 0.4 %", "p95 latency 187 ms is over 1.1 × the baseline 160 ms (176 ms)"]);
  });

  it("a config built by a host tool gets the same checks", () => {
    expect(() => signalsSpecFrom({ file: "m.json", errorRate: { path: "a", max: 1.5 } }, { baseDir: SIGNALS, at: ["signals"] })).toThrow(/signals\.errorRate\.max must be a fraction between 0 and 1/);
    expect(() => signalsSpecFrom({ url: "http://user:pw@127.0.0.1/m", errorRate: { path: "a" } }, { baseDir: SIGNALS, at: ["signals"] })).toThrow(/must not carry credentials/);
  });
});
