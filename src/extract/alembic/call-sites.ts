// What reaches a helper from its call sites (issue 13, item 11): the strings a caller passes for
// its parameters, read where the caller wrote them, and the merging of what a helper run from
// both upgrade() and downgrade() records at one place into one fact naming both directions.
import type { Direction } from "../facts.js";
import type { SourceLocation } from "../../types.js";
import type { PyNode } from "./nodes.js";
import { argumentFor, type OperationRow } from "./operations.js";
import { resolveSql, type Bound, type ModuleNames, type Scope } from "./resolve-sql.js";
import { keywordArguments, positionalArguments } from "./syntax.js";

/** A helper's parameter names in order (`self`-less module functions and lambdas). */
function parameterNames(def: PyNode): (string | undefined)[] {
  const parameters = def.childForFieldName("parameters");
  return (parameters?.namedChildren ?? []).map((parameter) => {
    if (parameter.type === "identifier") return parameter.text;
    if (parameter.type === "typed_parameter") return parameter.namedChildren[0]?.type === "identifier" ? parameter.namedChildren[0].text : undefined;
    if (parameter.type === "default_parameter" || parameter.type === "typed_default_parameter") return parameter.childForFieldName("name")?.text;
    // *args, **kwargs, `*`, `/`: no single argument is bound to them.
    return undefined;
  });
}

/**
 * The parameters of `helper` that `call` passes a string to (a literal, a constant, a string the
 * caller itself received), each bound to the argument in the caller's scope; and a signature of
 * those strings (text and place) that tells one expansion of the helper from another.
 */
export function boundArguments(helper: PyNode, call: PyNode, caller: Scope, module: ModuleNames): { names: Map<string, Bound>; signature: string } {
  const names = new Map<string, Bound>();
  const parts: string[] = [];
  const parameters = parameterNames(helper);
  const args = call.childForFieldName("arguments")?.namedChildren ?? [];
  // After a *splat, positions no longer say which parameter an argument is.
  const splat = args.some((a) => a.type === "list_splat");
  const pairs: [string | undefined, PyNode][] = [
    ...(splat ? [] : positionalArguments(call).map((arg, index): [string | undefined, PyNode] => [parameters[index], arg])),
    ...[...keywordArguments(call)].map(([name, arg]): [string | undefined, PyNode] => [parameters.includes(name) ? name : undefined, arg]),
  ];
  for (const [name, arg] of pairs) {
    if (name === undefined || names.has(name) || caller.opNames.has(arg.text)) continue;
    const resolved = resolveSql(arg, caller, module);
    if (resolved.kind !== "sql") continue;
    names.set(name, { node: arg, scope: caller });
    parts.push(`${name}@${resolved.value.offsets[0] ?? -1}=${resolved.value.value}`);
  }
  return { names, signature: parts.join("\0") };
}

/** The string literal a parameter or loop variable stands for, when it is one: where the name is written. */
export function boundLiteral(node: PyNode | undefined, scope: Scope): PyNode | undefined {
  if (node?.type !== "identifier") return undefined;
  const bound = scope.bound?.get(node.text);
  if (!bound) return undefined;
  if (bound.node.type === "string" || bound.node.type === "concatenated_string") return bound.node;
  return boundLiteral(bound.node, bound.scope);
}

/** The arguments of an operation call that name what it changes: table, index or constraint, column. */
export function namedArguments(row: OperationRow, call: PyNode, inBatch: boolean): PyNode[] {
  const positional = positionalArguments(call);
  const keywords = keywordArguments(call);
  return [row.fields.table, row.fields.name, row.fields.column]
    .map((parameter) => (parameter === undefined ? undefined : argumentFor(row, parameter, positional, keywords, inBatch)))
    .filter((node): node is PyNode => node !== undefined);
}

interface Directed {
  location: SourceLocation;
  migration?: { revision?: string; direction: Direction; directions?: Direction[] };
}

/**
 * One fact per place and meaning (`keyOf`): the same change recorded in upgrade and in downgrade
 * (a helper both call) is kept once, in the first direction, with `migration.directions` naming both.
 */
export function mergeDirections<T extends Directed>(facts: T[], keyOf: (fact: T) => string): T[] {
  const first = new Map<string, T>();
  return facts.filter((fact) => {
    if (!fact.migration) return true;
    const l = fact.location;
    const key = `${l.line}:${l.column}:${l.endLine}:${l.endColumn}\0${keyOf(fact)}`;
    const kept = first.get(key);
    if (!kept) {
      first.set(key, fact);
      return true;
    }
    const directions = kept.migration!.directions ?? [kept.migration!.direction];
    if (!directions.includes(fact.migration.direction)) kept.migration = { ...kept.migration!, directions: [...directions, fact.migration.direction] };
    return false;
  });
}
