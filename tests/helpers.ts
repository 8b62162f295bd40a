// Shared test helpers: run the CLI in-process with captured output, and make temp projects.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    cwd: options.cwd ?? process.cwd(),
    env: { ...(options.env ?? {}) },
  });
  return { code, stdout, stderr };
}

/** Writes `files` (relative path → content) into a fresh temp directory and returns its path. */
export function tempProject(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), "gonogo-test-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}
