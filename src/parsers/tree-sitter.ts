// What the tree-sitter grammars share: lazy loading of the native parser and the search for the
// first syntax error. Each grammar module (python.ts, bash.ts, hcl.ts) is a thin wrapper over this.
import { createRequire } from "node:module";
import type ParserType from "tree-sitter";

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

const require = createRequire(import.meta.url);

/**
 * A parse function for the grammar in package `languageModule`. Nothing is loaded until the first
 * call, so a run that sees no file of that language never loads the native modules.
 */
export function lazyTreeSitterParser(languageModule: string): (text: string) => Tree {
  let parser: ParserType | undefined;
  return (text) => {
    if (!parser) {
      const Parser = require("tree-sitter") as typeof ParserType;
      parser = new Parser();
      parser.setLanguage(require(languageModule) as ParserType.Language);
    }
    // The binding reads the input in chunks; a buffer of the text's size avoids re-reads on big files.
    return parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
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
