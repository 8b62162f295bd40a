// The Python grammar (tree-sitter-python). Nothing else imports a grammar; the native modules load
// on first use, so a run that sees no Python never loads them.
import { createRequire } from "node:module";
import type ParserType from "tree-sitter";

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

const require = createRequire(import.meta.url);
let parser: ParserType | undefined;

function pythonParser(): ParserType {
  if (!parser) {
    const Parser = require("tree-sitter") as typeof ParserType;
    const Python = require("tree-sitter-python") as ParserType.Language;
    parser = new Parser();
    parser.setLanguage(Python);
  }
  return parser;
}

/** Parses Python source. tree-sitter recovers from errors: check `tree.rootNode.hasError`. */
export function parsePython(text: string): Tree {
  // The binding reads the input in chunks; a buffer of the text's size avoids re-reads on big files.
  return pythonParser().parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
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
