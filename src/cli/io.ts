// What a command may touch of the outside world, so tests can run commands in-process.
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export { UsageError } from "../errors.js";

/**
 * A process stream whose reader may go away (`gonogo deploy | head`, a closed terminal): once a
 * write fails (EPIPE, a destroyed stream), later output is dropped instead of crashing the
 * process — a release that lost its terminal still completes or rolls back and logs the outcome.
 */
export function resilientStream(stream: NodeJS.WriteStream): CliIO["stdout"] {
  let closed = false;
  stream.on("error", () => {
    closed = true;
  });
  return {
    get isTTY() {
      return stream.isTTY;
    },
    write(text: string): boolean {
      if (closed || stream.destroyed || stream.writableEnded) return false;
      try {
        return stream.write(text);
      } catch {
        closed = true;
        return false;
      }
    },
  };
}

export function processIO(): CliIO {
  return { stdout: resilientStream(process.stdout), stderr: resilientStream(process.stderr), stdin: process.stdin, cwd: process.cwd(), env: process.env };
}
