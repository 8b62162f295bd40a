// Driver placeholders in SQL run from Python are not SQL of any dialect: SQLAlchemy's `:name`
// (and `IN :names`, an expanding parameter), DB-API's `%s` / `%(name)s` (and psycopg's `IN %s`,
// which adapts a tuple to a parenthesised list), qmark `?` for the drivers that use it. Each is
// rewritten as a numbered parameter `$n` (one number per name, so `:a = :a` stays a tautology and
// `:a = :b` does not), `IN p` as `IN ($n)`, with a map back to the original offsets.
import { tokenizeSql, type SqlToken } from "../../parsers/sql.js";
import type { SqlDialect } from "../../types.js";

export interface NeutralizedSql {
  sql: string;
  /** Maps an index of `sql` (0 … sql.length) to the index of the original text it came from. */
  toOriginal: (index: number) => number;
}

interface Placeholder {
  start: number;
  end: number;
  /** Same key, same number: a named parameter used twice is one value. */
  key: string;
}

function placeholders(dialect: SqlDialect, tokens: SqlToken[]): Placeholder[] {
  const found: Placeholder[] = [];
  let positional = 0;
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === "parameter" && token.text.startsWith(":") && token.text.length >= 2) {
      found.push({ start: token.start, end: token.end, key: token.text.slice(1) });
    } else if (token.kind === "parameter" && token.text === "?" && dialect !== "postgresql") {
      found.push({ start: token.start, end: token.end, key: `?${positional++}` });
    } else if (token.kind === "punctuation" && token.text === "%") {
      const next = tokens[k + 1];
      if (next?.start === token.end && next.kind === "word" && next.text === "s") {
        found.push({ start: token.start, end: next.end, key: `%${positional++}` });
        k++;
      } else if (
        next?.start === token.end &&
        next.text === "(" &&
        tokens[k + 2]?.kind === "word" &&
        tokens[k + 3]?.text === ")" &&
        tokens[k + 4]?.text === "s" &&
        tokens[k + 4]!.start === tokens[k + 3]!.end
      ) {
        found.push({ start: token.start, end: tokens[k + 4]!.end, key: tokens[k + 2]!.text });
        k += 4;
      }
    }
  }
  return found;
}

/** Rewrites the placeholders of `sql`; returns it unchanged (identity map) when there are none. */
export function neutralizeBindParameters(sql: string, dialect: SqlDialect): NeutralizedSql {
  // Over the SQL budget, the parse reports it; no need to read placeholders of all of it.
  const { tokens, overBudget } = tokenizeSql(sql, dialect, { budget: true });
  if (overBudget) return { sql, toOriginal: (i) => i };
  const found = placeholders(dialect, tokens);
  if (found.length === 0) return { sql, toOriginal: (i) => i };
  // The keyword before each token, to find `IN <placeholder>`.
  const previousWord = new Map<number, string>();
  let before: SqlToken | undefined;
  for (const token of tokens) {
    if (token.kind === "comment") continue;
    if (before?.kind === "word") previousWord.set(token.start, before.text.toUpperCase());
    before = token;
  }
  const numbers = new Map<string, number>();
  let out = "";
  // origin[i]: the original index of output character i (and of the end, at out.length).
  const origin: number[] = [];
  let last = 0;
  const copy = (from: number, to: number): void => {
    for (let i = from; i < to; i++) origin.push(i);
    out += sql.slice(from, to);
  };
  for (const placeholder of found) {
    copy(last, placeholder.start);
    let number = numbers.get(placeholder.key);
    if (number === undefined) numbers.set(placeholder.key, (number = numbers.size + 1));
    const expanding = previousWord.get(placeholder.start) === "IN";
    const text = expanding ? `($${number})` : `$${number}`;
    // Every character of the replacement stands for the placeholder: a problem on it points there.
    for (let i = 0; i < text.length; i++) origin.push(i === text.length - 1 && expanding ? placeholder.end - 1 : placeholder.start + Math.min(i, placeholder.end - placeholder.start - 1));
    out += text;
    last = placeholder.end;
  }
  copy(last, sql.length);
  origin.push(sql.length);
  return { sql: out, toOriginal: (i) => origin[Math.max(0, Math.min(i, origin.length - 1))]! };
}
