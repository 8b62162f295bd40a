// Which extractor reads which file. The engine calls only this module.
import path from "node:path";
import { emptyFileFacts, type FileFacts, type ParseProblem } from "./facts.js";
import { extractMigration } from "./alembic/migration.js";
import { extractMigrationHeader, looksLikeMigration } from "./alembic/header.js";
import { isInfraCandidate } from "./infra/kinds.js";
import { isBesideMigrations } from "./alembic/beside-migrations.js";
import { SourceText } from "./source.js";
import type { SqlDialect } from "../types.js";

import { declaredNamingConvention } from "./alembic/conventions.js";
import { markReversals } from "./alembic/reversal.js";

export { buildRevisionGraphs, downgradePath } from "./alembic/graph.js";
export { isBesideMigrations, migrationDirectoriesOf } from "./alembic/beside-migrations.js";
export { infraSiblings, readAcrossFiles } from "./infra/siblings.js";
/** Bucket resources present at a base revision and gone now (loads the infra analysers on use). */
export async function storageActionsRemovedSince(input: import("./infra/base.js").BaseComparisonInput): Promise<import("./facts.js").StorageAction[]> {
  const { storageActionsRemovedSince: removedSince } = await import("./infra/base.js");
  return removedSince(input);
}

export interface ExtractContext {
  dialect: SqlDialect;
  /** Directories declared as Alembic versions directories (config `migrations`), POSIX, relative. */
  migrationDirectories: string[];
  /** The other scanned files of a file's directory, for extractors that resolve across files. */
  siblingsOf?: (file: string) => { file: string; text: string }[];
}

/** Extensions read as SQL, in any case: `.sql`, and the `.psql`/`.pgsql` PostgreSQL users write. */
const SQL_EXTENSIONS = [".sql", ".psql", ".pgsql"];

/** Whether a file is read as a SQL script (decided on its extension, in any case: `.SQL` too). */
export function isSqlFile(file: string): boolean {
  const dot = file.lastIndexOf(".");
  return dot !== -1 && SQL_EXTENSIONS.includes(file.slice(dot).toLowerCase());
}

/** Compiled Python: Alembic loads it from a versions directory when `sourceless = true`. */
export function isCompiledPython(file: string): boolean {
  return file.endsWith(".pyc") || file.endsWith(".pyo");
}

/** Whether a file may be worth reading at all (decided on its name alone). */
export function isCandidateFile(file: string): boolean {
  return file.endsWith(".py") || isSqlFile(file) || isInfraCandidate(file);
}

export function directoryOf(file: string): string {
  return path.posix.dirname(file);
}

/** A directory whose `.py` files are migrations by where they sit, whatever their content. */
export function isVersionsDirectory(directory: string, context: ExtractContext): boolean {
  return path.posix.basename(directory) === "versions" || context.migrationDirectories.some((d) => stripSlash(d) === directory);
}

