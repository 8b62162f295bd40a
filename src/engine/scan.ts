// The scan: files → facts → rules → findings. Bad input files become findings, never exceptions;
// only a bad configuration throws (ConfigError → exit 2).
import path from "node:path";
import picomatch from "picomatch";
import { allRules } from "../../rules/index.js";
import { docsUrlFor, type ProjectFacts, type Rule } from "../../rules/define.js";
import {
  applyDeclaredNamingConventions,
  buildRevisionGraphs,
  directoryOf,
  isCandidateFile,
  isCompiledPython,
  isSqlFile,
  isVersionsDirectory,
  storageActionsRemovedSince,
  unreadableFileFacts,
  type ExtractContext,
  type FileRole,
} from "../extract/index.js";
import type { Directive, FileFacts } from "../extract/facts.js";
import { isInfraCandidate } from "../extract/infra/kinds.js";
import { localModuleDirectories } from "../extract/infra/terraform-local-modules.js";
import { SourceText } from "../extract/source.js";
import { compareStrings, eslintSeverity, severityRank, type FileResult, type Finding, type Severity, type SourceLocation } from "../types.js";
import { ConfigError } from "../errors.js";
import { loadConfig, ruleSettingFor, type GonogoConfig } from "./config.js";
import { DEFAULT_IGNORES, discoverFiles, toPosix } from "./discover.js";
import { DEFAULT_MAX_FILE_BYTES, decodeSourceText, readSourceFileSync, type ReadOutcome } from "./read.js";
import { applySuppressions } from "./suppress.js";
import { applyBulkSuppressions, applyScope, resolveSuppressionsLocation, type SuppressionsSummary } from "./suppressions.js";
import { FactsCache, contentHash, resolveCacheLocation } from "./cache.js";
import { cacheKey } from "./cache-key.js";
import { inShard } from "./shard.js";
import { dialectResolver } from "./dialects.js";
import { analyseAll } from "./pool.js";
import type { Analysis, AnalysisInput } from "./pool-worker.js";
import { UNANALYSED_RULE_IDS, type RuleSetting, type ScanOptions, type ScanResult } from "./types.js";
import { readdir } from "node:fs/promises";
import { compiledMigrationOutcome, isCompiledMigrationCandidate } from "./sourceless.js";

const MAX_EXCERPT = 400;

interface LoadedFile {
  file: string;
  outcome: ReadOutcome;
}

