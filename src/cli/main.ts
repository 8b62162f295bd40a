// Argument parsing and wiring only: every command lives in commands/ and returns its exit code.
import { Command, CommanderError } from "commander";
import { processIO, UsageError, type CliIO } from "./io.js";
import { registerScan } from "./commands/scan.js";
import { registerCheck } from "./commands/check.js";
import { registerRelease } from "./commands/release.js";
import { registerMigrations } from "./commands/migrations.js";
import { registerMergeReports } from "./commands/merge-reports.js";
import { registerInit } from "./commands/init.js";
import { registerRules } from "./commands/rules.js";
import { registerExplain } from "./commands/explain.js";
import { VERSION } from "../version.js";

export type CommandRegistrar = (program: Command, io: CliIO, done: (code: number) => void) => void;

const registrars: CommandRegistrar[] = [registerScan, registerCheck, registerRelease, registerMigrations, registerMergeReports, registerInit, registerRules, registerExplain];

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
  for (const register of registrars) register(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return 2;
    }
    if (error instanceof UsageError || (error instanceof Error && error.name === "ConfigError")) {
      io.stderr.write(`gonogo: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
