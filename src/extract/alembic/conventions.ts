// The naming convention an Alembic project declares statically: `MetaData(naming_convention={...})`
// or `metadata.naming_convention = {...}` in env.py or a module env.py imports (a few levels deep,
// only modules among the scanned files). Read with tree-sitter; a convention built at run time
// (a callable token, a dict assembled in code) is not guessed.
import path from "node:path";
import { parsePython } from "../../parsers/python.js";
import { type PyNode, TreeView } from "./nodes.js";
import { conventionFromEntries, type NamingConvention } from "./naming.js";
import { decodeStringNode } from "./strings.js";

/** How far imports are followed from env.py, and how many modules are read at most. */
const MAX_DEPTH = 4;
const MAX_MODULES = 200;

/**
 * The naming convention declared by the project whose Alembic environment is `envFile`: in env.py
 * or a module it imports (transitively), among `texts` (path → source, POSIX paths as scanned).
 */
export function declaredNamingConvention(envFile: string, texts: ReadonlyMap<string, string>): NamingConvention | undefined {
  // Most projects declare none: then no module is parsed at all.
  const declaring = new Set([...texts.keys()].filter((file) => file.endsWith(".py") && (texts.get(file) ?? "").includes("naming_convention")));
  if (declaring.size === 0) return undefined;
  const index = moduleIndex(texts);
  const queue: { file: string; depth: number }[] = [{ file: envFile, depth: 0 }];
  const seen = new Set([envFile]);
  for (let parsed = 0; queue.length > 0 && parsed < MAX_MODULES; parsed++) {
    const { file, depth } = queue.shift()!;
    const text = texts.get(file);
    if (text === undefined) continue; // vanished since it was listed
    const root = new TreeView(parsePython(text), text).root;
    const found = declaring.has(file) ? conventionIn(root) : undefined;
    if (found) return found;
    if (depth === MAX_DEPTH) continue;
    for (const module of importedModules(root, file)) {
      for (const candidate of index.filesOf(module)) {
        if (seen.has(candidate)) continue;
        seen.add(candidate);
        queue.push({ file: candidate, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** `MetaData(naming_convention=…)` or `x.naming_convention = …` in a module, with a dict literal (or a module-level name bound to one). */
function conventionIn(root: PyNode): NamingConvention | undefined {
  const dicts = new Map<string, PyNode>();
  for (const statement of root.namedChildren) {
    const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
    const left = assignment?.type === "assignment" ? assignment.childForFieldName("left") : undefined;
    const right = assignment?.childForFieldName("right");
    if (left?.type === "identifier" && right?.type === "dictionary") dicts.set(left.text, right);
  }
  const resolve = (value: PyNode | null | undefined): NamingConvention | undefined => {
    if (!value) return undefined;
    const dict = value.type === "dictionary" ? value : value.type === "identifier" ? dicts.get(value.text) : undefined;
    return dict ? conventionFromDict(dict) : undefined;
  };
  for (const call of root.descendantsOfType("call")) {
    const fn = call.childForFieldName("function");
    const name = fn?.type === "attribute" ? fn.childForFieldName("attribute")?.text : fn?.text;
    if (name !== "MetaData") continue;
    for (const argument of call.childForFieldName("arguments")?.namedChildren ?? []) {
      if (argument.type === "keyword_argument" && argument.childForFieldName("name")?.text === "naming_convention") {
        const found = resolve(argument.childForFieldName("value"));
        if (found) return found;
      }
    }
  }
  for (const assignment of root.descendantsOfType("assignment")) {
    const left = assignment.childForFieldName("left");
    if (left?.type === "attribute" && left.childForFieldName("attribute")?.text === "naming_convention") {
      const found = resolve(assignment.childForFieldName("right"));
      if (found) return found;
    }
  }
  return undefined;
}

function conventionFromDict(dict: PyNode): NamingConvention | undefined {
  const entries: [string, string][] = [];
  for (const pair of dict.namedChildren) {
    if (pair.type !== "pair") continue;
    const key = pair.childForFieldName("key");
    const value = pair.childForFieldName("value");
    const k = key?.type === "string" ? decodeStringNode(key)?.value : undefined;
    const v = value?.type === "string" || value?.type === "concatenated_string" ? decodeStringNode(value)?.value : undefined;
    if (k !== undefined && v !== undefined) entries.push([k, v]);
  }
  const convention = conventionFromEntries(entries);
  return Object.keys(convention).length > 0 ? convention : undefined;
}

/** Dotted module names a module imports (relative ones resolved against its own package). */
function importedModules(root: PyNode, file: string): string[] {
  const out: string[] = [];
  const packageParts = path.posix.dirname(file).split("/");
  const dottedName = (node: PyNode | null | undefined) => (node?.type === "aliased_import" ? node.childForFieldName("name")?.text : node?.text);
  for (const statement of root.namedChildren) {
    if (statement.type === "import_statement") {
      for (const name of statement.childrenForFieldName("name")) {
        const dotted = dottedName(name);
        if (dotted) out.push(dotted);
      }
    } else if (statement.type === "import_from_statement") {
      const moduleNode = statement.childForFieldName("module_name");
      if (!moduleNode) continue;
      let base = moduleNode.text;
      if (moduleNode.type === "relative_import") {
        // `from ..models import x`: the dots climb packages from this module's own.
        const dots = moduleNode.namedChildren.find((c) => c.type === "import_prefix")?.text.length ?? 1;
        const rest = moduleNode.namedChildren.find((c) => c.type === "dotted_name")?.text;
        const parent = packageParts.slice(0, Math.max(0, packageParts.length - (dots - 1)));
        base = [...parent, ...(rest ? [rest] : [])].join(".");
      }
      out.push(base);
      // `from pkg import models` may name a submodule.
      for (const name of statement.childrenForFieldName("name")) {
        const imported = dottedName(name);
        if (imported) out.push(`${base}.${imported}`);
      }
    }
  }
  return out;
}

/** Scanned .py files by the module they may hold: `a/b.py` and `a/b/__init__.py` for `…a.b`, at any depth of the project. */
function moduleIndex(texts: ReadonlyMap<string, string>): { filesOf(module: string): string[] } {
  const byLastPart = new Map<string, string[]>();
  for (const file of texts.keys()) {
    if (!file.endsWith(".py")) continue;
    const base = path.posix.basename(file);
    const last = base === "__init__.py" ? path.posix.basename(path.posix.dirname(file)) : base.slice(0, -3);
    const list = byLastPart.get(last);
    if (list) list.push(file);
    else byLastPart.set(last, [file]);
  }
  return {
    filesOf(module: string): string[] {
      const parts = module.split(".").filter(Boolean);
      if (parts.length === 0) return [];
      const stem = parts.join("/");
      const endings = [`${stem}.py`, `${stem}/__init__.py`];
      return (byLastPart.get(parts[parts.length - 1]!) ?? []).filter((file) => endings.some((e) => file === e || file.endsWith(`/${e}`)));
    },
  };
}
