// Finding, parsing and validating gonogo.config.yaml / .yml / .json. Every error names the file,
// the line when known, the path inside the file and what was expected.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ErrorObject } from "ajv";
import picomatch from "picomatch";
import type { Document, LineCounter as LineCounterType } from "yaml";
import { ConfigError } from "../errors.js";

// ajv and yaml load only when a config file is read: a `--no-config` pre-commit scan skips them.
const require = createRequire(import.meta.url);
const yaml = () => require("yaml") as typeof import("yaml");
import type { Severity, SqlDialect } from "../types.js";
import type { RuleSetting } from "./types.js";

export const CONFIG_FILE_NAMES = ["gonogo.config.yaml", "gonogo.config.yml", "gonogo.config.json"];

export interface GonogoConfig {
  project?: string;
  dialect?: SqlDialect;
  migrations?: string | string[];
  ignore?: string[];
  maxFileBytes?: number;
  rules?: Record<string, RuleSetting>;
  /** Per glob: rule settings, and the SQL dialect the matching files are read in. */
  overrides?: { files: string[]; rules?: Record<string, RuleSetting>; dialect?: SqlDialect }[];
  policy?: unknown;
  log?: string;
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
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  let data: unknown;
  let document: Document | undefined;
  if (file.endsWith(".json")) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${file}: invalid JSON: ${(error as Error).message}`);
    }
  } else {
    document = parseDocument(text, { lineCounter, prettyErrors: false });
    if (document.errors.length > 0) {
      const e = document.errors[0]!;
      const pos = lineCounter.linePos(e.pos[0]);
      throw new ConfigError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split("\n")[0]}`);
    }
    try {
      data = document.toJS();
    } catch (error) {
      // The yaml package refuses aliases that expand without bound (a "billion laughs" document).
      throw new ConfigError(`${file}: invalid YAML: ${(error as Error).message} (aliases that expand without bound); expected a config without nested alias expansion`);
    }
  }
  if (data === null || data === undefined) data = {};
  const validate = configValidator();
  if (!validate(data)) {
    const errors = (validate.errors ?? []).filter(usefulError);
    const messages = errors.slice(0, 5).map((e) => describeSchemaError(file, e, document, lineCounter));
    throw new ConfigError(messages.join("\n"));
  }
  const config = data as GonogoConfig;
  checkSemantics(file, config, knownRuleIds, document, lineCounter);
  return config;
}

function usefulError(error: ErrorObject, _index: number, all: ErrorObject[]): boolean {
  // oneOf/anyOf wrappers repeat what their branches said; keep the branch errors when there are any.
  if ((error.keyword === "oneOf" || error.keyword === "anyOf") && all.some((e) => e !== error && e.instancePath.startsWith(error.instancePath))) return false;
  return true;
}

/** JSON Pointer → its segments, unescaped. */
function segmentsOf(instancePath: string): string[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Segments → a readable path such as `environments.production.steps[0].run`. */
function pathText(segments: string[]): string {
  if (segments.length === 0) return "(top level)";
  return segments
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join("")
    .replace(/^\./, "");
}

function lineOf(document: Document | undefined, lineCounter: LineCounterType, segments: string[]): string {
  if (!document) return "";
  const { isMap, isSeq } = yaml();
  let node: unknown = document.contents;
  for (const segment of segments) {
    if (isMap(node)) node = node.get(segment, true);
    else if (isSeq(node)) node = node.get(Number(segment), true);
    else break;
  }
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return "";
  const pos = lineCounter.linePos(range[0]);
  return `:${pos.line}:${pos.col}`;
}

function describeSchemaError(file: string, error: ErrorObject, document: Document | undefined, lineCounter: LineCounterType): string {
  const segments = segmentsOf(error.instancePath);
  let where = pathText(segments);
  let expected = error.message ?? "is invalid";
  if (error.keyword === "additionalProperties") {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    segments.push(key);
    where = pathText(segments);
    expected = "is not a known key";
  } else if (error.keyword === "enum") {
    expected = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (error.keyword === "type") {
    expected = `must be of type ${(error.params as { type: string }).type}`;
  } else if (error.keyword === "pattern" || error.keyword === "propertyNames") {
    expected = error.keyword === "propertyNames" ? `has a key that is not a rule id (family/name): ${JSON.stringify((error.params as { propertyName?: string }).propertyName)}` : `must match ${(error.params as { pattern: string }).pattern}`;
  } else if (error.keyword === "required") {
    expected = `is missing required key "${(error.params as { missingProperty: string }).missingProperty}"`;
  }
  return `${file}${lineOf(document, lineCounter, segments)}: ${where} ${expected}`;
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
