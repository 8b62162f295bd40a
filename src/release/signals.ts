// Error-rate and p95-latency signals: numbers read from a JSON document (an HTTP endpoint or a
// file) during the post-deploy health verification and compared with the policy's rollback
// triggers (error rate over 5 %, p95 latency over 2 × a baseline by default).
import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { createRequire } from "node:module";
import path from "node:path";
import { ConfigError } from "../engine/config.js";
import type { RollbackTriggers } from "../policy/types.js";

const require = createRequire(import.meta.url);

/** Largest JSON document read from a signal source. */
export const MAX_SIGNAL_BYTES = 1024 * 1024;

/** Where a JSON document comes from. `file` is absolute; `shown` is what messages print. */
export type SignalSource = { kind: "url"; url: string } | { kind: "file"; file: string; shown: string };

export interface SignalsSpec {
  source: SignalSource;
  errorRate?: { path: string; max?: number };
  p95LatencyMs?: { path: string; factor?: number; baseline: number | { path: string; source: SignalSource } };
}

/** The thresholds in force: the config's values, else the policy's rollback triggers. */
export interface SignalThresholds {
  /** Error rate as a fraction (0.05 = 5 %). */
  errorRateMax: number;
  p95LatencyFactor: number;
}

export interface ErrorRateReading {
  value: number;
  max: number;
  ok: boolean;
}

export interface LatencyReading {
  value: number;
  baseline: number;
  factor: number;
  /** baseline × factor: a p95 above it is a breach. */
  limit: number;
  ok: boolean;
}

export interface SignalsReading {
  /** A signal over its threshold (error rate over the max, p95 over factor × baseline). */
  breaches: string[];
  /** A source that could not be read, or a value that is missing or not a number. */
  problems: string[];
  errorRate?: ErrorRateReading;
  p95LatencyMs?: LatencyReading;
}

const DOT_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

export function thresholdsFor(spec: SignalsSpec, triggers: RollbackTriggers): SignalThresholds {
  return {
    errorRateMax: spec.errorRate?.max ?? triggers.errorRatePercent / 100,
    p95LatencyFactor: spec.p95LatencyMs?.factor ?? triggers.p95LatencyFactor,
  };
}

export function describeSource(source: SignalSource): string {
  return source.kind === "url" ? source.url : source.shown;
}

// ---------------------------------------------------------------------------------------------
// Config: `environments.<env>.health.signals`, already checked against schema/release.json.

interface RawSource {
  url?: unknown;
  file?: unknown;
}

interface RawSignals extends RawSource {
  errorRate?: { path?: unknown; max?: unknown };
  p95LatencyMs?: { path?: unknown; factor?: unknown; baseline?: unknown };
}

/** The line and column of `segments` in a YAML/JSON config file, for messages (":12:7" or ""). */
function positionOf(file: string | undefined, segments: string[]): string {
  if (!file) return "";
  try {
    const { parseDocument, LineCounter, isMap } = require("yaml") as typeof import("yaml");
    const lineCounter = new LineCounter();
    const document = parseDocument(readFileSync(file, "utf8"), { lineCounter });
    let node: unknown = document.contents;
    let found: unknown = node;
    for (const segment of segments) {
      if (!isMap(node)) break;
      node = node.get(segment, true);
      if (node === undefined) break;
      found = node;
    }
    const range = (found as { range?: [number, number, number] } | undefined)?.range;
    if (!range) return "";
    const pos = lineCounter.linePos(range[0]);
    return `:${pos.line}:${pos.col}`;
  } catch {
    return "";
  }
}

function configError(file: string | undefined, segments: string[], message: string): ConfigError {
  const at = segments.join(".");
  return new ConfigError(`${file ?? "config"}${positionOf(file, segments)}: ${at} ${message}`, file, at);
}

function sourceFrom(raw: RawSource, baseDir: string, file: string | undefined, at: string[], optional: true): SignalSource | undefined;
function sourceFrom(raw: RawSource, baseDir: string, file: string | undefined, at: string[], optional: false): SignalSource;
function sourceFrom(raw: RawSource, baseDir: string, file: string | undefined, at: string[], optional: boolean): SignalSource | undefined {
  const hasUrl = raw.url !== undefined;
  const hasFile = raw.file !== undefined;
  if (hasUrl && hasFile) throw configError(file, at, `has both "url" and "file": give one JSON source`);
  if (!hasUrl && !hasFile) {
    if (optional) return undefined;
    throw configError(file, at, `needs a JSON source: "url" (an http(s) endpoint) or "file"`);
  }
  if (hasUrl) {
    let url: URL | undefined;
    try {
      url = typeof raw.url === "string" ? new URL(raw.url) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) throw configError(file, [...at, "url"], `must be an http:// or https:// URL (got ${JSON.stringify(raw.url)})`);
    if (url.username || url.password) throw configError(file, [...at, "url"], "must not carry credentials");
    return { kind: "url", url: url.href };
  }
  if (typeof raw.file !== "string" || raw.file.length === 0 || raw.file.includes("\0")) throw configError(file, [...at, "file"], "must be a file path");
  return { kind: "file", file: path.resolve(baseDir, raw.file), shown: raw.file };
}

