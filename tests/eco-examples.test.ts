// The copy-paste configs under examples/ stay true to the CLI, the hooks and the action: every
// gonogo option they use exists, every hook id and action input they name is declared.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import picomatch from "picomatch";
import { parse } from "yaml";
import { parseBash, type SyntaxNode } from "../src/parsers/bash.js";
import { runCli } from "./helpers.js";

const readYaml = (file: string) => parse(readFileSync(file, "utf8")) as Record<string, unknown>;

function walk(node: SyntaxNode, visit: (n: SyntaxNode) => void): void {
  visit(node);
  for (const child of node.namedChildren) walk(child, visit);
}

/** `[subcommand, options…]` of every gonogo command in a shell script (`npx gonogo …` or `gonogo …`). */
function gonogoCommands(script: string): { subcommand: string; options: string[] }[] {
  const out: { subcommand: string; options: string[] }[] = [];
  walk(parseBash(script).rootNode, (node) => {
    if (node.type !== "command") return;
    const words = node.namedChildren.filter((c) => c.type !== "file_redirect").map((c) => c.text);
    const at = words.indexOf("gonogo");
    if (at < 0) return;
    out.push({ subcommand: words[at + 1]!, options: words.slice(at + 2).filter((w) => w.startsWith("--")) });
  });
  return out;
}

async function unknownOptions(commands: { subcommand: string; options: string[] }[]): Promise<string[]> {
  const unknown: string[] = [];
  for (const { subcommand, options } of commands) {
    const help = await runCli([subcommand, "--help"]);
    if (help.code !== 0) unknown.push(`gonogo ${subcommand}`);
    for (const option of options) if (!new RegExp(`(^|[ ,])${option}\\b`, "m").test(help.stdout)) unknown.push(`gonogo ${subcommand} ${option}`);
  }
  return unknown;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? filesUnder(abs) : [abs];
  });
}

