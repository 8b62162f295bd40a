// Never half a release: the real binary whose stdout reader goes away after the first line
// (`gonogo deploy … | head -1`) still runs every step and logs `completed`; a scan piped into a
// closed pipe exits quietly, without a stack trace.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ensureBuilt, ROOT } from "./hardening-helpers.js";
import { makeWorkspace, SCRIPTS, startHealthServer, type HealthServer } from "./release-helpers.js";

const servers: HealthServer[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** Runs the binary, destroys its stdout pipe after the first chunk, resolves with its exit and stderr. */
function runClosingStdout(args: string[], cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; firstChunk: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let firstChunk = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", (d: Buffer) => {
      firstChunk = d.toString();
      child.stdout.destroy();
    });
    child.on("close", (code, signal) => resolve({ code, signal, stderr, firstChunk }));
  });
}

describe("a closed stdout never stops a release", () => {
  it("deploy | head -1: the build step, the deploy step and the health check still run; the log says completed", async () => {
    const ws = makeWorkspace({ healthUrl: "http://placeholder" });
    const server = await startHealthServer(ws.dir);
    servers.push(server);
    const node = JSON.stringify(process.execPath);
    // A slow first step, so the reader is gone before the next write.
    const build = `\n      - name: build\n        run: [${node}, "-e", "setTimeout(() => {}, 400)"]\n        timeout: 30s`;
    const text = readFileSync(ws.config, "utf8").replaceAll("http://placeholder", server.url);
    writeFileSync(ws.config, text.replace(/( {2}development:\n {4}env:\n {6}STATE_DIR: [^\n]+\n {4}steps:)/, `$1${build}`));
    const r = await runClosingStdout(["deploy", "--env", "development", "--version", "1.0.0"], ws.dir);
    expect(r.firstChunk).toContain("gonogo deploy credentialmate 1.0.0");
    expect(r.stderr).not.toMatch(/EPIPE|internal error|Error:/);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(ws.calls()).toEqual(["deploy development 1.0.0"]);
    const events = ws.events().map((e) => [e.event, e.step ?? ""]);
    expect(events).toEqual([
      ["requested", ""],
      ["decision", ""],
      ["step-started", "build"],
      ["step-finished", "build"],
      ["step-started", "deploy"],
      ["step-finished", "deploy"],
      ["health", ""],
      ["completed", ""],
    ]);
    expect(path.isAbsolute(SCRIPTS)).toBe(true);
  });

  it("scan | head -1 exits quietly", async () => {
    const r = await runClosingStdout(["scan", "--no-config", "fixtures/alembic/shop"], ROOT);
    expect(r.firstChunk.length).toBeGreaterThan(0);
    expect(r.stderr).toBe("");
    expect(r.signal).toBeNull();
  });
});
