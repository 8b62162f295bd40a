// The extract step of the scan: each readable file's role and facts, from the cache for unchanged
// files (--cache), else from its extractor (in worker threads when there are many). The families'
// cross-file needs come from their extractors: Terraform's and GitLab CI's siblings (`infraSiblings`) and
// Alembic's modules beside migrations (`isBesideMigrations`), read again as migrations.
import {
  infraSiblings,
  isBesideMigrations,
  isSqlFile,
  migrationDirectoriesOf,
  roleOfUnreadable,
  unreadableFileFacts,
  type ExtractContext,
  type FileRole,
} from "../extract/index.js";
import type { FileFacts } from "../extract/facts.js";
import type { GonogoConfig } from "./config.js";
import type { ConfigBase } from "./config-paths.js";
import { contentHash, type FactsCache } from "./cache.js";
import type { LoadedFile } from "./collect.js";
import { dialectResolver } from "./dialects.js";
import { analyseAll } from "./pool.js";
import type { Analysis, AnalysisInput } from "./pool-worker.js";
import type { ScanOptions } from "./types.js";

export interface Extracted {
  /** The text of every readable file. */
  texts: Map<string, string>;
  /** The facts of every file that has any (unreadable files: one whole-file problem). */
  factsByFile: Map<string, FileFacts>;
  /** Migrations read as context only (header facts), with the dialect they were read with: what the sibling index records. */
  contextMigrations: { file: string; text: string; dialect: string; facts: FileFacts }[];
}

interface ExtractInput {
  loadedFiles: LoadedFile[];
  reportFiles: Set<string> | undefined;
  discoveryProblems: { file: string; reason: string }[];
  cwd: string;
  config: GonogoConfig;
  /** Where the config's paths are relative to. */
  base?: ConfigBase;
  context: ExtractContext;
  cache: FactsCache | undefined;
  options: Pick<ScanOptions, "jobs" | "onProgress">;
  /** Context migrations not read this run: their header facts from the sibling index, by file. */
  indexed?: ReadonlyMap<string, FileFacts>;
}

