// Shared by the hardening tests: the real binary (bin/gonogo.js → dist/), run as a separate
// process, optionally as an unprivileged user; a clean Alembic project to break in many ways.
import { execFileSync, spawn, type SpawnOptions } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const BIN = path.join(ROOT, "bin", "gonogo.js");
export const JUNIT_PASS = path.join(ROOT, "fixtures", "policy", "junit", "pytest-pass.xml");
export const HARDENING = path.join(ROOT, "fixtures", "hardening");

/**
 * Builds dist/ when it is missing or older than a source file. Serialized with a lock, since
 * several test files (and engineers) may ask at once; a type error elsewhere still emits.
 */
export function ensureBuilt(): void {
  const script = `if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src rules schema -newer dist/src/cli/main.js -print -quit)" ]; then npm run build >/dev/null 2>&1 || true; fi`;
  execFileSync("flock", ["/tmp/gonogo-build.lock", "sh", "-c", script], { cwd: ROOT, stdio: "ignore" });
  if (!existsSync(path.join(ROOT, "dist", "src", "cli", "main.js"))) throw new Error("npm run build produced no dist/src/cli/main.js");
}

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/gonogo.js …` as its own process. `asNobody` drops root to uid/gid 65534 first. */
export function runBin(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; asNobody?: boolean } & Pick<SpawnOptions, "detached">): Promise<ProcessRun> & { child: ReturnType<typeof spawn> } {
  const argv = options.asNobody
    ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, BIN, ...args]
    : [process.execPath, BIN, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    // HOME is the project: the deployment log's default state directory goes beside it, outside its work tree.
    env: { PATH: process.env.PATH, HOME: options.cwd, GONOGO_STATE_DIR: `${options.cwd}.gonogo-state`, ...(options.env ?? {}) },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.detached ? { detached: true } : {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (stdout += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  const done = new Promise<ProcessRun>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(done, { child });
}

/** A copy of the clean two-migration project (production: needs-approval with passing tests). */
export function cleanProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gonogo-hard-"));
  cpSync(path.join(ROOT, "fixtures", "policy", "projects", "clean"), dir, { recursive: true });
  // World-readable, so the same project can be scanned by an unprivileged user.
  chmodSync(dir, 0o755);
  return dir;
}

export interface CheckJson {
  decision: string;
  reasons: { code: string; effect: string; message: string; findings?: { file: string; ruleId: string }[] }[];
}

/**
 * Runs `fn` with every ancestor directory of the repository searchable by others (o+x), so a
 * process dropped to `nobody` can load bin/ and dist/ even when the clone sits in a private
 * temporary directory (as CI's does); the modes are restored afterwards.
 */
export async function withRepoTraversableByOthers<T>(fn: () => Promise<T>): Promise<T> {
  const changed: { dir: string; mode: number }[] = [];
  let dir = path.resolve(BIN, "..", "..");
  for (;;) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      changed.push({ dir, mode });
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    return await fn();
  } finally {
    for (const { dir: d, mode } of changed.reverse()) chmodSync(d, mode);
  }
}
