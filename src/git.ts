// Running git: argv arrays only (never a shell), no prompts, no optional locks; and the one check
// of a revision a user gives (`--base`) before it reaches git's argv. A leaf module.
import { execFile } from "node:child_process";
import { relative } from "node:path";
import { ConfigError, GitError } from "./errors.js";

/** A revision name git would accept, and nothing that could be read as an option. */
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9_./~^@{}+-]{0,199}$/;

export function isSafeRevision(rev: string): boolean {
  return REVISION.test(rev) && !rev.includes("..") && !rev.includes("@{-");
}

/** `rev` when it is a safe revision; else a ConfigError (exit 2) naming the option it came from. */
export function validateGitRevision(rev: string, option = "--base"): string {
  if (!isSafeRevision(rev)) throw new ConfigError(`${option} ${JSON.stringify(rev)}: expected a git revision (branch, tag or commit)`);
  return rev;
}

/** `git -C cwd …args`; resolves to stdout, rejects with a GitError carrying git's stderr. */
export function git(cwd: string, args: readonly string[], options: { maxBuffer?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-C", cwd, ...args],
      { maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" }, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const text = String(stderr);
        reject(new GitError(text.trim().split("\n")[0] || error.message, text));
      },
    );
  });
}

/** Whether git knows `rev` as a commit in the repository at `cwd`. */
export async function revisionExists(cwd: string, rev: string): Promise<boolean> {
  if (!isSafeRevision(rev)) return false;
  try {
    await git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** The text of `file` at `rev`, or undefined when the file did not exist there. Throws when git cannot answer. */
export async function readFileAtRevision(cwd: string, rev: string, file: string): Promise<string | undefined> {
  if (!isSafeRevision(rev)) throw new Error(`not a valid git revision: ${JSON.stringify(rev)}`);
  const rel = relative(cwd, file).split("\\").join("/");
  try {
    return await git(cwd, ["show", `${rev}:${rel.startsWith("../") ? rel : `./${rel}`}`], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    if (error instanceof GitError && /exists on disk, but not in|does not exist in/.test(error.stderr)) return undefined;
    throw error;
  }
}

/**
 * The files (POSIX paths relative to `cwd`, within it) added, changed, renamed (both names) or
 * deleted since `rev`, working tree and untracked files included: the diff scope of `--base`.
 * Compared with the merge base of `rev` and HEAD when there is one, so changes that landed on the
 * base branch meanwhile are not the change's own. Throws when `rev` is not a commit git knows here.
 */
export async function filesChangedSince(cwd: string, rev: string): Promise<string[]> {
  if (!(await revisionExists(cwd, rev))) throw new Error(`not a commit of the git repository at ${cwd}: ${JSON.stringify(rev)}`);
  const from = await git(cwd, ["merge-base", "--end-of-options", rev, "HEAD"]).then((out) => out.trim(), () => rev);
  const changed = await git(cwd, ["diff", "--name-only", "--no-renames", "--relative", "-z", "--end-of-options", from, "--"]);
  const untracked = await git(cwd, ["ls-files", "--others", "--exclude-standard", "-z", "--", "."]);
  return [...new Set([...changed.split("\0"), ...untracked.split("\0")].filter((f) => f !== ""))].sort();
}

/** The commit checked out at `cwd` (`git rev-parse HEAD`), or undefined outside a git work tree. */
export async function headCommit(cwd: string): Promise<string | undefined> {
  try {
    const commit = (await git(cwd, ["rev-parse", "--verify", "--quiet", "HEAD"])).trim();
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

/** The top directory of the work tree holding `cwd` (git's own, symbolic links resolved), or undefined outside one. */
export async function workTreeRoot(cwd: string): Promise<string | undefined> {
  try {
    const top = (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
    return top === "" ? undefined : top;
  } catch {
    return undefined;
  }
}