function stripSlash(p: string): string {
  return p.replace(/^\.\//, "").replace(/\/+$/, "");
}

/** How a readable file will be analysed. */
export type FileRole = "migration" | "sql" | "python" | "infra" | "none";

export function roleOf(file: string, text: string | undefined, context: ExtractContext): FileRole {
  if (isSqlFile(file)) return "sql";
  if (file.endsWith(".py")) {
    if (path.posix.basename(file) === "__init__.py" || path.posix.basename(file) === "env.py") return isInfraCandidate(file) ? "python" : "none";
    if (isVersionsDirectory(directoryOf(file), context)) return "migration";
    if (text !== undefined && looksLikeMigration(text)) return "migration";
    return isInfraCandidate(file) ? "python" : "none";
  }
  return isInfraCandidate(file) ? "infra" : "none";
}

/** Extracts the facts of one readable file in the given role. */
export async function extractFile(file: string, text: string, role: FileRole, context: ExtractContext): Promise<FileFacts> {
  switch (role) {
    case "migration":
      return extractMigration(file, text, { dialect: context.dialect, directory: directoryOf(file) });
    case "sql": {
      const { extractSqlFile } = await import("./sql/index.js");
      return extractSqlFile(file, text, context.dialect);
    }
    case "python":
    case "infra": {
      // The infrastructure analysers (and their grammars) load only when such a file is met.
      const { extractInfraFacts } = await import("./infra/index.js");
      return extractInfraFacts(file, text, context.siblingsOf ? { siblings: context.siblingsOf(file) } : {});
    }
    default:
      return emptyFileFacts(file, "none");
  }
}

/** The revision header of a migration read only as graph context. */
export function extractMigrationHeaderFacts(file: string, text: string, context: ExtractContext): FileFacts {
  return extractMigrationHeader(file, text, { dialect: context.dialect, directory: directoryOf(file) });
}

/**
 * The role of a file that could not be read as text, from its name and place: it decides which
 * family's parse-error reports it. `migrationDirectories` are the directories known to hold
 * migrations (a module beside them is one).
 */
export function roleOfUnreadable(file: string, context: ExtractContext, migrationDirectories: ReadonlySet<string>): FileRole | "unknown" {
  if (isBesideMigrations(file, migrationDirectories)) return "migration";
  if (isSqlFile(file)) return "sql";
  if ((file.endsWith(".py") || isCompiledPython(file)) && isVersionsDirectory(directoryOf(file), context)) return "migration";
  if (isInfraCandidate(file)) return "infra";
  return "unknown";
}

/** Facts for a file that could not be read as text: one whole-file problem in the right family. */
export function unreadableFileFacts(file: string, reason: string, role: FileRole | "unknown", at?: { line: number; column: number }): FileFacts {
  const family: ParseProblem["family"] = role === "migration" ? "alembic" : role === "sql" ? "sql" : role === "infra" || role === "python" ? "infra" : "gonogo";
  const facts = emptyFileFacts(file, role === "unknown" ? "unknown" : role);
  facts.parseProblems.push({
    language: "file",
    family,
    wholeFile: true,
    message: `${file} cannot be analysed: ${reason}`,
    location: at ? { file, line: at.line, column: at.column, endLine: at.line, endColumn: at.column } : new SourceText(file, "").location(0, 0),
  });
  return facts;
}

const NAMED_OBJECT_KINDS = new Set(["create-index", "add-constraint", "add-foreign-key"]);

/**
 * Reads again, under the project's declared naming convention, the reversals of the migrations
 * whose downgrade leaves an index or constraint of the upgrade behind. The convention comes from
 * the `env.py` of the versions directory (or one or two levels up) and the modules it imports,
 * among the scanned `texts`; a versions directory without one keeps the convention-free reading.
 */
export function applyDeclaredNamingConventions(migrationFacts: Iterable<FileFacts>, texts: ReadonlyMap<string, string>): void {
  const byDirectory = new Map<string, FileFacts[]>();
  for (const facts of migrationFacts) {
    if (!facts.migration) continue;
    const leftover = facts.schemaChanges.some((c) => c.migration?.direction === "upgrade" && !c.undoneByDowngrade && NAMED_OBJECT_KINDS.has(c.kind));
    if (!leftover) continue;
    const list = byDirectory.get(facts.migration.directory);
    if (list) list.push(facts);
    else byDirectory.set(facts.migration.directory, [facts]);
  }
  for (const [directory, files] of byDirectory) {
    const env = [directory, path.posix.dirname(directory), path.posix.dirname(path.posix.dirname(directory))]
      .map((d) => (d === "." ? "env.py" : `${d}/env.py`))
      .find((candidate) => texts.has(candidate));
    const convention = env ? declaredNamingConvention(env, texts) : undefined;
    if (convention) for (const facts of files) markReversals(facts.schemaChanges, convention);
  }
}