/** Scans files for unsafe changes. Never throws for bad input files; throws ConfigError for bad config. */
export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const knownRuleIds = allRules.map((r) => r.id);
  const loaded = loadConfig({ cwd, configFile: options.configFile, knownRuleIds });
  const config = loaded.config;
  for (const id of Object.keys(options.rules ?? {})) {
    if (!knownRuleIds.includes(id)) throw new ConfigError(`--rule ${id}: not a known rule id (see \`gonogo rules\`)`);
  }
  const context: ExtractContext = {
    dialect: options.dialect ?? config.dialect ?? "postgresql",
    migrationDirectories: [config.migrations ?? []].flat(),
  };
  const maxBytes = options.maxFileBytes ?? config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  // 1. Which files, and which of them are reported.
  const { files: loadedFiles, reportFiles, discoveryProblems } = await collectFiles(options, cwd, config, maxBytes, context);

  // 2. Facts per file (from the cache for unchanged files with --cache).
  const cache = options.cache
    ? new FactsCache(resolveCacheLocation(cwd, options.cacheLocation), { config, dialect: context.dialect, migrationDirectories: context.migrationDirectories, maxBytes }, undefined, cacheKey(cwd, options.cacheKey))
    : undefined;
  const texts = new Map<string, string>();
  const factsByFile = new Map<string, FileFacts>();
  const roles = new Map<string, FileRole>();
  for (const { file, outcome } of loadedFiles) if (outcome.ok) texts.set(file, outcome.text);
  // A Terraform file may need its module's other files (a variable's default in variables.tf).
  const terraformByDirectory = groupBy([...texts].filter(([f]) => f.endsWith(".tf")), ([f]) => directoryOf(f));
  // …and the files of the local modules it calls (`source = "./modules/bucket"`), one level deep.
  const moduleDirectories = new Map<string, string[]>();
  context.siblingsOf = (file) => {
    if (!file.endsWith(".tf")) return [];
    let dirs = moduleDirectories.get(file);
    if (!dirs) moduleDirectories.set(file, (dirs = localModuleDirectories(file, texts.get(file) ?? "").filter((d) => terraformByDirectory.has(d))));
    return [directoryOf(file), ...dirs].flatMap((dir) => (terraformByDirectory.get(dir) ?? []).filter(([f]) => f !== file).map(([f, text]) => ({ file: f, text })));
  };
  // Unchanged files come from the cache; the others are analysed, across cores when there are many.
  // Files read only as context (siblings of the files named in pre-commit mode) need less analysis.
  // Each file's SQL dialect where its path, alembic.ini or env.py (or an override) tells one.
  const dialectOf = dialectResolver({ cwd, config, texts });
  const withDialect = (input: AnalysisInput): AnalysisInput => {
    const dialect = input.file.endsWith(".py") || isSqlFile(input.file) ? dialectOf(input.file) : undefined;
    return dialect ? { ...input, dialect } : input;
  };
  const readable: AnalysisInput[] = loadedFiles.flatMap(({ file, outcome }) =>
    outcome.ok ? [withDialect(reportFiles && !reportFiles.has(file) ? { file, text: outcome.text, headerOnly: true } : { file, text: outcome.text })] : [],
  );
  const unreadableCount = loadedFiles.length - readable.length;
  options.onProgress?.(unreadableCount, loadedFiles.length);
  const analyses = await analyseFiles(readable, context, cache, options.jobs, (done) => options.onProgress?.(unreadableCount + done, loadedFiles.length));
  const analysisOf = new Map(readable.map(({ file }, index) => [file, analyses[index]!]));
  const unreadable: { file: string; reason: string; at?: { line: number; column: number } }[] = [];
  for (const { file, outcome } of loadedFiles) {
    if (!outcome.ok) {
      unreadable.push({ file, reason: outcome.reason, ...(outcome.line !== undefined ? { at: { line: outcome.line, column: outcome.column ?? 1 } } : {}) });
      continue;
    }
    const { role, facts: fileFacts } = analysisOf.get(file)!;
    if (role === "none" || !fileFacts) continue;
    roles.set(file, role);
    factsByFile.set(file, fileFacts);
  }
  options.onProgress?.(loadedFiles.length, loadedFiles.length);
  // A .py file beside migrations is a migration too (Alembic loads every module in versions/).
  const migrationDirs = new Set([...roles].filter(([, r]) => r === "migration").map(([f]) => directoryOf(f)));
  const promoted = [...roles]
    .filter(([file, role]) => role === "python" && migrationDirs.has(directoryOf(file)) && !["__init__.py", "env.py"].includes(path.posix.basename(file)))
    .map(([file]) => withDialect({ file, text: texts.get(file)!, asRole: "migration" as const, ...(reportFiles && !reportFiles.has(file) ? { headerOnly: true } : {}) }));
  // An unreadable module beside migrations is an unreadable migration (alembic/parse-error).
  for (const { file, reason, at } of unreadable) {
    const besideMigrations = (file.endsWith(".py") || isCompiledPython(file)) && migrationDirs.has(directoryOf(file)) && !["__init__.py", "env.py"].includes(path.posix.basename(file));
    factsByFile.set(file, unreadableFileFacts(file, reason, besideMigrations ? "migration" : guessRole(file, context), at));
  }
  const promotedAnalyses = await analyseFiles(promoted, context, cache, options.jobs);
  for (const [index, { file }] of promoted.entries()) {
    roles.set(file, "migration");
    factsByFile.set(file, promotedAnalyses[index]!.facts!);
  }
  cache?.save();
  for (const problem of discoveryProblems) {
    factsByFile.set(problem.file, unreadableFileFacts(problem.file, problem.reason, "unknown"));
  }

  // 3. Project facts.
  const allFacts = [...factsByFile.values()];
  // Reversals that depend on another file: the naming convention declared beside env.py.
  applyDeclaredNamingConventions(allFacts, texts);
  // One pass with push, not five flatMaps (each allocating an array per file): ~9 ms on 10,000 files.
  const migrations: ProjectFacts["migrations"] = [];
  const schemaChanges: ProjectFacts["schemaChanges"] = [];
  const dynamicSql: ProjectFacts["dynamicSql"] = [];
  const storageActions: ProjectFacts["storageActions"] = [];
  const parseProblems: ProjectFacts["parseProblems"] = [];
  for (const f of allFacts) {
    if (f.migration) migrations.push(f.migration);
    for (const c of f.schemaChanges) schemaChanges.push(c);
    for (const d of f.dynamicSql) dynamicSql.push(d);
    for (const a of f.storageActions) storageActions.push(a);
    for (const p of f.parseProblems) parseProblems.push(p);
  }
  const facts: ProjectFacts = {
    schemaChanges,
    dynamicSql,
    storageActions,
    parseProblems,
    migrations,
    revisionGraphs: buildRevisionGraphs(migrations, reportFiles),
  };
  if (options.base) {
    const currentFiles = [...texts].filter(([file]) => isInfraCandidate(file)).map(([file, text]) => ({ file, text }));
    facts.storageActions.push(...(await storageActionsRemovedSince({ base: options.base, cwd, currentFiles })));
  }

  // 4. Rules → findings, then suppression.
  const overrideMatchers = (config.overrides ?? []).map((o) => ({ match: picomatch(o.files, { dot: true }), rules: o.rules }));
  const settingFor = (rule: Pick<Rule, "id" | "severity">, file: string): RuleSetting =>
    ruleSettingFor(rule.id, rule.severity, file, config, options.rules, overrideMatchers);
  const isReported = (file: string) => !reportFiles || reportFiles.has(file);

  const raw: Finding[] = [];
  for (const rule of allRules) {
    const report = (at: SourceLocation | { location: SourceLocation }, message: string, data?: Record<string, unknown>) => {
      const location = "location" in at ? at.location : at;
      if (!isReported(location.file)) return;
      const setting = settingFor(rule, location.file);
      if (setting === "off") return;
      raw.push(makeFinding(rule, setting, location, message, data));
    };
    try {
      rule.check(facts, report);
    } catch (error) {
      // A rule bug must not hide other findings, and must not pass silently either.
      const internal = ruleById("gonogo/internal-error");
      const setting = settingFor(internal, ".");
      if (setting !== "off") raw.push(makeFinding(internal, setting, { file: ".", line: 1, column: 1, endLine: 1, endColumn: 1 }, `Rule ${rule.id} failed: ${(error as Error).message}`));
    }
  }

  const findings: Finding[] = [];
  const hiddenByDirectives: Finding[] = [];
  const byFile = groupBy(raw, (f) => f.file);
  const filesWithDirectives = allFacts.filter((f) => f.directives.length > 0).map((f) => f.file);
  for (const file of new Set([...byFile.keys(), ...filesWithDirectives])) {
    const directives: Directive[] = factsByFile.get(file)?.directives ?? [];
    const outcome = applySuppressions(byFile.get(file) ?? [], directives);
    for (const item of outcome.kept) findings.push(item);
    if (!isReported(file)) continue;
    for (const item of outcome.suppressed) hiddenByDirectives.push(item);
    for (const d of outcome.missingReason) {
      const rule = ruleById("gonogo/directive-missing-reason");
      const setting = settingFor(rule, file);
      if (setting !== "off") findings.push(makeFinding(rule, setting, d.location, `Suppression directive ${describeDirective(d)} has no reason; write one after " -- "`));
    }
    for (const d of outcome.unused) {
      const rule = ruleById("gonogo/unused-directive");
      const setting = settingFor(rule, file);
      const message = outcome.refused.has(d)
        ? `Suppression directive ${describeDirective(d)} cannot hide a file or SQL that could not be analysed; fix it, or accept the finding in the suppressions file`
        : `Suppression directive ${describeDirective(d)} suppresses nothing; remove it`;
      if (setting !== "off") findings.push(makeFinding(rule, setting, d.location, message));
    }
  }

  // 5. Accepted debt (the bulk suppressions file), then the diff scope.
  const loadedPaths = new Set([...loadedFiles.map((f) => f.file), ...discoveryProblems.map((p) => p.file)]);
  const bulk = bulkAndScope(findings, options, cwd, loaded.file, (file) => isReported(file) && (loadedPaths.has(file) || file === "."));
  // Not splice(…, ...bulk.findings): spreading 100,000+ findings overflows the call stack. The
  // result may be `findings` itself: copy before emptying.
  const kept = bulk.findings === findings ? [...findings] : bulk.findings;
  findings.length = 0;
  for (const finding of kept) findings.push(finding);

  // 6. Excerpts, ordering, results.
  const sources = new Map<string, SourceText>();
  for (const finding of findings) {
    const text = texts.get(finding.file);
    if (text === undefined) continue;
    let source = sources.get(finding.file);
    if (!source) sources.set(finding.file, (source = new SourceText(finding.file, text)));
    const line = source.lineText(finding.line);
    // A minified or generated file can hold megabytes on one line: keep the excerpt readable.
    finding.excerpt = line.length > MAX_EXCERPT ? `${line.slice(Math.max(0, finding.column - 1 - 80), finding.column - 1 + MAX_EXCERPT - 80)}…` : line;
  }
  findings.sort(compareFindings);
  const results: FileResult[] = [...groupBy(findings, (f) => f.file)].map(([file, list]) => {
    const result: FileResult = { file, findings: list };
    const text = texts.get(file);
    if (text !== undefined) result.source = text;
    return result;
  });
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
  if (bulk.suppressions) result.suppressions = bulk.suppressions;
  if (options.scope) result.outOfScope = { base: options.scope.base, count: bulk.outOfScope };
  return result;
}

