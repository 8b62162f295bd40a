// The SQL a PL/pgSQL `EXECUTE <expression>` runs, when its shape is known whatever the values:
// string constants joined with `||`, values quoted by `quote_ident`/`quote_literal`/
// `quote_nullable`, and `format()` with `%I`/`%L` only. A quoted value is one identifier or one
// literal, so it is read as the placeholder `"?"` or `'?'`: `format('DROP TABLE %I', t)` drops a
// table, `format('CREATE INDEX ON %I (id)', t)` does not. A raw value (`'DROP ' || t`, `%s`) may
// hold any SQL and is not read: dynamic SQL.
import { decodeSqlStringLiteral, parsePostgresExpression, tokenizeSql, type AstNode, type SqlToken } from "../../parsers/sql.js";
import { list, obj, sval, text, unwrap } from "./postgres-ast.js";

/** The SQL, and for each of its characters (and one past the end) the offset in the expression it comes from. */
export interface ExecutedTemplate {
  sql: string;
  map: number[];
  /** Whether any value was replaced by a placeholder (a constant string has none). */
  placeholders: boolean;
}

const IDENTIFIER = '"?"';
const LITERAL = "'?'";

/** The template `expression` runs, or undefined when part of it is raw run-time text. */
export async function executedTemplate(expression: string): Promise<ExecutedTemplate | undefined> {
  const parsed = await parsePostgresExpression(expression);
  if (!parsed) return undefined;
  const tokens = tokenizeSql(expression, "postgresql").tokens;
  const out: ExecutedTemplate = { sql: "", map: [], placeholders: false };
  const ok = build(parsed.node, { tokens, toIndex: parsed.toIndex, out });
  if (!ok) return undefined;
  out.map.push(out.map.length > 0 ? out.map[out.map.length - 1]! + 1 : 0);
  return out;
}

interface Builder {
  tokens: SqlToken[];
  toIndex: (location: number) => number;
  out: ExecutedTemplate;
}

function emit(builder: Builder, value: string, at: number): void {
  builder.out.sql += value;
  for (let i = 0; i < value.length; i++) builder.out.map.push(at);
}

/** A string constant's value, each character mapped to where it is written. */
function literal(node: AstNode, builder: Builder): { value: string; map: number[] } | undefined {
  const value = text(obj(node.sval)?.sval);
  if (value === undefined || typeof node.location !== "number") return undefined;
  const start = builder.toIndex(node.location);
  const token = builder.tokens.find((t) => t.start === start && t.kind === "string");
  const decoded = token ? decodeSqlStringLiteral(token.text) : undefined;
  if (!decoded || decoded.value !== value) return undefined;
  return { value, map: decoded.map.slice(0, value.length).map((offset) => start + offset) };
}

function build(node: unknown, builder: Builder): boolean {
  const entry = unwrap(node);
  if (!entry) return false;
  const [kind, inner] = entry;
  const at = typeof inner.location === "number" ? builder.toIndex(inner.location) : 0;
  switch (kind) {
    case "A_Const": {
      const constant = literal(inner, builder);
      if (!constant) return false;
      builder.out.sql += constant.value;
      for (const item of constant.map) builder.out.map.push(item);
      return true;
    }
    case "TypeCast":
      return build(inner.arg, builder);
    case "A_Expr": {
      const op = list(inner.name).map(sval).pop();
      return inner.kind === "AEXPR_OP" && op === "||" && build(inner.lexpr, builder) && build(inner.rexpr, builder);
    }
    case "FuncCall": {
      const name = list(inner.funcname).map(sval).pop()?.toLowerCase();
      const args = list(inner.args);
      if (name === "quote_ident" && args.length === 1) return constantIdentifier(args[0], builder) || placeholder(builder, IDENTIFIER, at);
      if ((name === "quote_literal" || name === "quote_nullable") && args.length === 1) return placeholder(builder, LITERAL, at);
      if (name === "format" && args.length >= 1) return formatted(args[0], builder);
      return false;
    }
    default:
      return false;
  }
}

/** `quote_ident('order_items')`: the name itself, quoted as quote_ident quotes it, mapped to the constant. */
function constantIdentifier(arg: unknown, builder: Builder): boolean {
  const entry = unwrap(arg);
  if (entry?.[0] !== "A_Const") return false;
  const constant = literal(entry[1], builder);
  if (!constant || constant.value.length === 0) return false;
  const first = constant.map[0]!;
  emit(builder, '"', first);
  for (let i = 0; i < constant.value.length; i++) emit(builder, constant.value[i] === '"' ? '""' : constant.value[i]!, constant.map[i]!);
  emit(builder, '"', constant.map[constant.value.length - 1]!);
  return true;
}

/** What a name given at run time (quote_ident(t), format('%I', t)) is called in facts and messages. */
export const RUN_TIME_NAME = "<a name given at run time>";

function placeholder(builder: Builder, value: string, at: number): boolean {
  emit(builder, value, at);
  builder.out.placeholders = true;
  return true;
}

/** `format('… %I … %L … %%', …)`: `%s` (raw text) makes it unreadable. */
function formatted(first: unknown, builder: Builder): boolean {
  const entry = unwrap(first);
  if (entry?.[0] !== "A_Const") return false;
  const constant = literal(entry[1], builder);
  if (!constant) return false;
  const { value, map } = constant;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch !== "%") {
      emit(builder, ch, map[i]!);
      continue;
    }
    if (value[i + 1] === "%") {
      emit(builder, "%", map[i]!);
      i++;
      continue;
    }
    const end = specifierEnd(value, i + 1);
    const type = end < 0 ? undefined : value[end];
    if (type !== "I" && type !== "L") return false;
    placeholder(builder, type === "I" ? IDENTIFIER : LITERAL, map[i]!);
    i = end;
  }
  return true;
}

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= "0" && ch <= "9";

/** Index of the type letter of a format() specifier `[position$][-][width|*[position$]]type` starting at `k`, or -1. */
function specifierEnd(value: string, k: number): number {
  const digits = (from: number): number => {
    let j = from;
    while (isDigit(value[j])) j++;
    return j;
  };
  let j = digits(k);
  if (j > k) {
    if (value[j] === "$") j++;
    else return value[j] === "s" || value[j] === "I" || value[j] === "L" ? j : -1; // a width
  }
  if (value[j] === "-") j++;
  if (value[j] === "*") {
    j++;
    const after = digits(j);
    if (after > j && value[after] === "$") j = after + 1;
  } else j = digits(j);
  return j < value.length ? j : -1;
}
