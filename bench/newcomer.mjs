#!/usr/bin/env node
// The newcomer's path, timed (issue 14): what README.md tells someone to do in their own project,
// step by step — install gonogo, scan, add the pre-commit hook, have it refuse a migration that
// drops a table, run the CI command — with the README's own commands and config (only the git URL
// and `rev:` point at a local repository instead of GitHub).
//
//   node bench/newcomer.mjs                  a release of this checkout (scripts/release.mjs over
//                                            the built dist/), installed from its tag
//   node bench/newcomer.mjs --plain          the same commit without the release step (built on
//                                            install), for comparison
//
// npm reads this machine's cache first (prefer-offline, as for a second project on a developer's
// machine); the times and the load average of each step are printed. Needs git, npm and pre-commit.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { plain: { type: "boolean", default: false }, keep: { type: "boolean", default: false } } });
const work = realpathSync(mkdtempSync(path.join(tmpdir(), "gonogo-newcomer-")));
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "New Comer",
  GIT_AUTHOR_EMAIL: "new@example.com",
  GIT_COMMITTER_NAME: "New Comer",
  GIT_COMMITTER_EMAIL: "new@example.com",
  PRE_COMMIT_HOME: path.join(work, "pre-commit-home"),
  // The packages come from this machine's npm cache when it has them (as for a second project on
  // a developer's machine), without asking the registry whether each is still current.
  npm_config_prefer_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};
const run = (cmd, args, cwd) => spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const git = (args, cwd) => execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
const rows = [];

function step(name, fn) {
  const load = loadavg()[0].toFixed(1);
  const start = process.hrtime.bigint();
  const note = fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rows.push({ name, seconds, load, note });
  process.stderr.write(`${name}: ${seconds.toFixed(1)} s (load ${load}) ${note ?? ""}\n`);
}

function expectStatus(r, codes, what) {
  if (!codes.includes(r.status)) throw new Error(`${what}: exit ${r.status}, expected ${codes.join(" or ")}\n${r.stdout}${r.stderr}`);
}

// gonogo's repository as GitHub would serve it: this commit (and its release tag).
const upstream = path.join(work, "gonogo.git");
git(["clone", "-q", "--no-local", root, upstream], work);
let rev = git(["rev-parse", "HEAD"], upstream);
if (!values.plain) {
  cpSync(path.join(root, "dist"), path.join(upstream, "dist"), { recursive: true });
  execFileSync(process.execPath, ["scripts/release.mjs", "--no-build"], { cwd: upstream, env, stdio: ["ignore", "ignore", "inherit"] });
  rev = `v${JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version}`;
}
const url = `file://${upstream}`;

// What the README says, found in it.
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const installLine = readme.split("\n").find((l) => l.startsWith("npm install --save-dev git+https://github.com/gonogo-dev/gonogo.git#"));
if (!installLine) throw new Error("README.md has no `npm install --save-dev git+https://github.com/gonogo-dev/gonogo.git#…` line");
const installArgs = installLine.split("#")[0].trim().split(/\s+/).slice(1, -1);
const yamlBlock = readme.match(/```yaml\n(# \.pre-commit-config\.yaml[\s\S]*?)```/);
if (!yamlBlock) throw new Error("README.md has no .pre-commit-config.yaml block");
const hookConfig = parse(yamlBlock[1]);
hookConfig.repos = hookConfig.repos.map((r) => ({ ...r, repo: url, rev }));
if (!readme.includes("`npx gonogo scan` exits 1 on errors; `--format sarif|github")) throw new Error("README.md's CI paragraph changed: update this script");

// The newcomer's project: migrations under git, no gonogo yet.
const project = path.join(work, "shop");
cpSync(path.join(root, "fixtures/eco/precommit/project"), project, { recursive: true });
git(["init", "-q", "-b", "main"], project);
git(["add", "."], project);
git(["commit", "-q", "-m", "carts"], project);
const total = process.hrtime.bigint();

step(`1. ${installArgs.join(" ")} git+…#${rev}`, () => {
  expectStatus(run("npm", ["init", "-y"], project), [0], "npm init");
  expectStatus(run("npm", [...installArgs, `git+${url}#${rev}`], project), [0], "install");
});
step("2. npx gonogo scan", () => {
  const r = run("npx", ["gonogo", "scan"], project);
  expectStatus(r, [0, 1], "scan");
  return r.stdout.trim().split("\n").at(-1);
});
step("3. pre-commit install --install-hooks (README's config)", () => {
  writeFileSync(path.join(project, ".pre-commit-config.yaml"), stringify(hookConfig));
  expectStatus(run("pre-commit", ["install", "--install-hooks"], project), [0], "pre-commit install");
});
step("4. git commit of a migration that drops a table (refused)", () => {
  copyFileSync(path.join(root, "fixtures/eco/precommit/staged/0003_drop_cart_items.py"), path.join(project, "alembic/versions/0003_drop_cart_items.py"));
  git(["add", "alembic/versions/0003_drop_cart_items.py"], project);
  const r = run("git", ["commit", "-m", "drop cart items"], project);
  expectStatus(r, [1], "the hook must refuse the commit");
  if (!`${r.stdout}${r.stderr}`.includes("sql/drop-table")) throw new Error(`the hook refused without sql/drop-table:\n${r.stdout}${r.stderr}`);
  return "refused: sql/drop-table";
});
step("5. CI: npx gonogo scan --format github", () => {
  const r = run("npx", ["gonogo", "scan", "--format", "github"], project);
  expectStatus(r, [1], "CI scan");
  return `${r.stdout.split("\n").filter((l) => l.startsWith("::error")).length} annotations`;
});
const seconds = Number(process.hrtime.bigint() - total) / 1e9;

process.stdout.write(`\nNewcomer path from ${values.plain ? "a plain commit" : `release tag ${rev}`} (${new Date().toISOString()}, node ${process.version}, ${tmpdir()})\n\n| step | seconds | load at start |\n| --- | --- | --- |\n`);
for (const r of rows) process.stdout.write(`| ${r.name} | ${r.seconds.toFixed(1)} | ${r.load} |\n`);
process.stdout.write(`| total | ${seconds.toFixed(1)} | |\n`);
if (!values.keep) rmSync(work, { recursive: true, force: true });
else process.stdout.write(`\nkept: ${work}\n`);
