// Command wrappers imported from another file of the scan: `import { run } from "./sh.mjs"`,
// `const utils = require("./utilities"); utils.execute(cmd)`. The imported file is parsed, its
// wrappers found as in the same file (js-wrappers.ts), and each exported one is known by the name
// a call resolves to (`./sh.mjs.run`, `./utilities.execute`; a default export by the module path).
import path from "node:path";
import type * as t from "@babel/types";
import { parseJs } from "../../parsers/js.js";
import type { Wrapper } from "./js-wrappers.js";

type AnyNode = t.Node;
export type Sibling = { file: string; text: string };

const EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"];

/** The relative module paths a program imports or requires (`./sh.mjs`, `../lib/run`). */
export function relativeImports(program: t.Program, walk: (node: AnyNode, visit: (node: AnyNode) => void) => void): string[] {
  const specs = new Set<string>();
  walk(program, (node) => {
    let spec: string | undefined;
    if (node.type === "ImportDeclaration") spec = node.source.value;
    else if (node.type === "CallExpression" && node.callee.type === "Identifier" && node.callee.name === "require" && node.arguments[0]?.type === "StringLiteral") spec = node.arguments[0].value;
    if (spec !== undefined && (spec.startsWith("./") || spec.startsWith("../"))) specs.add(spec);
  });
  return [...specs];
}

/** The sibling a relative module path names from `file` (extension and `/index` tried as Node and bundlers do). */
function resolveModule(file: string, spec: string, siblings: readonly Sibling[]): Sibling | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  // A TypeScript import of "./run.js" names run.ts.
  const stems = [base, base.replace(/\.(m|c)?js$/, "")];
  for (const stem of stems) {
    for (const ext of EXTENSIONS) {
      const found = siblings.find((s) => s.file === stem + ext || s.file === `${stem}/index${ext === "" ? ".js" : ext}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** What a module exports, by export name (`default` for the default export), as local names of that module. */
function exportedNames(program: t.Program): Map<string, string> {
  const out = new Map<string, string>();
  const exportsTarget = (node: AnyNode): string | undefined => {
    // `module.exports` → "", `exports.x` / `module.exports.x` → "x".
    if (node.type !== "MemberExpression" || node.computed || node.property.type !== "Identifier") return undefined;
    const object = node.object;
    if (object.type === "Identifier" && object.name === "module" && node.property.name === "exports") return "";
    if (object.type === "Identifier" && object.name === "exports") return node.property.name;
    if (object.type === "MemberExpression" && exportsTarget(object) === "") return node.property.name;
    return undefined;
  };
  for (const statement of program.body) {
    if (statement.type === "ExportNamedDeclaration") {
      const decl = statement.declaration;
      if (decl?.type === "FunctionDeclaration" && decl.id) out.set(decl.id.name, decl.id.name);
      if (decl?.type === "VariableDeclaration") for (const d of decl.declarations) if (d.id.type === "Identifier") out.set(d.id.name, d.id.name);
      if (!statement.source) {
        for (const spec of statement.specifiers) {
          if (spec.type !== "ExportSpecifier") continue;
          out.set(spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value, spec.local.name);
        }
      }
    } else if (statement.type === "ExportDefaultDeclaration") {
      const decl = statement.declaration;
      if (decl.type === "FunctionDeclaration" && decl.id) out.set("default", decl.id.name);
      else if (decl.type === "Identifier") out.set("default", decl.name);
    } else if (statement.type === "ExpressionStatement" && statement.expression.type === "AssignmentExpression" && statement.expression.operator === "=") {
      const { left, right } = statement.expression;
      const target = exportsTarget(left);
      if (target === undefined) continue;
      if (target !== "" && right.type === "Identifier") out.set(target, right.name);
      else if (target === "" && right.type === "Identifier") out.set("default", right.name);
      else if (target === "" && right.type === "ObjectExpression") {
        for (const prop of right.properties) {
          if (prop.type !== "ObjectProperty" || prop.computed || prop.key.type !== "Identifier" || prop.value.type !== "Identifier") continue;
          out.set(prop.key.name, prop.value.name);
        }
      }
    }
  }
  return out;
}

/**
 * The wrappers `file` imports from its siblings, keyed by the canonical name a call of one resolves
 * to. `wrappersOf` finds the wrappers of a parsed sibling (the same finder as for the file itself).
 */
export function importedWrappers(file: string, specs: readonly string[], siblings: readonly Sibling[], wrappersOf: (program: t.Program, text: string) => Map<string, Wrapper>): Map<string, Wrapper> {
  const out = new Map<string, Wrapper>();
  for (const spec of specs) {
    const sibling = resolveModule(file, spec, siblings);
    if (!sibling) continue;
    let program: t.Program;
    try {
      program = parseJs(sibling.text, sibling.file).program;
    } catch {
      continue; // the sibling reports its own syntax error where it is scanned
    }
    const wrappers = wrappersOf(program, sibling.text);
    if (wrappers.size === 0) continue;
    for (const [exported, local] of exportedNames(program)) {
      const wrapper = wrappers.get(local);
      if (!wrapper) continue;
      out.set(exported === "default" ? spec : `${spec}.${exported}`, wrapper);
    }
  }
  return out;
}
