// The registry of every rule, by family. Each family keeps its own sorted list.
import type { Rule } from "./define.js";
import { alembicRules } from "./alembic/index.js";
import { gonogoRules } from "./gonogo/index.js";
import { infraRules } from "./infra/index.js";
import { sqlRules } from "./sql/index.js";

export const allRules: readonly Rule[] = [...alembicRules, ...sqlRules, ...infraRules, ...gonogoRules];

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.id === id);
}

export { defineRule, docsUrlFor } from "./define.js";
export type { Rule, RuleExample, RuleDocs, ProjectFacts, FactName, Report } from "./define.js";
