// Dialect guards in a migration: `if bind.dialect.name == "mysql":`, `if engine.name in (…)`,
// `if op.get_context().dialect.name != "sqlite": return`. The code under a guard runs only on that
// database, so its SQL is read in that dialect. Read from the syntax tree: the guard's subject must
// be a dialect name (`….dialect.name`, `<engine>.name`, or a variable holding one), its other side a
// string, a tuple of strings, or a constant holding one.
import type { SqlDialect } from "../../types.js";
import type { PyNode } from "./nodes.js";
import { decodeStringNode } from "./strings.js";

/** Resolves a name to the expression last assigned to it (a local, then a module constant). */
export type Resolve = (name: string) => PyNode | undefined;

/** The dialect each part of an `if` statement runs under, where its conditions tell. */
export interface GuardedBranches {
  /** Each body (the `if`'s, each `elif`'s, the `else`'s) with its dialect (undefined: unchanged). */
  bodies: { body: PyNode; dialect?: SqlDialect }[];
  /** The conditions, walked as ordinary code. */
  conditions: PyNode[];
  /** After `if <not dialect X>: return`: the rest of the enclosing block runs only on X. */
  rest?: SqlDialect;
}

const DIALECT_NAMES: Record<string, SqlDialect> = {
  postgresql: "postgresql",
  postgres: "postgresql",
  mysql: "mysql",
  mariadb: "mysql",
  sqlite: "sqlite",
  mssql: "mssql",
};

/** True when the dialect is one of `names` (`negated`: is none of them). `partial`: an `and` of this and more. */
interface DialectTest {
  names: string[];
  negated: boolean;
  partial: boolean;
}

const MAX_DEPTH = 4;

/** The single dialect `names` all stand for (`mysql`, `mariadb` → mysql), if any. */
function singleDialect(names: string[]): SqlDialect | undefined {
  const dialects = new Set(names.map((n) => (Object.hasOwn(DIALECT_NAMES, n.toLowerCase()) ? DIALECT_NAMES[n.toLowerCase()] : undefined)));
  if (dialects.size !== 1) return undefined;
  return [...dialects][0];
}

/** The branches of an `if` statement whose conditions test the dialect; undefined when none does. */
export function guardedBranches(statement: PyNode, resolve: Resolve): GuardedBranches | undefined {
  const condition = statement.childForFieldName("condition");
  const consequence = statement.childForFieldName("consequence");
  if (!condition || !consequence) return undefined;
  const first = testOf(condition, resolve, 0);
  const result: GuardedBranches = { bodies: [], conditions: [condition] };
  const positive = (test: DialectTest | undefined) => (test && !test.negated ? singleDialect(test.names) : undefined);
  const add = (body: PyNode, dialect: SqlDialect | undefined) => result.bodies.push(dialect ? { body, dialect } : { body });
  add(consequence, positive(first));
  let any = first !== undefined;
  const alternatives = statement.childrenForFieldName("alternative");
  for (const clause of alternatives) {
    if (clause.type === "elif_clause") {
      const elifCondition = clause.childForFieldName("condition");
      const body = clause.childForFieldName("consequence");
      const test = elifCondition ? testOf(elifCondition, resolve, 0) : undefined;
      any ||= test !== undefined;
      if (elifCondition) result.conditions.push(elifCondition);
      if (body) add(body, positive(test));
    } else if (clause.type === "else_clause") {
      const body = clause.childForFieldName("body");
      // `if dialect != X: … else: …`: the else runs on X.
      const negation = alternatives.length === 1 && first?.negated && !first.partial ? singleDialect(first.names) : undefined;
      if (body) add(body, negation);
    }
  }
  if (!any) return undefined;
  if (alternatives.length === 0 && first?.negated && !first.partial && leavesBlock(consequence)) {
    const rest = singleDialect(first.names);
    if (rest) result.rest = rest;
  }
  return result;
}

/** Whether a block always ends by leaving the function (`return`, `raise`). */
function leavesBlock(block: PyNode): boolean {
  const statements = block.namedChildren.filter((s) => s.type !== "comment");
  const last = statements[statements.length - 1];
  return last?.type === "return_statement" || last?.type === "raise_statement";
}

