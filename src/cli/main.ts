// Argument parsing and wiring only: every command lives in commands/ and returns its exit code.
import { Command, CommanderError } from "commander";
import type { CommandRegistrar } from "./command.js";
import { processIO, UsageError, type CliIO } from "./io.js";
import { VERSION } from "../version.js";
import { ConfigError } from "../errors.js";

export type { CommandRegistrar };

// Each command's module (and what it imports: policy, release, reports, ajv…) loads only when that
// command runs: a pre-commit `gonogo scan` must not pay for `deploy`. Help and unknown commands
// load them all.
const registrarLoaders: Record<string, () => Promise<CommandRegistrar>> = {
  scan: async () => (await import("./commands/scan.js")).registerScan,
  check: async () => (await import("./commands/check.js")).registerCheck,
  release: async () => (await import("./commands/release.js")).registerRelease,
  log: async () => (await import("./commands/log.js")).registerLog,
  migrations: async () => (await import("./commands/migrations.js")).registerMigrations,
  "merge-reports": async () => (await import("./commands/merge-reports.js")).registerMergeReports,
  init: async () => (await import("./commands/init.js")).registerInit,
  rules: async () => (await import("./commands/rules.js")).registerRules,
  explain: async () => (await import("./commands/explain.js")).registerExplain,
  stats: async () => (await import("./commands/stats.js")).registerStats,
};
/** Commands registered by a module under another name. */
const MODULE_OF_COMMAND: Record<string, string> = { deploy: "release", rollback: "release", cascade: "release" };

async function registrarsFor(argv: string[]): Promise<CommandRegistrar[]> {
  const first = argv[0] ?? "";
  // `--version` first: commander answers it before any command runs.
  if (first === "-v" || first === "--version") return [];
  const module = MODULE_OF_COMMAND[first] ?? first;
  const names = registrarLoaders[module] ? [module] : Object.keys(registrarLoaders);
  return Promise.all(names.map((name) => registrarLoaders[name]!()));
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const program = new Command("gonogo")
    .description("Decides whether a release is safe to ship.")
    .version(VERSION, "-v, --version")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError(false);
  for (const register of await registrarsFor(argv)) register(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return 2;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`gonogo: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
