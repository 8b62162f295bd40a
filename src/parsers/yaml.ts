// YAML (the `yaml` package), with node ranges so facts can point at exact positions. CloudFormation
// short tags (!Ref, !Sub, !GetAtt …) stay on the nodes as `tag` and are not errors.
import { createRequire } from "node:module";
import type { Document } from "yaml";

const require = createRequire(import.meta.url);
type YamlModule = typeof import("yaml");
let yaml: YamlModule | undefined;

export function yamlModule(): YamlModule {
  yaml ??= require("yaml") as YamlModule;
  return yaml;
}

export interface YamlParseResult {
  documents: Document.Parsed[];
  /** Syntax errors, with UTF-16 offsets into the text. */
  errors: { message: string; offset: number; endOffset: number; overBudget?: true }[];
}

/**
 * The most YAML tokens a file may hold to be analysed. Counted, not timed, so the outcome is the same
 * on every machine: a 10 MB file of merge keys (about 5 million tokens) took the yaml package 38 s
 * and 1.5 GB to compose; past the budget a file is one parse error (production fails closed), found
 * by the lexer alone (about 0.3 s for the first million tokens). A file shorter than the budget in
 * UTF-16 units cannot hold more tokens than that, so ordinary files are never lexed twice.
 */
export const YAML_TOKEN_BUDGET = 1_000_000;

/** The offset where a text's tokens first exceed the budget, or undefined when they never do. */
function overBudgetAt(text: string): number | undefined {
  if (text.length <= YAML_TOKEN_BUDGET) return undefined;
  let tokens = 0;
  let offset = 0;
  for (const token of new (yamlModule().Lexer)().lex(text)) {
    offset += token.length;
    if (++tokens > YAML_TOKEN_BUDGET) return Math.min(offset, text.length);
  }
  return undefined;
}

/** Parses every document of a YAML stream. Never throws for bad input: errors are returned. */
export function parseYaml(text: string): YamlParseResult {
  const over = overBudgetAt(text);
  if (over !== undefined) {
    return { documents: [], errors: [{ message: `more than ${YAML_TOKEN_BUDGET.toLocaleString("en-US")} tokens, over the parse budget`, offset: over, endOffset: over, overBudget: true }] };
  }
  const documents = yamlModule().parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [];
  const errors: YamlParseResult["errors"] = [];
  if (!Array.isArray(documents)) {
    // An EmptyStream carries its own errors.
    for (const e of (documents as { errors?: { message: string; pos: [number, number] }[] }).errors ?? [])
      errors.push({ message: errorMessage(e.message), offset: e.pos[0], endOffset: e.pos[1] });
  }
  for (const doc of list)
    for (const e of doc.errors) errors.push({ message: errorMessage(e.message), offset: e.pos[0], endOffset: e.pos[1] });
  return { documents: list, errors };
}

/**
 * The yaml library's message without its code frame: its first line, which ends by naming the
 * place ("… at line 5, column 1:") that the finding already points at, so that ending is dropped.
 */
function errorMessage(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, "");
}
