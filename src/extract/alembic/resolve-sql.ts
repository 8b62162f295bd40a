// SQL-argument resolution: what an execute()'s argument (or an operation's name argument) holds,
// read statically. A literal, a concatenation of literals, text("…"), textwrap.dedent("…"),
// "…".strip(), a local or module constant holding one of those: SQL with the offset of every
// character in the Python file. A SQLAlchemy Core expression (users.delete().where(…)): a Core
// change. Anything built at run time (an f-string, %, .format(), a parameter): dynamic, with why.
import type { SqlDialect } from "../../types.js";
import type { PyNode } from "./nodes.js";
import { concatMapped, decodeStringNode, dedentMapped, hasInterpolation, stripMapped, type MappedString } from "./strings.js";
import { positionalArguments, stringValues } from "./syntax.js";

export type Resolved =
  | { kind: "sql"; value: MappedString }
  | { kind: "core"; change: "delete" | "update" | "insert"; operation: string; table?: string; hasWhere: boolean; node: PyNode }
  | { kind: "dynamic"; reason: string; node?: PyNode }
  | { kind: "ignore" };

/** Where the extractor is while walking a function body. */
export interface Scope {
  opNames: Set<string>;
  /** The module's top level (definitions there are followed when called, not read in place). */
  module?: boolean;
  batchTables: Map<string, string>;
  batchSchemas: Map<string, string>;
  locals: Map<string, PyNode>;
  /** Set under a dialect guard: the database the code runs on. */
  dialect?: SqlDialect;
  /**
   * Names bound to an expression of another scope: a helper's parameters to its call's arguments
   * (`run_sql("ALTER …")` → `sql` in `def run_sql(sql)`), a loop variable to one element of the
   * literal tuple it iterates. The expression is resolved where it is written.
   */
  bound?: Map<string, Bound>;
}

export interface Bound {
  node: PyNode;
  scope: Scope;
}

/** What the module binds that resolution reads: its string constants and the names of sqlalchemy's `text`. */
export interface ModuleNames {
  readonly constants: ReadonlyMap<string, PyNode>;
  /** Module-level dicts, tuples and lists (read when indexed by a constant, or iterated). */
  readonly containers: ReadonlyMap<string, PyNode>;
  readonly textNames: ReadonlySet<string>;
}

export function resolveSql(node: PyNode, scope: Scope, module: ModuleNames, seen: Set<string> = new Set()): Resolved {
  switch (node.type) {
    case "string":
      if (hasInterpolation(node)) return { kind: "dynamic", reason: "f-string", node };
      return decodeOrDynamic(node);
    case "concatenated_string":
      if (node.namedChildren.some((c) => c.type === "string" && hasInterpolation(c))) return { kind: "dynamic", reason: "f-string", node };
      return decodeOrDynamic(node);
    case "parenthesized_expression":
      return node.namedChildren[0] ? resolveSql(node.namedChildren[0], scope, module, seen) : { kind: "dynamic", reason: "expression", node };
    case "identifier": {
      const bound = scope.bound?.get(node.text);
      // A parameter or loop variable: what the caller (or the tuple) wrote, where it wrote it.
      if (bound) return resolveSql(bound.node, bound.scope, module);
      if (seen.has(node.text)) return { kind: "dynamic", reason: "variable", node };
      const value = scope.locals.get(node.text) ?? module.constants.get(node.text);
      if (!value) return { kind: "dynamic", reason: "variable", node };
      const inner = resolveSql(value, scope, module, new Set([...seen, node.text]));
      return inner.kind === "dynamic" ? { kind: "dynamic", reason: inner.reason, node } : inner;
    }
    case "binary_operator": {
      const operator = node.childForFieldName("operator")?.text;
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (operator === "+" && left && right) {
        const a = resolveSql(left, scope, module, seen);
        const b = resolveSql(right, scope, module, seen);
        if (a.kind === "sql" && b.kind === "sql") return { kind: "sql", value: concatMapped([a.value, b.value]) };
        return { kind: "dynamic", reason: "concatenation", node };
      }
      return { kind: "dynamic", reason: operator === "%" ? "format-call" : "expression", node };
    }
    case "call":
      return resolveCall(node, scope, module, seen);
    case "subscript": {
      const item = subscriptItem(node, scope, module);
      if (!item) return { kind: "dynamic", reason: "expression", node };
      const inner = resolveSql(item, scope, module, seen);
      return inner.kind === "dynamic" ? { kind: "dynamic", reason: inner.reason, node } : inner;
    }
    default:
      return { kind: "dynamic", reason: "expression", node };
  }
}