function dotPath(value: unknown, file: string | undefined, at: string[]): string {
  if (typeof value !== "string" || !DOT_PATH.test(value)) throw configError(file, at, `must be a dot path into the JSON such as "http.errors.rate" (got ${JSON.stringify(value)})`);
  return value;
}

function finite(value: unknown, file: string | undefined, at: string[], check: (n: number) => boolean, expected: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !check(value)) throw configError(file, at, `must be ${expected} (got ${JSON.stringify(value)})`);
  return value;
}

/**
 * Turns the raw `signals` section into a spec. The schema has checked the shape; this checks what
 * the schema cannot say clearly (exactly one source, dot paths, ranges) so that a config built by
 * a host tool gets the same errors. `at` is the path of the section, e.g. ["environments", "staging", "health", "signals"].
 */
export function signalsSpecFrom(raw: unknown, options: { baseDir: string; file?: string; at: string[] }): SignalsSpec {
  const { baseDir, file, at } = options;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw configError(file, at, "must be a mapping");
  const r = raw as RawSignals;
  const source = sourceFrom(r, baseDir, file, at, false);
  if (r.errorRate === undefined && r.p95LatencyMs === undefined) throw configError(file, at, `needs "errorRate" or "p95LatencyMs" (or both)`);
  const spec: SignalsSpec = { source };
  if (r.errorRate !== undefined) {
    const e = r.errorRate;
    const where = [...at, "errorRate"];
    if (typeof e !== "object" || e === null) throw configError(file, where, "must be a mapping");
    spec.errorRate = { path: dotPath(e.path, file, [...where, "path"]) };
    if (e.max !== undefined) spec.errorRate.max = finite(e.max, file, [...where, "max"], (n) => n >= 0 && n <= 1, "a fraction between 0 and 1 (0.05 = 5 %)");
  }
  if (r.p95LatencyMs !== undefined) {
    const p = r.p95LatencyMs;
    const where = [...at, "p95LatencyMs"];
    if (typeof p !== "object" || p === null) throw configError(file, where, "must be a mapping");
    const latencyPath = dotPath(p.path, file, [...where, "path"]);
    let baseline: number | { path: string; source: SignalSource };
    if (p.baseline === undefined) throw configError(file, where, `needs "baseline": milliseconds, or { path, url | file } to read it from JSON`);
    if (typeof p.baseline === "number") {
      baseline = finite(p.baseline, file, [...where, "baseline"], (n) => n > 0, "a number of milliseconds above 0");
    } else if (typeof p.baseline === "object" && p.baseline !== null && !Array.isArray(p.baseline)) {
      const b = p.baseline as RawSource & { path?: unknown };
      baseline = { path: dotPath(b.path, file, [...where, "baseline", "path"]), source: sourceFrom(b, baseDir, file, [...where, "baseline"], true) ?? source };
    } else {
      throw configError(file, [...where, "baseline"], `must be milliseconds or { path, url | file } (got ${JSON.stringify(p.baseline)})`);
    }
    spec.p95LatencyMs = { path: latencyPath, baseline };
    if (p.factor !== undefined) spec.p95LatencyMs.factor = finite(p.factor, file, [...where, "factor"], (n) => n > 1, "a number above 1 (a multiple of the baseline)");
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Reading.

class SignalReadError extends Error {}

function fetchJsonText(url: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      reject(new SignalReadError(message));
    };
    const req = client.get(target, { timeout: timeoutMs, ...(signal ? { signal } : {}), headers: { accept: "application/json", "user-agent": "gonogo-signals" } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        res.resume();
        fail(`HTTP ${status}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_SIGNAL_BYTES) {
          fail(`more than ${MAX_SIGNAL_BYTES} bytes`);
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        if (settled) return;
        settled = true;
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      res.on("error", (error) => fail(error.message));
    });
    req.on("timeout", () => {
      fail(`no answer within ${timeoutMs}ms`);
      req.destroy();
    });
    req.on("error", (error) => fail(error.message));
  });
}

async function readFileText(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SignalReadError(code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new SignalReadError("not a regular file");
    if (stat.size > MAX_SIGNAL_BYTES) throw new SignalReadError(`more than ${MAX_SIGNAL_BYTES} bytes`);
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_SIGNAL_BYTES) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_SIGNAL_BYTES) throw new SignalReadError(`more than ${MAX_SIGNAL_BYTES} bytes`);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } catch (error) {
    if (error instanceof SignalReadError) throw error;
    throw new SignalReadError(`cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    await handle.close();
  }
}

/** Reads and parses one JSON document. Throws SignalReadError with a short reason. */
async function readDocument(source: SignalSource, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const text = source.kind === "url" ? await fetchJsonText(source.url, timeoutMs, signal) : await readFileText(source.file);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SignalReadError(`not JSON (${(error as Error).message})`);
  }
}

/** The value at a dot path (`a.b.0.c`: numeric segments index arrays); undefined when absent. */
export function valueAtPath(document: unknown, dotted: string): unknown {
  let node = document;
  for (const segment of dotted.split(".")) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else if (typeof node === "object" && node !== null && !Array.isArray(node) && Object.hasOwn(node, segment)) node = (node as Record<string, unknown>)[segment];
    else return undefined;
  }
  return node;
}

function sourceKey(source: SignalSource): string {
  return source.kind === "url" ? `url:${source.url}` : `file:${source.file}`;
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(4)));
}

