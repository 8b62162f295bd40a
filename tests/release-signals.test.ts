// SIGINT/SIGTERM during a deploy: the running step (a real child process and the child it
// started) is stopped, the release is logged as interrupted and the environment lock is released.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { main } from "../src/cli/main.js";
import { DeploymentLog } from "../src/release/index.js";
import { SCRIPTS, makeWorkspace, memoryIO } from "./release-helpers.js";

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe.each(["SIGINT", "SIGTERM"] as const)("%s during a deploy", (signal) => {
  it("stops the step, logs the release as interrupted and releases the lock", async () => {
    const hang = `
      - name: migrate
        run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(SCRIPTS, "hang.mjs"))}]
        timeout: 10m`;
    const ws = makeWorkspace({ healthUrl: "http://127.0.0.1:1", extraSteps: hang });
    const io = memoryIO(ws.dir);
    const pidsFile = path.join(ws.dir, "hang.pids");
    const listenersBefore = process.listenerCount(signal);
    const done = main(["deploy", "--env", "development", "--version", "1.0.0"], io);
    // Wait until the step has started its child, then deliver the signal to gonogo's handlers.
    while (!existsSync(pidsFile) || readFileSync(pidsFile, "utf8").trim().split(" ").length < 2) await new Promise((r) => setTimeout(r, 20));
    process.emit(signal, signal);
    const code = await done;
    expect(code).toBe(1);
    const pids = readFileSync(pidsFile, "utf8").trim().split(" ").map(Number);
    for (const pid of pids) expect(running(pid)).toBe(false);
    const events = ws.events();
    expect(events.at(-1)).toMatchObject({ event: "interrupted", step: "migrate" });
    expect(events.find((e) => e.event === "step-finished")).toMatchObject({ step: "migrate", interrupted: true, ok: false });
    expect(ws.calls()).toEqual([]); // the deploy step after it never ran
    expect(await new DeploymentLog(ws.log).runningRelease("development")).toBeUndefined();
    expect(process.listenerCount(signal)).toBe(listenersBefore);
  });
});
