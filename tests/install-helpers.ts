// Helpers for the tests that install gonogo the way users do (pre-commit's node language, a tarball
// from `npm pack`): a git snapshot of this working tree, and an environment for npm that reuses the
// cache `npm ci` filled instead of downloading again.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(".");

/** The npm cache of this machine (`npm ci` filled it): installs from a temp HOME read it first. */
export const npmCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();

/**
 * The environment of the installing processes. HOME stays the user's so that npm reads this
 * machine's npm configuration (registry, where native modules find Node's headers) as a user's
 * install would; git ignores the user's and the system's configuration.
 */
export function installEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    GIT_CONFIG_GLOBAL: "/dev/null",
    // Packages come from the cache `npm ci` filled; only what is missing there is downloaded.
    npm_config_cache: npmCache,
    npm_config_prefer_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    GIT_AUTHOR_NAME: "Dana Reviewer",
    GIT_AUTHOR_EMAIL: "dana@example.com",
    GIT_COMMITTER_NAME: "Dana Reviewer",
    GIT_COMMITTER_EMAIL: "dana@example.com",
    GIT_CONFIG_NOSYSTEM: "1",
  };
}

export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync("git", args, { cwd, env, encoding: "utf8" });
}

/**
 * This working tree (tracked and new files, as `git status` sees them, without ignored ones such
 * as node_modules/ and dist/) committed to a fresh git repository and tagged `tag`: what a user's
 * `repo:` URL and `rev:` point at, with the changes under test in it.
 */
export function snapshotRepository(tag: string, env: NodeJS.ProcessEnv): string {
  const target = realpathSync(mkdtempSync(path.join(tmpdir(), "gonogo-snapshot-")));
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" });
  for (const file of new Set(listed.split("\0").filter(Boolean))) {
    const from = path.join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    copyFileSync(from, path.join(target, file));
  }
  git(target, ["init", "-q", "-b", "main"], env);
  git(target, ["add", "-A"], env);
  git(target, ["commit", "-q", "--no-verify", "-m", "snapshot"], env);
  git(target, ["tag", tag], env);
  return target;
}

/**
 * A snapshot of this working tree (see `snapshotRepository`) with a release tagged the way
 * maintainers tag one: `scripts/release.mjs` run in it, over the dist/ the other tests use (copied
 * in, `--no-build`). Returns the repository and the tag (`v` + package.json's version).
 */
export function releaseRepository(env: NodeJS.ProcessEnv): { repository: string; tag: string } {
  const repository = snapshotRepository("snapshot", env);
  cpSync(path.join(repoRoot, "dist"), path.join(repository, "dist"), { recursive: true });
  execFileSync(process.execPath, ["scripts/release.mjs", "--no-build"], { cwd: repository, env, encoding: "utf8" });
  const { version } = JSON.parse(readFileSync(path.join(repository, "package.json"), "utf8")) as { version: string };
  return { repository, tag: `v${version}` };
}
