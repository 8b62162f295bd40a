// Health checks: an HTTP GET with an expected status, repeated at an interval until it passes
// or fails the configured number of consecutive times; optionally error-rate / p95-latency
// signals read alongside (see signals.ts).
import http from "node:http";
import https from "node:https";
import type { SignalsReading } from "./signals.js";
import type { Clock, HealthProbe, HealthRequest, HealthResult } from "./types.js";
import { plural } from "../plural.js";

export function httpHealthProbe(): HealthProbe {
  return {
    check(request: HealthRequest): Promise<HealthResult> {
      const started = Date.now();
      return new Promise((resolve) => {
        let url: URL;
        try {
          url = new URL(request.url);
        } catch {
          resolve({ ok: false, error: `invalid URL ${request.url}`, durationMs: 0 });
          return;
        }
        const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
        if (!client) {
          resolve({ ok: false, error: `unsupported protocol ${url.protocol}`, durationMs: 0 });
          return;
        }
        let settled = false;
        const done = (result: Omit<HealthResult, "durationMs">): void => {
          if (settled) return;
          settled = true;
          resolve({ ...result, durationMs: Date.now() - started });
        };
        const req = client.get(url, { timeout: request.timeoutMs, signal: request.signal, headers: { "user-agent": "gonogo-health" } }, (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          res.on("end", () => done({ ok: status === request.expect, status, ...(status === request.expect ? {} : { error: `expected HTTP ${request.expect}, got ${status}` }) }));
          res.on("error", (error) => done({ ok: false, status, error: error.message }));
        });
        req.on("timeout", () => {
          req.destroy(new Error(`no answer within ${request.timeoutMs}ms`));
        });
        req.on("error", (error) => done({ ok: false, error: error.message }));
      });
    },
  };
}

export interface HealthPolicy {
  url: string;
  expect: number;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures that count as failed. */
  failures: number;
  /** Consecutive passes that count as healthy. */
  successes: number;
  /**
   * Error-rate / p95-latency signals, read after every passing HTTP check. A breach fails the
   * verification at once. An unreadable or malformed source fails that check when `failClosed`
   * (it counts toward `failures`), else it is a warning and the check counts on HTTP alone.
   */
  signals?: { read(signal?: AbortSignal): Promise<SignalsReading>; failClosed: boolean };
}

export type HealthFailureReason = "consecutive-failures" | "signal-breach" | "signals-unreadable";

export interface HealthOutcome {
  ok: boolean;
  checks: number;
  consecutiveFailures: number;
  lastStatus?: number;
  lastError?: string;
  interrupted: boolean;
  /** Why the verification failed. */
  reason?: HealthFailureReason;
  /** The failure in words (values and thresholds for a breach). */
  failure?: string;
  /** The last signals reading. */
  signals?: SignalsReading;
  /** Signal problems that did not fail the verification (fail-open environments). */
  warnings: string[];
}

/**
 * Probes until `successes` consecutive passes (healthy) or `failures` consecutive failures; with
 * signals, a reading over a threshold fails at once.
 */
export async function runHealthChecks(
  probe: HealthProbe,
  clock: Clock,
  policy: HealthPolicy,
  signal?: AbortSignal,
  onCheck?: (result: HealthResult, index: number, signals?: SignalsReading) => void,
): Promise<HealthOutcome> {
  let passes = 0;
  let failures = 0;
  let checks = 0;
  let last: HealthResult | undefined;
  let lastSignals: SignalsReading | undefined;
  const warnings: string[] = [];
  const extra = (): Pick<HealthOutcome, "signals" | "warnings"> => ({ ...(lastSignals ? { signals: lastSignals } : {}), warnings });
  while (!signal?.aborted) {
    if (checks > 0) await clock.sleep(policy.intervalMs, signal);
    if (signal?.aborted) break;
    last = await probe.check({ url: policy.url, expect: policy.expect, timeoutMs: policy.timeoutMs, signal });
    checks++;
    let passed = last.ok;
    let signalProblem: string | undefined;
    let reading: SignalsReading | undefined;
    if (last.ok && policy.signals) {
      reading = await policy.signals.read(signal);
      if (signal?.aborted) break;
      lastSignals = reading;
    }
    onCheck?.(last, checks, reading);
    if (reading && reading.breaches.length > 0) {
      const failure = reading.breaches.join("; ");
      return { ok: false, checks, consecutiveFailures: failures, lastStatus: last.status, lastError: failure, interrupted: false, reason: "signal-breach", failure, ...extra() };
    }
    if (reading && reading.problems.length > 0) {
      if (policy.signals?.failClosed) {
        passed = false;
        signalProblem = reading.problems.join("; ");
      } else {
        for (const problem of reading.problems) if (!warnings.includes(problem)) warnings.push(problem);
      }
    }
    if (passed) {
      passes++;
      failures = 0;
      if (passes >= policy.successes) return { ok: true, checks, consecutiveFailures: 0, lastStatus: last.status, interrupted: false, ...extra() };
    } else {
      failures++;
      passes = 0;
      if (failures >= policy.failures) {
        const error = signalProblem ?? last.error;
        const failure = signalProblem
          ? `signals unreadable in ${plural(failures, "consecutive check")}, failing closed: ${signalProblem}`
          : `${plural(failures, "consecutive failed health check")}${last.error ? ` (${last.error})` : ""}`;
        return {
          ok: false,
          checks,
          consecutiveFailures: failures,
          lastStatus: last.status,
          ...(error ? { lastError: error } : {}),
          interrupted: false,
          reason: signalProblem ? "signals-unreadable" : "consecutive-failures",
          failure,
          ...extra(),
        };
      }
    }
  }
  return { ok: false, checks, consecutiveFailures: failures, lastStatus: last?.status, lastError: "interrupted", interrupted: true, ...extra() };
}
