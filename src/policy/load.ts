// Loading a policy: parse, validate against schema/policy.json, merge over the defaults, resolve `extends`.
import { readFile } from "node:fs/promises";
import { extname, isAbsolute, relative, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { allRules } from "../../rules/index.js";
import { UNANALYSED_RULE_IDS } from "../engine/types.js";
import { BUILTIN_ENVIRONMENTS, DEFAULT_ROLLBACK_TRIGGERS, DEFAULT_TABLE_SIZE, defaultPolicy } from "./defaults.js";
import { ConfigError } from "./errors.js";
import { describeSchemaError, policyValidator } from "./schema.js";
import type { EnvironmentPolicy, FreezeWindow, Policy, RollbackTriggers, TableSizeThresholds } from "./types.js";

/** A policy file as written: every key optional. */
interface PolicyDocument {
  rollbackTriggers?: Partial<RollbackTriggers>;
  environments?: Record<string, EnvironmentSpec>;
}

interface EnvironmentSpec {
  extends?: string;
  approval?: EnvironmentPolicy["approval"];
  rollbackApproval?: EnvironmentPolicy["rollbackApproval"];
  autoRollback?: boolean;
  failClosed?: boolean;
  block?: Partial<EnvironmentPolicy["block"]>;
  require?: Partial<EnvironmentPolicy["require"]>;
  rollbackTriggers?: Partial<RollbackTriggers>;
  approvers?: string[];
  interactiveApproval?: boolean;
  tableSize?: Partial<TableSizeThresholds>;
  freeze?: (Omit<FreezeWindow, "timeZone" | "effect"> & Partial<Pick<FreezeWindow, "timeZone" | "effect">>)[];
}

export interface LoadPolicyOptions {
  cwd: string;
  /** A policy file (YAML or JSON); takes precedence over the config's `policy` section. */
  policyFile?: string;
  /** The `policy` section of the config file, already parsed. */
  configPolicy?: unknown;
  /** The config file the section came from, for messages. */
  configFile?: string;
}

/**
 * The effective policy: the default policy, with the policy file (or else the config's `policy`
 * section) merged over it. Throws a ConfigError naming the file, the JSON path and what was expected.
 */
export async function loadPolicy(opts: LoadPolicyOptions): Promise<Policy> {
  if (opts.policyFile !== undefined) {
    const file = isAbsolute(opts.policyFile) ? opts.policyFile : resolve(opts.cwd, opts.policyFile);
    const shown = displayPath(opts.cwd, file);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`${shown}: cannot read policy file (${code === "ENOENT" ? "no such file" : (code ?? String(error))})`, shown);
    }
    const document = parsePolicyText(text, shown, extname(file).toLowerCase() === ".json");
    return resolvePolicy(document, { file: shown, text, prefix: [] });
  }
  if (opts.configPolicy !== undefined && opts.configPolicy !== null) {
    const shown = opts.configFile !== undefined ? displayPath(opts.cwd, resolve(opts.cwd, opts.configFile)) : "config";
    let text: string | undefined;
    if (opts.configFile !== undefined) text = await readFile(resolve(opts.cwd, opts.configFile), "utf8").catch(() => undefined);
    return resolvePolicy(opts.configPolicy, { file: shown, text, prefix: ["policy"] });
  }
  return defaultPolicy();
}

function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return (rel.startsWith("..") || isAbsolute(rel) ? file : rel).split("\\").join("/");
}

/** Parses YAML or JSON text; syntax errors become ConfigErrors with the line. */
export function parsePolicyText(text: string, file: string, json: boolean): unknown {
  if (json) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ConfigError(`${file}: invalid JSON: ${(error as Error).message}`, file);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(`${file}:${line}:${col}: invalid YAML: ${first.message.split("\n")[0]}`, file, undefined, line);
  }
  try {
    return doc.toJS() as unknown;
  } catch (error) {
    // The yaml package refuses aliases that expand without bound (a "billion laughs" document).
    throw new ConfigError(`${file}: invalid YAML: ${(error as Error).message} (aliases that expand without bound); expected a policy without nested alias expansion`, file);
  }
}

interface Origin {
  file: string;
  /** The file's text, to find the line of a JSON path. */
  text?: string;
  /** Path of the policy inside the file (["policy"] inside a config file). */
  prefix: string[];
}

function lineOf(origin: Origin, segments: string[]): number | undefined {
  if (origin.text === undefined) return undefined;
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(origin.text, { lineCounter });
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn([...origin.prefix, ...segments.slice(0, n)], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
  } catch {
    // Best effort: the message still names the file and the path.
  }
  return undefined;
}

function fail(origin: Origin, segments: string[], expected: string): never {
  const jsonPath = "/" + [...origin.prefix, ...segments].join("/");
  const line = lineOf(origin, segments);
  throw new ConfigError(`${origin.file}${line !== undefined ? `:${line}` : ""}: ${jsonPath}: expected ${expected}`, origin.file, jsonPath, line);
}