function resolveCall(node: PyNode, scope: Scope, module: ModuleNames, seen: Set<string>): Resolved {
  const fn = node.childForFieldName("function")!;
  const name = fn.type === "attribute" ? fn.childForFieldName("attribute")!.text : fn.text;
  const receiver = fn.type === "attribute" ? fn.childForFieldName("object")! : undefined;
  const first = positionalArguments(node)[0];
  // text("…") / sa.text("…") / sqlalchemy.text("…")
  if ((fn.type === "identifier" && module.textNames.has(name)) || (fn.type === "attribute" && name === "text" && /^(sa|sqlalchemy|sql)$/.test(receiver!.text))) {
    return first ? resolveSql(first, scope, module, seen) : { kind: "dynamic", reason: "expression", node };
  }
  // textwrap.dedent("""…""") and "…".strip(): the same text, with known offsets.
  if (name === "dedent" && (fn.type === "identifier" || receiver?.text === "textwrap") && first) {
    const inner = resolveSql(first, scope, module, seen);
    return inner.kind === "sql" ? { kind: "sql", value: dedentMapped(inner.value) } : inner;
  }
  if ((name === "strip" || name === "lstrip" || name === "rstrip") && receiver && !first) {
    const inner = resolveSql(receiver, scope, module, seen);
    return inner.kind === "sql" ? { kind: "sql", value: stripMapped(inner.value, name) } : inner;
  }
  // text("…").bindparams(…) / .execution_options(…) / .columns(…): the same statement.
  if ((name === "bindparams" || name === "params" || name === "execution_options" || name === "columns") && receiver?.type === "call") {
    return resolveSql(receiver, scope, module, seen);
  }
  if (name === "format" && receiver && (receiver.type === "string" || receiver.type === "concatenated_string")) {
    return { kind: "dynamic", reason: "format-call", node };
  }
  return resolveCore(node);
}

/** Chained Core expressions: users.delete().where(...), sa.update(t).values(...). */
function resolveCore(node: PyNode): Resolved {
  const chain = callChain(node);
  const methods = chain.map((c) => c.method);
  const core = methods.find((m) => m === "delete" || m === "update" || m === "insert" || m === "select");
  if (!core) return { kind: "dynamic", reason: "expression", node };
  if (core === "select") return { kind: "ignore" };
  const hasWhere = methods.includes("where") || methods.includes("filter") || methods.includes("filter_by");
  const rootCall = chain.find((c) => c.method === core)!;
  let table: string | undefined;
  if (rootCall.receiver && rootCall.receiver.type === "identifier" && !/^(sa|sqlalchemy)$/.test(rootCall.receiver.text)) table = rootCall.receiver.text;
  else {
    const arg = positionalArguments(rootCall.call)[0];
    if (arg) table = stringValues(arg)[0] ?? (arg.type === "identifier" ? arg.text : undefined);
  }
  return { kind: "core", change: core, operation: `${core}()`, hasWhere, node, ...(table ? { table } : {}) };
}

/**
 * The literal a module- or function-level container holds at a constant index: `SQL["up"]`,
 * `STATEMENTS[0]`, `QUERIES[-1]`, `SQL[KEY]` with `KEY = "up"`. Anything else: undefined.
 */
function subscriptItem(node: PyNode, scope: Scope, module: ModuleNames): PyNode | undefined {
  const value = node.childForFieldName("value");
  const index = node.childForFieldName("subscript");
  if (value?.type !== "identifier" || !index || node.childrenForFieldName("subscript").length !== 1) return undefined;
  const container = literalContainer(value, scope, module);
  if (!container) return undefined;
  if (container.type === "dictionary") {
    const key = constantString(index, scope, module);
    if (key === undefined) return undefined;
    for (const pair of container.namedChildren) {
      if (pair.type !== "pair") continue;
      const k = pair.childForFieldName("key");
      if (k && stringValues(k).length === 1 && stringValues(k)[0] === key) return pair.childForFieldName("value") ?? undefined;
    }
    return undefined;
  }
  const position = index.type === "integer" ? Number(index.text) : index.type === "unary_operator" && index.text.startsWith("-") && /^-\s*\d+$/.test(index.text) ? Number(index.text.replace(/\s/g, "")) : NaN;
  if (!Number.isInteger(position)) return undefined;
  const items = container.namedChildren.filter((c) => c.type !== "comment");
  if (items.some((c) => c.type === "list_splat" || c.type === "parenthesized_list_splat")) return undefined;
  return items[position < 0 ? items.length + position : position];
}

/** The dict, tuple or list literal a name holds (a local first, then a module constant). */
export function literalContainer(name: PyNode, scope: Scope, module: ModuleNames): PyNode | undefined {
  if (name.type === "tuple" || name.type === "list" || name.type === "dictionary") return name;
  if (name.type !== "identifier" || scope.bound?.has(name.text)) return undefined;
  const value = scope.locals.get(name.text) ?? module.containers.get(name.text);
  return value && (value.type === "tuple" || value.type === "list" || value.type === "dictionary") ? value : undefined;
}

function constantString(node: PyNode, scope: Scope, module: ModuleNames): string | undefined {
  if (node.type === "string" || node.type === "concatenated_string") return stringValues(node)[0];
  if (node.type !== "identifier") return undefined;
  const resolved = resolveSql(node, scope, module);
  return resolved.kind === "sql" ? resolved.value.value : undefined;
}

function decodeOrDynamic(node: PyNode): Resolved {
  const value = decodeStringNode(node);
  return value ? { kind: "sql", value } : { kind: "dynamic", reason: "bytes", node };
}

function callChain(node: PyNode): { method: string; call: PyNode; receiver?: PyNode }[] {
  const chain: { method: string; call: PyNode; receiver?: PyNode }[] = [];
  let current: PyNode | null = node;
  while (current?.type === "call") {
    const fn: PyNode | null = current.childForFieldName("function");
    if (!fn) break;
    if (fn.type === "attribute") {
      const receiver: PyNode = fn.childForFieldName("object")!;
      chain.push({ method: fn.childForFieldName("attribute")!.text, call: current, receiver });
      current = receiver;
    } else {
      chain.push({ method: fn.text, call: current });
      break;
    }
  }
  return chain;
}
