// Where the deployment log lives, and whether the history in it may be trusted. The log decides
// first-time approvals, what each environment runs and rollback targets, so the change under
// review must not be able to write it: by default it lives outside the work tree, one per project;
// a log inside a git work tree must be allowed explicitly and never be tracked by git.
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, GitError } from "../errors.js";
import { git } from "../git.js";

/** The default before the log moved out of the work tree, relative to the config file. */
export const LEGACY_LOG_PATH = ".gonogo/deployments.jsonl";

/** What the trust check needs to know of a file log. */
export interface LogTrust {
  /** Absolute path of the log file. */
  path: string;
  /** Where the path came from, for messages: the config key, an option, or the default. */
  source: string;
  /** The config (or an option) named the path; false: the default location. */
  explicit: boolean;
  /** `logInWorkTree: true` in the config: a log inside the git work tree is accepted (never a tracked one). */
  inWorkTreeAllowed: boolean;
  /** The project root: the config file's directory, else the working directory. */
  projectRoot: string;
}

/**
 * The default log of a project: `$GONOGO_STATE_DIR`, else `$XDG_STATE_HOME/gonogo`, else
 * `~/.local/state/gonogo`, then `<project>-<hash of the project root>/deployments.jsonl`.
 */
export function defaultLogPath(project: string | undefined, projectRoot: string, env: Record<string, string | undefined> = process.env): string {
  const state = env.GONOGO_STATE_DIR || path.join(env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), ".local", "state"), "gonogo");
  let root = path.resolve(projectRoot);
  try {
    root = realpathSync(root);
  } catch {
    // A root that cannot be resolved hashes as written.
  }
  const name = (project ?? path.basename(root)).replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64) || "project";
  const hash = createHash("sha256").update(root).digest("hex").slice(0, 12);
  return path.join(state, `${name}-${hash}`, "deployments.jsonl");
}

/** The top of the git work tree holding `dir`, or undefined when it is not in one (or git is missing). */
async function workTreeOf(dir: string): Promise<string | undefined> {
  let existing = dir;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    return (await git(existing, ["rev-parse", "--show-toplevel"])).trim() || undefined;
  } catch (error) {
    if (error instanceof GitError || (error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Refuses (ConfigError, exit 2) a log whose history the change under review could have written:
 * one inside the git work tree without `logInWorkTree: true`, or one tracked by git; and history
 * left at the old in-project default while the default moved (it would silently be forgotten).
 */
export async function assertTrustedLog(location: LogTrust): Promise<void> {
  if (!location.explicit) {
    const legacy = path.join(location.projectRoot, LEGACY_LOG_PATH);
    if (existsSync(legacy) && !existsSync(location.path)) {
      throw new ConfigError(
        `${legacy}: deployment history at the old default location, inside the project. gonogo keeps the log outside the work tree now, at ${location.path}: ` +
          `move it there (mkdir -p ${JSON.stringify(path.dirname(location.path))} && mv ${JSON.stringify(legacy)} ${JSON.stringify(location.path)}), ` +
          `or keep it with "log: ${LEGACY_LOG_PATH}" and "logInWorkTree: true" in the config (a file git ignores)`,
      );
    }
  }
  const real = (() => {
    try {
      return realpathSync(location.path);
    } catch {
      return location.path;
    }
  })();
  const top = await workTreeOf(path.dirname(real));
  if (top === undefined) return;
  const rel = path.relative(top, real);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return;
  if (!location.inWorkTreeAllowed) {
    throw new ConfigError(
      `${location.source}: the deployment log ${location.path} is inside the git work tree ${top}, where the change under review could write the history it is judged on (a forged approval). ` +
        `Keep it outside (leave log: unset for the default, or use the postgres backend), or allow a file git ignores with "logInWorkTree: true"`,
    );
  }
  let tracked = false;
  try {
    await git(top, ["ls-files", "--error-unmatch", "--", rel.split(path.sep).join("/")]);
    tracked = true;
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
  }
  if (tracked) {
    throw new ConfigError(
      `${location.source}: the deployment log ${location.path} is tracked by git: its history could come from the change under review. Untrack it (git rm --cached, then ignore it) or keep it outside the work tree`,
    );
  }
}
