// pre-commit: the hook definitions in .pre-commit-hooks.yaml, and an end-to-end run through the
// real pre-commit framework (Debian's `pre-commit` package; .ci/run installs it) in a temp git repo
// where `git commit` triggers the hooks on staged files.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { isCandidateFile } from "../src/extract/index.js";
import { runCli } from "./helpers.js";

interface HookDefinition {
  id: string;
  name: string;
  entry: string;
  language: string;
  pass_filenames: boolean;
  require_serial?: boolean;
  files: string;
  exclude?: string;
  args?: string[];
  types?: string[];
}

const repoRoot = path.resolve(".");
const hooks = parse(readFileSync(".pre-commit-hooks.yaml", "utf8")) as HookDefinition[];
const hook = (id: string) => hooks.find((h) => h.id === id)!;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? walk(abs) : [abs];
  });
}

/** pre-commit's filter: `files` matched with Python's re.search (these patterns mean the same in JS), minus `exclude`. */
function selectedBy(h: HookDefinition, file: string): boolean {
  return new RegExp(h.files).test(file) && !(h.exclude && new RegExp(h.exclude).test(file));
}

describe(".pre-commit-hooks.yaml", () => {
  test("declares gonogo-scan (staged files) and gonogo-check (whole project) as node hooks", () => {
    expect(hooks.map((h) => h.id)).toEqual(["gonogo-scan", "gonogo-check"]);
    expect(hook("gonogo-scan")).toMatchObject({ entry: "gonogo scan", args: ["--cache", "--cache-location", ".git/gonogocache"], language: "node", pass_filenames: true, require_serial: true });
    expect(hook("gonogo-check")).toMatchObject({ entry: "gonogo check", language: "node", pass_filenames: false, args: ["--env", "development"] });
  });

  test("the file filter selects every file gonogo scan would read in the fixtures, and skips the rest", () => {
    const candidates = walk("fixtures")
      .map((f) => path.relative(".", f).split(path.sep).join("/"))
      .filter((f) => isCandidateFile(f));
    expect(candidates.length).toBeGreaterThan(30);
    for (const h of hooks) expect(candidates.filter((f) => !selectedBy(h, f))).toEqual([]);
    for (const other of ["README.md", "docs/logo.png", "src/types.d.ts", "Dockerfile", "alembic.ini"]) expect(selectedBy(hook("gonogo-scan"), other)).toBe(false);
    for (const infra of ["infra/Makefile", "wrangler.toml", "deploy/stack.template", "cdk/app.mts", "alembic/versions/0042_drop.py", "db/purge.sql", "db/purge.SQL", "db/purge.psql", "db/purge.pgsql", "alembic/versions/0042_drop.pyc"]) expect(selectedBy(hook("gonogo-scan"), infra)).toBe(true);
  });

  test("entries and args are real commands and options of the CLI", async () => {
    for (const h of hooks) {
      const [program, command, ...rest] = h.entry.split(" ");
      expect(program).toBe("gonogo");
      expect(rest).toEqual([]);
      const help = await runCli([command!, "--help"]);
      expect(help.code).toBe(0);
      for (const arg of h.args ?? []) if (arg.startsWith("--")) expect(help.stdout).toContain(arg);
    }
  });
});

// ---- end to end -------------------------------------------------------------------------------

const preCommitVersion = spawnSync("pre-commit", ["--version"], { encoding: "utf8" });

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv) {
  return execFileSync("git", args, { cwd, env, encoding: "utf8" });
}

