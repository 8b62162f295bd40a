// The process executor: argv without a shell, output capped, timeouts kill the whole process group.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { processExecutor, httpHealthProbe } from "../src/release/index.js";
import { SCRIPTS, alive, startHealthServer } from "./release-helpers.js";


describe("processExecutor", () => {
  it("passes arguments verbatim, without a shell", async () => {
    const result = await processExecutor().run({
      argv: [process.execPath, "-e", "console.log(JSON.stringify(process.argv.slice(1)))", "$(id)", "a;b", "`x`"],
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH },
      timeoutMs: 10_000,
      maxOutputBytes: 10_000,
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.output)).toEqual(["$(id)", "a;b", "`x`"]);
  });

  it("reports a command that does not exist", async () => {
    const result = await processExecutor().run({ argv: ["./no-such-step.sh"], cwd: os.tmpdir(), env: {}, timeoutMs: 5000, maxOutputBytes: 100 });
    expect(result.exitCode).toBeNull();
    expect(result.error).toMatch(/ENOENT/);
  });

  it("caps output and keeps its start and end", async () => {
    const result = await processExecutor().run({ argv: [process.execPath, path.join(SCRIPTS, "flood.mjs"), String(8 * 1024)], cwd: os.tmpdir(), env: {}, timeoutMs: 60_000, maxOutputBytes: 16 * 1024 });
    expect(result.exitCode).toBe(1);
    expect(result.outputBytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThan(17 * 1024 + 100);
    expect(result.output).toContain("END-OF-FLOOD");
    expect(result.output).toContain("bytes of output omitted");
  });

  it("a timeout kills the step and the children it started", async () => {
    const state = mkdtempSync(path.join(os.tmpdir(), "gonogo-hang-"));
    const result = await processExecutor().run({ argv: [process.execPath, path.join(SCRIPTS, "hang.mjs")], cwd: state, env: { STATE_DIR: state }, timeoutMs: 500, maxOutputBytes: 1000 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    const pids = readFileSync(path.join(state, "hang.pids"), "utf8").trim().split(" ").map(Number);
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it("an abort signal stops the step", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await processExecutor().run({ argv: [process.execPath, "-e", "setInterval(() => {}, 1000)"], cwd: os.tmpdir(), env: {}, timeoutMs: 60_000, maxOutputBytes: 1000, signal: controller.signal });
    expect(result.interrupted).toBe(true);
    expect(result.timedOut).toBe(false);
  });
});

describe("httpHealthProbe", () => {
  it("checks the status of a real HTTP endpoint", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gonogo-probe-"));
    const server = await startHealthServer(dir);
    try {
      const ok = await httpHealthProbe().check({ url: `${server.url}/health/dev`, expect: 200, timeoutMs: 2000 });
      expect(ok).toMatchObject({ ok: true, status: 200 });
      const wrong = await httpHealthProbe().check({ url: `${server.url}/health/dev`, expect: 204, timeoutMs: 2000 });
      expect(wrong).toMatchObject({ ok: false, status: 200 });
    } finally {
      await server.close();
    }
    const refused = await httpHealthProbe().check({ url: server.url.replace(/:\d+$/, ":1"), expect: 200, timeoutMs: 2000 });
    expect(refused.ok).toBe(false);
    expect(refused.error).toBeTruthy();
  });
});
