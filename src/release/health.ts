// Health checks: an HTTP GET with an expected status, repeated at an interval until it passes
// or fails the configured number of consecutive times.
import http from "node:http";
import https from "node:https";
import type { Clock, HealthProbe, HealthRequest, HealthResult } from "./types.js";

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
}

export interface HealthOutcome {
  ok: boolean;
  checks: number;
  consecutiveFailures: number;
  lastStatus?: number;
  lastError?: string;
  interrupted: boolean;
}

/** Probes until `successes` consecutive passes (healthy) or `failures` consecutive failures. */
export async function runHealthChecks(
  probe: HealthProbe,
  clock: Clock,
  policy: HealthPolicy,
  signal?: AbortSignal,
  onCheck?: (result: HealthResult, index: number) => void,
): Promise<HealthOutcome> {
  let passes = 0;
  let failures = 0;
  let checks = 0;
  let last: HealthResult | undefined;
  while (!signal?.aborted) {
    if (checks > 0) await clock.sleep(policy.intervalMs, signal);
    if (signal?.aborted) break;
    last = await probe.check({ url: policy.url, expect: policy.expect, timeoutMs: policy.timeoutMs, signal });
    checks++;
    onCheck?.(last, checks);
    if (last.ok) {
      passes++;
      failures = 0;
      if (passes >= policy.successes) return { ok: true, checks, consecutiveFailures: 0, lastStatus: last.status, interrupted: false };
    } else {
      failures++;
      passes = 0;
      if (failures >= policy.failures)
        return { ok: false, checks, consecutiveFailures: failures, lastStatus: last.status, lastError: last.error, interrupted: false };
    }
  }
  return { ok: false, checks, consecutiveFailures: failures, lastStatus: last?.status, lastError: "interrupted", interrupted: true };
}
