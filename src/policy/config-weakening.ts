// How the effective policy and the config's rule settings got weaker since `--base`. The config at
// base is the one discovery would have found there: a second config file added by the change that
// takes precedence (gonogo.config.yaml beside a .json, or one nearer the working directory) is
// itself a weakening, and the base config it shadows is what the head config is compared with.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { findRule } from "../../rules/index.js";
import { CONFIG_FILE_NAMES, findConfigFile, parseConfigText, type GonogoConfig } from "../engine/config.js";
import { readFileAtRevision, workTreeRoot } from "../git.js";
import { defaultPolicy } from "./defaults.js";
import { parsePolicyText, resolvePolicy } from "./load.js";
import { withRollbackApprovalOverrides } from "./rollback.js";
import type { Policy } from "./types.js";
import { environmentWeakenings, ruleSettingWeakenings } from "./weakening.js";

export interface ConfigWeakeningInput {
  cwd: string;
  base: string;
  env: string;
  headConfig: GonogoConfig;
  /** The config file used at head (undefined: none). */
  configFile: string | undefined;
  /** The `--config` given (false: `--no-config`; undefined: discovered). */
  configOption: string | false | undefined;
  policyFile: string | undefined;
  headPolicy: Policy;
}

const real = (file: string) => {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
};

/**
 * The config file discovery finds from `cwd` at revision `base`, and its text: inside the work tree
 * read from git, above it (not part of any change) from disk.
 */
export async function configFileAtRevision(cwd: string, base: string): Promise<{ file: string; text: string } | undefined> {
  const root = await workTreeRoot(cwd);
  let dir = real(cwd);
  for (;;) {
    const inTree = root !== undefined && (dir === root || dir.startsWith(root + path.sep));
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (inTree) {
        const text = await readFileAtRevision(cwd, base, candidate);
        if (text !== undefined) return { file: candidate, text };
      } else if (existsSync(candidate)) {
        // Above the work tree: no change touches it, so the file on disk is the file at base.
        return { file: candidate, text: readFileSync(candidate, "utf8") };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** One sentence per way production (and the config's rule settings) got weaker since `base`. */
export async function weakeningsSinceBase(o: ConfigWeakeningInput): Promise<string[]> {
  const changes: string[] = [];
  const shown = (file: string) => path.relative(real(o.cwd), real(file)).split(path.sep).join("/") || path.basename(file);
  let baseConfig: GonogoConfig = {};
  // The release wrappers name the file discovery found: that is discovery too, and so is the base's.
  const found = o.configOption === undefined || o.configOption === false ? undefined : findConfigFile(o.cwd);
  const discovered = o.configOption === undefined || (o.configFile !== undefined && found !== undefined && real(found) === real(o.configFile));
  if (discovered) {
    const atBase = await configFileAtRevision(o.cwd, o.base);
    if (atBase !== undefined && (o.configFile === undefined || real(o.configFile) !== real(atBase.file))) {
      if (o.configFile !== undefined) changes.push(`${shown(o.configFile)} takes precedence over ${shown(atBase.file)}, the config at ${o.base}`);
      else changes.push(`${shown(atBase.file)}, the config at ${o.base}, is gone`);
    }
    if (atBase !== undefined) baseConfig = parseConfigText(`${atBase.file}@${o.base}`, atBase.text);
  } else if (o.configFile !== undefined) {
    const text = await readFileAtRevision(o.cwd, o.base, o.configFile);
    if (text !== undefined) baseConfig = parseConfigText(`${o.configFile}@${o.base}`, text);
  }
  let basePolicy = defaultPolicy();
  const policyAtBase = o.policyFile !== undefined ? await readFileAtRevision(o.cwd, o.base, path.resolve(o.cwd, o.policyFile)) : undefined;
  if (o.policyFile !== undefined && policyAtBase !== undefined) {
    const file = `${o.policyFile}@${o.base}`;
    basePolicy = resolvePolicy(parsePolicyText(policyAtBase, file, path.extname(o.policyFile).toLowerCase() === ".json"), { file, prefix: [] });
  } else if (baseConfig.policy !== undefined && baseConfig.policy !== null) {
    basePolicy = resolvePolicy(baseConfig.policy, { file: `config@${o.base}`, prefix: ["policy"] });
  }
  // The config's environments.<name>.rollbackApproval overrides the policy's: compare with it applied.
  basePolicy = withRollbackApprovalOverrides(basePolicy, baseConfig.environments);
  const head = withRollbackApprovalOverrides(o.headPolicy, o.headConfig.environments).environments[o.env];
  // An environment new since base is held to what base would have given the strictest one.
  const before = basePolicy.environments[o.env] ?? basePolicy.environments.production;
  if (head && before) changes.push(...environmentWeakenings(o.env, before, head));
  changes.push(...ruleSettingWeakenings(baseConfig, o.headConfig, (id) => findRule(id)?.severity));
  return changes;
}
