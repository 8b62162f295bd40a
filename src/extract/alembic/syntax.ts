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
