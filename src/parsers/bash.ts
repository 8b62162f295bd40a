// The shell grammar (tree-sitter-bash), for scripts, Makefile recipes, package.json scripts and CI
// steps. Loaded on first use.
import { createRequire } from "node:module";
import type ParserType from "tree-sitter";

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

const require = createRequire(import.meta.url);
let parser: ParserType | undefined;

function bashParser(): ParserType {
  if (!parser) {
    const Parser = require("tree-sitter") as typeof ParserType;
    const Bash = require("tree-sitter-bash") as ParserType.Language;
    parser = new Parser();
    parser.setLanguage(Bash);
  }
  return parser;
}

/** Parses shell source. Node indices are UTF-16 offsets into `text`. */
export function parseBash(text: string): Tree {
  return bashParser().parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
}
