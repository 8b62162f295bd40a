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
import { readSourceFileSync } from "./read.js";
import { SourceTexts } from "./texts.js";
import path from "node:path";
import { dialectResolver } from "./dialects.js";
import { analyseAll, type StartedWorkers } from "./pool.js";
import type { Analysis, AnalysisInput } from "./pool-worker.js";
import type { ScanOptions } from "./types.js";

export interface Extracted {
  /** The text of every readable file (read on first use for a file --cache knows unchanged). */
  texts: SourceTexts;
  /** The facts of every file that has any (unreadable files: one whole-file problem). */
  factsByFile: Map<string, FileFacts>;
  /** Migrations read as context only (header facts), with their text's hash and the dialect they were read with: what the sibling index records. */
  contextMigrations: { file: string; hash: string; dialect: string; facts: FileFacts }[];
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
  /** The analysis limit, for reading a deferred file's text. */
  maxBytes: number;
  /** Context migrations not read this run: their header facts from the sibling index, by file. */
  indexed?: ReadonlyMap<string, FileFacts>;
  /** Worker threads started before the files were read (pool.ts prestartWorkers). */
  started?: StartedWorkers;
}

/** An analysis to run: its text is taken from the scan's texts only when it must be analysed or hashed. */
type Pending = Omit<AnalysisInput, "text"> & { hash?: string };

export async function extract({ loadedFiles, reportFiles, discoveryProblems, cwd, config, base, context, cache, options, indexed, maxBytes, started }: ExtractInput): Promise<Extracted> {
  const texts = new SourceTexts((file) => {
    const outcome = readSourceFileSync(path.resolve(cwd, file), maxBytes);
    return outcome.ok ? outcome.text : undefined;
  });
  const factsByFile = new Map<string, FileFacts>();
  const roles = new Map<string, FileRole>();
  for (const { file, outcome } of loadedFiles) {
    if (!outcome.ok) continue;
    if ("unread" in outcome) texts.defer(file);
    else texts.set(file, outcome.text);
  }
  context.siblingsOf = infraSiblings(texts);
  // Files read only as context (siblings of the files named in pre-commit mode) need less analysis.
  // Each file's SQL dialect where its path, alembic.ini or env.py (or an override) tells one.
  const dialectOf = dialectResolver({ cwd, config, texts, ...(base ? { base } : {}) });
  const withDialect = (input: Pending): Pending => {
    const dialect = input.file.endsWith(".py") || isSqlFile(input.file) ? dialectOf(input.file) : undefined;
    return dialect ? { ...input, dialect } : input;
  };
  // A YAML file read as context is a GitLab pipeline file of a reported one (collect reads no other):
  // read in full, because a reported file's script may be spliced into it (!reference), and that
  // finding is written in the reported file. Its own findings stay unreported.
  const readInFull = (file: string): boolean => /\.ya?ml$/i.test(file);
  const readable: Pending[] = loadedFiles.flatMap(({ file, outcome, hash }) =>
    outcome.ok ? [withDialect({ file, ...(hash !== undefined ? { hash } : {}), ...(reportFiles && !reportFiles.has(file) && !readInFull(file) ? { headerOnly: true } : {}) })] : [],
  );
  const unreadableCount = loadedFiles.length - readable.length;
  options.onProgress?.(unreadableCount, loadedFiles.length);
  const analyses = await analyseFiles(readable, texts, context, cache, options.jobs, (done) => options.onProgress?.(unreadableCount + done, loadedFiles.length), started);
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
    if (input.headerOnly && role === "migration") contextMigrations.push({ file, hash: input.hash ?? contentHash(texts.get(file) ?? ""), dialect: input.dialect ?? context.dialect, facts: fileFacts });
  }
  takeIndexedBefore(undefined);
  options.onProgress?.(loadedFiles.length, loadedFiles.length);
  // Alembic loads every module of a versions directory: the Python beside migrations is read again as migrations.
  const migrationDirs = migrationDirectoriesOf([...roles].filter(([, r]) => r === "migration").map(([f]) => f));
  const promoted = [...roles]
    .filter(([file, role]) => role === "python" && isBesideMigrations(file, migrationDirs))
    .map(([file]) => {
      const hash = readable[readableIndex.get(file)!]?.hash;
      return withDialect({ file, ...(hash !== undefined ? { hash } : {}), asRole: "migration" as const, ...(reportFiles && !reportFiles.has(file) ? { headerOnly: true } : {}) });
    });
  for (const { file, reason, at } of unreadable) factsByFile.set(file, unreadableFileFacts(file, reason, roleOfUnreadable(file, context, migrationDirs), at));
  const promotedAnalyses = await analyseFiles(promoted, texts, context, cache, options.jobs);
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
  pending: Pending[],
  texts: SourceTexts,
  context: ExtractContext,
  cache: FactsCache | undefined,
  jobs: number | undefined,
  onDone?: (count: number) => void,
  started?: StartedWorkers,
): Promise<Analysis[]> {
  const withText = ({ hash: _hash, ...input }: Pending): AnalysisInput => ({ ...input, text: texts.get(input.file) ?? "" });
  if (!cache) return analyseAll(pending.map(withText), context, { ...(jobs !== undefined ? { jobs } : {}), ...(onDone ? { onDone } : {}), ...(started ? { started } : {}) });
  const inputs = pending;
  const results: Analysis[] = new Array(inputs.length);
  const keys: { key: string; hash: string }[] = [];
  const misses: number[] = [];
  for (const [index, input] of inputs.entries()) {
    const key = `${input.file}${input.asRole ? `\u0000as-${input.asRole}` : ""}${input.headerOnly ? "\u0000header" : ""}${input.dialect ? `\u0000${input.dialect}` : ""}`;
    const siblings = context.siblingsOf?.(input.file) ?? [];
    // A file read alone: the hash of its text (known from its stamp when unread). Else its text and its siblings'.
    const hash =
      siblings.length === 0
        ? (input.hash ?? contentHash(texts.get(input.file) ?? ""))
        : contentHash([texts.get(input.file) ?? "", ...siblings.map((s) => `${s.file}\u0000${s.text}`)].join("\u0000"));
    const cached = cache.get(key, hash);
    if (cached) results[index] = cached.facts ? { role: cached.role, facts: cached.facts } : { role: cached.role };
    else misses.push(index);
    keys[index] = { key, hash };
  }
  // A file known by its stamp and not read, that must be analysed after all but can no longer be
  // read (it vanished mid-scan): one whole-file problem, as if it had been unreadable from the start.
  const gone = new Set(misses.filter((index) => texts.get(inputs[index]!.file) === undefined));
  for (const index of gone) {
    const { file } = inputs[index]!;
    const role = roleOfUnreadable(file, context, new Set());
    results[index] = { role: role === "unknown" ? "infra" : role, facts: unreadableFileFacts(file, "file vanished during the scan", role) };
  }
  const toAnalyse = misses.filter((index) => !gone.has(index));
  const hits = inputs.length - misses.length;
  onDone?.(hits + gone.size);
  const analysed = await analyseAll(
    toAnalyse.map((index) => withText(inputs[index]!)),
    context,
    { ...(jobs !== undefined ? { jobs } : {}), onDone: (done) => onDone?.(hits + gone.size + done) },
  );
  for (const [k, index] of toAnalyse.entries()) {
    const analysis = analysed[k]!;
    results[index] = analysis;
    cache.set(keys[index]!.key, { hash: keys[index]!.hash, role: analysis.role, ...(analysis.facts ? { facts: analysis.facts } : {}) });
  }
  return results;
}
