// The shape of a rule. A rule reads facts (never syntax) and reports findings through `report`.
import type { DynamicSql, Migration, ParseProblem, RevisionGraph, SchemaChange, StorageAction } from "../src/extract/facts.js";
import type { Severity, SourceLocation } from "../src/types.js";

/** Facts of a whole scan, by name. A rule declares which of them it reads. */
export interface ProjectFacts {
  schemaChanges: SchemaChange[];
  dynamicSql: DynamicSql[];
  storageActions: StorageAction[];
  parseProblems: ParseProblem[];
  migrations: Migration[];
  revisionGraphs: RevisionGraph[];
}

export type FactName = keyof ProjectFacts;

export type RuleFamily = "alembic" | "sql" | "infra" | "gonogo";

export interface RuleDocs {
  /** One sentence: what the rule finds. */
  summary: string;
  /** Why it is dangerous. */
  why: string;
  /** What to do instead. */
  instead: string;
  /** How the rule decides, where that is not obvious (markdown, rendered as its own section). */
  details?: string;
}

/** An example file. `file` decides how it is read (`versions/0042_x.py` is a migration, `x.sql` SQL, `main.tf` Terraform). */
export interface RuleExample {
  file: string;
  code: string;
  /** Other files scanned with it (e.g. the base revision's migration for graph rules). */
  siblings?: { file: string; code: string }[];
  /** Scan options for this example (e.g. `{ dialect: "mysql" }`). */
  options?: Record<string, unknown>;
}

/** Where an invalid example's one finding lands (1-based, as in reports) and what it says. */
export interface ExpectedFinding {
  line: number;
  column: number;
  message: string;
}

/** An example the rule reports exactly once, at `finding` (like ESLint's RuleTester `errors`). */
export interface InvalidRuleExample extends RuleExample {
  finding: ExpectedFinding;
}

export interface Report {
  /** Report a finding at `at` (a location or anything that has one). `data` is kept on the finding. */
  (at: SourceLocation | { location: SourceLocation }, message: string, data?: Record<string, unknown>): void;
}

export interface Rule<R extends FactName = FactName> {
  id: string;
  family: RuleFamily;
  reads: R | readonly R[];
  severity: Severity;
  docs: RuleDocs;
  examples: { invalid: InvalidRuleExample[]; valid: RuleExample[] };
  check(facts: Pick<ProjectFacts, R>, report: Report): void;
}

/** Typed identity: the facts a rule reads decide the type of `facts` in `check`. */
export function defineRule<R extends FactName>(rule: Rule<R>): Rule<R> {
  return rule;
}

/** Where a rule's documentation lives; findings link to it. */
export function docsUrlFor(ruleId: string): string {
  return `https://github.com/gonogo-dev/gonogo/blob/main/docs/rules/${ruleId}.md`;
}
