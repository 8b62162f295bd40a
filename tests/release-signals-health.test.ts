// runHealthChecks with signals, driven by a scripted probe, scripted readings and a clock that does
// not wait: when the signals are read, what a breach, a problem and fail-closed do to the count.
import { describe, expect, it } from "vitest";
import { runHealthChecks, type HealthPolicy } from "../src/release/health.js";
import type { SignalsReading } from "../src/release/signals.js";
import type { Clock, HealthProbe, HealthResult } from "../src/release/types.js";

const clock: Clock = { now: () => new Date(0), sleep: async () => undefined };

function probeOf(results: boolean[]): HealthProbe & { calls: number } {
  const probe = {
    calls: 0,
    check: async (): Promise<HealthResult> => {
      const ok = results[Math.min(probe.calls++, results.length - 1)]!;
      return ok ? { ok, status: 200, durationMs: 1 } : { ok, status: 500, error: "expected HTTP 200, got 500", durationMs: 1 };
    },
  };
  return probe;
}

const fine: SignalsReading = { breaches: [], problems: [], errorRate: { value: 0.01, max: 0.05, ok: true } };
const breach: SignalsReading = { breaches: ["error rate 9 % is over the maximum 5 %"], problems: [], errorRate: { value: 0.09, max: 0.05, ok: false } };
const unreadable: SignalsReading = { breaches: [], problems: ["signal source http://127.0.0.1:9/m unreadable: HTTP 503"] };

function readerOf(readings: SignalsReading[]) {
  const reader = { reads: 0, read: async () => readings[Math.min(reader.reads++, readings.length - 1)]! };
  return reader;
}

const base: Omit<HealthPolicy, "signals"> = { url: "http://127.0.0.1:9/health", expect: 200, intervalMs: 1, timeoutMs: 100, failures: 3, successes: 3 };

describe("runHealthChecks with signals", () => {
  it("reads the signals after every passing check; a breach ends the verification at once", async () => {
    const probe = probeOf([true]);
    const reader = readerOf([fine, fine, breach]);
    const outcome = await runHealthChecks(probe, clock, { ...base, signals: { read: reader.read, failClosed: false } });
    expect(outcome).toMatchObject({ ok: false, checks: 3, reason: "signal-breach", failure: "error rate 9 % is over the maximum 5 %", signals: breach });
    expect(reader.reads).toBe(3);
  });

  it("does not read the signals after a failed HTTP check", async () => {
    const probe = probeOf([false, true, true, true]);
    const reader = readerOf([fine]);
    const outcome = await runHealthChecks(probe, clock, { ...base, signals: { read: reader.read, failClosed: true } });
    expect(outcome).toMatchObject({ ok: true, checks: 4, warnings: [] });
    expect(reader.reads).toBe(3);
  });

  it("fail open: a problem is a warning (once) and the checks count on HTTP", async () => {
    const outcome = await runHealthChecks(probeOf([true]), clock, { ...base, signals: { read: readerOf([unreadable]).read, failClosed: false } });
    expect(outcome).toMatchObject({ ok: true, checks: 3, warnings: unreadable.problems });
  });

  it("fail closed: a problem fails the check; `failures` in a row fail the verification", async () => {
    const outcome = await runHealthChecks(probeOf([true]), clock, { ...base, signals: { read: readerOf([unreadable]).read, failClosed: true } });
    expect(outcome).toMatchObject({ ok: false, checks: 3, consecutiveFailures: 3, reason: "signals-unreadable", lastError: unreadable.problems[0] });
    expect(outcome.failure).toContain("failing closed");
  });

  it("fail closed: a transient problem followed by good readings still passes", async () => {
    const outcome = await runHealthChecks(probeOf([true]), clock, { ...base, signals: { read: readerOf([unreadable, fine, fine, fine]).read, failClosed: true } });
    expect(outcome).toMatchObject({ ok: true, checks: 4 });
  });

  it("without signals the outcome is the HTTP one, with the reason of a failure", async () => {
    const outcome = await runHealthChecks(probeOf([false]), clock, base);
    expect(outcome).toMatchObject({ ok: false, checks: 3, reason: "consecutive-failures", failure: "3 consecutive failed health checks (expected HTTP 200, got 500)", warnings: [] });
    expect(outcome).not.toHaveProperty("signals");
  });
});
