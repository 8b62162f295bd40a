// Finding, parsing and validating gonogo.config.yaml / .yml / .json. Every error names the file,
// the line when known, the path inside the file and what was expected.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import picomatch from "picomatch";
import type { Document, LineCounter as LineCounterType } from "yaml";
import { ConfigError } from "../errors.js";
import { lineOf, parseStructuredText, pathText, schemaErrorLines } from "./structured-text.js";

// ajv loads only when a config file is read: a `--no-config` pre-commit scan skips it.
const require = createRequire(import.meta.url);
import type { Severity, SqlDialect } from "../types.js";
import type { RuleSetting } from "./types.js";

export const CONFIG_FILE_NAMES = ["gonogo.config.yaml", "gonogo.config.yml", "gonogo.config.json"];

export interface GonogoConfig {
  project?: string;
  dialect?: SqlDialect;
  /** Versions directories; a nested list is the `version_locations` of one Alembic environment. */
  migrations?: string | (string | string[])[];
  ignore?: string[];
  maxFileBytes?: number;
  rules?: Record<string, RuleSetting>;
  /** Per glob: rule settings, and the SQL dialect the matching files are read in. */
  overrides?: { files: string[]; rules?: Record<string, RuleSetting>; dialect?: SqlDialect }[];
  policy?: unknown;
  /** The deployment log: a file path, or `{ backend, path | url }` (src/log/location.ts). */
  log?: string | { backend?: "file" | "postgres"; path?: string; url?: string };
  /** Accept a file log inside the git work tree (never a tracked one). */
  logInWorkTree?: boolean;
  pendingExpiry?: string | number;
  environments?: Record<string, unknown>;
  /** Webhooks (schema/release.json#/definitions/notify); read by the release wrappers. */
  notify?: unknown[];
}

export interface LoadedConfig {
  /** Absolute path of the file, undefined when no config file was found. */
  file?: string;
  config: GonogoConfig;
}

export { ConfigError };

const schemaDir = (() => {
  // src/engine → ../../schema; dist/src/engine → ../../../schema
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, "../../schema"), path.resolve(here, "../../../schema")]) {
    if (existsSync(path.join(candidate, "config.json"))) return candidate;
  }
  throw new Error("gonogo: schema directory not found next to the package");
})();

export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(schemaDir, name), "utf8")) as Record<string, unknown>;
}

let validator: import("ajv").ValidateFunction | undefined;

function configValidator() {
  if (!validator) {
    const { Ajv } = require("ajv") as typeof import("ajv");
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(readSchema("policy.json"), "policy.json");
    ajv.addSchema(readSchema("release.json"), "release.json");
    validator = ajv.compile(readSchema("config.json"));
  }
  return validator;
}

/** Finds the config file upward from `cwd`. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The config of a run over `paths` (as ESLint and Ruff find theirs): the nearest config file at or
 * above the first scanned path. One config per run: `others` lists the scanned paths whose own
 * nearest config is another file (the caller warns, naming both).
 */
export function locateConfig(cwd: string, paths: readonly string[]): { file?: string; others: { path: string; file: string | undefined }[] } {
  const nearest = (p: string) => {
    const absolute = path.resolve(cwd, p);
    let start = absolute;
    try {
      if (!statSync(absolute).isDirectory()) start = path.dirname(absolute);
    } catch {
      start = path.dirname(absolute);
    }
    return findConfigFile(start);
  };
  const scanned = paths.length > 0 ? paths : ["."];
  const file = nearest(scanned[0]!);
  const others = scanned
    .slice(1)
    .map((p) => ({ path: p, file: nearest(p) }))
    .filter((o) => o.file !== file);
  return { ...(file ? { file } : {}), others };
}

/** Loads the config: `configFile` false → none; a path → that file; undefined → found upward. */
export function loadConfig(options: { cwd: string; configFile?: string | false; knownRuleIds?: readonly string[] }): LoadedConfig {
  if (options.configFile === false) return { config: {} };
  const file = options.configFile ? path.resolve(options.cwd, options.configFile) : findConfigFile(options.cwd);
  if (!file) return { config: {} };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`${file}: cannot read config file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return { file, config: parseConfigText(file, text, options.knownRuleIds) };
}

/** Parses and validates config text; `file` is used in messages and decides YAML vs JSON. */
export function parseConfigText(file: string, text: string, knownRuleIds?: readonly string[]): GonogoConfig {
  const { data: parsed, document, lineCounter } = parseStructuredText(file, text, "a config");
  let data = parsed;
  if (data === null || data === undefined) data = {};
  const validate = configValidator();
  if (!validate(data)) {
    throw new ConfigError(schemaErrorLines(file, validate.errors ?? [], document, lineCounter).join("\n"));
  }
  const config = data as GonogoConfig;
  checkSemantics(file, config, knownRuleIds, document, lineCounter);
  return config;
}

function checkSemantics(file: string, config: GonogoConfig, knownRuleIds: readonly string[] | undefined, document: Document | undefined, lineCounter: LineCounterType): void {
  const problems: string[] = [];
  const checkRules = (rules: Record<string, RuleSetting> | undefined, at: string[]) => {
    if (!rules || !knownRuleIds) return;
    for (const id of Object.keys(rules)) {
      if (!knownRuleIds.includes(id)) problems.push(`${file}${lineOf(document, lineCounter, [...at, id])}: ${pathText([...at, id])} is not a known rule id (see \`gonogo rules\`)`);
    }
  };
  const checkGlobs = (globs: string[] | undefined, at: string[]) => {
    for (const [i, glob] of (globs ?? []).entries()) {
      try {
        picomatch.makeRe(glob);
        if (/\[[^\]]*$/.test(glob) || /\{[^}]*$/.test(glob)) throw new Error("unbalanced bracket or brace");
      } catch (error) {
        problems.push(`${file}${lineOf(document, lineCounter, [...at, String(i)])}: ${pathText([...at, String(i)])} is not a valid glob (${(error as Error).message})`);
      }
    }
  };
  checkRules(config.rules, ["rules"]);
  checkGlobs(config.ignore, ["ignore"]);
  for (const [i, override] of (config.overrides ?? []).entries()) {
    checkRules(override.rules, ["overrides", String(i), "rules"]);
    checkGlobs(override.files, ["overrides", String(i), "files"]);
  }
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
}

/** The severity a rule has for a file: rule default ← config rules ← matching overrides ← CLI. */
export function ruleSettingFor(
  ruleId: string,
  defaultSeverity: Severity,
  file: string,
  config: GonogoConfig,
  cliRules: Record<string, RuleSetting> | undefined,
  matchers: { match: (file: string) => boolean; rules?: Record<string, RuleSetting> }[],
): RuleSetting {
  let setting: RuleSetting = config.rules?.[ruleId] ?? defaultSeverity;
  for (const m of matchers) {
    const s = m.rules?.[ruleId];
    if (s && m.match(file)) setting = s;
  }
  return cliRules?.[ruleId] ?? setting;
}