/**
 * Reads the signals once: every distinct source is read once, each value is checked
 * (a non-negative number; an error rate at most 1) and compared with its threshold.
 */
export async function readSignals(spec: SignalsSpec, thresholds: SignalThresholds, options: { timeoutMs: number; signal?: AbortSignal }): Promise<SignalsReading> {
  const reading: SignalsReading = { breaches: [], problems: [] };
  const documents = new Map<string, Promise<{ ok: true; value: unknown } | { ok: false; error: string }>>();
  const documentOf = (source: SignalSource) => {
    const key = sourceKey(source);
    let pending = documents.get(key);
    if (!pending) {
      pending = readDocument(source, options.timeoutMs, options.signal).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }),
      );
      documents.set(key, pending);
    }
    return pending;
  };
  const numberAt = async (source: SignalSource, dotted: string, what: string): Promise<number | undefined> => {
    const document = await documentOf(source);
    if (!document.ok) {
      const problem = `signal source ${describeSource(source)} unreadable: ${document.error}`;
      if (!reading.problems.includes(problem)) reading.problems.push(problem);
      return undefined;
    }
    const value = valueAtPath(document.value, dotted);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      reading.problems.push(`${what}: ${describeSource(source)} has ${value === undefined ? "nothing" : JSON.stringify(value)} at "${dotted}" (expected a non-negative number)`);
      return undefined;
    }
    return value;
  };

  if (spec.errorRate) {
    const value = await numberAt(spec.source, spec.errorRate.path, "error rate");
    if (value !== undefined && value > 1) {
      reading.problems.push(`error rate: ${describeSource(spec.source)} has ${format(value)} at "${spec.errorRate.path}" (expected a fraction between 0 and 1)`);
    } else if (value !== undefined) {
      const max = thresholds.errorRateMax;
      const ok = value <= max;
      reading.errorRate = { value, max, ok };
      if (!ok) reading.breaches.push(`error rate ${format(value * 100)} % is over the maximum ${format(max * 100)} %`);
    }
  }
  if (spec.p95LatencyMs) {
    const p = spec.p95LatencyMs;
    const value = await numberAt(spec.source, p.path, "p95 latency");
    const baseline = typeof p.baseline === "number" ? p.baseline : await numberAt(p.baseline.source, p.baseline.path, "p95 baseline");
    if (baseline === 0 && typeof p.baseline !== "number") reading.problems.push(`p95 baseline: ${describeSource(p.baseline.source)} has 0 at "${p.baseline.path}" (expected a number of milliseconds above 0)`);
    else if (value !== undefined && baseline !== undefined) {
      const factor = thresholds.p95LatencyFactor;
      const limit = baseline * factor;
      const ok = value <= limit;
      reading.p95LatencyMs = { value, baseline, factor, limit, ok };
      if (!ok) reading.breaches.push(`p95 latency ${format(value)} ms is over ${format(factor)} × the baseline ${format(baseline)} ms (${format(limit)} ms)`);
    }
  }
  return reading;
}
