// Whether a WHERE clause (or a MERGE join condition) holds for every row: the truth of an
// expression as far as it can be known without data. `WHERE 1 = 1`, `NOT FALSE`, `1 <> 2`,
// `id = id`, `… OR TRUE` all keep every row; `undefined` means "depends on the row".
import type { AstNode } from "../../parsers/sql.js";
import { sameExpression } from "./draft.js";

const obj = (value: unknown): AstNode | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as AstNode) : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** A constant's value for comparisons: numbers as numbers, strings as strings, NULL as null. */
type Constant = number | string | boolean | null;

function not(truth: boolean | undefined): boolean | undefined {
  return truth === undefined ? undefined : !truth;
}

/** AND / OR over three-valued truths where unknown stays unknown unless one side decides. */
function and(values: (boolean | undefined)[]): boolean | undefined {
  if (values.some((v) => v === false)) return false;
  return values.length > 0 && values.every((v) => v === true) ? true : undefined;
}

function or(values: (boolean | undefined)[]): boolean | undefined {
  if (values.some((v) => v === true)) return true;
  return values.length > 0 && values.every((v) => v === false) ? false : undefined;
}

/** A comparison of two constants, or of an expression with itself. */
function compare(op: string, left: Constant | undefined, right: Constant | undefined, same: boolean): boolean | undefined {
  if (left !== undefined && right !== undefined) {
    if (left === null || right === null) return undefined;
    if (typeof left !== typeof right) return undefined;
    switch (op) {
      case "=":
        return left === right;
      case "<>":
      case "!=":
        return left !== right;
      case "<":
        return left < right;
      case ">":
        return left > right;
      case "<=":
        return left <= right;
      case ">=":
        return left >= right;
      default:
        return undefined;
    }
  }
  if (!same) return undefined;
  if (op === "=" || op === "<=" || op === ">=") return true;
  if (op === "<>" || op === "!=" || op === "<" || op === ">") return false;
  return undefined;
}

function boolean(string: string): boolean | undefined {
  const lower = string.toLowerCase();
  if (["t", "true", "y", "yes", "on", "1"].includes(lower)) return true;
  if (["f", "false", "n", "no", "off", "0"].includes(lower)) return false;
  return undefined;
}

// ── PostgreSQL (libpg-query) ──

function unwrap(node: unknown): [string, AstNode] | undefined {
  const wrapper = obj(node);
  const key = wrapper ? Object.keys(wrapper)[0] : undefined;
  const inner = key ? obj(wrapper![key]) : undefined;
  return key && inner ? [key, inner] : undefined;
}

function pgConstant(node: unknown): Constant | undefined {
  const entry = unwrap(node);
  if (!entry) return undefined;
  const [kind, inner] = entry;
  if (kind === "TypeCast") {
    const type = list(obj(inner.typeName)?.names).map((n) => text(obj(obj(n)?.String)?.sval)).pop();
    const value = pgConstant(inner.arg);
    if (type === "bool" || type === "boolean") return typeof value === "string" ? boolean(value) : typeof value === "number" ? value !== 0 : value;
    return value;
  }
  if (kind !== "A_Const") return undefined;
  if (inner.isnull === true) return null;
  if ("boolval" in inner) return obj(inner.boolval)?.boolval === true;
  if ("ival" in inner) return Number(obj(inner.ival)?.ival ?? 0);
  if ("fval" in inner) return Number(text(obj(inner.fval)?.fval));
  return text(obj(inner.sval)?.sval);
}

