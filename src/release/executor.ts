// The process executor: spawn with an argv array and shell: false, in its own process group so a
// timeout or an interrupt stops the step and everything it started.
import { spawn } from "node:child_process";
import type { ExecRequest, ExecResult, Executor } from "./types.js";

/** Time between SIGTERM and SIGKILL when a step is stopped. */
const KILL_GRACE_MS = 2000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Keeps the first and last halves of the output within `max` bytes; counts everything. */
class OutputCapture {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;
  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const headCap = Math.floor(this.max / 2);
    if (this.headBytes < headCap) {
      const take = chunk.subarray(0, headCap - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
      if (chunk.length === 0) return;
    }
    const tailCap = this.max - headCap;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes > tailCap && this.tail.length > 0) {
      const first = this.tail[0]!;
      const excess = this.tailBytes - tailCap;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
      }
    }
  }

  get truncated(): boolean {
    return this.total > this.headBytes + this.tailBytes;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    const tail = Buffer.concat(this.tail).toString("utf8");
    if (!this.truncated) return head + tail;
    const dropped = this.total - this.headBytes - this.tailBytes;
    return `${head}\n[… ${dropped} bytes of output omitted …]\n${tail}`;
  }
}

export function processExecutor(): Executor {
  return {
    run(request: ExecRequest): Promise<ExecResult> {
      const started = Date.now();
      const capture = new OutputCapture(request.maxOutputBytes);
      return new Promise<ExecResult>((resolve) => {
        const [command, ...args] = request.argv;
        if (!command) {
          resolve({ exitCode: null, signal: null, timedOut: false, interrupted: false, output: "", outputBytes: 0, truncated: false, durationMs: 0, error: "empty argv" });
          return;
        }
        let timedOut = false;
        let interrupted = false;
        let settled = false;
        let killTimer: NodeJS.Timeout | undefined;
        let forceTimer: NodeJS.Timeout | undefined;
        const child = spawn(command, args, {
          cwd: request.cwd,
          env: request.env as NodeJS.ProcessEnv,
          shell: false,
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
          windowsHide: true,
        });
        if (child.pid !== undefined) request.onStart?.(child.pid);
        const stop = (): void => {
          killGroup(child.pid, "SIGTERM");
          killTimer = setTimeout(() => {
            killGroup(child.pid, "SIGKILL");
            // A grandchild that left the group may hold the pipes open: give up waiting.
            forceTimer = setTimeout(() => finish(null, "SIGKILL"), 1000);
          }, KILL_GRACE_MS);
        };
        const timer = setTimeout(() => {
          timedOut = true;
          stop();
        }, request.timeoutMs);
        const onAbort = (): void => {
          interrupted = true;
          stop();
        };
        if (request.signal?.aborted) onAbort();
        else request.signal?.addEventListener("abort", onAbort, { once: true });

        const finish = (exitCode: number | null, signal: string | null, error?: string): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearTimeout(killTimer);
          clearTimeout(forceTimer);
          request.signal?.removeEventListener("abort", onAbort);
          child.stdout?.destroy();
          child.stderr?.destroy();
          resolve({
            exitCode,
            signal,
            timedOut,
            interrupted,
            output: capture.text(),
            outputBytes: capture.total,
            truncated: capture.truncated,
            durationMs: Date.now() - started,
            ...(error ? { error } : {}),
          });
        };
        child.stdout?.on("data", (chunk: Buffer) => capture.push(chunk));
        child.stderr?.on("data", (chunk: Buffer) => capture.push(chunk));
        child.on("error", (error) => finish(null, null, error.message));
        child.on("close", (code, signal) => finish(code, signal));
      });
    },
  };
}
