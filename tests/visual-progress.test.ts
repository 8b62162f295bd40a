// The progress bar: drawn on stderr only when it is a TTY and the scan has run past the delay;
// silent otherwise. A fake TTY stream and a fake clock, no real waiting.
import { describe, expect, test } from "vitest";
import { createProgressReporter, renderBar } from "../src/cli/progress.js";
import { scan } from "../src/engine/scan.js";
import { runCli, tempProject } from "./helpers.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 80, write: (t: string) => writes.push(t) }, writes };
}

function fakeClock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("progress reporter", () => {
  test("silent on a TTY while the scan is younger than the delay", () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgressReporter({ stream, now: clock.now });
    for (let i = 0; i <= 50; i++) {
      progress.update(i, 50);
      clock.advance(19); // 50 files in 950 ms
    }
    progress.finish();
    expect(writes).toEqual([]);
    expect(progress.shown).toBe(false);
  });

  test("draws on a TTY once the scan runs longer than a second, then clears the line", () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgressReporter({ stream, now: clock.now });
    progress.update(0, 10);
    clock.advance(1_001);
    progress.update(3, 10);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.startsWith("\r\u001b[2K")).toBe(true);
    expect(writes[0]!.slice(5)).toMatch(/^scanning ▕█+░+▏ 3\/10 files {2}30%$/);
    expect(progress.shown).toBe(true);
    progress.finish();
    expect(writes.at(-1)).toBe("\r\u001b[2K");
    expect(progress.shown).toBe(false);
  });

  test("never draws when stderr is not a TTY, however long the scan runs", () => {
    const { stream, writes } = fakeStream(false);
    const clock = fakeClock();
    const progress = createProgressReporter({ stream, now: clock.now });
    for (let i = 0; i <= 10; i++) {
      clock.advance(1_000);
      progress.update(i, 10);
    }
    progress.finish();
    expect(writes).toEqual([]);
  });

  test("TERM=dumb gets no bar", () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgressReporter({ stream, now: clock.now, env: { TERM: "dumb" } });
    clock.advance(5_000);
    progress.update(1, 2);
    expect(writes).toEqual([]);
  });

  test("redraws are throttled, but the last file is always drawn", () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgressReporter({ stream, now: clock.now, intervalMs: 100 });
    clock.advance(2_000);
    for (let i = 1; i <= 100; i++) {
      progress.update(i, 100);
      clock.advance(10); // 100 files in 1 s: about 10 redraws, not 100
    }
    expect(writes.length).toBeGreaterThanOrEqual(10);
    expect(writes.length).toBeLessThanOrEqual(12);
    expect(writes.at(-1)).toContain("100/100 files 100%");
  });

  test("the bar fits narrow terminals and clamps odd counts", () => {
    expect(renderBar("scanning", 5, 10, 40).length).toBeLessThanOrEqual(40 + 10);
    expect(renderBar("scanning", 15, 10, 80)).toContain("10/10 files 100%");
    expect(renderBar("scanning", 0, 10, 80)).toContain("▕░");
  });
});

describe("scan reports progress", () => {
  test("onProgress counts every file up to the total", async () => {
    const dir = tempProject({
      "alembic/versions/0001_a.py": 'revision = "0001"\ndown_revision = None\ndef upgrade():\n    pass\ndef downgrade():\n    pass\n',
      "sql/cleanup.sql": "DELETE FROM sessions WHERE expires_at < now();\n",
      "infra/main.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n',
    });
    const calls: [number, number][] = [];
    const result = await scan({ cwd: dir, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([result.filesScanned, result.filesScanned]);
    expect(calls.every(([, total]) => total === result.filesScanned)).toBe(true);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
  });

  test("gonogo scan writes nothing to a non-TTY stderr", async () => {
    const dir = tempProject({ "sql/cleanup.sql": "DELETE FROM sessions WHERE expires_at < now();\n" });
    const run = await runCli(["scan"], { cwd: dir });
    expect(run.stderr).toBe("");
  });
});
