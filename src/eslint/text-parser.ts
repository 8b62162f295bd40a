// An ESLint parser for TypeScript files in projects that have no TypeScript parser configured
// (`gonogo.configs.typescript`). gonogo's rules read the file's text, not ESLint's AST, so what
// ESLint needs from the parser is: a syntax check (a file that does not parse is ESLint's usual
// "Parsing error"), the comments (for `eslint-disable` directives) and a Program to visit. The
// Program's body is empty: other ESLint rules see no code in these files; lint them with
// typescript-eslint for that.
import type { Linter } from "eslint";
import { JsSyntaxError, parseJs } from "../parsers/js.js";
import { VERSION } from "../version.js";

interface Position {
  line: number;
  column: number;
}

/** Line (1-based) and column (0-based) of a UTF-16 offset, as ESTree `loc` has them. */
function positionAt(lineStarts: number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low]! };
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** ESLint's parse-failure shape: a message, a 1-based line and column. */
class ParseFailure extends Error {
  constructor(
    message: string,
    readonly lineNumber: number,
    readonly column: number,
    readonly index: number,
  ) {
    super(message);
  }
}

function parseForESLint(code: string, options?: { filePath?: string }): { ast: unknown } {
  const file = options?.filePath ?? "input.ts";
  const lineStarts = lineStartsOf(code);
  let comments: { type: string; value: string; start?: number | null; end?: number | null }[];
  try {
    comments = parseJs(code, /\.[mc]?tsx?$/.test(file) ? file : `${file}.ts`).comments ?? [];
  } catch (error) {
    if (!(error instanceof JsSyntaxError)) throw error;
    const at = positionAt(lineStarts, error.offset);
    throw new ParseFailure(error.message.replace(/ \(\d+:\d+\)$/, ""), at.line, at.column + 1, error.offset);
  }
  const loc = (start: number, end: number) => ({ start: positionAt(lineStarts, start), end: positionAt(lineStarts, end) });
  const ast = {
    type: "Program",
    sourceType: "module",
    body: [],
    range: [0, code.length],
    loc: loc(0, code.length),
    tokens: [],
    comments: comments.map((c) => ({
      type: c.type === "CommentBlock" ? "Block" : "Line",
      value: c.value,
      range: [c.start ?? 0, c.end ?? 0],
      loc: loc(c.start ?? 0, c.end ?? 0),
    })),
  };
  return { ast };
}

export const textParser: Linter.Parser = {
  meta: { name: "gonogo/text-parser", version: VERSION },
  parseForESLint,
};
