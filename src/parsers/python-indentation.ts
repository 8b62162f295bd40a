// The indentation errors CPython's tokenizer and parser raise and tree-sitter-python tolerates
// (its tree is clean for all of them): an unindent that matches no outer level, a block that is
// never indented (`def upgrade():` followed by `pass` at the same level), an unexpected indent, and
// tabs and spaces mixed so that the meaning depends on the tab size (TabError). The logical lines
// come from tree-sitter's own tokens (strings are one token, brackets and line continuations
// join lines); the indentation is then measured as Parser/tokenizer.c measures it: a tab advances
// to the next multiple of 8 (and, for the TabError check, counts as 1), a form feed resets it.
// The walk reads as few nodes as give the same answer: a bracketed group as its two brackets, and
// a node on one row as a whole (only its first token can start a line); each node read costs
// crossings into tree-sitter, which made this check as slow as the parse (bench/RESULTS.md).
import type { Tree, TreeCursor } from "./tree-sitter.js";

export interface IndentationError {
  /** CPython's exception and message, e.g. "IndentationError: unexpected indent". */
  message: string;
  /** Offsets in the text of the first token of the offending line. */
  startIndex: number;
  endIndex: number;
}

const TAB_ERROR = "TabError: inconsistent use of tabs and spaces in indentation";

/** How the walk treats a node type (by the grammar's symbol id; see `kinds`). */
const enum Kind {
  /** Any other node: its children are read, or it is a token. */
  Other,
  /** Read as one token: what is inside a string never starts a line. */
  Atomic,
  Open,
  Close,
  /**
   * A rule that is `(`/`[`/`{` … the matching bracket and nothing else (argument lists, tuples,
   * lists, comprehensions…): in a tree with no syntax error, every token inside is within
   * brackets, so none starts a logical line. The walk reads its two brackets only, which is what
   * makes it cheap: most of a migration's tokens are call arguments.
   */
  Group,
}

const ATOMIC = new Set(["string", "comment", "line_continuation"]);
const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);
const GROUPS = new Set([
  "argument_list",
  "parameters",
  "parenthesized_expression",
  "parenthesized_list_splat",
  "generator_expression",
  "tuple",
  "list",
  "set",
  "dictionary",
  "list_comprehension",
  "set_comprehension",
  "dictionary_comprehension",
  "tuple_pattern",
  "list_pattern",
  "dict_pattern",
  "type_parameter",
]);
const MATCHING: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/**
 * Per grammar, per symbol id: the type name and its Kind. Reading a node's type by id is a number
 * across N-API instead of a new string.
 */
const kinds = new WeakMap<object, Map<number, { type: string; kind: Kind }>>();

/**
 * The first indentation error CPython would raise for a tree with no syntax error, if any. `cursor`:
 * a cursor of this tree to walk with, moved to the root first (a caller that has one saves making
 * another: `tree.walk()` costs as much as reading dozens of nodes); it is left anywhere.
 */