/** A git repository with the fixture project committed, pre-commit installed as its git hook. */
function makeRepo(hookConfig: object) {
  const root = mkdtempSync(path.join(tmpdir(), "gonogo-precommit-"));
  const repo = path.join(root, "repo");
  cpSync("fixtures/eco/precommit/project", repo, { recursive: true });
  // `gonogo` on PATH, as `npm install -g gonogo` would put it (run from the sources here).
  const bin = path.join(root, "bin");
  mkdirSync(bin);
  writeFileSync(path.join(bin, "gonogo"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, "tests/eco-gonogo-from-source.mjs")}" "$@"\n`);
  chmodSync(path.join(bin, "gonogo"), 0o755);
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: root,
    PRE_COMMIT_HOME: path.join(root, "pre-commit-home"),
    GIT_AUTHOR_NAME: "Dana Reviewer",
    GIT_AUTHOR_EMAIL: "dana@example.com",
    GIT_COMMITTER_NAME: "Dana Reviewer",
    GIT_COMMITTER_EMAIL: "dana@example.com",
    GIT_CONFIG_NOSYSTEM: "1",
  };
  writeFileSync(path.join(repo, ".pre-commit-config.yaml"), stringify(hookConfig));
  git(repo, ["init", "-q", "-b", "main"], env);
  git(repo, ["add", "."], env);
  git(repo, ["commit", "-q", "--no-verify", "-m", "carts and cart items"], env);
  execFileSync("pre-commit", ["install"], { cwd: repo, env, encoding: "utf8" });
  const commit = (message: string) => spawnSync("git", ["commit", "-m", message], { cwd: repo, env, encoding: "utf8" });
  const stage = (fixture: string) => {
    copyFileSync(path.join("fixtures/eco/precommit/staged", fixture), path.join(repo, "alembic/versions", fixture));
    git(repo, ["add", `alembic/versions/${fixture}`], env);
  };
  return { repo, env, commit, stage };
}

/**
 * Our hook definitions, verbatim (same entry, language, files, pass_filenames …), as `repo: local`
 * hooks: a remote `repo:` would make pre-commit clone and `npm install` gonogo from the network.
 */
const localConfig = (ids: string[], overrides: Partial<HookDefinition> = {}) => ({
  repos: [{ repo: "local", hooks: ids.map((id) => ({ ...hook(id), ...overrides })) }],
});

