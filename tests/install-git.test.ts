// gonogo installed from a git URL, as the README offers until it is on the registry:
// `npm install --save-dev git+file://<clone>#<tag>` in a fresh project, then `npx gonogo scan`.
// npm packs a git dependency itself: it clones the repository, installs its dependencies *and
// devDependencies* in that clone, runs `prepare` (our build) and installs the packed result; the
// consumer's install-scripts policy does not stop that `prepare` (npm 11 lists it in its
// `allowScripts` warning but runs it while packing). So a git install needs what a clone's build
// needs — network or a filled npm cache, and time (the devDependencies) — and nothing else.
// The clone is a snapshot of this working tree (tracked and new files), tagged.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installEnv, snapshotRepository } from "./install-helpers.js";

const env = installEnv();
const root = realpathSync(mkdtempSync(path.join(tmpdir(), "gonogo-git-install-")));
const project = path.join(root, "consumer");
let clone = "";

function run(command: string, args: string[], cwd = project) {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  clone = snapshotRepository("v0.1.0-test", env);
  cpSync("fixtures/alembic/shop", path.join(project, "shop"), { recursive: true });
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }, null, 2));
  const install = run("npm", ["install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", `git+file://${clone}#v0.1.0-test`]);
  expect(install.status, install.output).toBe(0);
}, 1_500_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe("installed from a git URL into a fresh project", () => {
  test("npm built it while packing the git dependency: dist/ is there, sources are not", () => {
    const installed = path.join(project, "node_modules/gonogo");
    expect(existsSync(path.join(installed, "dist/src/cli/main.js"))).toBe(true);
    expect(existsSync(path.join(installed, "dist/src/index.d.ts"))).toBe(true);
    expect(existsSync(path.join(installed, "src"))).toBe(false);
  });

  test("npx gonogo scan reports the problems of the sample project (exit 1)", () => {
    const scan = run("npx", ["--no-install", "gonogo", "scan", "shop"]);
    expect(scan.status, scan.output).toBe(1);
    expect(scan.stdout).toContain("shop/alembic/versions/");
    expect(scan.stdout).toMatch(/✖ \d+ problems/);
  });
});