export function pythonIndentationError(tree: Tree, text: string, cursor: TreeCursor = tree.walk()): IndentationError | undefined {
  const stack = [0];
  const altStack = [0];
  let depth = 0;
  let previousEnd = 0;
  /** End of the last token that is not a comment or line continuation; -1 before the first. */
  let lastTokenEnd = -1;
  /** The first line feed at or after lastTokenEnd (text.length if none); kept across tokens. */
  let nextLineFeed = -1;
  let previousType = "";
  /** A backslash joined this physical line to the previous one. */
  let continued = false;
  /**
   * The first token of the last logical line (for an error at the end of the file). When that line
   * began with a one-row node read whole (below), its first token's end is found only if needed:
   * `headerNode` is that node's descendant index, -1 when headerEnd is known.
   */
  let headerStart = 0;
  let headerEnd = 0;
  let headerNode = -1;
  const language = (tree as { language?: object }).language ?? kinds;
  let symbols = kinds.get(language);
  if (!symbols) kinds.set(language, (symbols = new Map()));
  cursor.gotoDescendant(0);

  const symbolOf = (id: number): { type: string; kind: Kind } => {
    let symbol = symbols.get(id);
    if (!symbol) {
      const type = cursor.nodeType;
      const kind = ATOMIC.has(type) ? Kind.Atomic : OPEN.has(type) ? Kind.Open : CLOSE.has(type) ? Kind.Close : GROUPS.has(type) ? Kind.Group : Kind.Other;
      symbols.set(id, (symbol = { type, kind }));
    }
    return symbol;
  };

  /** Whether a token starting at `start` begins a logical line; consumes the pending backslash. */
  const startsLine = (start: number): boolean => {
    let joined = continued;
    for (let i = previousEnd; !joined && i < start; i++) joined = text.charCodeAt(i) === 92; // "\\"
    continued = false;
    // On a later row than the previous token's end (tree-sitter's rows count line feeds only).
    if (nextLineFeed < lastTokenEnd) {
      nextLineFeed = text.indexOf("\n", lastTokenEnd);
      if (nextLineFeed === -1) nextLineFeed = text.length;
    }
    return (lastTokenEnd === -1 || nextLineFeed < start) && depth === 0 && !joined;
  };

  /** A token (or a group's opening bracket) from `start` to `end`. */
  const token = (type: string, start: number, end: number): IndentationError | undefined => {
    if (startsLine(start)) {
      const error = checkLine(start);
      if (error) return { message: error, startIndex: start, endIndex: end };
      headerStart = start;
      headerEnd = end;
      headerNode = -1;
    }
    previousEnd = end;
    lastTokenEnd = end;
    previousType = type;
    return undefined;
  };

  /**
   * The end of the first token (as the walk below sees tokens) of the node the cursor is on, a
   * one-row node read whole; the cursor ends somewhere inside it.
   */
  const firstTokenEnd = (): number => {
    const fallback = cursor.endIndex;
    let level = 0;
    for (;;) {
      const { type, kind } = symbolOf(cursor.nodeTypeId);
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      if (kind === Kind.Group) {
        const open = text[start]!;
        if (end - start >= 2 && MATCHING[open] !== undefined && text[end - 1] === MATCHING[open]) return start + 1;
      }
      if ((kind === Kind.Other || kind === Kind.Group) && cursor.gotoFirstChild()) {
        level++;
        continue;
      }
      if (end > start && type !== "comment" && type !== "line_continuation") return end;
      while (!cursor.gotoNextSibling()) {
        if (level === 0 || !cursor.gotoParent()) return fallback;
        level--;
      }
      if (level === 0) return fallback;
    }
  };

  for (;;) {
    const { type, kind } = symbolOf(cursor.nodeTypeId);
    let descend = kind === Kind.Other;
    let readToken = kind !== Kind.Group;
    if (kind === Kind.Group) {
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      const open = text[start]!;
      if (end - start >= 2 && MATCHING[open] !== undefined && text[end - 1] === MATCHING[open]) {
        // The group's tokens, as the token walk below would see them: the opening bracket, then
        // (all inside brackets, none starting a line) the closing one.
        const error = token(open, start, start + 1);
        if (error) return error;
        previousEnd = end;
        lastTokenEnd = end;
        previousType = text[end - 1]!;
      } else descend = readToken = true;
    } else if (kind === Kind.Other) {
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      if (onOneRow(start, end)) {
        // A node on one row, with no comment in it: only its first token can start a logical
        // line, and (its brackets being balanced in a tree with no error) it leaves the depth as
        // it was; what follows needs its last token's end and whether that token is a ":".
        // Read whole, its tokens need no crossing each.
        descend = readToken = false;
        if (end > start) {
          if (startsLine(start)) {
            const error = checkLine(start);
            if (error) return { message: error, startIndex: start, endIndex: firstTokenEnd() };
            headerStart = start;
            headerNode = cursor.currentDescendantIndex;
          }
          let last = end;
          while (last > start && isBlank(text.charCodeAt(last - 1))) last--;
          previousEnd = last;
          lastTokenEnd = last;
          previousType = text.charCodeAt(last - 1) === 58 ? ":" : type; // ":"
        }
      }
    }
    if (descend && cursor.gotoFirstChild()) continue;
    if (readToken) {
      // A token: a leaf, or a whole string or comment.
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      if (end > start) {
        if (type === "comment" || type === "line_continuation") {
          continued ||= type === "line_continuation";
          previousEnd = end;
        } else {
          const error = token(type, start, end);
          if (error) return error;
          if (kind === Kind.Open) depth++;
          else if (kind === Kind.Close && depth > 0) depth--;
        }
      }
    }
    while (!cursor.gotoNextSibling()) {
      if (cursor.gotoParent()) continue;
      // The file ends right after a `:` that opens a block.
      if (previousType !== ":" || depth !== 0) return undefined;
      if (headerNode !== -1) {
        cursor.gotoDescendant(headerNode);
        headerEnd = firstTokenEnd();
      }
      return { message: "IndentationError: expected an indented block", startIndex: headerStart, endIndex: headerEnd };
    }
  }

  /** Whether text[start, end) holds neither a line feed nor a "#" (a comment, or one in a string). */
  function onOneRow(start: number, end: number): boolean {
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 35) return false;
    }
    return true;
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

/** Whitespace tree-sitter leaves between tokens on one row. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 13 || c === 11;
}
