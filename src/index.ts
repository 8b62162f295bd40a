// The public API of gonogo.
export { scan } from "./engine/scan.js";
export type { ScanOptions, ScanResult, RuleSetting } from "./engine/types.js";
export { UNANALYSED_RULE_IDS } from "./engine/types.js";
export type * from "./types.js";
export type * from "./extract/facts.js";
export { allRules, findRule } from "../rules/index.js";
export type { Rule, RuleExample, RuleDocs, ProjectFacts } from "../rules/index.js";