function segmentsOf(instancePath: string): string[] {
  return instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Validates a parsed policy document and resolves it over the defaults. */
export function resolvePolicy(document: unknown, origin: Origin): Policy {
  const validate = policyValidator();
  if (!validate(document)) {
    const errors = (validate.errors ?? []).map(describeSchemaError);
    // The most specific error first: the deepest path.
    errors.sort((a, b) => b.path.length - a.path.length);
    const worst = errors[0] ?? { path: "", expected: "a policy object" };
    fail(origin, segmentsOf(worst.path), worst.expected);
  }
  const doc = document as PolicyDocument;
  const known = new Set([...allRules.map((r) => r.id), ...UNANALYSED_RULE_IDS]);
  const specs = doc.environments ?? {};
  for (const [name, spec] of Object.entries(specs)) {
    (spec.block?.rules ?? []).forEach((ruleId, index) => {
      if (!known.has(ruleId)) fail(origin, ["environments", name, "block", "rules", String(index)], `a known rule id, got "${ruleId}"`);
    });
  }

  const base = defaultPolicy();
  const triggers = { ...DEFAULT_ROLLBACK_TRIGGERS, ...doc.rollbackTriggers };
  for (const env of Object.values(base.environments)) env.rollbackTriggers = { ...triggers };

  const resolved: Record<string, EnvironmentPolicy> = {};
  const resolving: string[] = [];
  const resolveEnvironment = (name: string): EnvironmentPolicy => {
    const done = resolved[name];
    if (done) return done;
    const spec = specs[name];
    if (spec === undefined) {
      const builtin = base.environments[name];
      if (builtin === undefined) throw new Error(`unreachable: ${name}`);
      return (resolved[name] = builtin);
    }
    if (resolving.includes(name)) fail(origin, ["environments", name, "extends"], `no cycle, got ${[...resolving, name].join(" → ")}`);
    resolving.push(name);
    let parent: EnvironmentPolicy;
    if (spec.extends !== undefined) {
      if (specs[spec.extends] === undefined && base.environments[spec.extends] === undefined)
        fail(origin, ["environments", name, "extends"], `a declared environment, got "${spec.extends}"`);
      if (spec.extends === name) fail(origin, ["environments", name, "extends"], "another environment than itself");
      parent = resolveEnvironment(spec.extends);
    } else {
      // A built-in environment starts from its default; a new one from production, the strictest.
      parent = (base.environments[name] ?? base.environments.production) as EnvironmentPolicy;
    }
    resolving.pop();
    const env: EnvironmentPolicy = {
      approval: spec.approval ?? parent.approval,
      rollbackApproval: spec.rollbackApproval ?? parent.rollbackApproval,
      block: { ...parent.block, ...spec.block },
      autoRollback: spec.autoRollback ?? parent.autoRollback,
      failClosed: spec.failClosed ?? parent.failClosed,
      require: { ...parent.require, ...spec.require },
      rollbackTriggers: { ...parent.rollbackTriggers, ...spec.rollbackTriggers },
      tableSize: { ...(parent.tableSize ?? DEFAULT_TABLE_SIZE), ...spec.tableSize },
    };
    const size = env.tableSize!;
    if (size.highAboveRows > size.criticalAboveRows) fail(origin, ["environments", name, "tableSize", "highAboveRows"], `at most criticalAboveRows (${size.criticalAboveRows}), got ${size.highAboveRows}`);
    if (size.highAboveBytes > size.criticalAboveBytes) fail(origin, ["environments", name, "tableSize", "highAboveBytes"], `at most criticalAboveBytes (${size.criticalAboveBytes}), got ${size.highAboveBytes}`);
    if (size.infoBelowRows > size.highAboveRows) fail(origin, ["environments", name, "tableSize", "infoBelowRows"], `at most highAboveRows (${size.highAboveRows}), got ${size.infoBelowRows}`);
    if (spec.extends !== undefined) env.extends = spec.extends;
    const approvers = spec.approvers ?? parent.approvers;
    if (approvers !== undefined) env.approvers = [...approvers];
    const interactive = spec.interactiveApproval ?? parent.interactiveApproval;
    if (interactive !== undefined) env.interactiveApproval = interactive;
    const freeze = spec.freeze?.map((w, i): FreezeWindow => {
      const timeZone = w.timeZone ?? "UTC";
      try {
        new Intl.DateTimeFormat("en-US", { timeZone });
      } catch {
        fail(origin, ["environments", name, "freeze", String(i), "timeZone"], `an IANA time zone such as "Europe/Berlin", got "${timeZone}"`);
      }
      return { days: [...w.days], from: w.from, to: w.to, timeZone, effect: w.effect ?? "no-go", ...(w.reason !== undefined ? { reason: w.reason } : {}) };
    }) ?? parent.freeze;
    if (freeze !== undefined) env.freeze = freeze;
    return (resolved[name] = env);
  };
  for (const name of [...BUILTIN_ENVIRONMENTS, ...Object.keys(specs).sort()]) resolveEnvironment(name);
  return { environments: resolved, source: origin.prefix.length > 0 ? `${origin.file}#/${origin.prefix.join("/")}` : origin.file };
}