describe("through the real pre-commit framework", () => {
  test("pre-commit is installed (.ci/run installs Debian's package)", () => {
    expect(preCommitVersion.status, preCommitVersion.stderr).toBe(0);
  });

  test("git commit runs gonogo-scan on the staged files only, with sibling migrations as graph context", () => {
    const { commit, stage, repo, env } = makeRepo(localConfig(["gonogo-scan"]));

    // A dropped table: the commit is refused, the finding names the staged file; the script that
    // was already committed (it empties a bucket) is not staged, so it is not reported.
    stage("0003_drop_cart_items.py");
    const refused = commit("drop cart items");
    const refusedOutput = refused.stdout + refused.stderr;
    expect(refused.status, refusedOutput).toBe(1);
    expect(refusedOutput).toMatch(/gonogo scan\.+Failed/);
    expect(refusedOutput).toContain("alembic/versions/0003_drop_cart_items.py");
    expect(refusedOutput).toContain("17:5  error  Table cart_items is dropped  sql/drop-table (critical)");
    expect(refusedOutput).not.toContain("rotate-exports.sh");
    expect(git(repo, ["log", "--format=%s"], env).trim().split("\n")).toEqual(["carts and cart items"]);

    // A safe migration whose parent (0002) is not staged: no missing-parent finding, it commits.
    git(repo, ["rm", "-q", "--cached", "alembic/versions/0003_drop_cart_items.py"], env);
    execFileSync("rm", [path.join(repo, "alembic/versions/0003_drop_cart_items.py")]);
    stage("0003_cart_note.py");
    const accepted = commit("cart note");
    expect(accepted.status, accepted.stdout + accepted.stderr).toBe(0);
    expect(accepted.stdout + accepted.stderr).toMatch(/gonogo scan\.+Passed/);

    // A migration from a branch that still ends at 0002: alone it is fine, but with the committed
    // siblings read it makes a second head, and the commit is refused.
    stage("0004_cart_discount.py");
    const twoHeads = commit("cart discount");
    expect(twoHeads.status).toBe(1);
    expect(twoHeads.stdout + twoHeads.stderr).toContain("2 heads in alembic/versions: 0003, 0004");
    expect(git(repo, ["log", "--format=%s"], env).trim().split("\n")).toEqual(["cart note", "carts and cart items"]);

    // The hook's --cache lives in .git/: written, and nothing new in the work tree.
    expect(statSync(path.join(repo, ".git/gonogocache")).size).toBeGreaterThan(0);
    expect(statSync(path.join(repo, ".git/gonogocache.siblings")).size).toBeGreaterThan(0);
    expect(git(repo, ["status", "--porcelain", "--untracked-files=all"], env)).toBe("A  alembic/versions/0004_cart_discount.py\n");
  }, 180_000);

  test("gonogo-scan in a linked worktree (.git is a file): no cache can be written, the same findings", () => {
    const { repo, env } = makeRepo(localConfig(["gonogo-scan"]));
    const worktree = `${repo}-worktree`;
    git(repo, ["worktree", "add", "-q", worktree], env);
    copyFileSync("fixtures/eco/precommit/staged/0003_drop_cart_items.py", path.join(worktree, "alembic/versions/0003_drop_cart_items.py"));
    git(worktree, ["add", "alembic/versions/0003_drop_cart_items.py"], env);
    const refused = spawnSync("git", ["commit", "-m", "drop cart items"], { cwd: worktree, env, encoding: "utf8" });
    const output = refused.stdout + refused.stderr;
    expect(refused.status, output).toBe(1);
    expect(output).toContain("17:5  error  Table cart_items is dropped  sql/drop-table (critical)");
    expect(output).not.toContain("gonogocache");
    expect(git(worktree, ["status", "--porcelain", "--untracked-files=all"], env)).toBe("A  alembic/versions/0003_drop_cart_items.py\n");
  }, 180_000);

  test("examples/pre-commit/local: the project's own gonogo through npx, nothing installed by pre-commit", () => {
    const example = parse(readFileSync("examples/pre-commit/local/.pre-commit-config.yaml", "utf8")) as { repos: { repo: string; hooks: HookDefinition[] }[] };
    const local = example.repos[0]!.hooks[0]!;
    // The same files and options as the shipped hook, so the two cannot drift apart.
    const shipped = hook("gonogo-scan");
    for (const key of ["id", "name", "args", "files", "exclude", "types", "pass_filenames", "require_serial"] as const) expect(local[key], key).toEqual(shipped[key]);
    expect([local.entry, local.language]).toEqual(["npx --no-install gonogo scan", "system"]);
    const { stage, repo, env } = makeRepo(example);
    // `npm install --save-dev gonogo` in the project: its bin in node_modules/.bin (the sources here).
    mkdirSync(path.join(repo, "node_modules/.bin"), { recursive: true });
    writeFileSync(path.join(repo, "package.json"), JSON.stringify({ name: "shop", private: true, devDependencies: { gonogo: "0.1.0" } }));
    writeFileSync(path.join(repo, "node_modules/.bin/gonogo"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, "tests/eco-gonogo-from-source.mjs")}" "$@"\n`);
    chmodSync(path.join(repo, "node_modules/.bin/gonogo"), 0o755);
    // Not the PATH's gonogo: the hook must find the project's.
    const noGlobal = { ...env, PATH: (env.PATH ?? "").split(path.delimiter).slice(1).join(path.delimiter) };
    stage("0003_drop_cart_items.py");
    const refused = spawnSync("git", ["commit", "-m", "drop cart items"], { cwd: repo, env: noGlobal, encoding: "utf8" });
    expect(refused.status, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stdout + refused.stderr).toContain("17:5  error  Table cart_items is dropped  sql/drop-table (critical)");
    git(repo, ["rm", "-q", "--cached", "alembic/versions/0003_drop_cart_items.py"], env);
    execFileSync("rm", [path.join(repo, "alembic/versions/0003_drop_cart_items.py")]);
    stage("0003_cart_note.py");
    const accepted = spawnSync("git", ["commit", "-m", "cart note"], { cwd: repo, env: noGlobal, encoding: "utf8" });
    expect(accepted.status, accepted.stdout + accepted.stderr).toBe(0);
    expect(accepted.stdout + accepted.stderr).toMatch(/gonogo scan\.+Passed/);
  }, 180_000);

  test("gonogo-check decides for the environment named in args, over the whole project", () => {
    const { stage, repo, env } = makeRepo(localConfig(["gonogo-check"], { args: ["--env", "staging"] }));
    stage("0003_drop_cart_items.py");
    const run = spawnSync("pre-commit", ["run", "gonogo-check"], { cwd: repo, env, encoding: "utf8" });
    const output = run.stdout + run.stderr;
    expect(run.status, output).toBe(1);
    expect(output).toMatch(/gonogo check\.+Failed/);
    expect(output).toContain("DECISION: NO-GO — staging (carts)");
    expect(output).toContain("scripts/rotate-exports.sh:4  infra/bucket-empty");
    expect(output).toContain("sql/drop-table");
  }, 180_000);
});
