// JavaScript / TypeScript (@babel/parser), also used for JSON and JSONC (a JSON document is a JS
// expression, and JSONC comments are JS comments). Loaded on first use.
import { createRequire } from "node:module";
import type { ParserPlugin } from "@babel/parser";
import type * as BabelTypes from "@babel/types";

export type JsNode = BabelTypes.Node;
export type JsFile = BabelTypes.File;

const require = createRequire(import.meta.url);
type BabelParser = typeof import("@babel/parser");
let babel: BabelParser | undefined;

function babelParser(): BabelParser {
  babel ??= require("@babel/parser") as BabelParser;
  return babel;
}

export class JsSyntaxError extends Error {
  constructor(
    message: string,
    /** UTF-16 offset of the error. */
    readonly offset: number,
  ) {
    super(message);
  }
}

function pluginsFor(file: string): ParserPlugin[] {
  const isTs = /\.(?:ts|mts|cts)$/.test(file);
  const isTsx = file.endsWith(".tsx");
  const plugins: ParserPlugin[] = [["decorators", { decoratorsBeforeExport: true }], "importAttributes", "explicitResourceManagement"];
  if (isTs || isTsx) plugins.push("typescript");
  // `<T>x` casts in .ts files conflict with JSX, so JSX only where it may appear.
  if (!isTs) plugins.push("jsx");
  return plugins;
}

/** Parses a JS/TS module (or script). Throws JsSyntaxError with an offset on bad input. */
export function parseJs(text: string, file: string): JsFile {
  try {
    return babelParser().parse(text, {
      sourceType: "unambiguous",
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      errorRecovery: false,
      plugins: pluginsFor(file),
    });
  } catch (error) {
    const e = error as { message?: string; pos?: number };
    throw new JsSyntaxError(String(e.message ?? error), e.pos ?? 0);
  }
}

/** Parses a JSON or JSONC document as an expression, keeping node positions. */
export function parseJsonWithPositions(text: string): BabelTypes.Expression {
  try {
    // parseExpression reads a top-level `{` as an object literal, so offsets stay those of `text`.
    return babelParser().parseExpression(text, { plugins: [] });
  } catch (error) {
    const e = error as { message?: string; pos?: number };
    throw new JsSyntaxError(String(e.message ?? error), e.pos ?? 0);
  }
}
