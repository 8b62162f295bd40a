// TOML (smol-toml), for wrangler.toml. Loaded on first use.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
type SmolToml = typeof import("smol-toml");
let toml: SmolToml | undefined;

export class TomlSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line and column of the error, when the parser knows it. */
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Parses a TOML document into plain data. Throws TomlSyntaxError with a position on bad input. */
export function parseToml(text: string): Record<string, unknown> {
  toml ??= require("smol-toml") as SmolToml;
  try {
    return toml.parse(text) as Record<string, unknown>;
  } catch (error) {
    const e = error as { message?: string; line?: number; column?: number };
    throw new TomlSyntaxError(String(e.message ?? error).split("\n")[0] ?? "invalid TOML", e.line ?? 1, e.column ?? 1);
  }
}
