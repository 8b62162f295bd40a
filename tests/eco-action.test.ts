// action.yml (composite GitHub Action): parsed with `yaml`, its shell steps with tree-sitter-bash,
// and every gonogo option it passes compared with the real CLI's --help, so renaming a flag in
// the CLI without updating the action fails here.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { parseBash, type SyntaxNode } from "../src/parsers/bash.js";
import { scan } from "../src/engine/scan.js";
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

/** gonogo invocations in a shell script: `npx … "$GONOGO_PACKAGE" SUB …` or `gonogo SUB …`. */
function gonogoCalls(script: string): GonogoCall[] {
  const calls: GonogoCall[] = [];
  walk(parseBash(script).rootNode, (node) => {
    if (node.type !== "command") return;
    const words = node.namedChildren.filter((c) => c.type !== "file_redirect" && c.type !== "variable_assignment").map((c) => c.text);
    const start = words.findIndex((w) => w === '"$GONOGO_PACKAGE"' || w === "gonogo");
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
    const broken = gonogoCalls('npx --yes "$GONOGO_PACKAGE" scan . --formatt sarif --output x.sarif');
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
