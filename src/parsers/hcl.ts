// The HCL / Terraform grammar (@tree-sitter-grammars/tree-sitter-hcl). Loaded on first use, so a
// run that sees no .tf file never loads the native module.
import { createRequire } from "node:module";
import type ParserType from "tree-sitter";

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

const require = createRequire(import.meta.url);
let parser: ParserType | undefined;

function hclParser(): ParserType {
  if (!parser) {
    const Parser = require("tree-sitter") as typeof ParserType;
    const Hcl = require("@tree-sitter-grammars/tree-sitter-hcl") as ParserType.Language;
    parser = new Parser();
    parser.setLanguage(Hcl);
  }
  return parser;
}

/** Parses HCL (Terraform, OpenTofu). tree-sitter recovers from errors: check `tree.rootNode.hasError`. */
export function parseHcl(text: string): Tree {
  return hclParser().parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
}
