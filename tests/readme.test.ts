// The README is the user's manual: it must stay true. These checks fail when a command, option,
// format, rule or reason code exists without being documented, or when the assembled sections
// drift from docs/*.md.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { allRules } from "../rules/index.js";
import { REASON_CODES } from "../src/policy/evaluate.js";
import { FORMATS } from "../src/report/index.js";
import { runCli } from "./helpers.js";
// @ts-expect-error - a plain .mjs script without types
import { assemble } from "../scripts/assemble-readme.mjs";

const readme = readFileSync("README.md", "utf8");

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
  test("opens with the two quick-start commands", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Contents"));
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(quickStart)![1]!;
    expect(firstBlock).toMatch(/^npm ci && npx gonogo scan fixtures\/alembic\/shop/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });

  test("the quick start's sample output is what the scan prints", async () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Contents"));
    const sample = quickStart.slice(quickStart.indexOf("prints the problems"));
    const shown = /```\n([\s\S]*?)```/.exec(sample)![1]!.split("\n").filter((l) => /^ {2}\d+:\d+ |^fixtures\/|^✖/.test(l));
    expect(shown.length).toBeGreaterThan(5);
    const run = await runCli(["scan", "fixtures/alembic/shop"]);
    expect(run.code).toBe(1);
    const printed = run.stdout.split("\n");
    expect(shown.filter((line) => !printed.includes(line))).toEqual([]);
  });

  test("the assembled sections are up to date with docs/*.md (npm run docs:readme)", () => {
    expect(assemble(readme) === readme).toBe(true);
  });

  test("documents every rule id", () => {
    expect(allRules.map((r) => r.id).filter((id) => !readme.includes(`\`${id}\``))).toEqual([]);
  });

  test("documents every command and every option of every command", async () => {
    const top = await runCli(["--help"]);
    const commands = commandsOf(top.stdout);
    expect(commands).toEqual(expect.arrayContaining(["scan", "check", "deploy", "rollback", "cascade", "log"]));
    const missing: string[] = [];
    for (const command of commands) {
      if (!readme.includes(`gonogo ${command}`)) missing.push(`gonogo ${command}`);
      const help = await runCli([command, "--help"]);
      const subcommands = commandsOf(help.stdout);
      for (const sub of subcommands) if (!readme.includes(`gonogo ${command} ${sub}`)) missing.push(`gonogo ${command} ${sub}`);
      const helps = [help.stdout, ...(await Promise.all(subcommands.map(async (sub) => (await runCli([command, sub, "--help"])).stdout)))];
      for (const option of new Set(helps.flatMap(optionsOf))) if (!readme.includes(option)) missing.push(`${command} ${option}`);
    }
    expect(missing).toEqual([]);
  });

  test("documents every output format and every decision reason code", () => {
    expect(FORMATS.filter((f) => !readme.includes(`\`${f}\``))).toEqual([]);
    expect(Object.keys(REASON_CODES).filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });
});