/** Leaves out the findings the suppressions file accepts (recording or pruning first when asked), then those outside the diff scope. */
function bulkAndScope(findings: Finding[], options: ScanOptions, cwd: string, configFile: string | undefined, isScanned: (file: string) => boolean) {
  let kept = findings;
  let suppressions: SuppressionsSummary | undefined;
  if (options.applySuppressions || options.suppress) {
    const location = resolveSuppressionsLocation(cwd, configFile, options.suppressionsLocation);
    const outcome = applyBulkSuppressions({ cwd, location, findings, isScanned, ...(options.suppress ? { request: options.suppress } : {}) });
    kept = outcome.kept;
    suppressions = outcome.summary;
  }
  let outOfScope = 0;
  if (options.scope) {
    const scoped = applyScope(kept, new Set(options.scope.files), options.scope.alwaysRules);
    kept = scoped.kept;
    outOfScope = scoped.leftOut;
  }
  return { findings: kept, outOfScope, ...(suppressions ? { suppressions } : {}) };
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

function guessRole(file: string, context: ExtractContext): FileRole | "unknown" {
  if (isSqlFile(file)) return "sql";
  if ((file.endsWith(".py") || isCompiledPython(file)) && isVersionsDirectory(directoryOf(file), context)) return "migration";
  if (isInfraCandidate(file)) return "infra";
  return "unknown";
}

async function collectFiles(
  options: ScanOptions,
  cwd: string,
  config: GonogoConfig,
  maxBytes: number,
  context: ExtractContext,
): Promise<{ files: LoadedFile[]; reportFiles?: Set<string>; discoveryProblems: { file: string; reason: string }[] }> {
  const ignore = [...DEFAULT_IGNORES, ...(config.ignore ?? []), ...(options.ignore ?? [])];
  // The cache file is gonogo's own output, never input (a `--cache-location cache.json` would be).
  if (options.cache) ignore.push(toPosix(path.relative(cwd, resolveCacheLocation(cwd, options.cacheLocation))));
  const isIgnored = picomatch(ignore, { dot: true });
  if (options.files) {
    const files = options.files
      .map((f) => ({ file: toPosix(path.normalize(f.path)), content: f.content }))
      .filter((f) => !isIgnored(f.file))
      .map((f) => ({ file: f.file, outcome: decodeSourceText(f.content, maxBytes, f.file) }));
    let reportFiles = options.reportOnly ? new Set(options.reportOnly.map((p) => toPosix(path.normalize(p)))) : undefined;
    if (options.shard) reportFiles = new Set([...(reportFiles ?? files.map((f) => f.file))].filter((f) => inShard(f, options.shard!)));
    return { files, ...(reportFiles ? { reportFiles } : {}), discoveryProblems: [] };
  }
  const paths = options.paths && options.paths.length > 0 ? options.paths : ["."];
  const discovered = await discoverFiles({ cwd, paths, ignore, isCandidate: (f) => isCandidateFile(f) || isCompiledMigrationCandidate(f, context) });
  const all = new Set(discovered.files);
  // Files named one by one (pre-commit passes staged files): only they are reported, but the
  // migrations beside them are read too, so the revision graph is complete.
  const rel = (p: string) => toPosix(path.relative(cwd, path.resolve(cwd, p)));
  const onlyFilesNamed = !options.reportOnly && paths.every((p) => discovered.files.includes(rel(p)));
  let reportFiles = options.reportOnly ? new Set(options.reportOnly.map(rel)) : onlyFilesNamed ? new Set(paths.map(rel)) : undefined;
  let problems = discovered.problems;
  if (options.shard) {
    // Each shard reads and reports its own files (plus, below, the migrations beside them).
    const shard = options.shard;
    reportFiles = new Set([...(reportFiles ?? all)].filter((f) => inShard(f, shard)));
    all.clear();
    problems = problems.filter((p) => inShard(p.file, shard));
  }
  if (reportFiles) {
    const siblingsByDirectory = new Map<string, string[]>();
    for (const file of reportFiles) {
      all.add(file);
      if (!file.endsWith(".py")) continue;
      const dir = directoryOf(file);
      let siblings = siblingsByDirectory.get(dir);
      if (!siblings) siblingsByDirectory.set(dir, (siblings = await pythonSiblings(cwd, file)));
      for (const sibling of siblings) if (!isIgnored(sibling)) all.add(sibling);
    }
  }
  // Synchronous reads: for thousands of small files far faster than the promise API (see read.ts).
  const files: LoadedFile[] = [];
  for (const file of [...all].sort()) {
    // Bytecode is never read: a compiled migration is skipped or reported as not analysed, other
    // compiled Python (even named, as a pre-commit hook names staged files) is skipped.
    const compiled = isCompiledPython(file);
    if (compiled && !isCompiledMigrationCandidate(file, context)) continue;
    const outcome = compiled ? compiledMigrationOutcome(file, cwd) : readSourceFileSync(path.resolve(cwd, file), maxBytes);
    if (outcome !== "skip") files.push({ file, outcome });
  }
  return { files, ...(reportFiles ? { reportFiles } : {}), discoveryProblems: problems };
}

async function pythonSiblings(cwd: string, file: string): Promise<string[]> {
  const dir = directoryOf(file);
  try {
    const entries = await readdir(path.resolve(cwd, dir), { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".py")).map((e) => (dir === "." ? e.name : `${dir}/${e.name}`));
  } catch {
    return [];
  }
}

function ruleById(id: string): Rule {
  const rule = allRules.find((r) => r.id === id);
  if (!rule) throw new Error(`rule ${id} is not registered`);
  return rule;
}

function makeFinding(
  rule: Pick<Rule, "id" | "docs">,
  severity: Severity,
  location: SourceLocation,
  message: string,
  data?: Record<string, unknown>,
): Finding {
  const finding: Finding = {
    ruleId: rule.id,
    severity,
    message: boundedMessage(message),
    file: location.file,
    line: location.line,
    column: location.column,
    endLine: location.endLine,
    endColumn: location.endColumn,
    why: rule.docs.why,
    instead: rule.docs.instead,
    docsUrl: docsUrlFor(rule.id),
  };
  if (data && Object.keys(data).length > 0) finding.data = data;
  return finding;
}

/**
 * Messages quote names from the source; a 5 MB bucket name must not become a 5 MB message in every
 * report. Each word longer than 200 characters keeps its start and end.
 */
function boundedMessage(message: string): string {
  if (message.length <= 1000) return message;
  const shortened = message.replace(/\S{201,}/g, (word) => `${word.slice(0, 120)}…(${word.length - 160} characters)…${word.slice(-40)}`);
  return shortened.length <= 2000 ? shortened : `${shortened.slice(0, 1999)}…`;
}

function describeDirective(d: Directive): string {
  return `gonogo-${d.kind}${d.ruleIds.length ? " " + d.ruleIds.join(", ") : ""}`;
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column || severityRank(b.severity) - severityRank(a.severity) || compareStrings(a.ruleId, b.ruleId);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