export async function extract({ loadedFiles, reportFiles, discoveryProblems, cwd, config, base, context, cache, options, indexed }: ExtractInput): Promise<Extracted> {
  const texts = new Map<string, string>();
  const factsByFile = new Map<string, FileFacts>();
  const roles = new Map<string, FileRole>();
  for (const { file, outcome } of loadedFiles) if (outcome.ok) texts.set(file, outcome.text);
  context.siblingsOf = infraSiblings(texts);
  // Files read only as context (siblings of the files named in pre-commit mode) need less analysis.
  // Each file's SQL dialect where its path, alembic.ini or env.py (or an override) tells one.
  const dialectOf = dialectResolver({ cwd, config, texts, ...(base ? { base } : {}) });
  const withDialect = (input: AnalysisInput): AnalysisInput => {
    const dialect = input.file.endsWith(".py") || isSqlFile(input.file) ? dialectOf(input.file) : undefined;
    return dialect ? { ...input, dialect } : input;
  };
  // A YAML file read as context is a GitLab pipeline file of a reported one (collect reads no other):
  // read in full, because a reported file's script may be spliced into it (!reference), and that
  // finding is written in the reported file. Its own findings stay unreported.
  const readInFull = (file: string): boolean => /\.ya?ml$/i.test(file);
  const readable: AnalysisInput[] = loadedFiles.flatMap(({ file, outcome }) =>
    outcome.ok ? [withDialect(reportFiles && !reportFiles.has(file) && !readInFull(file) ? { file, text: outcome.text, headerOnly: true } : { file, text: outcome.text })] : [],
  );
  const unreadableCount = loadedFiles.length - readable.length;
  options.onProgress?.(unreadableCount, loadedFiles.length);
  const analyses = await analyseFiles(readable, context, cache, options.jobs, (done) => options.onProgress?.(unreadableCount + done, loadedFiles.length));
  const readableIndex = new Map(readable.map(({ file }, index) => [file, index]));
  const analysisOf = new Map(readable.map(({ file }, index) => [file, analyses[index]!]));
  const unreadable: { file: string; reason: string; at?: { line: number; column: number } }[] = [];
  const contextMigrations: Extracted["contextMigrations"] = [];
  // Indexed files take their place in path order, as if read (the order of facts is the order of reports).
  const fromIndex = [...(indexed ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let nextIndexed = 0;
  const takeIndexedBefore = (file: string | undefined) => {
    for (; nextIndexed < fromIndex.length && (file === undefined || fromIndex[nextIndexed]![0] < file); nextIndexed++) {
      const [indexedFile, facts] = fromIndex[nextIndexed]!;
      roles.set(indexedFile, "migration");
      factsByFile.set(indexedFile, facts);
    }
  };
  for (const { file, outcome } of loadedFiles) {
    takeIndexedBefore(file);
    if (!outcome.ok) {
      unreadable.push({ file, reason: outcome.reason, ...(outcome.line !== undefined ? { at: { line: outcome.line, column: outcome.column ?? 1 } } : {}) });
      continue;
    }
    const { role, facts: fileFacts } = analysisOf.get(file)!;
    if (role === "none" || !fileFacts) continue;
    roles.set(file, role);
    factsByFile.set(file, fileFacts);
    const input = readable[readableIndex.get(file)!]!;
    if (input.headerOnly && role === "migration") contextMigrations.push({ file, text: outcome.text, dialect: input.dialect ?? context.dialect, facts: fileFacts });
  }
  takeIndexedBefore(undefined);
  options.onProgress?.(loadedFiles.length, loadedFiles.length);
  // Alembic loads every module of a versions directory: the Python beside migrations is read again as migrations.
  const migrationDirs = migrationDirectoriesOf([...roles].filter(([, r]) => r === "migration").map(([f]) => f));
  const promoted = [...roles]
    .filter(([file, role]) => role === "python" && isBesideMigrations(file, migrationDirs))
    .map(([file]) => withDialect({ file, text: texts.get(file)!, asRole: "migration" as const, ...(reportFiles && !reportFiles.has(file) ? { headerOnly: true } : {}) }));
  for (const { file, reason, at } of unreadable) factsByFile.set(file, unreadableFileFacts(file, reason, roleOfUnreadable(file, context, migrationDirs), at));
  const promotedAnalyses = await analyseFiles(promoted, context, cache, options.jobs);
  for (const [index, { file }] of promoted.entries()) factsByFile.set(file, promotedAnalyses[index]!.facts!);
  cache?.save();
  for (const problem of discoveryProblems) factsByFile.set(problem.file, unreadableFileFacts(problem.file, problem.reason, "unknown"));
  return { texts, factsByFile, contextMigrations };
}

/**
 * The role and facts of readable files, in order: from the cache when a file (and the siblings its
 * extractor reads) is unchanged, else analysed (in worker threads when there are many) and
 * remembered. `asRole` forces a role (a .py file beside migrations is a migration).
 */
async function analyseFiles(
  inputs: AnalysisInput[],
  context: ExtractContext,
  cache: FactsCache | undefined,
  jobs: number | undefined,
  onDone?: (count: number) => void,
): Promise<Analysis[]> {
  if (!cache) return analyseAll(inputs, context, { ...(jobs !== undefined ? { jobs } : {}), ...(onDone ? { onDone } : {}) });
  const results: Analysis[] = new Array(inputs.length);
  const keys: { key: string; hash: string }[] = [];
  const misses: number[] = [];
  for (const [index, input] of inputs.entries()) {
    const key = `${input.file}${input.asRole ? `\u0000as-${input.asRole}` : ""}${input.headerOnly ? "\u0000header" : ""}${input.dialect ? `\u0000${input.dialect}` : ""}`;
    const siblings = context.siblingsOf?.(input.file) ?? [];
    const hash = contentHash(siblings.length === 0 ? input.text : [input.text, ...siblings.map((s) => `${s.file}\u0000${s.text}`)].join("\u0000"));
    const cached = cache.get(key, hash);
    if (cached) results[index] = cached.facts ? { role: cached.role, facts: cached.facts } : { role: cached.role };
    else misses.push(index);
    keys[index] = { key, hash };
  }
  const hits = inputs.length - misses.length;
  onDone?.(hits);
  const analysed = await analyseAll(
    misses.map((index) => inputs[index]!),
    context,
    { ...(jobs !== undefined ? { jobs } : {}), onDone: (done) => onDone?.(hits + done) },
  );
  for (const [k, index] of misses.entries()) {
    const analysis = analysed[k]!;
    results[index] = analysis;
    cache.set(keys[index]!.key, { hash: keys[index]!.hash, role: analysis.role, ...(analysis.facts ? { facts: analysis.facts } : {}) });
  }
  return results;
}
