// `--stats FILE` / `--database URL` for scan, check, deploy and cascade: the options, their values,
// and the lines they print on stderr (never the URL's password).
import type { Command } from "commander";
// Only what parsing needs loads here (no pg, no policy loading): a plain `gonogo scan` stays light.
import { resolveDatabaseSource } from "../policy/table-stats/database.js";
import type { AppliedTableStats, TableStatsInput } from "../policy/table-stats/index.js";
import { UsageError, type CliIO } from "./io.js";

export interface TableStatsFlags {
  stats?: string;
  database?: string;
  databaseTimeout?: string;
}

/** Adds the table statistics options to a command. */
export function withTableStatsOptions(command: Command): Command {
  return command
    .option("--stats <file>", "table statistics (gonogo stats export): lock and rewrite findings are judged by table size")
    .option("--database <url>", "read table statistics from PostgreSQL, read-only (env:NAME: the URL is in that environment variable)")
    .option("--database-timeout <ms>", "connection and statement timeout for --database (default 10000)");
}

/** The statistics asked for, or undefined. */
export function tableStatsInput(flags: TableStatsFlags, io: CliIO): TableStatsInput | undefined {
  if (flags.stats === undefined && flags.database === undefined) return undefined;
  if (flags.stats !== undefined && flags.database !== undefined) throw new UsageError("--stats and --database: give one of them, not both");
  const input: TableStatsInput = { env: io.env };
  if (flags.stats !== undefined) input.statsFile = flags.stats;
  if (flags.database !== undefined) {
    // A bad value is a usage error before anything runs; a password in argv is said once.
    const source = resolveDatabaseSource(flags.database, io.env);
    if (source.warning) io.stderr.write(`gonogo: ${source.warning}\n`);
    input.database = flags.database;
  }
  if (flags.databaseTimeout !== undefined) {
    const ms = Number(flags.databaseTimeout);
    if (!Number.isInteger(ms) || ms < 1 || ms > 600_000) throw new UsageError(`--database-timeout ${flags.databaseTimeout}: expected milliseconds, a whole number from 1 to 600000`);
    input.timeoutMs = ms;
  }
  return input;
}

/** What the statistics did, for stderr: an unreadable database, tables not in them. */
export function tableStatsNotes(applied: AppliedTableStats): string[] {
  const notes: string[] = [];
  if (applied.problem !== undefined) notes.push(`cannot read table statistics from ${applied.source}: ${applied.problem}; findings keep their default severity`);
  const missing = applied.judgement?.missingTables ?? [];
  if (missing.length > 0) {
    const one = missing.length === 1;
    notes.push(`table statistics from ${applied.source} hold no ${one ? "table" : "tables"} ${missing.join(", ")}: ${one ? "its" : "their"} lock and rewrite findings keep their default severity`);
  }
  return notes;
}