/** The fenced code blocks of the user documentation: README.md and docs/ (generated API pages aside). */
function docBlocks(): { file: string; lang: string; text: string }[] {
  const pages = ["README.md", ...filesUnder("docs").filter((f) => f.endsWith(".md"))];
  return pages.flatMap((file) => [...readFileSync(file, "utf8").matchAll(/^```([a-z]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ file, lang: m[1]!, text: m[2]! })));
}

const PRE_COMMIT_CONFIGS = ["examples/pre-commit/.pre-commit-config.yaml", "examples/pre-commit/cache/.pre-commit-config.yaml", "examples/pre-commit/local/.pre-commit-config.yaml"];

describe("examples/", () => {
  test("pre-commit: the hook ids exist in .pre-commit-hooks.yaml, their args are CLI options, their stages pre-commit 3.0 names", async () => {
    const hooks = parse(readFileSync(".pre-commit-hooks.yaml", "utf8")) as { id: string; minimum_pre_commit_version: string }[];
    expect(filesUnder("examples").filter((f) => f.endsWith(".pre-commit-config.yaml")).sort()).toEqual([...PRE_COMMIT_CONFIGS].sort());
    for (const file of PRE_COMMIT_CONFIGS) {
      const config = readYaml(file) as { repos: { hooks: { id: string; args?: string[]; stages?: string[] }[] }[] };
      const used = config.repos.flatMap((r) => r.hooks);
      for (const h of used) expect(hooks.map((d) => d.id)).toContain(h.id);
      for (const h of used) {
        const subcommand = h.id === "gonogo-check" ? "check" : "scan";
        expect(await unknownOptions([{ subcommand, options: (h.args ?? []).filter((a) => a.startsWith("--")) }])).toEqual([]);
        // The hooks declare pre-commit 3.0.0 as their minimum: 3.0 knows `commit`, `push`,
        // `merge-commit`, … (`pre-commit`/`pre-push` came in 3.2).
        for (const stage of h.stages ?? []) expect(["commit", "merge-commit", "push", "prepare-commit-msg", "commit-msg", "post-checkout", "post-commit", "post-merge", "post-rewrite", "manual"]).toContain(stage);
      }
    }
    for (const h of hooks) expect(h.minimum_pre_commit_version).toBe("3.0.0");
    const main = readYaml(PRE_COMMIT_CONFIGS[0]!) as { repos: { hooks: { id: string }[] }[] };
    expect(main.repos.flatMap((r) => r.hooks).map((h) => h.id)).toEqual(["gonogo-scan", "gonogo-check"]);
  });

  test("every pre-commit snippet in README.md and docs/ is, verbatim, a file of examples/ (which the tests load)", () => {
    const examples = new Map(PRE_COMMIT_CONFIGS.map((f) => [readFileSync(f, "utf8"), f]));
    const snippets = docBlocks().filter((b) => b.lang !== "sh" && /\.pre-commit-config\.yaml|^\s*(- )?repos?:/m.test(b.text));
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    expect(snippets.filter((b) => !examples.has(b.text)).map((b) => `${b.file}: ${b.text.split("\n")[0]}`)).toEqual([]);
  });

  test("every ESLint config in README.md and docs/ is, verbatim, a file of examples/eslint/ (which the ESLint tests load)", () => {
    const configs = filesUnder("examples/eslint").filter((f) => f.endsWith("eslint.config.js"));
    expect(configs.length).toBe(3);
    const examples = new Set(configs.map((f) => readFileSync(f, "utf8")));
    const snippets = docBlocks().filter((b) => b.lang === "js" && b.text.startsWith("// eslint.config.js"));
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    expect(snippets.filter((b) => !examples.has(b.text)).map((b) => b.file)).toEqual([]);
  });

  test("husky / lint-staged: the commands are real and the globs select migrations, SQL and infra files", async () => {
    const pkg = JSON.parse(readFileSync("examples/husky/package.json", "utf8")) as { "lint-staged": Record<string, string> };
    const commands = [
      ...Object.values(pkg["lint-staged"]).flatMap((c) => gonogoCommands(c)),
      ...gonogoCommands(readFileSync("examples/husky/.husky/pre-push", "utf8")),
    ];
    expect(commands.map((c) => c.subcommand)).toEqual(["scan", "scan", "check"]);
    expect(await unknownOptions(commands)).toEqual([]);
    // lint-staged matches globs without a slash against the base name.
    const matches = (file: string) => Object.keys(pkg["lint-staged"]).some((glob) => picomatch(glob, { basename: true })(file));
    for (const file of ["alembic/versions/0042_drop.py", "db/purge.sql", "infra/main.tf", "Makefile", ".github/workflows/deploy.yml", "cdk/lib/stack.ts", "wrangler.toml"]) expect(matches(file), file).toBe(true);
    expect(matches("README.md")).toBe(false);
  });

  test("GitHub workflow: uses the action with declared inputs only", () => {
    const action = readYaml("action.yml") as { inputs: Record<string, unknown> };
    const workflow = readYaml("examples/github/.github/workflows/gonogo.yml") as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const step = steps.find((s) => s.uses?.startsWith("gonogo-dev/gonogo@"))!;
    expect(Object.keys(step.with!).filter((k) => !(k in action.inputs))).toEqual([]);
    expect(step.with!.command).toBe("check");
  });

  test("GitLab CI: Code Quality from --format gitlab, JUnit from --format junit, every option real", async () => {
    const ci = readYaml("examples/gitlab/.gitlab-ci.yml") as { gonogo: { script: string[]; artifacts: { reports: Record<string, string> } } };
    const commands = ci.gonogo.script.flatMap((line) => gonogoCommands(line));
    expect(await unknownOptions(commands)).toEqual([]);
    const scanLines = ci.gonogo.script.filter((l) => l.includes("gonogo scan"));
    expect(scanLines.find((l) => l.includes("--format gitlab"))).toContain(`--output ${ci.gonogo.artifacts.reports.codequality}`);
    expect(scanLines.find((l) => l.includes("--format junit"))).toContain(`--output ${ci.gonogo.artifacts.reports.junit}`);
  });

  test("the options used in examples would be caught if renamed", async () => {
    expect(await unknownOptions([{ subcommand: "scan", options: ["--formats"] }])).toEqual(["gonogo scan --formats"]);
  });
});
