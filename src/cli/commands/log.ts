// `gonogo log` (history, one release's report), `gonogo log verify` (the hash chain),
// `gonogo log export` / `gonogo log import` (moving history between backends, chain kept).
import path from "node:path";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Option } from "commander";
import type { CommandRegistrar } from "../command.js";
import { guarded } from "./release.js";
import { UsageError, type CliIO } from "../io.js";
import { loadConfig } from "../../engine/config.js";
import { describeChain } from "../../log/chain.js";
import { logLocationOf, logTrustOf, type LogSetting } from "../../log/location.js";
import { assertTrustedLog, type LogTrust } from "../../engine/log-location.js";
import {
  DeploymentLog,
  formatHistory,
  formatReleaseReport,
  openLogStore,
  ReleaseInputError,
  summarizeReleases,
  validateEnvironment,
  type LogFormat,
  type LogStore,
} from "../../release/index.js";

/** The deployment log the config names (found upward from the working directory unless given). */
function storeOf(io: CliIO, configFile: string | undefined): LogStore {
  return located(io, configFile).store;
}

/** The config's log store and, for a file log, what the release commands check before trusting it. */
function located(io: CliIO, configFile: string | undefined): { store: LogStore; trust: LogTrust | undefined } {
  const loaded = loadConfig({ cwd: io.cwd, ...(configFile ? { configFile } : {}) });
  const baseDir = loaded.file ? path.dirname(loaded.file) : io.cwd;
  const setting = loaded.config.log as LogSetting | undefined;
  const location = logLocationOf(setting, { baseDir, ...(loaded.file ? { file: loaded.file } : {}), env: io.env, ...(loaded.config.project ? { project: loaded.config.project } : {}) });
  const trust = logTrustOf(location, { setting, logInWorkTree: loaded.config.logInWorkTree === true, baseDir, ...(loaded.file ? { file: loaded.file } : {}) });
  return { store: openLogStore(location, loaded.config.project ? { project: loaded.config.project } : {}), trust };
}

export const registerLog: CommandRegistrar = (program, io, done) => {
  const log = program
    .command("log")
    .description("Deployment history, or one release's report with --release; verify, export and import the log")
    .option("-c, --config <file>", "config file (for the log's location)")
    .option("-e, --env <environment>", "only this environment")
    .option("--release <id>", "show one release as a deployment report")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json", "markdown"]).default("table"))
    .action(async (flags: { config?: string; env?: string; release?: string; format: LogFormat }) => {
      await guarded(async () => {
        if (flags.env !== undefined) validateEnvironment(flags.env);
        const store = storeOf(io, flags.config);
        const { events, problems, chain } = await store.read();
        let releases = summarizeReleases(events);
        if (flags.env) releases = releases.filter((r) => r.environment === flags.env);
        if (flags.release) {
          const release = releases.find((r) => r.releaseId === flags.release);
          if (!release) {
            io.stderr.write(`gonogo: no release ${flags.release} in ${store.where}\n`);
            done(1);
            return;
          }
          io.stdout.write(formatReleaseReport(release, flags.format));
        } else {
          io.stdout.write(formatHistory(releases, flags.format, problems, new Date()));
        }
        for (const problem of problems) io.stderr.write(`gonogo: ${store.where}:${problem.line}: skipped: ${problem.message}\n`);
        if (chain?.broken) io.stderr.write(`gonogo: ${store.where}:${chain.broken.line}: hash chain broken: ${chain.broken.message} (see gonogo log verify)\n`);
        done(0);
      });
    });

  log
    .command("verify")
    .description("Check the log's hash chain: exit 0 intact, 1 broken (the first bad line named), 2 unreadable")
    .option("-c, --config <file>", "config file (for the log's location)")
    .action(async (flags: { config?: string }) => {
      await guarded(async () => {
        const store = storeOf(io, flags.config ?? (log.opts() as { config?: string }).config);
        const { events, problems, chain } = await store.read();
        for (const problem of problems) io.stderr.write(`gonogo: ${store.where}:${problem.line}: not an event (outside the chain): ${problem.message}\n`);
        if (!chain) throw new ReleaseInputError(`deployment log ${store.where}: no hash chain to verify`);
        if (chain.broken) {
          io.stdout.write(`${store.where}:${chain.broken.line}: hash chain broken: ${chain.broken.message}\n`);
          done(1);
          return;
        }
        io.stdout.write(`${store.where}: ${events.length} event(s), hash chain ${describeChain(chain)}\n`);
        done(0);
      });
    });

  log
    .command("export")
    .description("Write the log's events as JSON Lines (to stdout, or a new file), hash chain kept")
    .option("-c, --config <file>", "config file (for the log's location)")
    .option("--to <file>", "write to this file (it must not exist yet)")
    .action(async (flags: { config?: string; to?: string }) => {
      await guarded(async () => {
        const store = storeOf(io, flags.config ?? (log.opts() as { config?: string }).config);
        const { chain } = await store.read();
        const lines = await store.exportLines();
        const text = lines.map((line) => `${line}\n`).join("");
        if (flags.to !== undefined) {
          const target = path.resolve(io.cwd, flags.to);
          await writeFile(target, text, { flag: "wx" }).catch((error: unknown) => {
            const code = (error as NodeJS.ErrnoException).code;
            throw new UsageError(code === "EEXIST" ? `--to ${flags.to}: the file exists; export writes a new file` : `--to ${flags.to}: ${(error as Error).message}`);
          });
          io.stderr.write(`gonogo: exported ${lines.length} event(s) from ${store.where} to ${target}\n`);
        } else {
          io.stdout.write(text);
        }
        if (chain?.broken) {
          io.stderr.write(`gonogo: ${store.where}:${chain.broken.line}: hash chain broken: ${chain.broken.message}; exported as it is\n`);
          done(1);
          return;
        }
        done(0);
      });
    });

  log
    .command("import")
    .description("Append a JSON Lines export to the config's log, which must be empty; the chain is checked before and after")
    .argument("<file>", "a log exported by gonogo log export (or a file log)")
    .option("-c, --config <file>", "config file (for the log's location)")
    .action(async (file: string, flags: { config?: string }) => {
      await guarded(async () => {
        const source = new DeploymentLog(path.resolve(io.cwd, file));
        if (!existsSync(source.path)) throw new UsageError(`${file}: no such file`);
        const { store, trust } = located(io, flags.config ?? (log.opts() as { config?: string }).config);
        // The same refusal a release makes: history imported into a log the change under review
        // could write is history nobody can trust afterwards.
        if (trust) await assertTrustedLog(trust);
        const read = await source.read();
        if (read.chain?.broken) {
          io.stderr.write(`gonogo: ${source.path}:${read.chain.broken.line}: hash chain broken: ${read.chain.broken.message}; nothing imported\n`);
          done(1);
          return;
        }
        for (const problem of read.problems) io.stderr.write(`gonogo: ${source.path}:${problem.line}: not an event, left out: ${problem.message}\n`);
        await store.importLines(await source.exportLines());
        const after = await store.read();
        if (after.chain?.broken) {
          io.stderr.write(`gonogo: ${store.where}:${after.chain.broken.line}: hash chain broken after the import: ${after.chain.broken.message}\n`);
          done(1);
          return;
        }
        io.stdout.write(`imported ${read.events.length} event(s) from ${source.path} into ${store.where}; hash chain ${describeChain(after.chain ?? { unchained: 0, chained: 0 })}\n`);
        done(0);
      });
    });
};
