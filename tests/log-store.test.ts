// The deployment log's stores, both backends through one interface: appends chained in order,
// concurrent writers (in this process and in others), environment locks (refused while held, free
// again when the holder is killed with SIGKILL), the hash chain verified, export and import.
// PostgreSQL runs for real: a throwaway cluster (tests/pg-cluster.ts), no mock.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DeploymentLog, openLogStore, type LogEvent, type LogLocation, type LogStore } from "../src/release/index.js";
import { GENESIS, eventHash } from "../src/log/chain.js";
import { ensureBuilt, ROOT } from "./hardening-helpers.js";
import { postgresAvailable, startCluster, type PgCluster } from "./pg-cluster.js";

const withPostgres = postgresAvailable();
let cluster: PgCluster | undefined;
let databases = 0;

beforeAll(async () => {
  ensureBuilt();
  if (withPostgres) cluster = await startCluster();
}, 180_000);
afterAll(() => cluster?.stop());

function event(releaseId: string, name: LogEvent["event"], extra: Record<string, unknown> = {}): LogEvent {
  return { v: 1, ts: "2024-06-01T10:00:00.000Z", releaseId, event: name, project: "shop", environment: "staging", version: "1.0.0", ...extra };
}

interface Backend {
  name: "file" | "postgres";
  fresh(): Promise<LogLocation>;
  /** Replaces the `index`-th stored event line (0-based) with `line`, as someone editing the log would. */
  edit(location: LogLocation, index: number, line: string): Promise<void>;
}

const fileBackend: Backend = {
  name: "file",
  fresh: async () => ({ backend: "file", path: path.join(mkdtempSync(path.join(os.tmpdir(), "gonogo-log-")), "deployments.jsonl") }),
  edit: async (location, index, line) => {
    const file = (location as { path: string }).path;
    const lines = readFileSync(file, "utf8").split("\n");
    lines[index] = line;
    writeFileSync(file, lines.join("\n"));
  },
};

const postgresBackend: Backend = {
  name: "postgres",
  fresh: async () => ({ backend: "postgres", url: await cluster!.createDatabase(`log_${process.pid}_${++databases}`), env: {} }),
  edit: async (location, index, line) => {
    const client = new pg.Client({ connectionString: (location as { url: string }).url });
    await client.connect();
    try {
      // The table refuses updates: an editor with the rights to drop the guard does it anyway.
      await expect(client.query("UPDATE gonogo_log_events SET line = line")).rejects.toThrow(/append-only/);
      await client.query("ALTER TABLE gonogo_log_events DISABLE TRIGGER gonogo_log_events_append_only");
      await client.query("UPDATE gonogo_log_events SET line = $1 WHERE id = (SELECT id FROM gonogo_log_events ORDER BY id OFFSET $2 LIMIT 1)", [line, index]);
    } finally {
      await client.end();
    }
  },
};

const open = (location: LogLocation): LogStore => openLogStore(location, { project: "shop" });

