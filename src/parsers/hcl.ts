// The HCL / Terraform grammar (@tree-sitter-grammars/tree-sitter-hcl). Loaded on first use, so a
// run that sees no .tf file never loads the native module.
import { lazyTreeSitterParser, type Tree } from "./tree-sitter.js";

export { firstSyntaxError, TooComplexError, type SyntaxNode, type Tree } from "./tree-sitter.js";

/** Parses HCL (Terraform, OpenTofu). tree-sitter recovers from errors: check `tree.rootNode.hasError`. */
export const parseHcl: (text: string) => Tree = lazyTreeSitterParser("@tree-sitter-grammars/tree-sitter-hcl", "HCL");
