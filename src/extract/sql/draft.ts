// What the dialect readers hand back: changes and problems in offsets of the SQL text, before
// they are placed in the file. Keeping offsets until the end lets nested bodies (DO blocks,
// EXECUTE strings) compose their mappings.
import type { SchemaChange } from "../facts.js";
import type { SqlToken } from "../../parsers/sql.js";

export type ChangeFields = Omit<SchemaChange, "origin" | "dialect" | "migration" | "location">;

/** A change at [start, end) of the SQL text. */
export interface DraftChange extends ChangeFields {
  start: number;
  end: number;
}

/** A parse problem at [start, end) of the SQL text. */
export interface DraftProblem {
  message: string;
  start: number;
  end: number;
}

/** SQL built at run time inside the SQL itself (PL/pgSQL `EXECUTE 'DROP TABLE ' || name`): it cannot be read. */
export interface DraftDynamic {
  /** Why, for the message: "EXECUTE of a string built at run time". */
  reason: string;
  /** The statement that runs it: `EXECUTE (PL/pgSQL)`. */
  operation: string;
  start: number;
  end: number;
}

/** What readers write into as they go. */
export interface DraftSink {
  changes: DraftChange[];
  problems: DraftProblem[];
  dynamic: DraftDynamic[];
}

export interface DraftResult extends DraftSink {
  /** Top-level statements that parsed. */
  parsedStatements: number;
  /** Top-level comments, for directives. */
  comments: SqlToken[];
  /** The text has more statements than the budget and was not read. */
  overBudget?: boolean;
}

/** Splits an ALTER TABLE's subcommands at top-level commas, starting at token `from`. */
export function splitAtTopLevelCommas(tokens: SqlToken[], from: number): SqlToken[][] {
  const segments: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === "punctuation") {
      if (token.text === "(") depth++;
      else if (token.text === ")") depth = Math.max(0, depth - 1);
      else if (token.text === "," && depth === 0) {
        segments.push(current);
        current = [];
        continue;
      }
    }
    current.push(token);
  }
  segments.push(current);
  return segments.filter((segment) => segment.length > 0);
}

/** Index just past a (possibly qualified) name starting at token `k`: `a`, `s.a`, `"s"."a"`, `[dbo].[a]`. */
export function skipQualifiedName(tokens: SqlToken[], k: number): number {
  let j = k + 1;
  while (tokens[j]?.kind === "punctuation" && tokens[j]!.text === "." && tokens[j + 1] && tokens[j + 1]!.kind !== "punctuation") j += 2;
  return j;
}

/**
 * The range of subcommand `index` of a statement with `count` subcommands: the whole statement
 * when there is one; else the segment (the first one starting at the statement's first keyword).
 */
export function subcommandRange(statement: { start: number; end: number }, segments: SqlToken[][] | undefined, index: number, count: number): { start: number; end: number } {
  if (count <= 1 || !segments || segments.length !== count) return { start: statement.start, end: statement.end };
  const segment = segments[index]!;
  return { start: index === 0 ? statement.start : segment[0]!.start, end: segment[segment.length - 1]!.end };
}

/** Structural equality of two AST nodes, ignoring positions and parentheses. */
export function sameExpression(a: unknown, b: unknown): boolean {
  // Most comparisons are of a column with a constant: their JSON differs in its first key already.
  const first = firstSerializedKey(a);
  const other = firstSerializedKey(b);
  if (first !== undefined && other !== undefined && first !== other) return false;
  return JSON.stringify(a, positionFree) === JSON.stringify(b, positionFree);
}

/** The first key JSON.stringify(value, positionFree) writes for a plain object ("" for `{}`); undefined for anything else. */
function firstSerializedKey(value: unknown): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === "function") return undefined;
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    if (positionFree(key, child) === undefined || typeof child === "function" || typeof child === "symbol") continue;
    return key;
  }
  return "";
}

function positionFree(key: string, value: unknown): unknown {
  return key === "location" || key === "loc" || key === "parentheses" ? undefined : value;
}
