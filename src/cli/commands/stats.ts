// `gonogo stats export --database URL > table-stats.json`: the statistics of every user table (or
// of the named ones), read-only from the catalog, in the format --stats reads. CI can then judge
// table sizes offline, without access to the database.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { CommandRegistrar } from "../command.js";
import { UsageError } from "../io.js";
import { readTableStats, TABLE_STATS_FORMAT_VERSION } from "../../policy/table-stats/index.js";
import { tableStatsInput, type TableStatsFlags } from "../table-stats.js";

interface ExportFlags extends TableStatsFlags {
  table?: string[];
  output?: string;
}

export const registerStats: CommandRegistrar = (program, io, done) => {
  const stats = program.command("stats").description("Table statistics for judging lock and rewrite findings by table size");
  stats
    .command("export")
    .description("Write the table statistics of a PostgreSQL database (read-only, catalog only) as JSON for --stats")
    .requiredOption("--database <url>", "PostgreSQL URL, or env:NAME to read it from an environment variable")
    .option("--database-timeout <ms>", "connection and statement timeout (default 10000)")
    .option("--table <name>", "only this table (repeatable; default: every user table)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action(async (flags: ExportFlags) => {
      const input = tableStatsInput({ database: flags.database, ...(flags.databaseTimeout !== undefined ? { databaseTimeout: flags.databaseTimeout } : {}) }, io)!;
      const read = await readTableStats(io.cwd, input, flags.table && flags.table.length > 0 ? flags.table : undefined);
      if (!read.stats) {
        io.stderr.write(`gonogo: cannot read table statistics from ${read.source}: ${read.problem ?? "unknown error"}\n`);
        done(1);
        return;
      }
      const { dialect, database, collectedAt, tables } = read.stats;
      const document = { version: TABLE_STATS_FORMAT_VERSION, dialect, ...(database !== undefined ? { database } : {}), collectedAt, tables };
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (flags.output !== undefined) {
        try {
          writeFileSync(path.resolve(io.cwd, flags.output), text);
        } catch (error) {
          throw new UsageError(`--output ${flags.output}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
      } else io.stdout.write(text);
      io.stderr.write(`gonogo: ${tables.length} table${tables.length === 1 ? "" : "s"} from ${read.source}\n`);
      done(0);
    });
};
