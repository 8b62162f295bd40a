// Reading a file as it was at a git revision: `git show REV:./path`, argv only, no shell.
import { execFile } from "node:child_process";
import { relative } from "node:path";

/** A revision name git would accept, and nothing that could be read as an option. */
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9_./~^@{}+-]{0,199}$/;

export function isSafeRevision(rev: string): boolean {
  return REVISION.test(rev) && !rev.includes("..") && !rev.includes("@{-");
}

/** The text of `file` at `rev`, or undefined when the file did not exist there. Throws when git cannot answer. */
export function readFileAtRevision(cwd: string, rev: string, file: string): Promise<string | undefined> {
  if (!isSafeRevision(rev)) return Promise.reject(new Error(`not a valid git revision: ${JSON.stringify(rev)}`));
  const rel = relative(cwd, file).split("\\").join("/");
  const spec = `${rev}:${rel.startsWith("../") ? rel : `./${rel}`}`;
  return new Promise((resolve, reject) => {
    execFile("git", ["show", spec], { cwd, maxBuffer: 16 * 1024 * 1024, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const message = String(stderr).trim();
      if (/exists on disk, but not in|does not exist in/.test(message)) return resolve(undefined);
      reject(new Error(message.split("\n")[0] || error.message));
    });
  });
}

/** Whether git knows `rev` as a commit in the repository at `cwd`. */
export function revisionExists(cwd: string, rev: string): Promise<boolean> {
  if (!isSafeRevision(rev)) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }, (error) => resolve(!error));
  });
}

/** The commit checked out at `cwd` (`git rev-parse HEAD`), or undefined outside a git work tree. */
export function headCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", ["rev-parse", "--verify", "--quiet", "HEAD"], { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }, (error, stdout) => {
      const commit = String(stdout ?? "").trim();
      resolve(!error && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined);
    });
  });
}
