// Commands behind indirection in JavaScript / TypeScript: small functions (or class methods called
// as `this.run(cmd)`) of the same file that pass one of their parameters to a command runner
// (`function run(cmd) { execSync(cmd) }`, `const sh = (c) => execAsync(c)`) or to `fetch` (`cfApi(method, path)` for the Cloudflare REST
// API). Each wrapper is described by which parameter carries what, so a call of the wrapper is read
// like a call of the runner it wraps. Wrappers of wrappers are found too (a few rounds).
import type * as t from "@babel/types";

/** Functions whose first argument is a shell command line. */
export const SHELL_STRING_CALLS = new Set(["child_process.exec", "child_process.execSync", "execa.execaCommand", "execa.execaCommandSync", "execa.command", "execa.commandSync"]);
/** Functions taking (file, args[]). */
export const ARGV_CALLS = new Set(["child_process.spawn", "child_process.spawnSync", "child_process.execFile", "child_process.execFileSync", "execa", "execa.execa", "execa.execaSync", "execa.sync"]);

export type Wrapper =
  | { kind: "shell"; command: number }
  | { kind: "argv"; file: number; args: number }
  /** `url`: the parameter inside fetch's URL; `method`: the parameter that is the method, or the init object holding it. */
  | { kind: "fetch"; url: number; urlPrefix: string; method: { param: number; object: boolean } | { literal: string } };

type AnyNode = t.Node;
type FunctionNode = t.FunctionDeclaration | t.FunctionExpression | t.ArrowFunctionExpression | t.ClassMethod | t.ClassPrivateMethod;

/** The name a call uses for a wrapper: `run` for `run(…)`, `this.run` for a method called as `this.run(…)`. */
export function wrapperCallName(callee: AnyNode): string | undefined {
  const n = unwrap(callee);
  if (n.type === "Identifier") return n.name;
  if ((n.type === "MemberExpression" || n.type === "OptionalMemberExpression") && n.object.type === "ThisExpression" && !n.computed && n.property.type === "Identifier") return `this.${n.property.name}`;
  return undefined;
}

function paramNames(fn: FunctionNode): (string | undefined)[] {
  return fn.params.map((p) => (p.type === "Identifier" ? p.name : p.type === "AssignmentPattern" && p.left.type === "Identifier" ? p.left.name : undefined));
}

function unwrap(node: AnyNode): AnyNode {
  let n = node;
  while (n.type === "TSAsExpression" || n.type === "TSNonNullExpression" || n.type === "ParenthesizedExpression" || n.type === "AwaitExpression") n = n.type === "AwaitExpression" ? n.argument : n.expression;
  return n;
}

/** The parameter index an argument is, directly or as the only part of a template (`${cmd}`). */
function paramIndex(arg: AnyNode | undefined, params: (string | undefined)[]): number {
  if (!arg) return -1;
  const n = unwrap(arg);
  if (n.type === "Identifier") return params.indexOf(n.name);
  if (n.type === "TemplateLiteral" && n.expressions.length === 1 && n.quasis.every((q) => q.value.raw === "")) return paramIndex(n.expressions[0] as AnyNode, params);
  return -1;
}

/** fetch's URL: a template or `base + path` whose last part is a parameter. The text before it is the prefix. */
function urlParam(arg: AnyNode | undefined, params: (string | undefined)[], text: string): { index: number; prefix: string } | undefined {
  if (!arg) return undefined;
  const n = unwrap(arg);
  const direct = paramIndex(n, params);
  if (direct >= 0) return { index: direct, prefix: "" };
  if (n.type === "TemplateLiteral" && n.expressions.length >= 1 && n.quasis[n.quasis.length - 1]!.value.raw === "") {
    const last = n.expressions[n.expressions.length - 1] as AnyNode;
    const index = paramIndex(last, params);
    if (index >= 0) return { index, prefix: text.slice(n.start! + 1, last.start! - 2) };
  }
  if (n.type === "BinaryExpression" && n.operator === "+") {
    const index = paramIndex(n.right, params);
    if (index >= 0) return { index, prefix: text.slice(n.left.start!, n.left.end!) };
  }
  return undefined;
}

