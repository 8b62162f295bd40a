/**
 * The ESLint 9 flat-config plugin (`import gonogo from "gonogo/eslint-plugin"`): gonogo's infra
 * rules on JS/TS files inside `eslint .`.
 *
 * @module gonogo/eslint-plugin
 */
// ESLint 9 flat-config plugin (`gonogo/eslint-plugin`): reports the infra/* storage findings in
// JS/TS files inside `eslint .`. Nothing is detected here: each ESLint rule hands the file's text to
// the same infra extractor `gonogo scan` uses and runs the same rule module on the facts.
import path from "node:path";
import type { ESLint, Linter, Rule as EslintRule, SourceCode } from "eslint";
import type { ProjectFacts, Rule } from "../../rules/define.js";
import { docsUrlFor } from "../../rules/define.js";
import { infraRules } from "../../rules/infra/index.js";
import type { FileFacts } from "../extract/facts.js";
import { analyseInfraFile, infraFileKind } from "../extract/infra/index.js";
import { applySuppressions } from "../engine/suppress.js";
import { eslintSeverity, type Finding, type SourceLocation } from "../types.js";
import { VERSION } from "../version.js";
import { textParser } from "./text-parser.js";

/**
 * Infra rules that make sense on one JS/TS file. `infra/bucket-removed` compares with a git base
 * revision, which a single-file lint does not have; `gonogo scan --base REV` reports it.
 */
const PER_FILE_RULES: readonly Rule[] = infraRules.filter((rule) => rule.id !== "infra/bucket-removed");

/** `infra/bucket-delete` → `bucket-delete` (used as `gonogo/bucket-delete`). */
export function eslintRuleName(ruleId: string): string {
  return ruleId.slice(ruleId.indexOf("/") + 1);
}

// One extraction per linted file, shared by every gonogo rule (ESLint gives each rule the same SourceCode).
const factsCache = new WeakMap<SourceCode, FileFacts>();

/** The path the extractor sees: relative to ESLint's cwd when inside it, POSIX separators. */
function extractorPath(filename: string, cwd: string): string {
  // RuleTester and `lintText` without a name use placeholders such as "<input>" or "file.js".
  if (!path.isAbsolute(filename)) return filename.startsWith("<") ? "input.js" : filename.split(path.sep).join("/");
  const relative = path.relative(cwd, filename);
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  return (inside ? relative : path.basename(filename)).split(path.sep).join("/");
}

function factsOf(sourceCode: SourceCode, file: string): FileFacts {
  let facts = factsCache.get(sourceCode);
  if (!facts) {
    facts = analyseInfraFile(file, sourceCode.text).facts;
    factsCache.set(sourceCode, facts);
  }
  return facts;
}

function projectFactsOf(facts: FileFacts): ProjectFacts {
  return {
    schemaChanges: facts.schemaChanges,
    dynamicSql: facts.dynamicSql,
    storageActions: facts.storageActions,
    parseProblems: facts.parseProblems,
    migrations: [],
    revisionGraphs: [],
  };
}

/** gonogo locations are 1-based with exclusive end columns; ESLint's `loc` columns are 0-based. */
function eslintLoc(location: SourceLocation): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return {
    start: { line: location.line, column: location.column - 1 },
    end: { line: location.endLine, column: location.endColumn - 1 },
  };
}

function toEslintRule(rule: Rule): EslintRule.RuleModule {
  return {
    meta: {
      type: "problem",
      docs: { description: rule.docs.summary, url: docsUrlFor(rule.id), recommended: true },
      schema: [],
    },
    create(context) {
      const file = extractorPath(context.filename, context.cwd);
      if (infraFileKind(file) !== "javascript") return {};
      return {
        Program() {
          const facts = factsOf(context.sourceCode, file);
          const found: Finding[] = [];
          rule.check(projectFactsOf(facts), (at, message, data) => {
            const location = "location" in at ? at.location : at;
            found.push({
              ruleId: rule.id,
              severity: rule.severity,
              message,
              ...location,
              why: rule.docs.why,
              instead: rule.docs.instead,
              docsUrl: docsUrlFor(rule.id),
              ...(data ? { data } : {}),
            });
          });
          // `// gonogo-disable-next-line infra/… -- reason` works in ESLint as in `gonogo scan`.
          for (const finding of applySuppressions(found, facts.directives).kept) {
            context.report({ loc: eslintLoc(finding), message: finding.message });
          }
        },
      };
    },
  };
}

type GonogoPlugin = ESLint.Plugin & {
  rules: Record<string, EslintRule.RuleModule>;
  configs: { recommended: Linter.Config; typescript: Linter.Config };
};

const rules: Record<string, EslintRule.RuleModule> = Object.fromEntries(PER_FILE_RULES.map((rule) => [eslintRuleName(rule.id), toEslintRule(rule)]));

const plugin: GonogoPlugin = {
  meta: { name: "gonogo", version: VERSION },
  rules,
  configs: { recommended: {}, typescript: {} },
};

/**
 * Every gonogo rule at its default severity: critical/high → "error", medium/low/info → "warn".
 * No `files` key: the rules only act on JS/TS files, and listing `.ts` here would make ESLint lint
 * TypeScript with a parser the user did not configure.
 */
plugin.configs.recommended = {
  name: "gonogo/recommended",
  plugins: { gonogo: plugin },
  rules: Object.fromEntries(PER_FILE_RULES.map((rule) => [`gonogo/${eslintRuleName(rule.id)}`, eslintSeverity(rule.severity) === 2 ? "error" : "warn"])),
};

/**
 * TypeScript files (`.ts`, `.tsx`, `.mts`, `.cts`) for projects without typescript-eslint: ESLint
 * lints only the files some config object names, and needs a parser that reads TypeScript. The
 * text parser checks the syntax and keeps the comments; other rules see an empty program there.
 * With typescript-eslint, use `recommended` alone: its configs already name and parse these files.
 */
plugin.configs.typescript = {
  name: "gonogo/typescript",
  files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"],
  languageOptions: { parser: textParser },
  plugins: { gonogo: plugin },
  rules: plugin.configs.recommended.rules,
};

export default plugin;
export { rules, PER_FILE_RULES };
