// What a migration module binds at its top level, in order (a later binding wins, as in Python):
// the names of Alembic's `op` and of its operations, sqlalchemy's `text`, string constants,
// functions and classes, and what `upgrade`/`downgrade` are bound to.
import type { Direction } from "../facts.js";
import { classMethod } from "./follow.js";
import type { PyNode } from "./nodes.js";
import { operationRow } from "./operations.js";
import { functionDefinition, importedName, shortReceiver } from "./syntax.js";

export abstract class ModuleBindings {
  /** Module-level names bound to a string (or an expression that may build one). */
  readonly constants = new Map<string, PyNode>();
  /** Module-level names bound to a dict, tuple or list literal. */
  readonly containers = new Map<string, PyNode>();
  readonly functions = new Map<string, PyNode>();
  /** Names bound to Alembic's `op` at module level (`from alembic import op as alembic_op`). */
  readonly opNames = new Set<string>();
  /** Module-level classes, whose methods (staticmethods too) are followed when called. */
  readonly classes = new Map<string, PyNode>();
  /** Names bound to an Alembic operation itself (`from alembic.op import drop_table as dt`): name → operation. */
  readonly opFunctions = new Map<string, string>();
  /** Names bound to sqlalchemy's `text` function. */
  readonly textNames = new Set<string>(["text"]);

  /** A construct whose effect cannot be read statically (here: upgrade/downgrade bound to one). */
  abstract unanalysable(node: PyNode, why: string, direction: Direction): void;

  readImports(root: PyNode): void {
    for (const statement of root.namedChildren) {
      if (statement.type === "import_from_statement") {
        const module = statement.childForFieldName("module_name")?.text;
        for (const name of statement.childrenForFieldName("name")) {
          const [imported, alias] = importedName(name);
          if (module === "alembic" && imported === "op") this.opNames.add(alias);
          if (module === "alembic.op" && operationRow(imported)) this.opFunctions.set(alias, imported);
          if (module === "alembic.op" && imported === "execute") this.opFunctions.set(alias, "execute");
          if ((module === "sqlalchemy" || module === "sqlalchemy.sql") && imported === "text") this.textNames.add(alias);
        }
      } else if (statement.type === "import_statement") {
        for (const name of statement.childrenForFieldName("name")) {
          const [imported, alias] = importedName(name);
          if (imported === "alembic.op") this.opNames.add(alias === imported ? "alembic.op" : alias);
          // `import alembic` makes `alembic.op.drop_table(…)` reachable.
          if (imported === "alembic") this.opNames.add(`${alias}.op`);
        }
      }
    }
    if (![...this.opNames].some((name) => !name.includes("."))) this.opNames.add("op");
  }

  /**
   * Functions, classes and names bound at module level, in order (a later binding wins, as in
   * Python): `def`, `class`, `o = op`, `upgrade = other_function`, `upgrade = lambda: …`,
   * `upgrade = Helpers.method`. `upgrade`/`downgrade` bound to anything else cannot be followed.
   */
  bindModuleNames(root: PyNode): void {
    for (const statement of root.namedChildren) {
      const def = functionDefinition(statement);
      if (def) {
        this.functions.set(def.childForFieldName("name")!.text, def);
        continue;
      }
      const cls = statement.type === "decorated_definition" ? statement.childForFieldName("definition") : statement;
      if (cls?.type === "class_definition") {
        this.classes.set(cls.childForFieldName("name")!.text, cls);
        continue;
      }
      const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
      if (assignment?.type !== "assignment") continue;
      const left = assignment.childForFieldName("left");
      const right = assignment.childForFieldName("right");
      if (left?.type !== "identifier" || !right) continue;
      if ((right.type === "identifier" || right.type === "attribute") && this.opNames.has(right.text)) this.opNames.add(left.text);
      else if (right.type === "attribute" && this.opNames.has(right.childForFieldName("object")!.text) && operationRow(right.childForFieldName("attribute")!.text)) {
        this.opFunctions.set(left.text, right.childForFieldName("attribute")!.text);
      }
      if (left.text !== "upgrade" && left.text !== "downgrade") continue;
      const target = this.boundFunction(right);
      if (target) this.functions.set(left.text, target);
      else {
        this.functions.delete(left.text);
        this.unanalysable(right, `\`${left.text} = ${shortReceiver(right)}\` binds ${left.text}() to something gonogo cannot follow`, left.text);
      }
    }
  }

  /** The function an expression names: a module function, a lambda, or `Class.method`. */
  boundFunction(node: PyNode): PyNode | undefined {
    if (node.type === "identifier") return this.functions.get(node.text);
    if (node.type === "lambda") return node;
    if (node.type === "attribute") {
      const owner = this.classes.get(node.childForFieldName("object")!.text);
      return owner ? classMethod(owner, node.childForFieldName("attribute")!.text) : undefined;
    }
    return undefined;
  }
}
