// `gonogo check`: scan + evaluate, print the decision. Exit 0 go, 1 no-go, 3 needs-approval, 2 usage/config error.
import { Option } from "commander";
import type { CommandRegistrar } from "../command.js";
import { assertPathsExist } from "../paths.js";
import { UsageError } from "../io.js";
import { check, type CheckOptions } from "../../policy/check.js";
import { formatDecisionJson, formatDecisionMarkdown, formatDecisionText } from "../../policy/format.js";
import { formatHtml } from "../../report/html.js";
import type { DecisionValue } from "../../types.js";
import { tableStatsInput, withTableStatsOptions, type TableStatsFlags } from "../table-stats.js";

export const CHECK_EXIT_CODES: Record<DecisionValue, number> = { go: 0, "no-go": 1, "needs-approval": 3 };

interface CheckFlags extends TableStatsFlags {
  env: string;
  project?: string;
  version?: string;
  junit?: string[];
  coverage?: string;
  audit?: string;
  sarif?: string[];
  policy?: string;
  log?: string;
  base?: string;
  suppressionsLocation?: string;
  config?: string | false;
  fromRevision?: string[];
  all?: boolean;
  format: "text" | "json" | "markdown" | "html";
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A value that will reach a file name or a git argument: no option-looking or control characters. */
function checkValue(flag: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value === "" || value.startsWith("-") || [...value].some((ch) => ch.charCodeAt(0) < 0x20)) throw new UsageError(`${flag} ${JSON.stringify(value)}: not a valid value`);
}

export const registerCheck: CommandRegistrar = (program, io, done) => {
  withTableStatsOptions(program
    .command("check")
    .description("Scan, read release facts and decide: go (0), no-go (1) or needs-approval (3).")
    .argument("[paths...]", "files or directories to scan (default: .)")
    .requiredOption("--env <name>", "environment to decide for (development, staging, production, or one the policy declares)")
    .option("--project <name>", "project name (default: the config's project)")
    .option("--version <version>", "version being released")
    .option("--junit <file>", "JUnit XML test results (repeatable)", collect)
    .option("--coverage <file>", "coverage-summary.json or lcov.info")
    .option("--audit <file>", "`npm audit --json` output")
    .option("--sarif <file>", "SARIF from another tool (repeatable)", collect)
    .option("--policy <file>", "policy file (YAML or JSON), instead of the config's policy section")
    .option("--log <file>", "deployment log (default: the config's log, else .gonogo/deployments.jsonl)")
    .option("--base <rev>", "judge only files changed since this git revision; also catches a policy weakened since then")
    .option("--suppressions-location <file>", "the suppressions file (default: gonogo-suppressions.json at the project root)")
    .option("--from-revision <rev>", "migration revision the environment runs (one per revision graph; repeatable): only later migrations are judged; default: the revision the last release recorded in the log", collect)
    .option("--all", "judge every migration, also those the environment already runs")
    .option("--config <file>", "config file (default: found upward from the working directory)")
    .option("--no-config", "use no config file")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown", "html"]).default("text")))
    .action(async (paths: string[], flags: CheckFlags) => {
      for (const [flag, value] of [
        ["--env", flags.env],
        ["--project", flags.project],
        ["--version", flags.version],
        ["--coverage", flags.coverage],
        ["--audit", flags.audit],
        ["--policy", flags.policy],
        ["--log", flags.log],
        ["--base", flags.base],
        ["--suppressions-location", flags.suppressionsLocation],
        ["--config", typeof flags.config === "string" ? flags.config : undefined],
      ] as const)
        checkValue(flag, value);
      for (const file of flags.junit ?? []) checkValue("--junit", file);
      for (const file of flags.sarif ?? []) checkValue("--sarif", file);
      for (const rev of flags.fromRevision ?? []) checkValue("--from-revision", rev);

      const options: CheckOptions = { cwd: io.cwd, env: flags.env };
      assertPathsExist(paths, io.cwd);
      if (paths.length > 0) options.paths = paths;
      if (flags.project !== undefined) options.project = flags.project;
      if (flags.version !== undefined) options.version = flags.version;
      if (flags.junit) options.junit = flags.junit;
      if (flags.coverage !== undefined) options.coverage = flags.coverage;
      if (flags.audit !== undefined) options.audit = flags.audit;
      if (flags.sarif) options.sarif = flags.sarif;
      if (flags.policy !== undefined) options.policyFile = flags.policy;
      if (flags.log !== undefined) options.logFile = flags.log;
      if (flags.base !== undefined) {
        options.base = flags.base;
        options.narrowToBase = true;
      }
      if (flags.suppressionsLocation !== undefined) options.scanOptions = { suppressionsLocation: flags.suppressionsLocation };
      if (flags.fromRevision) options.fromRevision = flags.fromRevision;
      if (flags.all === true) options.all = true;
      const stats = tableStatsInput(flags, io);
      if (stats) options.tableStats = stats;
      if (flags.config === false) options.configFile = false;
      else if (typeof flags.config === "string") options.configFile = flags.config;

      const { decision, scan, findings } = await check(options);
      // What the scan could not read as asked (a broken pyproject.toml, configs that differ) is
      // said here too, as `scan` says it: the decision may rest on it.
      for (const warning of scan.warnings ?? []) io.stderr.write(`gonogo: warning: ${warning}\n`);
      const judged = new Set(findings);
      const output =
        flags.format === "json"
          ? formatDecisionJson(decision, findings)
          : flags.format === "markdown"
            ? formatDecisionMarkdown(decision, findings)
            : flags.format === "html"
              ? formatHtml(scan.results.map((r) => ({ ...r, findings: r.findings.filter((f) => judged.has(f)) })), { decision, revisionGraphs: scan.facts.revisionGraphs })
              : formatDecisionText(decision, findings);
      io.stdout.write(output);
      done(CHECK_EXIT_CODES[decision.decision]);
    });
};