function testOf(node: PyNode, resolve: Resolve, depth: number): DialectTest | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (node.type) {
    case "parenthesized_expression":
      return node.namedChildren[0] ? testOf(node.namedChildren[0], resolve, depth + 1) : undefined;
    case "not_operator": {
      const argument = node.childForFieldName("argument");
      const test = argument ? testOf(argument, resolve, depth + 1) : undefined;
      // not (A and B) says nothing about A alone.
      return test && !test.partial ? { ...test, negated: !test.negated } : undefined;
    }
    case "identifier": {
      // is_sqlite = bind.dialect.name == "sqlite"
      const value = resolve(node.text);
      return value ? testOf(value, resolve, depth + 1) : undefined;
    }
    case "boolean_operator": {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      const operator = node.childForFieldName("operator")?.type;
      const a = left ? testOf(left, resolve, depth + 1) : undefined;
      const b = right ? testOf(right, resolve, depth + 1) : undefined;
      if (operator === "or") {
        // dialect == "mysql" or dialect == "mariadb"
        return a && b && !a.negated && !b.negated && !a.partial && !b.partial ? { names: [...a.names, ...b.names], negated: false, partial: false } : undefined;
      }
      // dialect == "mysql" and …: the body runs on MySQL; the else branch may run anywhere.
      const positive = [a, b].find((t) => t && !t.negated);
      return positive ? { ...positive, partial: true } : undefined;
    }
    case "comparison_operator": {
      const operands = node.namedChildren.filter((c) => c.type !== "comment");
      const operators = node.children.filter((c) => !c.isNamed).map((c) => c.type);
      if (operands.length !== 2 || operators.length !== 1) return undefined;
      const [left, right] = operands as [PyNode, PyNode];
      const subjectLeft = isDialectName(left, resolve, depth + 1);
      const subject = subjectLeft ? left : isDialectName(right, resolve, depth + 1) ? right : undefined;
      if (!subject) return undefined;
      const names = stringsOf(subject === left ? right : left, resolve, depth + 1);
      if (!names || names.length === 0) return undefined;
      switch (operators[0]) {
        case "==":
          return names.length === 1 ? { names, negated: false, partial: false } : undefined;
        case "!=":
          return names.length === 1 ? { names, negated: true, partial: false } : undefined;
        case "in":
          return subjectLeft ? { names, negated: false, partial: false } : undefined;
        case "not in":
          return subjectLeft ? { names, negated: true, partial: false } : undefined;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** `bind.dialect.name`, `op.get_context().dialect.name`, `bind.engine.name`, `engine.name`, or a variable holding one. */
function isDialectName(node: PyNode, resolve: Resolve, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (node.type === "identifier") {
    const value = resolve(node.text);
    return value !== undefined && isDialectName(value, resolve, depth + 1);
  }
  if (node.type !== "attribute" || node.childForFieldName("attribute")?.text !== "name") return false;
  const owner = node.childForFieldName("object");
  return owner !== null && (isDialectObject(owner, resolve, depth + 1) || isEngine(owner, resolve, depth + 1));
}

/** `….dialect`, or a variable holding it. */
function isDialectObject(node: PyNode, resolve: Resolve, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (node.type === "attribute") return node.childForFieldName("attribute")?.text === "dialect";
  if (node.type !== "identifier") return false;
  const value = resolve(node.text);
  return value !== undefined && isDialectObject(value, resolve, depth + 1);
}

/** An SQLAlchemy Engine, whose `.name` is its dialect's: `….engine`, `engine`, `create_engine(…)`. */
function isEngine(node: PyNode, resolve: Resolve, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (node.type === "attribute") return node.childForFieldName("attribute")?.text === "engine";
  if (node.type === "call") {
    const fn = node.childForFieldName("function");
    const name = fn?.type === "attribute" ? fn.childForFieldName("attribute")?.text : fn?.text;
    return name === "create_engine";
  }
  if (node.type !== "identifier") return false;
  const value = resolve(node.text);
  if (value !== undefined) return isEngine(value, resolve, depth + 1);
  return node.text === "engine";
}

/** The strings of a literal, a tuple/list/set of literals, or a name holding one. */
function stringsOf(node: PyNode, resolve: Resolve, depth: number): string[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (node.type) {
    case "string":
    case "concatenated_string": {
      if (node.descendantsOfType("interpolation").length > 0) return undefined;
      const value = decodeStringNode(node)?.value;
      return value === undefined ? undefined : [value];
    }
    case "tuple":
    case "list":
    case "set":
    case "parenthesized_expression": {
      const parts = node.namedChildren.filter((c) => c.type !== "comment").map((c) => stringsOf(c, resolve, depth + 1));
      return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
    }
    case "identifier": {
      const value = resolve(node.text);
      return value ? stringsOf(value, resolve, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}
