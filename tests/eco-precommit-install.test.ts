// pre-commit installing gonogo as a user gets it: the real pre-commit framework (Debian's package,
// .ci/run installs it) with `repo:` a git URL of this project and a `rev:`, so pre-commit clones it,
// runs `npm install` and `npm pack` in the clone and `npm install -g` on the tarball. The configs are
// the files in examples/pre-commit/, with only `repo:` and `rev:` pointed at a snapshot of this
// working tree. The first test's `rev:` is a release tag (scripts/release.mjs: built, nothing to
// build on install), as the README's `rev: v0.1.0` is; the second's is a plain commit, which
// pre-commit builds through `prepare` inside `npm pack` — the path that broke when the build's
// output ended up in the tarball name. No skip: without pre-commit this fails.
import { cpSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { ensureBuilt } from "./hardening-helpers.js";
import { git, installEnv, releaseRepository, snapshotRepository } from "./install-helpers.js";

interface PreCommitConfig {
  minimum_pre_commit_version?: string;
  default_install_hook_types?: string[];
  repos: { repo: string; rev: string; hooks: { id: string; args?: string[]; stages?: string[] }[] }[];
}

const TAG = "v0.0.0-test";
const root = mkdtempSync(path.join(tmpdir(), "gonogo-precommit-install-"));
const env: NodeJS.ProcessEnv = { ...installEnv(), PRE_COMMIT_HOME: path.join(root, "pre-commit-home") };
let upstream = "";
let released = { repository: "", tag: "" };

/** An example config with `repo:` and `rev:` replaced by a snapshot; everything else as shipped. */
function exampleConfig(file: string, repo: string, rev: string): PreCommitConfig {
  const config = parse(readFileSync(file, "utf8")) as PreCommitConfig;
  expect(config.repos).toHaveLength(1);
  expect(config.repos[0]!.repo).toBe("https://github.com/gonogo-dev/gonogo");
  return { ...config, repos: config.repos.map((r) => ({ ...r, repo: `file://${repo}`, rev })) };
}

/** A user's project (the fixture) in git, with `config` as its .pre-commit-config.yaml. */
function userProject(name: string, config: PreCommitConfig) {
  const repo = path.join(root, name);
  cpSync("fixtures/eco/precommit/project", repo, { recursive: true });
  writeFileSync(path.join(repo, ".pre-commit-config.yaml"), stringify(config));
  git(repo, ["init", "-q", "-b", "main"], env);
  git(repo, ["add", "."], env);
  git(repo, ["commit", "-q", "--no-verify", "-m", "carts and cart items"], env);
  const run = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { cwd: repo, env, encoding: "utf8" });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  const stage = (fixture: string) => {
    copyFileSync(path.join("fixtures/eco/precommit/staged", fixture), path.join(repo, "alembic/versions", fixture));
    git(repo, ["add", `alembic/versions/${fixture}`], env);
  };
  const unstage = (fixture: string) => {
    git(repo, ["rm", "-q", "--cached", `alembic/versions/${fixture}`], env);
    rmSync(path.join(repo, "alembic/versions", fixture));
  };
  const log = () => git(repo, ["log", "--format=%s"], env).trim().split("\n");
  return { repo, run, stage, unstage, log };
}

beforeAll(() => {
  ensureBuilt();
  upstream = snapshotRepository(TAG, env);
  released = releaseRepository(env);
});

afterAll(() => {
  for (const dir of [root, upstream, released.repository]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("pre-commit installs gonogo from a git URL and a rev (examples/pre-commit)", () => {
  test("from a release tag: install, refuse a commit that drops a table, accept a safe one, decide before push", () => {
    const project = userProject("shop", exampleConfig("examples/pre-commit/.pre-commit-config.yaml", released.repository, released.tag));

    // `pre-commit install --install-hooks`: git hooks for commit and push, and the node environment
    // built from the clone (npm install, npm pack, npm install -g of the tarball).
    const install = project.run("pre-commit", ["install", "--install-hooks"]);
    expect(install.status, install.output).toBe(0);
    expect(install.output).toContain("pre-commit installed at .git/hooks/pre-commit");
    expect(install.output).toContain("pre-commit installed at .git/hooks/pre-push");

    project.stage("0003_drop_cart_items.py");
    const refused = project.run("git", ["commit", "-m", "drop cart items"]);
    expect(refused.status, refused.output).toBe(1);
    expect(refused.output).toMatch(/gonogo scan\.+Failed/);
    expect(refused.output).toContain("alembic/versions/0003_drop_cart_items.py");
    expect(refused.output).toContain("17:5  error  Table cart_items is dropped  sql/drop-table (critical)");
    expect(project.log()).toEqual(["carts and cart items"]);
    // The shipped hook's --cache: in git's directory, not in the work tree.
    expect(readFileSync(path.join(project.repo, ".git/gonogocache"), "utf8").length).toBeGreaterThan(0);
    expect(git(project.repo, ["status", "--porcelain", "--untracked-files=all"], env)).not.toContain("gonogocache");

    project.unstage("0003_drop_cart_items.py");
    project.stage("0003_cart_note.py");
    const accepted = project.run("git", ["commit", "-m", "cart note"]);
    expect(accepted.status, accepted.output).toBe(0);
    expect(accepted.output).toMatch(/gonogo scan\.+Passed/);
    expect(project.log()).toEqual(["cart note", "carts and cart items"]);

    // `git push` runs gonogo-check (stage `push`) for staging over the whole project: the first
    // release of carts to staging needs an approval, so the push is refused (exit 3 fails the hook).
    const remote = path.join(root, "shop-remote.git");
    git(root, ["init", "-q", "--bare", remote], env);
    git(project.repo, ["remote", "add", "origin", remote], env);
    const pushed = project.run("git", ["push", "origin", "main"]);
    expect(pushed.status, pushed.output).not.toBe(0);
    expect(pushed.output).toMatch(/gonogo check\.+Failed/);
    expect(pushed.output).toContain("DECISION: NEEDS-APPROVAL — staging (carts)");
    expect(git(remote, ["branch", "--list"], env).trim()).toBe("");
  }, 900_000);

  test("from a plain commit (built on install): the --cache variant installs and scans with a cache file", () => {
    const project = userProject("shop-cached", exampleConfig("examples/pre-commit/cache/.pre-commit-config.yaml", upstream, TAG));
    const install = project.run("pre-commit", ["install", "--install-hooks"]);
    expect(install.status, install.output).toBe(0);
    project.stage("0003_drop_cart_items.py");
    const refused = project.run("git", ["commit", "-m", "drop cart items"]);
    expect(refused.status, refused.output).toBe(1);
    expect(refused.output).toContain("17:5  error  Table cart_items is dropped  sql/drop-table (critical)");
    expect(readFileSync(path.join(project.repo, ".gonogocache"), "utf8").length).toBeGreaterThan(0);
  }, 900_000);
});
