// A release tag (scripts/release.mjs), installed the way the README says until gonogo is on the
// registry: `npm install --save-dev git+…#v<version>` in a fresh project. The tag's commit carries
// the built dist/ and a package.json with no `prepare` and no devDependencies, so npm packs it as
// it is: no clone install, no build. Also what the script refuses (an existing tag, a dirty tree),
// and that it leaves the branch and the work tree alone.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt } from "./hardening-helpers.js";
import { git, installEnv, releaseRepository } from "./install-helpers.js";

const env = installEnv();
const root = realpathSync(mkdtempSync(path.join(tmpdir(), "gonogo-release-install-")));
const project = path.join(root, "consumer");
let repository = "";
let tag = "";
let install = { status: null as number | null, output: "" };

function run(command: string, args: string[], cwd = project) {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  ensureBuilt();
  ({ repository, tag } = releaseRepository(env));
  cpSync("fixtures/alembic/shop", path.join(project, "shop"), { recursive: true });
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }, null, 2));
  install = run("npm", ["install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", "--foreground-scripts", `git+file://${repository}#${tag}`]);
}, 900_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (repository) rmSync(repository, { recursive: true, force: true });
});

describe("a release tag", () => {
  test("is a commit on no branch: HEAD's tree plus dist/, package.json without the build", () => {
    const main = git(repository, ["rev-parse", "main"], env).trim();
    expect(git(repository, ["rev-parse", `${tag}^{commit}^`], env).trim()).toBe(main);
    expect(git(repository, ["branch", "--contains", `${tag}^{commit}`], env).trim()).toBe("");
    expect(git(repository, ["status", "--porcelain"], env)).toBe("");
    const files = git(repository, ["ls-tree", "-r", "--name-only", tag], env).split("\n");
    for (const file of ["dist/cli/gonogo.cjs", "dist/cli/pool-worker.js", "dist/src/index.js", "dist/src/index.d.ts", "src/index.ts"]) expect(files).toContain(file);
    const onMain = JSON.parse(git(repository, ["show", "main:package.json"], env)) as Record<string, Record<string, string>>;
    const released = JSON.parse(git(repository, ["show", `${tag}:package.json`], env)) as Record<string, Record<string, string> | undefined>;
    expect(released.scripts?.prepare).toBeUndefined();
    expect(released.devDependencies).toBeUndefined();
    expect(released.dependencies).toEqual(onMain.dependencies);
    expect(git(repository, ["rev-parse", `${tag}:dist/cli/gonogo.cjs`], env)).toBe(git(".", ["hash-object", "dist/cli/gonogo.cjs"], env));
  });

  test("is refused when it exists, and on a work tree with uncommitted changes", () => {
    const again = spawnSync(process.execPath, ["scripts/release.mjs", "--no-build"], { cwd: repository, env, encoding: "utf8" });
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`tag ${tag} exists already`);
    writeFileSync(path.join(repository, "README.md"), "changed\n");
    const dirty = spawnSync(process.execPath, ["scripts/release.mjs", "--no-build"], { cwd: repository, env, encoding: "utf8" });
    expect(dirty.status).toBe(2);
    expect(dirty.stderr).toContain("uncommitted changes");
    git(repository, ["checkout", "--", "README.md"], env);
  });

  test("installs from git without building: npm runs no prepare and no devDependency arrives", () => {
    expect(install.status, install.output).toBe(0);
    // --foreground-scripts prints every lifecycle script npm runs; the release has no build to run.
    expect(install.output).not.toMatch(/> gonogo@[^ ]+ (prepare|build)/);
    const installed = path.join(project, "node_modules");
    expect(existsSync(path.join(installed, "gonogo/dist/cli/gonogo.cjs"))).toBe(true);
    expect(existsSync(path.join(installed, "gonogo/src"))).toBe(false);
    for (const devOnly of ["typescript", "esbuild", "vitest", "typedoc"]) expect(existsSync(path.join(installed, devOnly)), devOnly).toBe(false);
  });

  test("npx gonogo scan reports the problems of the sample project (exit 1)", () => {
    const scan = run("npx", ["--no-install", "gonogo", "scan", "shop"]);
    expect(scan.status, scan.output).toBe(1);
    expect(scan.stdout).toContain("shop/alembic/versions/3c4d5e6f7a8b_drop_legacy_sessions.py");
    expect(scan.stdout).toContain("Table legacy_sessions is dropped  sql/drop-table (critical)");
  });
});
