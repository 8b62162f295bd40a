// The indentation errors CPython's tokenizer and parser raise and tree-sitter-python tolerates
// (its tree is clean for all of them): an unindent that matches no outer level, a block that is
// never indented (`def upgrade():` followed by `pass` at the same level), an unexpected indent, and
// tabs and spaces mixed so that the meaning depends on the tab size (TabError). The logical lines
// come from tree-sitter's own tokens (strings are one token, brackets and line continuations
// join lines); the indentation is then measured as Parser/tokenizer.c measures it: a tab advances
// to the next multiple of 8 (and, for the TabError check, counts as 1), a form feed resets it.
import type { Tree } from "./tree-sitter.js";

export interface IndentationError {
  /** CPython's exception and message, e.g. "IndentationError: unexpected indent". */
  message: string;
  /** Offsets in the text of the first token of the offending line. */
  startIndex: number;
  endIndex: number;
}

const TAB_ERROR = "TabError: inconsistent use of tabs and spaces in indentation";
const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);
/** Nodes read as one token: what is inside a string never starts a line. */
const ATOMIC = new Set(["string", "comment", "line_continuation"]);

/** The first indentation error CPython would raise for a tree with no syntax error, if any. */
export function pythonIndentationError(tree: Tree, text: string): IndentationError | undefined {
  const stack = [0];
  const altStack = [0];
  let depth = 0;
  let previousEnd = 0;
  let previousRow = -1;
  let previousType = "";
  /** A backslash joined this physical line to the previous one. */
  let continued = false;
  let header = { startIndex: 0, endIndex: 0 };
  const cursor = tree.walk();
  for (;;) {
    const type = cursor.nodeType;
    if (!ATOMIC.has(type) && cursor.gotoFirstChild()) continue;
    // A token: a leaf, or a whole string or comment.
    if (cursor.endIndex > cursor.startIndex) {
      const start = cursor.startIndex;
      if (type === "comment" || type === "line_continuation") {
        continued ||= type === "line_continuation";
        previousEnd = cursor.endIndex;
      } else {
        const joined = continued || text.slice(previousEnd, start).includes("\\");
        continued = false;
        if (cursor.startPosition.row > previousRow && depth === 0 && !joined) {
          const error = checkLine(start);
          if (error) return { message: error, startIndex: start, endIndex: cursor.endIndex };
          header = { startIndex: start, endIndex: cursor.endIndex };
        }
        if (OPEN.has(type)) depth++;
        else if (CLOSE.has(type) && depth > 0) depth--;
        previousEnd = cursor.endIndex;
        previousRow = cursor.endPosition.row;
        previousType = type;
      }
    }
    while (!cursor.gotoNextSibling()) {
      if (cursor.gotoParent()) continue;
      // The file ends right after a `:` that opens a block.
      return previousType === ":" && depth === 0 ? { message: "IndentationError: expected an indented block", ...header } : undefined;
    }
  }

  /** The logical line starting at `start`, measured against the indentation stack. */
  function checkLine(start: number): string | undefined {
    // The previous logical line ended with the `:` of a compound statement: this one must indent.
    const expectBlock = previousType === ":";
    let lineStart = start;
    while (lineStart > 0 && text[lineStart - 1] !== "\n" && text[lineStart - 1] !== "\r") lineStart--;
    let col = 0;
    let alt = 0;
    for (let i = lineStart; i < start; i++) {
      const ch = text[i];
      if (ch === " ") {
        col++;
        alt++;
      } else if (ch === "\t") {
        col = (Math.floor(col / 8) + 1) * 8;
        alt++;
      } else if (ch === "\f") {
        col = 0;
        alt = 0;
      }
    }
    const top = stack.length - 1;
    if (col === stack[top]) {
      if (alt !== altStack[top]) return TAB_ERROR;
      if (expectBlock) return "IndentationError: expected an indented block";
    } else if (col > stack[top]!) {
      if (alt <= altStack[top]!) return TAB_ERROR;
      if (!expectBlock) return "IndentationError: unexpected indent";
      stack.push(col);
      altStack.push(alt);
    } else {
      if (expectBlock) return "IndentationError: expected an indented block";
      while (stack.length > 1 && col < stack[stack.length - 1]!) {
        stack.pop();
        altStack.pop();
      }
      if (col !== stack[stack.length - 1]) return "IndentationError: unindent does not match any outer indentation level";
      if (alt !== altStack[altStack.length - 1]) return TAB_ERROR;
    }
    return undefined;
  }
}
