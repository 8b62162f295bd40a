#!/usr/bin/env node
// `npm run release`: tags a release that installs without building.
//
// Until gonogo is on the npm registry, users install it from git (`npm install
// git+https://…#v0.1.0`), pre-commit installs it from git (`repo:` + `rev:`), and the GitHub Action
// runs from its tag. Each of those, from a plain commit, installs every devDependency and runs the
// build in a clone: minutes. A release tag therefore points at a commit of its own, a child of
// HEAD that is on no branch, whose tree is HEAD's plus the built `dist/`, and whose package.json
// (and lock file) has no `prepare` script and no devDependencies. npm then packs it as it is (no
// clone install, no build), pre-commit's `npm install --include=dev` in its clone installs only the
// runtime dependencies, and the Action runs `npm ci --omit=dev` in its own checkout. The tag's
// commit message says so; the branch and the work tree are not touched.
//
//   node scripts/release.mjs            tags v<package.json version> (refuses an existing tag)
//   node scripts/release.mjs --no-build uses the dist/ already built (tests; CI builds first)
//
// Then `git push origin v<version>`.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--no-build");
if (unknown.length > 0) fail(`unknown argument ${unknown[0]}; usage: node scripts/release.mjs [--no-build]`);

function fail(message) {
  process.stderr.write(`release: ${message}\n`);
  process.exit(2);
}

function git(gitArgs, options = {}) {
  return execFileSync("git", gitArgs, { cwd: root, encoding: "utf8", ...options }).trim();
}

const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
if (typeof pkg.version !== "string" || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(pkg.version)) {
  fail(`package.json: "version" must be a semantic version, found ${JSON.stringify(pkg.version)}`);
}
const tag = `v${pkg.version}`;

// The release is exactly a commit: nothing tracked may differ from HEAD.
if (git(["status", "--porcelain", "--untracked-files=no"]) !== "") {
  fail("the work tree has uncommitted changes to tracked files; commit or stash them first");
}
if (git(["tag", "--list", tag]) !== "") fail(`tag ${tag} exists already; bump "version" in package.json`);

if (!args.includes("--no-build")) {
  rmSync(path.join(root, "dist"), { recursive: true, force: true }); // no stale modules in the release
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}
for (const required of ["dist/src/index.js", "dist/src/index.d.ts", "dist/cli/gonogo.cjs", "dist/cli/compile-cache.cjs", "dist/cli/pool-worker.js"]) {
  if (!existsSync(path.join(root, required))) fail(`${required} is missing: run \`npm run build\` first`);
}

// What the tag installs as: the package without its build step and build tools.
const released = { ...pkg, scripts: { ...pkg.scripts } };
delete released.scripts.prepare;
delete released.scripts.prepack;
delete released.devDependencies;

const scratch = mkdtempSync(path.join(tmpdir(), "gonogo-release-"));
try {
  // A throwaway index: HEAD's tree, plus dist/ (ignored on branches), plus the release package.json.
  const env = { ...process.env, GIT_INDEX_FILE: path.join(scratch, "index") };
  git(["read-tree", "HEAD"], { env });
  git(["add", "--force", "--", "dist"], { env });
  // The lock file follows, or `npm ci` at the tag (the GitHub Action, a user's clone) would refuse
  // a package.json and a lock out of step: npm itself drops the devDependencies' entries.
  const lockDir = path.join(scratch, "package");
  mkdirSync(lockDir);
  writeFileSync(path.join(lockDir, "package.json"), `${JSON.stringify(released, null, 2)}\n`);
  copyFileSync(path.join(root, "package-lock.json"), path.join(lockDir, "package-lock.json"));
  execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: lockDir, stdio: ["ignore", "ignore", "inherit"] });
  for (const file of ["package.json", "package-lock.json"]) {
    const blob = git(["hash-object", "-w", "--", path.join(lockDir, file)]);
    git(["update-index", "--add", "--cacheinfo", `100644,${blob},${file}`], { env });
  }
  const tree = git(["write-tree"], { env });
  const head = git(["rev-parse", "HEAD"]);
  const message = [
    `Release ${tag}: the package as built from ${head.slice(0, 12)}`,
    "",
    "This commit is on no branch. It adds the built dist/ to its parent's tree and drops the",
    "prepare script and the devDependencies from package.json and its lock, so that installs from this tag",
    "(npm from git, pre-commit, the GitHub Action) do not build.",
  ].join("\n");
  const commit = git(["commit-tree", tree, "-p", head, "-F", "-"], { input: `${message}\n` });
  git(["tag", "-a", tag, commit, "-m", `gonogo ${tag}`]);
  process.stdout.write(`Tagged ${tag} (${commit.slice(0, 12)}, built from ${head.slice(0, 12)}).\nPublish it: git push origin ${tag}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