/** The truth of a PostgreSQL condition for every row, when it does not depend on the row. */
export function postgresTruth(node: unknown): boolean | undefined {
  const entry = unwrap(node);
  if (!entry) return undefined;
  const [kind, inner] = entry;
  switch (kind) {
    case "A_Const":
    case "TypeCast": {
      const value = pgConstant(node);
      if (typeof value === "boolean") return value;
      if (typeof value === "number") return value !== 0;
      return typeof value === "string" ? boolean(value) : undefined;
    }
    case "BoolExpr": {
      const args = list(inner.args).map(postgresTruth);
      if (inner.boolop === "OR_EXPR") return or(args);
      if (inner.boolop === "AND_EXPR") return and(args);
      return inner.boolop === "NOT_EXPR" ? not(args[0]) : undefined;
    }
    case "A_Expr": {
      const same = sameExpression(inner.lexpr, inner.rexpr);
      if (inner.kind === "AEXPR_OP") {
        const op = list(inner.name).map((n) => text(obj(obj(n)?.String)?.sval)).pop() ?? "";
        return compare(op, pgConstant(inner.lexpr), pgConstant(inner.rexpr), same);
      }
      if (inner.kind === "AEXPR_NOT_DISTINCT") return same ? true : undefined;
      if (inner.kind === "AEXPR_DISTINCT") return same ? false : undefined;
      return undefined;
    }
    case "NullTest": {
      const value = pgConstant(inner.arg);
      if (value === undefined) return undefined;
      return inner.nulltesttype === "IS_NULL" ? value === null : value !== null;
    }
    case "BooleanTest": {
      const truth = postgresTruth(inner.arg);
      if (truth === undefined) return undefined;
      switch (inner.booltesttype) {
        case "IS_TRUE":
        case "IS_NOT_FALSE":
          return truth;
        case "IS_FALSE":
        case "IS_NOT_TRUE":
          return !truth;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** Whether a WHERE clause matches every row: TRUE, 1, 'a' = 'a', x = x, NOT FALSE, 1 <> 2, … OR TRUE. */
export function isPostgresTautology(node: unknown): boolean {
  return postgresTruth(node) === true;
}

// ── MySQL, SQLite, SQL Server (node-sql-parser) ──

const STRING_TYPES = new Set(["single_quote_string", "double_quote_string", "string", "natural_string"]);

function genericConstant(value: unknown): Constant | undefined {
  const node = obj(value);
  if (!node) return undefined;
  if (node.type === "null") return null;
  if (node.type === "bool") return node.value === true;
  if (node.type === "number") return Number(node.value);
  if (STRING_TYPES.has(text(node.type) ?? "")) return text(node.value);
  return undefined;
}

/** The truth of a MySQL/SQLite/SQL Server condition for every row, when it does not depend on the row. */
export function genericTruth(value: unknown): boolean | undefined {
  const node = obj(value);
  if (!node) return undefined;
  const constant = genericConstant(node);
  if (constant !== undefined) return typeof constant === "boolean" ? constant : typeof constant === "number" ? constant !== 0 : undefined;
  const operator = text(node.operator)?.toUpperCase() ?? "";
  if (node.type === "unary_expr" && (operator === "NOT" || operator === "!")) return not(genericTruth(node.expr));
  // `NOT (1 = 2)` comes back as a call of a function named NOT.
  if (node.type === "function") {
    const name = list(obj(node.name)?.name).map((n) => text(obj(n)?.value)).join(".").toUpperCase();
    const args = list(obj(node.args)?.value);
    return name === "NOT" && args.length === 1 ? not(genericTruth(args[0])) : undefined;
  }
  if (node.type !== "binary_expr") return undefined;
  if (operator === "OR" || operator === "||") return or([genericTruth(node.left), genericTruth(node.right)]);
  if (operator === "AND" || operator === "&&") return and([genericTruth(node.left), genericTruth(node.right)]);
  const left = genericConstant(node.left);
  const right = genericConstant(node.right);
  if (operator === "IS" || operator === "IS NOT") {
    // `x IS NULL`, `TRUE IS TRUE`: known when the left side is a constant.
    if (left === undefined || right === undefined) return operator === "IS" && sameExpression(node.left, node.right) && right !== null ? true : undefined;
    const holds = right === null ? left === null : left !== null && genericTruth(node.left) === right;
    return operator === "IS" ? holds : !holds;
  }
  const same = sameExpression(node.left, node.right) && obj(node.left)?.type !== "null";
  return compare(operator, left, right, same);
}

/** Whether a WHERE clause matches every row: TRUE, 1, 'a' = 'a', x = x, NOT FALSE, 1 <> 2, … OR TRUE. */
export function isGenericTautology(value: unknown): boolean {
  return genericTruth(value) === true;
}
