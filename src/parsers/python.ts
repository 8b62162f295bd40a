// The Python grammar (tree-sitter-python). Nothing else imports a grammar; the native modules load
// on first use, so a run that sees no Python never loads them.
import { lazyTreeSitterParser, type Tree } from "./tree-sitter.js";

export { firstSyntaxError, TooComplexError, type SyntaxNode, type Tree } from "./tree-sitter.js";

/** Parses Python source. tree-sitter recovers from errors: check `tree.rootNode.hasError`. */
export const parsePython: (text: string) => Tree = lazyTreeSitterParser("tree-sitter-python", "Python");
