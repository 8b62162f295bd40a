// The shell grammar (tree-sitter-bash), for scripts, Makefile recipes, package.json scripts and CI
// steps. Loaded on first use.
import { lazyTreeSitterParser, type Tree } from "./tree-sitter.js";

export { firstSyntaxError, TooComplexError, type SyntaxNode, type Tree } from "./tree-sitter.js";

/** Parses shell source. Node indices are UTF-16 offsets into `text`. */
export const parseBash: (text: string) => Tree = lazyTreeSitterParser("tree-sitter-bash", "shell");