function forEachNode(node: AnyNode, visit: (node: AnyNode) => void): void {
  const stack: AnyNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    for (const key of Object.keys(current)) {
      if (key === "loc" || key.endsWith("Comments") || key === "extra") continue;
      const value = (current as unknown as Record<string, unknown>)[key];
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) if (item && typeof item === "object" && typeof (item as AnyNode).type === "string") stack.push(item as AnyNode);
    }
  }
}

/**
 * The wrappers declared in `program`. `resolve` gives the canonical name of a callee (an import),
 * `isFetch` says whether a callee is fetch.
 */
export function findWrappers(program: t.Program, text: string, resolve: (node: AnyNode) => string | undefined, isFetch: (callee: AnyNode) => boolean): Map<string, Wrapper> {
  const functions: { name: string; fn: FunctionNode }[] = [];
  forEachNode(program, (node) => {
    if (node.type === "FunctionDeclaration" && node.id) functions.push({ name: node.id.name, fn: node });
    else if (node.type === "VariableDeclarator" && node.id.type === "Identifier" && node.init) {
      const init = unwrap(node.init);
      if (init.type === "ArrowFunctionExpression" || init.type === "FunctionExpression") functions.push({ name: node.id.name, fn: init });
    } else if (node.type === "ClassMethod" && node.kind === "method" && !node.computed && node.key.type === "Identifier") {
      // A method of a class, called as `this.run(cmd)` from its other methods.
      functions.push({ name: `this.${node.key.name}`, fn: node });
    } else if (node.type === "ClassProperty" && !node.computed && node.key.type === "Identifier" && node.value) {
      const value = unwrap(node.value);
      if (value.type === "ArrowFunctionExpression" || value.type === "FunctionExpression") functions.push({ name: `this.${node.key.name}`, fn: value });
    }
  });
  const wrappers = new Map<string, Wrapper>();
  if (functions.length === 0) return wrappers;
  // Rounds: a wrapper of a wrapper is known once the inner one is.
  for (let round = 0; round < 3; round++) {
    let added = false;
    for (const { name, fn } of functions) {
      if (wrappers.has(name)) continue;
      const params = paramNames(fn);
      let found: Wrapper | undefined;
      forEachNode(fn.body, (node) => {
        if (found || (node.type !== "CallExpression" && node.type !== "OptionalCallExpression")) return;
        const args = node.arguments as AnyNode[];
        const callee = unwrap(node.callee);
        const calleeName = wrapperCallName(callee);
        const inner = calleeName !== undefined && calleeName !== name ? wrappers.get(calleeName) : undefined;
        const resolved = resolve(callee);
        if ((resolved !== undefined && SHELL_STRING_CALLS.has(resolved)) || inner?.kind === "shell") {
          const index = paramIndex(args[inner?.kind === "shell" ? inner.command : 0], params);
          if (index >= 0) found = { kind: "shell", command: index };
        } else if ((resolved !== undefined && ARGV_CALLS.has(resolved)) || inner?.kind === "argv") {
          const file = paramIndex(args[inner?.kind === "argv" ? inner.file : 0], params);
          const list = paramIndex(args[inner?.kind === "argv" ? inner.args : 1], params);
          if (file >= 0 && list >= 0) found = { kind: "argv", file, args: list };
        } else if (isFetch(callee)) {
          const url = urlParam(args[0], params, text);
          if (!url) return;
          const init = args[1] ? unwrap(args[1]) : undefined;
          const initParam = paramIndex(init, params);
          if (initParam >= 0) {
            found = { kind: "fetch", url: url.index, urlPrefix: url.prefix, method: { param: initParam, object: true } };
            return;
          }
          if (init?.type !== "ObjectExpression") return;
          for (const prop of init.properties) {
            if (prop.type !== "ObjectProperty" || prop.computed || prop.key.type !== "Identifier" || prop.key.name !== "method") continue;
            const value = unwrap(prop.value);
            const methodParam = paramIndex(value, params);
            if (methodParam >= 0) found = { kind: "fetch", url: url.index, urlPrefix: url.prefix, method: { param: methodParam, object: false } };
            else if (value.type === "StringLiteral") found = { kind: "fetch", url: url.index, urlPrefix: url.prefix, method: { literal: value.value } };
          }
        }
      });
      if (found) {
        wrappers.set(name, found);
        added = true;
      }
    }
    if (!added) break;
  }
  return wrappers;
}
