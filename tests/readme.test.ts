// The README is the front page and docs/ the manual: both must stay true. These checks fail when
// the quick start drifts from what the scan prints, or when a command, option, format, rule or
// reason code exists without being documented in docs/, or when the docs document code the
// package does not export.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { allRules } from "../rules/index.js";
import { REASON_CODES } from "../src/policy/evaluate.js";
import { FORMATS } from "../src/report/index.js";
import * as api from "../src/index.js";
import { runCli } from "./helpers.js";

const readme = readFileSync("README.md", "utf8");

function markdownUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? markdownUnder(abs) : abs.endsWith(".md") ? [abs] : [];
  });
}

const pages = markdownUnder("docs");
/** Every page of the manual, as one text: what "documented somewhere" means. */
const docs = pages.map((file) => readFileSync(file, "utf8")).join("\n");

/** Subcommand names listed by `--help` output. */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? "";
  return section
    .split("\n")
    .map((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && c !== "help");
}

/** Long option flags listed by `--help` output. */
function optionsOf(help: string): string[] {
  return [...help.matchAll(/--[a-z][a-z-]+/g)].map((m) => m[0]).filter((o) => o !== "--help");
}

describe("README", () => {
  const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## What gonogo checks"));

  test("opens with the two quick-start commands", () => {
    expect(readme.indexOf("## Quick start")).toBeGreaterThan(0);
    expect(readme.slice(0, readme.indexOf("## Quick start")).match(/^## /gm)).toBeNull();
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(quickStart)![1]!;
    expect(firstBlock).toMatch(/^npm ci && npx gonogo scan fixtures\/alembic\/shop/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });

  test("the quick start's sample output is what the scan prints", async () => {
    const sample = quickStart.slice(quickStart.indexOf("prints the problems"));
    const shown = /```\n([\s\S]*?)```/.exec(sample)![1]!.split("\n").filter((l) => /^ {2}\d+:\d+ |^fixtures\/|^✖/.test(l));
    expect(shown.length).toBeGreaterThan(5);
    const run = await runCli(["scan", "fixtures/alembic/shop"]);
    expect(run.code).toBe(1);
    const printed = run.stdout.split("\n");
    expect(shown.filter((line) => !printed.includes(line))).toEqual([]);
  });

  test("is a front page: short, and every relative link leads to a file", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
    const targets = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((t) => !statSync(t, { throwIfNoEntry: false }))).toEqual([]);
  });

  test("says how to install gonogo into a project, and what works before it is on the registry", () => {
    expect(readme).toContain("npm install --save-dev gonogo");
    expect(readme).toMatch(/npm install --save-dev git\+https:/);
    expect(readme).toMatch(/npm pack/);
  });
});

describe("docs/", () => {
  test("docs/index.md links every page of docs/", () => {
    const index = readFileSync("docs/index.md", "utf8");
    const linked = new Set([...index.matchAll(/\]\(([^)#\s]+)/g)].map((m) => path.join("docs", m[1]!)));
    const topLevel = pages.filter((p) => path.dirname(p) === "docs" && p !== path.join("docs", "index.md"));
    expect(topLevel.filter((p) => !linked.has(p))).toEqual([]);
    expect(linked.has(path.join("docs", "rules", "README.md"))).toBe(true);
  });

  test("every relative link in docs/ leads to a file", () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(page, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
      for (const m of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(#[^)]*)?\)/g)) {
        if (!statSync(path.join(path.dirname(page), m[1]!), { throwIfNoEntry: false })) broken.push(`${page}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("documents every rule id", () => {
    expect(allRules.map((r) => r.id).filter((id) => !docs.includes(`\`${id}\``))).toEqual([]);
  });

  test("documents every command and every option of every command", async () => {
    const top = await runCli(["--help"]);
    const commands = commandsOf(top.stdout);
    expect(commands).toEqual(expect.arrayContaining(["scan", "check", "deploy", "rollback", "cascade", "log"]));
    const missing: string[] = [];
    for (const command of commands) {
      if (!docs.includes(`gonogo ${command}`)) missing.push(`gonogo ${command}`);
      const help = await runCli([command, "--help"]);
      const subcommands = commandsOf(help.stdout);
      for (const sub of subcommands) if (!docs.includes(`gonogo ${command} ${sub}`)) missing.push(`gonogo ${command} ${sub}`);
      const helps = [help.stdout, ...(await Promise.all(subcommands.map(async (sub) => (await runCli([command, sub, "--help"])).stdout)))];
      for (const option of new Set(helps.flatMap(optionsOf))) if (!docs.includes(option)) missing.push(`${command} ${option}`);
    }
    expect(missing).toEqual([]);
  });

  test("documents every output format and every decision reason code", () => {
    expect(FORMATS.filter((f) => !docs.includes(`\`${f}\``))).toEqual([]);
    expect(Object.keys(REASON_CODES).filter((code) => !docs.includes(`\`${code}\``))).toEqual([]);
  });

  test("code samples import only what the package exports, and never from its sources", () => {
    const samples = [readme, ...pages.map((p) => readFileSync(p, "utf8"))].flatMap((text) => [...text.matchAll(/^```(?:ts|js)\n([\s\S]*?)^```$/gm)].map((m) => m[1]!));
    expect(samples.filter((code) => /from ["']\.{1,2}\/(src|dist|rules)\//.test(code))).toEqual([]);
    const imported = samples.flatMap((code) => [...code.matchAll(/import \{([^}]*)\} from "gonogo"/g)].flatMap((m) => m[1]!.split(",").map((n) => n.trim().replace(/^type /, "").split(" as ")[0]!)));
    expect(imported.length).toBeGreaterThan(3);
    const typeOnly = new Set(["Finding", "Decision", "ScanResult", "ScanOptions"]);
    expect(imported.filter((name) => name && !(name in api) && !typeOnly.has(name))).toEqual([]);
  });

  test("mentions no internal module, test file or function the package does not export", () => {
    const text = [readme, docs].join("\n");
    expect(text.match(/tests\/[\w./-]+\.test\.ts/g) ?? []).toEqual([]);
    for (const internal of ["extractInfraFacts", "extractSqlFile", "parseShard", "FactsCache", "runMergeReports", "layoutGraph", "createProgressReporter"]) expect(text).not.toContain(internal);
  });
});
