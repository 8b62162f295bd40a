// The deployment log: one line per event, torn lines repaired, concurrent writers serialized,
// stale environment locks of dead processes recovered.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import os from "node:os";
import path from "node:path";
import { DeploymentLog, parseLog, summarizeReleases, currentVersion, type LogEvent } from "../src/release/index.js";

function tmpLog(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), "gonogo-log-")), ".gonogo", "deployments.jsonl");
}

function event(releaseId: string, name: LogEvent["event"], extra: Record<string, unknown> = {}): LogEvent {
  return { v: 1, ts: "2024-06-01T10:00:00.000Z", releaseId, event: name, project: "shop", environment: "staging", version: "1.0.0", ...extra };
}

describe("DeploymentLog", () => {
  it("appends one JSON line per event", async () => {
    const file = tmpLog();
    const log = new DeploymentLog(file);
    await log.append(event("r1", "requested"), event("r1", "completed"));
    const text = readFileSync(file, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.trim().split("\n").map((l) => (JSON.parse(l) as LogEvent).event)).toEqual(["requested", "completed"]);
  });

  it("a torn last line (writer killed mid-write) is terminated by the next writer; readers skip and report it", async () => {
    const file = tmpLog();
    const log = new DeploymentLog(file);
    await log.append(event("r1", "requested"));
    appendFileSync(file, '{"v":1,"ts":"2024-06-01T10:00:01.000Z","releaseId":"r1","event":"step-st');
    const torn = await log.read();
    expect(torn.events).toHaveLength(1);
    expect(torn.problems).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining("unterminated") })]);
    await log.append(event("r2", "requested"));
    const repaired = await log.read();
    expect(repaired.events.map((e) => e.releaseId)).toEqual(["r1", "r2"]);
    expect(repaired.problems).toEqual([expect.objectContaining({ line: 2 })]);
    expect(readFileSync(file, "utf8").split("\n").at(-2)).toContain('"releaseId":"r2"');
  });

  it("serializes many concurrent writers: every event exactly once, every line parses", async () => {
    const file = tmpLog();
    const writers = Array.from({ length: 16 }, () => new DeploymentLog(file));
    await Promise.all(
      writers.map(async (log, w) => {
        for (let i = 0; i < 10; i++) await log.append(event(`r${w}`, "step-finished", { n: i, output: "y".repeat(2000 + w * 500) }));
      }),
    );
    const { events, problems } = parseLog(readFileSync(file, "utf8"));
    expect(problems).toEqual([]);
    expect(events).toHaveLength(160);
    for (let w = 0; w < 16; w++) expect(events.filter((e) => e.releaseId === `r${w}`).map((e) => e.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("serializes writers in separate processes", async () => {
    const file = tmpLog();
    mkdirSync(path.dirname(file), { recursive: true });
    // Each child takes the same lock (proper-lockfile, same lock path) and appends 20 lines.
    const child = `
      const lockfile = require(${JSON.stringify(path.resolve("node_modules/proper-lockfile"))});
      const fs = require("fs");
      const file = ${JSON.stringify(file)};
      (async () => {
        for (let i = 0; i < 20; i++) {
          const release = await lockfile.lock(file, { realpath: false, lockfilePath: file + ".lock", stale: 10000, retries: { retries: 500, minTimeout: 2, maxTimeout: 50 } });
          fs.appendFileSync(file, JSON.stringify({ v: 1, ts: new Date().toISOString(), releaseId: "p" + process.argv[1], event: "health", project: "shop", environment: "e", version: "1", n: i }) + "\\n");
          await release();
        }
      })();`;
    const runs = Array.from({ length: 4 }, (_, i) => new Promise<number>((resolve) => spawn(process.execPath, ["-e", child, String(i)], { stdio: "ignore" }).on("close", (code) => resolve(code ?? -1))));
    const inProcess = (async () => {
      const log = new DeploymentLog(file);
      for (let i = 0; i < 20; i++) await log.append(event("self", "health", { n: i }));
    })();
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    await inProcess;
    const { events, problems } = await new DeploymentLog(file).read();
    expect(problems).toEqual([]);
    expect(events).toHaveLength(100);
  });

  it("recovers an environment lock left by a dead process", async () => {
    const file = tmpLog();
    const log = new DeploymentLog(file);
    const dead = spawn(process.execPath, ["-e", "0"]);
    await new Promise((resolve) => dead.on("close", resolve));
    const locks = path.join(path.dirname(file), "locks");
    mkdirSync(path.join(locks, "production.lock"), { recursive: true });
    writeFileSync(path.join(locks, "production.owner.json"), JSON.stringify({ releaseId: "r-dead", pid: dead.pid, host: hostname(), startedAt: "2024-06-01T00:00:00Z" }));
    // The lock directory is older than a second: its holder had time to write the owner file.
    const old = new Date(Date.now() - 5000);
    const { utimesSync } = await import("node:fs");
    utimesSync(path.join(locks, "production.lock"), old, old);
    const lock = await log.acquireEnvironment("production", { releaseId: "r-new", startedAt: "2024-06-01T00:01:00Z" });
    expect((await log.runningRelease("production"))?.releaseId).toBe("r-new");
    await lock.release();
    expect(await log.runningRelease("production")).toBeUndefined();
  });

  it("refuses a second holder of a live lock, naming the running release", async () => {
    const log = new DeploymentLog(tmpLog());
    const lock = await log.acquireEnvironment("staging", { releaseId: "r-live", kind: "deploy", version: "1.2.0", startedAt: "2024-06-01T00:00:00Z" });
    await expect(log.acquireEnvironment("staging", { releaseId: "r-2", startedAt: "2024-06-01T00:00:01Z" })).rejects.toThrow(/staging is busy: release r-live \(deploy 1\.2\.0\)/);
    await lock.release();
  });

  it("summarizes releases and knows the current version of each environment", () => {
    const events: LogEvent[] = [
      event("a", "requested"),
      event("a", "approval", { answer: "approved", approver: "alice" }),
      event("a", "completed"),
      event("b", "requested", { version: "1.1.0" }),
      event("b", "rolled-back", { ok: true, version: "1.1.0" }),
      event("b", "failed", { version: "1.1.0", reason: "health-failed" }),
      // gonogo rollback, approved by a person: manual, never labelled automatic.
      event("c", "requested", { version: "1.0.0", kind: "rollback" }),
      event("c", "approval", { answer: "approved", approver: "carol" }),
      event("c", "rolled-back", { automatic: false, ok: true, version: "1.0.0" }),
      event("c", "completed", { version: "1.0.0" }),
      event("d", "requested", { version: "1.0.0", kind: "rollback" }),
      event("d", "rolled-back", { automatic: false, ok: false, version: "1.0.0" }),
      event("d", "failed", { version: "1.0.0", reason: "step-failed" }),
    ];
    const summary = summarizeReleases(events);
    expect(summary.map((s) => [s.releaseId, s.status, s.approver ?? null, s.rollback ?? null])).toEqual([
      ["a", "completed", "alice", null],
      ["b", "failed", null, "automatic"],
      ["c", "completed", "carol", "manual"],
      ["d", "failed", null, "manual (failed)"],
    ]);
    expect(currentVersion(events, "shop", "staging")).toBe("1.0.0");
    expect(currentVersion(events, "shop", "production")).toBeUndefined();
  });
});
