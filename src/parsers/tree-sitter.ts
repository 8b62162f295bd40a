// What the tree-sitter grammars share: lazy loading of the native parser and the search for the
// first syntax error. Each grammar module (python.ts, bash.ts, hcl.ts) is a thin wrapper over this.
import { createRequire } from "node:module";
import type ParserType from "tree-sitter";
import { TooComplexError } from "../errors.js";

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;
export type TreeCursor = ParserType.TreeCursor;

const require = createRequire(import.meta.url);

/**
 * How much parsing one file may cost, in tree-sitter progress checks (the parser checks in every
 * ~100 parse operations; one check is ~20-45 syntax nodes, ~60 µs). 50,000 checks are ~1-2 million
 * nodes: several megabytes of ordinary code, but not a 10 MB line of `1, 1, 1, …`, whose parse
 * alone takes 15 s and whose tree several gigabytes. Counted, not timed, so the outcome is the same
 * on every machine.
 */
export const MAX_PARSE_CHECKS = 50_000;

// A file whose syntax tree would exceed the parse budget: reported as not analysed.
export { TooComplexError };

/**
 * A parse function for the grammar in package `languageModule`. Nothing is loaded until the first
 * call, so a run that sees no file of that language never loads the native modules. Throws
 * TooComplexError past the parse budget. The last tree is kept, so a file read twice (once to
 * decide its role, once to analyse it) is parsed once.
 */
export function lazyTreeSitterParser(languageModule: string, language: string): (text: string) => Tree {
  let parser: ParserType | undefined;
  let last: { text: string; tree: Tree } | undefined;
  return (text) => {
    if (last?.text === text) return last.tree;
    if (!parser) {
      const Parser = require("tree-sitter") as typeof ParserType;
      parser = new Parser();
      parser.setLanguage(require(languageModule) as ParserType.Language);
    }
    let checks = 0;
    // The binding reads the input in chunks; a buffer of the text's size avoids re-reads on big files.
    const tree = parser.parse(text, undefined, {
      bufferSize: Math.max(32 * 1024, text.length * 2 + 2),
      progressCallback: () => ++checks > MAX_PARSE_CHECKS,
    }) as Tree | null | undefined;
    if (!tree) {
      // A halted parse resumes on the next call unless the parser is reset.
      parser.reset();
      last = undefined;
      throw new TooComplexError(`the ${language} syntax tree would exceed gonogo's parse budget (${MAX_PARSE_CHECKS.toLocaleString("en-US")} parser checks, about 1-2 million syntax nodes): too complex to analyse`);
    }
    last = { text, tree };
    return tree;
  };
}

/** The first ERROR or MISSING node, for a parse-error finding that points at the problem. */
export function firstSyntaxError(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === "ERROR" || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    const found = firstSyntaxError(child);
    if (found) return found;
  }
  return node;
}
