// action.yml (composite GitHub Action): parsed with `yaml`, its shell steps with tree-sitter-bash,
// and every gonogo option it passes compared with the real CLI's --help, so renaming a flag in
// the CLI without updating the action fails here.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { parseBash, type SyntaxNode } from "../src/parsers/bash.js";
import { scan } from "../src/engine/scan.js";
import { VERSION } from "../src/version.js";
import { ensureBuilt } from "./hardening-helpers.js";
import { runCli } from "./helpers.js";

interface Step {
  id?: string;
  name: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const actionText = readFileSync("action.yml", "utf8");
const action = parse(actionText) as Action;
const steps = action.runs.steps;

interface GonogoCall {
  subcommand: string;
  options: string[];
  /** Literal values given to options, e.g. --format → sarif. */
  values: Map<string, string>;
}

function walk(node: SyntaxNode, visit: (n: SyntaxNode) => void): void {
  visit(node);
  for (const child of node.namedChildren) walk(child, visit);
}

/** gonogo invocations in a shell script: `"$GONOGO_BIN" SUB …` or `gonogo SUB …`. */
function gonogoCalls(script: string): GonogoCall[] {
  const calls: GonogoCall[] = [];
  walk(parseBash(script).rootNode, (node) => {
    if (node.type !== "command") return;
    const words = node.namedChildren.filter((c) => c.type !== "file_redirect" && c.type !== "variable_assignment").map((c) => c.text);
    const start = words.findIndex((w) => w === '"$GONOGO_BIN"' || w === "gonogo");
    if (start < 0) return;
    const [subcommand, ...rest] = words.slice(start + 1);
    const options = rest.filter((w) => w.startsWith("--"));
    const values = new Map<string, string>();
    rest.forEach((w, i) => {
      if (w.startsWith("--") && rest[i + 1] !== undefined && !rest[i + 1]!.startsWith("--")) values.set(w, rest[i + 1]!);
    });
    calls.push({ subcommand: subcommand!, options, values });
  });
  return calls;
}

/** Option names a command's --help lists (`-f, --format <format>` → --format). */
async function helpOptions(command: string): Promise<Set<string>> {
  const help = await runCli([command, "--help"]);
  expect(help.code).toBe(0);
  return new Set([...help.stdout.matchAll(/(?:^|[ ,])(--[a-z][a-z-]*)/gm)].map((m) => m[1]!));
}

/** Option names the array assignments in a script hold (`base=(--base "$X")`). */
function arrayOptions(script: string): string[] {
  const out: string[] = [];
  walk(parseBash(script).rootNode, (node) => {
    if (node.type === "array") for (const item of node.namedChildren) if (item.text.startsWith("--")) out.push(item.text);
  });
  return out;
}

describe("action.yml", () => {
  const calls = steps.flatMap((s) => (s.run ? gonogoCalls(s.run) : []));

  test("is a composite action that scans to SARIF, uploads it and writes the decision to the job summary", () => {
    expect(action.runs.using).toBe("composite");
    const scanCall = calls.find((c) => c.subcommand === "scan")!;
    expect(scanCall.values.get("--format")).toBe("sarif");
    expect(scanCall.values.get("--output")).toBe('"$GONOGO_SARIF"');

    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(upload.with!.sarif_file).toBe("${{ inputs.working-directory }}/${{ inputs.sarif-file }}");
    // Uploaded only when this run wrote the report (the scan step says so; tested below).
    expect(upload.if).toContain("steps.scan.outputs.sarif == 'true'");
    expect(steps.indexOf(upload)).toBeGreaterThan(steps.findIndex((s) => s.id === "scan"));

    const checkStep = steps.find((s) => s.id === "check")!;
    const checkCall = gonogoCalls(checkStep.run!).find((c) => c.subcommand === "check")!;
    expect(checkCall.values.get("--format")).toBe("markdown");
    expect(checkCall.values.get("--env")).toBe('"$GONOGO_ENV"');
    expect(checkStep.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  test("every gonogo subcommand and option it uses exists in the CLI (compared with --help)", async () => {
    expect(calls.map((c) => c.subcommand).sort()).toEqual(["check", "scan"]);
    for (const call of calls) {
      const known = await helpOptions(call.subcommand);
      expect(call.options.filter((o) => !known.has(o)), `gonogo ${call.subcommand}`).toEqual([]);
    }
    const scanOptions = await helpOptions("scan");
    const checkOptions = await helpOptions("check");
    for (const step of steps.filter((s) => s.run)) {
      for (const option of arrayOptions(step.run!)) expect(step.id === "check" ? checkOptions.has(option) : scanOptions.has(option), option).toBe(true);
    }
    // The formats it relies on are real choices of the CLI.
    expect((await runCli(["scan", "--help"])).stdout).toMatch(/"sarif"/);
    expect((await runCli(["check", "--help"])).stdout).toMatch(/"markdown"/);
  });

  test("the comparison would catch a renamed flag", async () => {
    const broken = gonogoCalls('"$GONOGO_BIN" scan . --formatt sarif --output x.sarif');
    const known = await helpOptions("scan");
    expect(broken[0]!.options.filter((o) => !known.has(o))).toEqual(["--formatt"]);
  });

  test("every input it references is declared, and no input is spliced into a script", () => {
    const referenced = [...actionText.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]!);
    expect(referenced.filter((name) => !(name in action.inputs))).toEqual([]);
    for (const name of Object.keys(action.inputs)) expect(referenced, `input ${name} is never used`).toContain(name);
    for (const step of steps) if (step.run) expect(step.run).not.toContain("${{");
    for (const step of steps.filter((s) => s.run)) expect(step.shell).toBe("bash");
  });

  test("gonogo's own scan reads action.yml as a workflow without a parse problem", async () => {
    const result = await scan({ cwd: process.cwd(), configFile: false, paths: ["action.yml"] });
    expect(result.findings.map((f) => `${f.ruleId} ${f.line}: ${f.message}`)).toEqual([]);
  });
});

// ---- the script steps, run locally as the runner runs them -------------------------------------

/** `${{ inputs.X }}` and `${{ steps.S.outputs.O }}` in a step's env, as the runner substitutes them. */
function expand(value: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>, actionPath = ""): string {
  return value
    .replace(/\$\{\{\s*github\.action_path\s*\}\}/g, actionPath)
    .replace(/\$\{\{\s*(inputs\.([a-z-]+)|steps\.([a-z-]+)\.outputs\.([a-z-]+))\s*\}\}/g, (_m, _all, input?: string, step?: string, output?: string) =>
      input !== undefined ? (inputs[input] ?? action.inputs[input]?.default ?? "") : (outputs[step!]?.[output!] ?? ""),
    );
}

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** Runs one `run:` step with bash as GitHub's runner does (`bash --noprofile --norc -eo pipefail`). */
function runStep(id: string, cwd: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>, extraEnv: NodeJS.ProcessEnv = {}, actionPath = ""): StepRun {
  const step = steps.find((s) => s.id === id || s.name === id)!;
  const dir = mkdtempSync(path.join(tmpdir(), "gonogo-action-step-"));
  const script = path.join(dir, "step.sh");
  writeFileSync(script, step.run!);
  const outputFile = path.join(dir, "output");
  writeFileSync(outputFile, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
    ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), inputs, outputs, actionPath)])),
    ...extraEnv,
  };
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { cwd, env, encoding: "utf8" });
  const stepOutputs = Object.fromEntries(
    readFileSync(outputFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  outputs[id] = stepOutputs;
  const summary = path.join(dir, "summary.md");
  return { code: r.status, stdout: r.stdout + (existsSync(summary) ? readFileSync(summary, "utf8") : ""), stderr: r.stderr, outputs: stepOutputs };
}

describe("action.yml's script steps, run with bash on a project", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  /** A project with the sample migrations, and gonogo installed as its devDependency would be. */
  function project(withOwnGonogo: boolean): string {
    const dir = mkdtempSync(path.join(tmpdir(), "gonogo-action-project-"));
    cpSync("fixtures/alembic/shop", path.join(dir, "shop"), { recursive: true });
    if (withOwnGonogo) {
      mkdirSync(path.join(dir, "node_modules/.bin"), { recursive: true });
      writeFileSync(path.join(dir, "node_modules/.bin/gonogo"), `#!/bin/sh\nexec "${process.execPath}" "${path.resolve("bin/gonogo.js")}" "$@"\n`, { mode: 0o755 });
    }
    return dir;
  }

  test("uses the project's gonogo, scans to a SARIF report it uploads, writes the decision, fails the job on errors", () => {
    const cwd = project(true);
    const inputs = { paths: "shop", command: "scan", environment: "production" };
    const outputs: Record<string, Record<string, string>> = {};
    const install = runStep("install", cwd, inputs, outputs);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain(`Using the project's gonogo ${VERSION}`);
    expect(outputs.install!.bin).toBe(path.join(realpathSync(cwd), "node_modules/.bin/gonogo"));

    const scanned = runStep("scan", cwd, inputs, outputs);
    expect(scanned.code, scanned.stderr).toBe(0);
    expect(outputs.scan).toEqual({ "exit-code": "1", sarif: "true" });
    const sarif = JSON.parse(readFileSync(path.join(cwd, "gonogo.sarif"), "utf8")) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]!.results.length).toBe(7);

    const checked = runStep("check", cwd, inputs, outputs);
    expect(checked.code, checked.stderr).toBe(0);
    expect(outputs.check!["exit-code"]).toBe("1");
    expect(checked.stdout).toContain("gonogo: **no-go** for `production`");

    const verdict = runStep("Verdict", cwd, inputs, outputs, { SCAN_CODE: outputs.scan!["exit-code"], CHECK_CODE: outputs.check!["exit-code"] });
    expect(verdict.code).toBe(1);
    expect(verdict.stdout).toContain("::error title=gonogo::gonogo scan found errors");
  });

  test("a configuration error stops the job with exit 2 and leaves no SARIF to upload", () => {
    const cwd = project(true);
    writeFileSync(path.join(cwd, "gonogo.config.yaml"), "rules:\n  sql/drop-table: fatal\n");
    writeFileSync(path.join(cwd, "gonogo.sarif"), '{"stale": "from an earlier run"}');
    const outputs: Record<string, Record<string, string>> = {};
    runStep("install", cwd, { paths: "shop" }, outputs);
    const scanned = runStep("scan", cwd, { paths: "shop" }, outputs);
    expect(scanned.code).toBe(2);
    expect(scanned.stdout).toContain("::error title=gonogo::gonogo scan failed with a usage or configuration error");
    expect(outputs.scan).toEqual({ "exit-code": "2" });
  });

  test("an install that fails is an error that says so, not findings", () => {
    const cwd = project(false);
    const outputs: Record<string, Record<string, string>> = {};
    // Offline, so the failure is the same with or without a network.
    const install = runStep("install", cwd, { version: "0.0.0-not-published" }, outputs, { npm_config_offline: "true" });
    expect(install.code).toBe(2);
    expect(install.stdout).toContain("::error title=gonogo::could not install gonogo@0.0.0-not-published with npm");
    expect(outputs.install).toEqual({});
  });

  /**
   * The action's checkout at a release tag (scripts/release.mjs): bin/, the built dist/ and a
   * package.json and lock holding only runtime dependencies. Here the checkout lies inside this
   * repository (test-artifacts/, ignored), so its modules resolve from our node_modules, and its
   * package.json declares none for `npm ci` to fetch.
   */
  function releasedActionCheckout(lock: object, dependencies: Record<string, string> = {}): string {
    mkdirSync("test-artifacts", { recursive: true });
    const dir = mkdtempSync(path.join(path.resolve("test-artifacts"), "action-"));
    for (const part of ["bin", "dist", "schema"]) cpSync(part, path.join(dir, part), { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "gonogo", version: VERSION, type: "module", bin: { gonogo: "bin/gonogo.js" }, dependencies }, null, 2));
    writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
    checkouts.push(dir);
    return dir;
  }
  const checkouts: string[] = [];
  afterAll(() => {
    for (const dir of checkouts) rmSync(dir, { recursive: true, force: true });
  });
  const syncedLock = { name: "gonogo", version: VERSION, lockfileVersion: 3, requires: true, packages: { "": { name: "gonogo", version: VERSION, bin: { gonogo: "bin/gonogo.js" } } } };

  test("without the project's gonogo, a release tag of the action runs its own build after npm ci --omit=dev", () => {
    const cwd = project(false);
    const actionPath = releasedActionCheckout(syncedLock);
    const outputs: Record<string, Record<string, string>> = {};
    const install = runStep("install", cwd, { paths: "shop" }, outputs, { npm_config_offline: "true" }, actionPath);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain(`Using the action's gonogo ${VERSION}`);
    expect(outputs.install!.bin).toBe(path.join(actionPath, "bin/gonogo.js"));
    const scanned = runStep("scan", cwd, { paths: "shop" }, outputs);
    expect(outputs.scan).toEqual({ "exit-code": "1", sarif: "true" });
    expect(scanned.code, scanned.stderr).toBe(0);
  });

  test("a release checkout whose npm ci fails is an install error, not findings", () => {
    const cwd = project(false);
    // A dependency package.json declares and the lock lacks: npm ci refuses them.
    const actionPath = releasedActionCheckout(syncedLock, { "left-pad": "1.3.0" });
    const outputs: Record<string, Record<string, string>> = {};
    const install = runStep("install", cwd, { paths: "shop" }, outputs, { npm_config_offline: "true" }, actionPath);
    expect(install.code).toBe(2);
    expect(install.stdout).toContain("::error title=gonogo::could not install the runtime dependencies of this action's gonogo with npm ci");
    expect(outputs.install).toEqual({});
  });

  test("without a version input and without the project's own gonogo, the pinned version is this release's", () => {
    const step = steps.find((s) => s.id === "install")!;
    expect(step.env!.GONOGO_PINNED).toBe(VERSION);
  });
});
