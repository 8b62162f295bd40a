// `gonogo migrations graph [dir]`: the Alembic revision DAG as text, Mermaid, DOT or SVG, each
// migration coloured by its worst finding, with the path a rollback would take highlighted.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Option } from "commander";
import { scan } from "../../engine/scan.js";
import { buildGraphViews, GRAPH_FORMATS, GraphRequestError, renderGraphDot, renderGraphMermaid, renderGraphText, type GraphFormat, type RollbackSpec } from "../../report/graph.js";
import { renderGraphSvg } from "../../report/graph-svg.js";
import { UsageError, type CliIO } from "../io.js";
import type { CommandRegistrar } from "../command.js";
import { useColor } from "./scan.js";
import { createProgressReporter } from "../progress.js";

interface GraphFlags {
  format: GraphFormat;
  from?: string;
  to?: string;
  output?: string;
  config?: string | false;
  color?: boolean;
}

/** Revision ids and `base`/`head`: no option-looking or control characters reach the graph code. */
function checkRevisionFlag(flag: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value === "" || value.startsWith("-") || [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch === "\u007f")) {
    throw new UsageError(`${flag} ${JSON.stringify(value)}: expected a revision id, a unique prefix of one, head or base`);
  }
}

export const registerMigrations: CommandRegistrar = (program, io, done) => {
  const migrations = program.command("migrations").description("Inspect Alembic migrations");
  migrations
    .command("graph")
    .description("Draw the revision graph: heads, merges, branch labels, colours by worst finding, the rollback path")
    .argument("[dir]", "directory to read migrations from", ".")
    .addOption(new Option("-f, --format <format>", "output format").choices([...GRAPH_FORMATS]).default("text"))
    .option("--from <rev>", "highlight the rollback from this revision (default: the head)")
    .option("--to <rev>", "… down to this revision, or base")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("-c, --config <file>", "use this config file")
    .option("--no-config", "use no config file")
    .option("--color", "force colours (text format)")
    .option("--no-color", "disable colours (text format)")
    .action(async (dir: string, flags: GraphFlags) => {
      done(await runMigrationsGraph(dir, flags, io));
    });
};

export async function runMigrationsGraph(dir: string, flags: GraphFlags, io: CliIO): Promise<number> {
  checkRevisionFlag("--from", flags.from);
  checkRevisionFlag("--to", flags.to);
  if (flags.from !== undefined && flags.to === undefined) throw new UsageError("--from needs --to: the revision to roll back to (or base)");
  const progress = createProgressReporter({ stream: io.stderr, env: io.env });
  const result = await scan({ cwd: io.cwd, paths: [dir], configFile: flags.config === false ? false : flags.config, onProgress: progress.update }).finally(() => progress.finish());
  for (const warning of result.warnings ?? []) io.stderr.write(`gonogo: warning: ${warning}\n`);
  const graphs = result.facts.revisionGraphs;
  if (graphs.length === 0) throw new UsageError(`${dir}: no Alembic migrations found (looked for .py files in versions/ directories and the config's migrations)`);
  const rollback: Partial<RollbackSpec> | undefined = flags.to !== undefined ? { to: flags.to, ...(flags.from !== undefined ? { from: flags.from } : {}) } : undefined;
  let views;
  try {
    views = buildGraphViews(graphs, result.findings, rollback);
  } catch (error) {
    if (error instanceof GraphRequestError) throw new UsageError(error.message);
    throw error;
  }
  const color = flags.output ? false : useColor(io, flags.color);
  const text =
    flags.format === "mermaid"
      ? renderGraphMermaid(views)
      : flags.format === "dot"
        ? renderGraphDot(views)
        : flags.format === "svg"
          ? renderGraphSvg(views)
          : renderGraphText(views, { color });
  if (flags.output) {
    try {
      writeFileSync(path.resolve(io.cwd, flags.output), text);
    } catch (error) {
      throw new UsageError(`--output ${flags.output}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  } else {
    io.stdout.write(text);
  }
  return 0;
}
