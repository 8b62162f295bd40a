// What Alembic will run, followed statically (issue 17, item 2): the names a module binds to
// Alembic's `op` and its functions, what `upgrade`/`downgrade` are bound to, and the constructs
// whose effect cannot be read statically (getattr on op, exec, eval, SQL read from a file), which
// the extractor reports as unanalysable so that production fails closed on them.
import type { PyNode } from "./nodes.js";

/** Calls that run code gonogo cannot read. */
const UNANALYSABLE_CALLS: Record<string, string> = {
  exec: "`exec()` runs code built at run time",
  eval: "`eval()` runs code built at run time",
  compile: "`compile()` builds code at run time",
  __import__: "`__import__()` loads a module chosen at run time",
  import_module: "`importlib.import_module()` loads a module chosen at run time",
  run_path: "`runpy.run_path()` runs another file",
  run_module: "`runpy.run_module()` runs another module",
};

/**
 * Why a call cannot be analysed, or undefined. `opNames` are the names bound to Alembic's `op`:
 * `getattr(op, …)` may reach any operation.
 */
export function unanalysableCall(call: PyNode, opNames: ReadonlySet<string>): string | undefined {
  const fn = call.childForFieldName("function");
  if (!fn) return undefined;
  const name = fn.type === "attribute" ? fn.childForFieldName("attribute")!.text : fn.type === "identifier" ? fn.text : undefined;
  if (name === undefined) return undefined;
  if (fn.type === "identifier" && (name === "getattr" || name === "vars")) {
    const first = call.childForFieldName("arguments")?.namedChildren.find((a) => a.type !== "comment");
    if (first && opNames.has(first.text)) return `\`${name}(${first.text}, …)\` may call any Alembic operation`;
    return undefined;
  }
  if (name === "import_module" || name === "run_path" || name === "run_module") return UNANALYSABLE_CALLS[name];
  if (fn.type === "identifier" && Object.hasOwn(UNANALYSABLE_CALLS, name)) return UNANALYSABLE_CALLS[name];
  return undefined;
}

/** Whether an expression reads a file (`open(…).read()`, `Path(…).read_text()`): SQL from outside the migration. */
export function readsFile(node: PyNode): boolean {
  if (node.type !== "call") return false;
  const fn = node.childForFieldName("function");
  if (!fn) return false;
  const name = fn.type === "attribute" ? fn.childForFieldName("attribute")!.text : fn.text;
  if (name === "read" || name === "read_text" || name === "read_bytes" || name === "readlines" || name === "open" || name === "get_data") return true;
  return fn.type === "attribute" && readsFile(fn.childForFieldName("object")!);
}

/** `sa.Table("users", …)` / `Table(…)` / `sqlalchemy.Table(…)`: the table's name, or "" when not a literal. */
export function tableConstructorName(node: PyNode | undefined, stringValue: (node: PyNode) => string | undefined): string | undefined {
  if (node?.type !== "call") return undefined;
  const fn = node.childForFieldName("function");
  const name = fn?.type === "attribute" ? fn.childForFieldName("attribute")!.text : fn?.text;
  if (name !== "Table") return undefined;
  const first = node.childForFieldName("arguments")?.namedChildren.find((a) => a.type !== "comment" && a.type !== "keyword_argument");
  return (first && stringValue(first)) ?? "";
}

/** A method of a class body: `def name` directly in it (decorated or not: staticmethod, classmethod). */
export function classMethod(classDef: PyNode, name: string): PyNode | undefined {
  for (const statement of classDef.childForFieldName("body")?.namedChildren ?? []) {
    const def = statement.type === "decorated_definition" ? statement.childForFieldName("definition") : statement;
    if (def?.type === "function_definition" && def.childForFieldName("name")?.text === name) return def;
  }
  return undefined;
}
