// The scan, as a pipeline of named steps:
//   discover → read → extract → assemble facts → rules → directives → debt & scope → excerpts
// (collect.ts, analyse.ts, assemble.ts, findings.ts, results.ts). Bad input files become findings,
// never exceptions; only a bad configuration throws (ConfigError → exit 2). Family-specific
// reading across files (Terraform modules, Alembic versions directories) belongs to the
// extractors in src/extract/, not here.
import path from "node:path";
import { allRules } from "../../rules/index.js";
import type { ExtractContext } from "../extract/index.js";
import { eslintSeverity } from "../types.js";
import { ConfigError } from "../errors.js";
import { FactsCache, resolveCacheLocation } from "./cache.js";
import { cacheKey } from "./cache-key.js";
import { discover, read, takeIndexed, type LoadedFile } from "./collect.js";
import { SiblingIndex, isIndexable, siblingIndexLocation } from "./sibling-index.js";
import { extract, type Extracted } from "./analyse.js";
import { prestartWorkers } from "./pool.js";
import { assembleFacts } from "./assemble.js";
import { loadConfig, locateConfig } from "./config.js";
import { configBase, withConfigMigrations } from "./config-paths.js";
import { versionLocationResolver } from "./version-locations.js";
import { applyDirectives, ruleSettings, runRules } from "./findings.js";
import { DEFAULT_MAX_FILE_BYTES } from "./read.js";
import { addExcerpts, bulkAndScope, compareFindings, fileResults } from "./results.js";
import { UNANALYSED_RULE_IDS, type ScanOptions, type ScanResult } from "./types.js";

export { compareFindings } from "./results.js";

/** Scans files for unsafe changes. Never throws for bad input files; throws ConfigError for bad config. */
export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const knownRuleIds = allRules.map((r) => r.id);
  // The config: the one named, else the nearest at or above the first scanned path (one per run).
  const located = options.configFile === undefined && !options.files ? locateConfig(cwd, options.paths ?? []) : undefined;
  const loaded = loadConfig({ cwd, configFile: located ? (located.file ?? false) : options.configFile, knownRuleIds });
  // Its paths are relative to its directory: globs match paths taken from there, `migrations:`
  // becomes paths relative to the working directory (config-paths.ts).
  const base = configBase(cwd, loaded.file);
  const config = withConfigMigrations(loaded.config, base);
  for (const id of Object.keys(options.rules ?? {})) {
    if (!knownRuleIds.includes(id)) throw new ConfigError(`--rule ${id}: not a known rule id (see \`gonogo rules\`)`);
  }
  const context: ExtractContext = {
    dialect: options.dialect ?? config.dialect ?? "postgresql",
    migrationDirectories: [config.migrations ?? []].flat(2),
  };
  const maxBytes = options.maxFileBytes ?? config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  // 1. discover: which files, and which of them are reported; 2. read: their text (with --cache,
  // not the context migrations the sibling index knows unchanged, nor a file whose stat stamp the
  // cache knows: its text is read when first needed).
  // Which versions directories are one Alembic environment (alembic.ini version_locations, config).
  const alembicProblems = new Set<string>();
  const environmentOf = versionLocationResolver({ cwd, migrations: [config.migrations ?? []].flat(), base, onProblem: (file, message) => alembicProblems.add(`${file}${message}`) });
  const cache = options.cache
    ? new FactsCache(resolveCacheLocation(cwd, options.cacheLocation), { config, dialect: context.dialect, migrationDirectories: context.migrationDirectories, maxBytes, ...(base.dir !== cwd ? { configDirectory: path.relative(cwd, base.dir) } : {}) }, undefined, cacheKey(cwd, options.cacheKey))
    : undefined;
  const found = await discover(options, cwd, config, context, environmentOf, base);
  const index = cache && found.reportFiles ? new SiblingIndex(siblingIndexLocation(cache.file), cache.settings, cache.key) : undefined;
  const { discovered, indexed } = index ? takeIndexed(found, index, cwd, config, context, base) : { discovered: found, indexed: undefined };
  // The worker threads start while the files are read (not with --cache: most files then need no
  // analysis).
  const started = cache ? undefined : await prestartWorkers(discovered.files.map((f) => f.file), discovered.reportFiles, options.jobs);
  let loadedFiles: LoadedFile[];
  let extracted: Extracted;
  try {
    loadedFiles = read(discovered, cwd, maxBytes, context, cache);
    // 3. extract: facts per file (from the cache for unchanged files with --cache).
    extracted = await extract({ loadedFiles, reportFiles: discovered.reportFiles, discoveryProblems: discovered.problems, cwd, config, base, context, cache, options, maxBytes, ...(indexed ? { indexed } : {}), ...(started ? { started } : {}) });
  } finally {
    await started?.close();
  }
  const { texts, factsByFile, contextMigrations } = extracted;
  const { reportFiles } = discovered;
  if (index) {
    for (const m of contextMigrations) if (isIndexable(m.file)) index.record(m.file, cwd, m.hash, m.dialect, m.facts);
    index.save();
  }

  // 4. assemble: the project's facts.
  const facts = await assembleFacts([...factsByFile.values()], texts, reportFiles, options.base ? { base: options.base, cwd } : undefined, environmentOf);

  // 5. rules → findings; 6. directives hide some and report the bad ones.
  const settings = ruleSettings(config, options.rules, reportFiles, base);
  const { findings, hiddenByDirectives } = applyDirectives(runRules(facts, settings), factsByFile, settings);

  // 7. Accepted debt (the bulk suppressions file), then the diff scope.
  const loadedPaths = new Set([...loadedFiles.map((f) => f.file), ...discovered.problems.map((p) => p.file)]);
  const bulk = bulkAndScope(findings, options, cwd, loaded.file, (file) => settings.isReported(file) && (loadedPaths.has(file) || file === "."));
  // Not splice(…, ...bulk.findings): spreading 100,000+ findings overflows the call stack. The
  // result may be `findings` itself: copy before emptying.
  const kept = bulk.findings === findings ? [...findings] : bulk.findings;
  findings.length = 0;
  for (const finding of kept) findings.push(finding);

  // 8. Excerpts, ordering, results.
  addExcerpts(findings, texts);
  const results = fileResults(findings, texts);
  const errorCount = findings.filter((f) => eslintSeverity(f.severity) === 2).length;
  const result: ScanResult = {
    results,
    findings,
    errorCount,
    warningCount: findings.length - errorCount,
    filesScanned: loadedFiles.length,
    unanalysed: findings.filter((f) => UNANALYSED_RULE_IDS.includes(f.ruleId)).map((f) => ({ file: f.file, ruleId: f.ruleId, message: f.message })),
    facts,
  };
  if (hiddenByDirectives.length > 0) result.suppressedByDirectives = hiddenByDirectives.sort(compareFindings);
  if (loaded.file) result.configFile = loaded.file;
  const shown = (file: string | undefined) => (file === undefined ? "no config file" : path.relative(cwd, file).split(path.sep).join("/"));
  for (const other of located?.others ?? []) {
    (result.warnings ??= []).push(
      `${other.path}: its nearest config is ${shown(other.file)}, but one config is used per run: ${shown(loaded.file)} (the nearest to ${(options.paths ?? ["."])[0]}); scan it separately to use its own`,
    );
  }
  for (const problem of alembicProblems) (result.warnings ??= []).push(problem);
  if (bulk.suppressions) result.suppressions = bulk.suppressions;
  if (options.scope) result.outOfScope = { base: options.scope.base, count: bulk.outOfScope };
  return result;
}
