// Small readers of Python syntax the Alembic extractor shares: call arguments, literal strings,
// module-level assignments and definitions. They read one node and know nothing of Alembic.
import type { PyNode } from "./nodes.js";
import { decodeStringNode } from "./strings.js";

export interface Assignment {
  name: string;
  value: PyNode;
  node: PyNode;
}

/** `name = value` statements at the module's top level, in order. */
export function moduleAssignments(root: PyNode): Assignment[] {
  const out: Assignment[] = [];
  for (const statement of root.namedChildren) {
    if (statement.type !== "expression_statement") continue;
    const assignment = statement.namedChildren[0];
    if (assignment?.type !== "assignment") continue;
    const left = assignment.childForFieldName("left");
    const right = assignment.childForFieldName("right");
    if (left?.type === "identifier" && right) out.push({ name: left.text, value: right, node: assignment });
  }
  return out;
}

/** String values of a literal, a tuple/list of literals, or None (→ []). */
export function stringValues(node: PyNode): string[] {
  if (node.type === "none") return [];
  if (node.type === "string" || node.type === "concatenated_string") {
    const value = decodeStringNode(node)?.value;
    return value !== undefined ? [value] : [];
  }
  if (node.type === "tuple" || node.type === "list" || node.type === "parenthesized_expression") {
    return node.namedChildren.flatMap(stringValues);
  }
  return [];
}

export function positionalArguments(call: PyNode): PyNode[] {
  const args = call.childForFieldName("arguments");
  return (args?.namedChildren ?? []).filter((a) => a.type !== "keyword_argument" && a.type !== "comment" && a.type !== "list_splat" && a.type !== "dictionary_splat");
}

export function keywordArguments(call: PyNode): Map<string, PyNode> {
  const out = new Map<string, PyNode>();
  for (const arg of call.childForFieldName("arguments")?.namedChildren ?? []) {
    if (arg.type !== "keyword_argument") continue;
    const name = arg.childForFieldName("name")?.text;
    const value = arg.childForFieldName("value");
    if (name && value) out.set(name, value);
  }
  return out;
}

/** The first argument of a call (or its `table_name=`), as a literal string. */
export function firstArgumentString(call: PyNode): string | undefined {
  const first = positionalArguments(call)[0] ?? keywordArguments(call).get("table_name");
  return first ? stringValues(first)[0] : undefined;
}

/** A call's shortest readable name for messages: `make()`, or the expression when short. */
export function shortReceiver(node: PyNode): string {
  if (node.type === "call") {
    const fn = node.childForFieldName("function");
    return `${fn?.text ?? "…"}()`;
  }
  return node.text.length > 30 ? "…" : node.text;
}

/** The function a statement defines, decorated or not. */
export function functionDefinition(statement: PyNode): PyNode | undefined {
  if (statement.type === "function_definition") return statement;
  if (statement.type === "decorated_definition") {
    const def = statement.childForFieldName("definition");
    if (def?.type === "function_definition") return def;
  }
  return undefined;
}

/** `name` or `name as alias` in an import: [imported, bound]. */
export function importedName(node: PyNode): [string, string] {
  if (node.type === "aliased_import") {
    const name = node.childForFieldName("name")!.text;
    return [name, node.childForFieldName("alias")!.text];
  }
  return [node.text, node.text];
}

export function isDocstring(statement: PyNode): boolean {
  return statement.type === "expression_statement" && statement.namedChildren[0]?.type === "string";
}

/** An expression that may evaluate to a SQL string (a module constant worth remembering). */
export function isStringish(node: PyNode): boolean {
  return node.type === "string" || node.type === "concatenated_string" || node.type === "binary_operator" || node.type === "parenthesized_expression" || node.type === "call";
}

/**
 * Node types that hold expressions only, never a statement: nothing inside one is a definition, an
 * assignment, a with/for/if statement, and a call in one shows as a `(` in its text (a call's
 * arguments start with one).
 */
const EXPRESSION_ONLY = new Set([
  "type", "generic_type", "type_parameter", "string", "concatenated_string", "string_content", "interpolation",
  "dotted_name", "attribute", "subscript", "keyword_argument", "list", "tuple", "set", "dictionary", "pair",
  "binary_operator", "boolean_operator", "comparison_operator", "not_operator", "unary_operator",
  "parenthesized_expression", "expression_list", "conditional_expression", "list_splat", "dictionary_splat", "slice",
  "import_statement", "import_from_statement", "future_import_statement", "aliased_import",
]);

/** Where the `(` of a source are, for holdsNoCall (found on first use). */
export class ParenIndex {
  private offsets: number[] | undefined;

  constructor(private readonly text: string) {}

  /** Whether `[start, end)` holds a `(`. */
  within(start: number, end: number): boolean {
    if (!this.offsets) {
      this.offsets = [];
      for (let i = this.text.indexOf("("); i !== -1; i = this.text.indexOf("(", i + 1)) this.offsets.push(i);
    }
    const offsets = this.offsets;
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo]! < end;
  }
}

/**
 * An expression with no call anywhere inside (an annotation, a docstring, an import list, a literal
 * argument): a walk looking for calls and statements has nothing to find in it. Its offsets are two
 * reads; its children, if read, many more.
 */
export function holdsNoCall(node: PyNode, parens: ParenIndex): boolean {
  return EXPRESSION_ONLY.has(node.type) && !parens.within(node.startIndex, node.endIndex);
}