/** A child process that takes `environment`'s lock through the built store, says "held" and waits. */
function lockHolder(location: LogLocation, environment: string, options: { step?: boolean } = {}): Promise<{ child: ReturnType<typeof spawn>; stepPgid?: number }> {
  // With a step: a detached process group (like a deploy step) noted in the lock, which outlives the holder.
  const step = options.step
    ? `
    const { spawn } = await import("node:child_process");
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { detached: true, stdio: "ignore" });
    sleeper.unref();
    await lock.noteStep({ pgid: sleeper.pid, step: "migrate" });
    process.stdout.write("step " + sleeper.pid + "\\n");`
    : "";
  const script = `
    import { openLogStore } from ${JSON.stringify(path.join(ROOT, "dist/src/log/store.js"))};
    const store = openLogStore(${JSON.stringify(location)}, { project: "shop" });
    const lock = await store.acquireEnvironment(${JSON.stringify(environment)}, { releaseId: "r-holder", kind: "deploy", version: "9.9.9", startedAt: new Date().toISOString() });
    ${step}
    process.stdout.write("held\\n");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (data: Buffer) => {
      out += data.toString();
      const pgid = /step (\d+)/.exec(out)?.[1];
      if (out.includes("held")) resolve({ child, ...(pgid ? { stepPgid: Number(pgid) } : {}) });
    });
    child.on("close", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

for (const backend of [fileBackend, postgresBackend]) {
  describe.skipIf(backend.name === "postgres" && !withPostgres)(`the ${backend.name} log store`, () => {
    it("appends events in order, each chained to the one before (the first to the genesis value)", async () => {
      const log = open(await backend.fresh());
      await log.append(event("r1", "requested"), event("r1", "decision"));
      await log.append(event("r1", "completed"));
      const { events, problems, chain } = await log.read();
      expect(problems).toEqual([]);
      expect(events.map((e) => e.event)).toEqual(["requested", "decision", "completed"]);
      expect(events[0]!.prev).toBe(GENESIS);
      expect(events[1]!.prev).toBe(eventHash(events[0]!));
      expect(events[2]!.prev).toBe(eventHash(events[1]!));
      expect(chain).toEqual({ unchained: 0, chained: 3 });
    });

    it("serializes 16 concurrent writers: every event exactly once, in each writer's order, one unbroken chain", async () => {
      const location = await backend.fresh();
      const writers = Array.from({ length: 16 }, () => open(location));
      await Promise.all(
        writers.map(async (log, w) => {
          for (let i = 0; i < 6; i++) await log.append(event(`r${w}`, "step-finished", { n: i, output: "y".repeat(500 + w * 100) }));
        }),
      );
      const { events, problems, chain } = await open(location).read();
      expect(problems).toEqual([]);
      expect(events).toHaveLength(96);
      for (let w = 0; w < 16; w++) expect(events.filter((e) => e.releaseId === `r${w}`).map((e) => e.n)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(chain).toEqual({ unchained: 0, chained: 96 });
    });

    it("serializes writers in separate processes", async () => {
      const location = await backend.fresh();
      const script = `
        import { openLogStore } from ${JSON.stringify(path.join(ROOT, "dist/src/log/store.js"))};
        const store = openLogStore(${JSON.stringify(location)}, { project: "shop" });
        for (let i = 0; i < 15; i++) await store.append({ v: 1, ts: new Date().toISOString(), releaseId: "p" + process.argv[1], event: "health", project: "shop", environment: "e", version: "1", n: i });`;
      const runs = Array.from({ length: 4 }, (_, i) => new Promise<number>((resolve) => spawn(process.execPath, ["--input-type=module", "-e", script, String(i)], { stdio: "inherit" }).on("close", (code) => resolve(code ?? -1))));
      expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
      const { events, problems, chain } = await open(location).read();
      expect(problems).toEqual([]);
      expect(events).toHaveLength(60);
      for (let p = 0; p < 4; p++) expect(events.filter((e) => e.releaseId === `p${p}`).map((e) => e.n)).toEqual([...Array(15).keys()]);
      expect(chain?.broken).toBeUndefined();
    });

    it("refuses a second holder of an environment, naming the running release; frees it on release", async () => {
      const log = open(await backend.fresh());
      const lock = await log.acquireEnvironment("staging", { releaseId: "r-live", kind: "deploy", version: "1.2.0", startedAt: "2024-06-01T00:00:00Z" });
      expect((await log.runningRelease("staging"))?.releaseId).toBe("r-live");
      await expect(log.acquireEnvironment("staging", { releaseId: "r-2", startedAt: "2024-06-01T00:00:01Z" })).rejects.toThrow(/staging is busy: release r-live \(deploy 1\.2\.0\)/);
      // Another environment is independent.
      const other = await log.acquireEnvironment("production", { releaseId: "r-3", startedAt: "2024-06-01T00:00:02Z" });
      await other.release();
      await lock.release();
      expect(await log.runningRelease("staging")).toBeUndefined();
      const again = await log.acquireEnvironment("staging", { releaseId: "r-4", startedAt: "2024-06-01T00:00:03Z" });
      await again.release();
    });

    it("an environment lock whose holder was killed with SIGKILL is taken over", async () => {
      const location = await backend.fresh();
      const log = open(location);
      const { child } = await lockHolder(location, "production");
      await expect(log.acquireEnvironment("production", { releaseId: "r-next", startedAt: "2024-06-01T00:00:00Z" })).rejects.toThrow(/production is busy: release r-holder \(deploy 9\.9\.9\)/);
      child.kill("SIGKILL");
      await new Promise((resolve) => child.on("close", resolve));
      const started = Date.now();
      let lock;
      while (!lock) {
        lock = await log.acquireEnvironment("production", { releaseId: "r-next", startedAt: "2024-06-01T00:00:00Z" }).catch((error: Error) => {
          if (Date.now() - started > 20_000) throw error;
          return new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200));
        });
      }
      expect((await log.runningRelease("production"))?.releaseId).toBe("r-next");
      await lock.release();
    });

    it("an environment whose holder was killed mid-step stays busy while the step's process group lives, naming it", async () => {
      const location = await backend.fresh();
      const log = open(location);
      const { child, stepPgid } = await lockHolder(location, "staging", { step: true });
      expect(stepPgid).toBeGreaterThan(0);
      child.kill("SIGKILL");
      await new Promise((resolve) => child.on("close", resolve));
      // Past the file lock's 1 s takeover window and the database's view of the dead connection.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const take = () => log.acquireEnvironment("staging", { releaseId: "r-next", startedAt: "2024-06-01T00:00:00Z" });
      await expect(take()).rejects.toThrow(new RegExp(`staging is busy: release r-holder ended \\(process \\d+ is gone\\) but its step migrate still runs as process group ${stepPgid}`));
      process.kill(-stepPgid!, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      let lock;
      while (!lock) {
        lock = await take().catch((error: Error) => {
          if (Date.now() - started > 20_000) throw error;
          return new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200));
        });
      }
      await lock.release();
    });

    it("verify: an edited event breaks the chain at the next one", async () => {
      const location = await backend.fresh();
      const log = open(location);
      await log.append(event("a", "requested"), event("a", "approval", { answer: "rejected", approver: "alice" }), event("a", "failed"), event("b", "requested"));
      const stored = await log.exportLines();
      const forged = JSON.parse(stored[1]!) as Record<string, unknown>;
      forged.answer = "approved";
      await backend.edit(location, 1, JSON.stringify(forged));
      const { chain } = await log.read();
      expect(chain?.broken).toEqual({ line: 3, message: expect.stringContaining("does not match the hash of the event on line 2") });
    });

    it("accepts events written before the chain as an unchained prefix, and chains after them", async () => {
      const location = await backend.fresh();
      const log = open(location);
      const legacy = [event("old", "requested"), event("old", "completed")].map((e) => JSON.stringify(e));
      await log.importLines(legacy);
      await log.append(event("new", "requested"));
      const { events, chain } = await log.read();
      expect(chain).toEqual({ unchained: 2, chained: 1 });
      expect(events[2]!.prev).toBe(eventHash(events[1]!));
      // An unchained event after chained ones is an insertion.
      const inserted = await backend.fresh();
      await open(inserted).importLines([...(await log.exportLines()), JSON.stringify(event("x", "approval", { answer: "approved" }))]);
      expect((await open(inserted).read()).chain?.broken).toEqual({ line: 4, message: expect.stringContaining("without `prev` after chained events") });
    });

    it("export and import move the history to the other backend with its chain; import refuses a log that is not empty", async () => {
      const source = open(await backend.fresh());
      await source.append(event("a", "requested"), event("a", "completed"));
      await source.append(event("b", "requested"));
      const lines = await source.exportLines();
      const other = backend.name === "file" && withPostgres ? postgresBackend : fileBackend;
      const target = open(await other.fresh());
      await target.importLines(lines);
      expect(await target.exportLines()).toEqual(lines);
      expect((await target.read()).chain).toEqual({ unchained: 0, chained: 3 });
      await target.append(event("c", "requested"));
      expect((await target.read()).chain).toEqual({ unchained: 0, chained: 4 });
      await expect(target.importLines(lines)).rejects.toThrow(/not empty/);
    });
  });
}

describe.skipIf(!withPostgres)("the PostgreSQL store's locks", () => {
  it("a lock whose connection the server ends (a restart, pg_terminate_backend) is free again, and the holder is told", async () => {
    const location = await postgresBackend.fresh();
    const log = open(location);
    const warnings: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((text: string | Uint8Array) => (warnings.push(String(text)), true));
    try {
      const lock = await log.acquireEnvironment("staging", { releaseId: "r-cut", startedAt: "2024-06-01T00:00:00Z" });
      const admin = new pg.Client({ connectionString: (location as { url: string }).url });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend(backend_pid) FROM gonogo_log_locks WHERE environment = 'staging'");
      await admin.end();
      for (let i = 0; i < 100 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(warnings.join("")).toContain("the connection holding staging's release lock");
      const next = await open(location).acquireEnvironment("staging", { releaseId: "r-next", startedAt: "2024-06-01T00:00:01Z" });
      await next.release();
      await lock.release();
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the file store's torn lines and the chain", () => {
  it("a torn last line is skipped: the next event chains to the last whole event", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "gonogo-log-")), "deployments.jsonl");
    const log = new DeploymentLog(file);
    await log.append(event("r1", "requested"));
    appendFileSync(file, '{"v":1,"ts":"2024-06-01T10:00:01.000Z","releaseId":"r1","event":"step-st');
    await log.append(event("r2", "requested"));
    const { events, problems, chain } = await log.read();
    expect(events.map((e) => e.releaseId)).toEqual(["r1", "r2"]);
    expect(problems).toEqual([expect.objectContaining({ line: 2 })]);
    expect(chain).toEqual({ unchained: 0, chained: 2 });
  });
});
