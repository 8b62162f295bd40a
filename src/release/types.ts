// The interfaces the wrappers are built on. Tests and host tools inject their own.
import type { Decision } from "../types.js";

/** One command to run: an argv array (never a shell string). */
export interface ExecRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** Output kept (stdout and stderr interleaved); the rest is counted and dropped. */
  maxOutputBytes: number;
  /** Aborting stops the command (SIGINT/SIGTERM of gonogo). */
  signal?: AbortSignal;
  /** Called once the command runs, with its pid (the id of its own process group). */
  onStart?: (pid: number) => void;
}

export interface ExecResult {
  /** Exit code, or null when the command did not start or was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Stopped because `signal` was aborted. */
  interrupted: boolean;
  /** Captured output (capped), not yet redacted. */
  output: string;
  /** Bytes the command wrote in all. */
  outputBytes: number;
  truncated: boolean;
  durationMs: number;
  /** Why the command could not run (e.g. `spawn ./deploy.sh ENOENT`). */
  error?: string;
}

/** Runs commands. The default is a process executor (child_process.spawn, shell: false). */
export interface Executor {
  run(request: ExecRequest): Promise<ExecResult>;
}

export type ApprovalAnswer = "approved" | "rejected" | "paused";

export interface ApprovalRequest {
  releaseId: string;
  decisionId: string;
  kind: ReleaseKind;
  project: string;
  environment: string;
  version: string;
  /** One line per migration the release applies or reverts. */
  migrations: string[];
  decision: Decision;
  /** Extra text shown before the question (e.g. the rollback plan). */
  details?: string;
}

export interface ApprovalResponse {
  answer: ApprovalAnswer;
  approver: string;
}

/** Asks a person. Resolves to undefined when nobody answered (the release stays pending). */
export interface Approver {
  ask(request: ApprovalRequest): Promise<ApprovalResponse | undefined>;
  /**
   * A person answers each question as it is asked (a terminal prompt). A non-interactive approver
   * (`--answer yes`) gives one answer given in advance: a cascade lets it approve one stage only.
   */
  interactive?: boolean;
}

export interface HealthRequest {
  url: string;
  expect: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HealthResult {
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

/** One health check (an HTTP GET). The wrappers call it at the configured interval. */
export interface HealthProbe {
  check(request: HealthRequest): Promise<HealthResult>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type ReleaseKind = "deploy" | "rollback";
