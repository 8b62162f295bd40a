// An Alembic migration module → Migration + SchemaChange + DynamicSql facts.
// Reads the tree-sitter syntax tree once; knows Alembic's `op` API and the common ways SQL is
// executed from a migration (op.execute, connection/session.execute, exec_driver_sql, text()).
import { firstSyntaxError, parsePython, TooComplexError, type Tree } from "../../parsers/python.js";
import { pythonIndentationError } from "../../parsers/python-indentation.js";
import { type PyNode, TreeView } from "./nodes.js";
import { parseDirectiveComment } from "../directives.js";
import {
  emptyFileFacts,
  type Direction,
  type FileFacts,
  type Migration,
  type MigrationFunction,
  type SchemaChange,
  type SchemaChangeKind,
} from "../facts.js";
import { SourceText } from "../source.js";
import { extractSqlChanges } from "../sql/index.js";
import { classMethod, readsFile, tableConstructorName, unanalysableCall } from "./follow.js";
import { concatMapped, decodeStringNode, dedentMapped, hasInterpolation, mapOffsetOf, stripMapped, type MappedString } from "./strings.js";
import { guardedBranches } from "./dialect-guard.js";
import type { SourceLocation, SqlDialect } from "../../types.js";
import { argumentFor, CONSTRAINT_TYPE_OF, constraintTypeOf, identifiersInCondition } from "./operations.js";
import { markReversals } from "./reversal.js";
import { markOwnTableDrops } from "../own-tables.js";

export interface MigrationContext {
  dialect: SqlDialect;
  /** The versions directory the file lives in. */
  directory: string;
}

/** Whether the module assigns both `revision` and `down_revision` at top level (an Alembic migration). */
export function looksLikeMigration(text: string): boolean {
  let tree: Tree;
  try {
    tree = parsePython(text);
  } catch (error) {
    // Too complex to parse: treated as a migration (and so reported as not analysed) when it names
    // down_revision at all, so an oversized migration outside a versions directory is not skipped.
    if (error instanceof TooComplexError) return text.includes("down_revision");
    throw error;
  }
  const names = new Set(moduleAssignments(new TreeView(tree, text).root).map((a) => a.name));
  return names.has("revision") && names.has("down_revision");
}

interface Assignment {
  name: string;
  value: PyNode;
  node: PyNode;
}

function moduleAssignments(root: PyNode): Assignment[] {
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

/** Alembic operations (on `op` and on `batch_op`) that change the schema, and what they change. */
const OP_KINDS: Record<string, SchemaChangeKind> = {
  create_table: "create-table",
  drop_table: "drop-table",
  rename_table: "rename-table",
  add_column: "add-column",
  drop_column: "drop-column",
  alter_column: "alter-column-type",
  create_index: "create-index",
  drop_index: "drop-index",
  create_foreign_key: "add-foreign-key",
  create_unique_constraint: "add-constraint",
  create_check_constraint: "add-constraint",
  create_primary_key: "add-constraint",
  create_exclude_constraint: "add-constraint",
  drop_constraint: "drop-constraint",
  bulk_insert: "insert",
  create_table_comment: "other",
  drop_table_comment: "other",
};

class MigrationExtractor {
  readonly source: SourceText;
  readonly facts: FileFacts;
  readonly constants = new Map<string, PyNode>();
  readonly functions = new Map<string, PyNode>();
  /** Names bound to Alembic's `op` at module level (`from alembic import op as alembic_op`). */
  readonly opNames = new Set<string>();
  /** Module-level classes, whose methods (staticmethods too) are followed when called. */
  readonly classes = new Map<string, PyNode>();
  /** Names bound to an Alembic operation itself (`from alembic.op import drop_table as dt`): name → operation. */
  readonly opFunctions = new Map<string, string>();
  /** Names bound to sqlalchemy's `text` function. */
  readonly textNames = new Set<string>(["text"]);
  readonly pending: Promise<void>[] = [];
  /**
   * Helpers already followed, by name, direction and the argument positions that pass `op`: a
   * helper called twice is read (and its changes counted) once, so helpers that each call the next
   * twice cost linear time, not 2^depth.
   */
  readonly expanded = new Set<string>();
  revision?: string;
  changeCounter = 0;

  constructor(
    file: string,
    text: string,
    readonly context: MigrationContext,
  ) {
    this.source = new SourceText(file, text);
    this.facts = emptyFileFacts(file, "alembic");
  }

  loc(node: { startIndex: number; endIndex: number }): SourceLocation {
    return this.source.location(node.startIndex, node.endIndex);
  }

  async run(): Promise<FileFacts> {
    const tree = parsePython(this.source.text);
    // The extractor reads the tree through the cursor-backed view; the rare whole-tree searches
    // (syntax errors, directive comments) use the binding's own nodes.
    const root = new TreeView(tree, this.source.text).root;
    this.collectDirectives(tree);
    const assignments = moduleAssignments(root);
    const migration = this.readHeader(root, assignments);
    this.facts.migration = migration;

    const error = firstSyntaxError(tree.rootNode);
    // Indentation errors leave tree-sitter's tree clean; CPython refuses the file all the same.
    const indentation = error ? undefined : pythonIndentationError(tree, this.source.text);
    if (error || indentation) {
      const at = this.loc(error ?? indentation!);
      this.facts.parseProblems.push({
        language: "python",
        family: "alembic",
        wholeFile: true,
        message: `Python ${indentation ? indentation.message.split(":")[0] : "syntax error"} at line ${at.line}${indentation ? ` (${indentation.message.slice(indentation.message.indexOf(":") + 2)})` : ""}: the migration cannot be analysed`,
        location: at,
      });
      migration.parseFailed = true;
      return this.facts;
    }

    this.readImports(root);
    for (const a of assignments) if (isStringish(a.value)) this.constants.set(a.name, a.value);
    this.bindModuleNames(root);
    // Module-level code runs whenever Alembic imports the migration: what it does counts as upgrade.
    this.walk(root, "upgrade", { opNames: new Set(this.opNames), batchTables: new Map(), batchSchemas: new Map(), locals: new Map(), module: true }, new Set());

    for (const direction of ["upgrade", "downgrade"] as const) {
      const def = this.functions.get(direction);
      if (!def) continue;
      const before = this.changeCounter;
      this.analyseFunction(def, direction, new Set([direction]));
      await Promise.all(this.pending.splice(0));
      migration[direction] = this.describeFunction(def, this.changeCounter - before);
    }
    this.facts.schemaChanges = uniqueByLocation(this.facts.schemaChanges, (c) => `${c.kind}\0${c.migration?.direction}\0${c.table}\0${c.column}\0${c.name}`);
    this.facts.dynamicSql = uniqueByLocation(this.facts.dynamicSql, (d) => `${d.reason}\0${d.migration?.direction}`);
    markReversals(this.facts.schemaChanges);
    markOwnTableDrops(this.facts.schemaChanges, true);
    return this.facts;
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
      else if (right.type === "attribute" && this.opNames.has(right.childForFieldName("object")!.text) && OP_KINDS[right.childForFieldName("attribute")!.text]) {
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

  /** A construct whose effect cannot be read statically: a parse problem, so production fails closed. */
  unanalysable(node: PyNode, why: string, direction: Direction): void {
    this.changeCounter++;
    this.facts.parseProblems.push({
      language: "python",
      family: "alembic",
      wholeFile: false,
      message: `${why}: what ${direction}() runs cannot be analysed`,
      location: this.loc(node),
    });
  }

  readHeader(root: PyNode, assignments: Assignment[], withDocstring = true): Migration {
    const byName = new Map(assignments.map((a) => [a.name, a]));
    const revisionNode = byName.get("revision");
    const first = withDocstring ? root.namedChildren[0] : undefined;
    let docstring: string | undefined;
    if (first?.type === "expression_statement" && first.namedChildren[0]?.type === "string") {
      docstring = decodeStringNode(first.namedChildren[0])?.value;
    }
    const revision = revisionNode ? stringValues(revisionNode.value)[0] : undefined;
    this.revision = revision;
    const migration: Migration = {
      file: this.source.file,
      directory: this.context.directory,
      downRevisions: byName.get("down_revision") ? stringValues(byName.get("down_revision")!.value) : [],
      branchLabels: byName.get("branch_labels") ? stringValues(byName.get("branch_labels")!.value) : [],
      dependsOn: byName.get("depends_on") ? stringValues(byName.get("depends_on")!.value) : [],
      revisionLocation: revisionNode ? this.loc(revisionNode.node) : this.source.location(0, 0),
    };
    if (revision !== undefined) migration.revision = revision;
    if (docstring !== undefined) migration.docstring = docstring;
    return migration;
  }

  readImports(root: PyNode): void {
    for (const statement of root.namedChildren) {
      if (statement.type === "import_from_statement") {
        const module = statement.childForFieldName("module_name")?.text;
        for (const name of statement.childrenForFieldName("name")) {
          const [imported, alias] = importedName(name);
          if (module === "alembic" && imported === "op") this.opNames.add(alias);
          if (module === "alembic.op" && OP_KINDS[imported]) this.opFunctions.set(alias, imported);
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

  describeFunction(def: PyNode, changeCount: number): MigrationFunction {
    // `upgrade = lambda: …`: one expression, never empty.
    if (def.type === "lambda") return { location: this.loc(def), nameLocation: this.loc(def), isEmpty: false, changeCount };
    const body = def.childForFieldName("body")!;
    const statements = body.namedChildren.filter((s) => s.type !== "comment");
    const meaningful = statements.filter((s, i) => !(i === 0 && isDocstring(s)));
    const isEmpty = meaningful.every(
      (s) => s.type === "pass_statement" || (s.type === "expression_statement" && s.namedChildren[0]?.type === "ellipsis"),
    );
    const fn: MigrationFunction = {
      location: this.loc(def),
      nameLocation: this.loc(def.childForFieldName("name")!),
      isEmpty,
      changeCount,
    };
    const firstReal = meaningful[0];
    if (firstReal?.type === "raise_statement") {
      const raised = firstReal.namedChildren[0];
      const exception = raised?.type === "call" ? raised.childForFieldName("function")?.text : raised?.text;
      fn.raises = { exception: exception ?? "exception", location: this.loc(firstReal) };
    }
    return fn;
  }

  /** Walks one function body (and the module-level helpers it calls) in the given direction. */
  analyseFunction(def: PyNode, direction: Direction, visiting: Set<string>, opArgumentPositions: number[] = [], dialect?: SqlDialect): void {
    const opNames = new Set(this.opNames);
    const parameters = def.childForFieldName("parameters");
    for (const [index, parameter] of (parameters?.namedChildren ?? []).entries()) {
      const name = parameter.type === "identifier" ? parameter.text : parameter.namedChildren[0]?.text;
      const annotation = parameter.childForFieldName("type")?.text ?? "";
      // `def upgrade(op)`, `def helper(ops: Operations)`, or a helper that the caller passes `op` to.
      if (name && (name === "op" || annotation.includes("Operations") || opArgumentPositions.includes(index))) opNames.add(name);
    }
    const scope: Scope = { opNames, batchTables: new Map(), batchSchemas: new Map(), locals: new Map(), ...(dialect ? { dialect } : {}) };
    // A lambda's body is one expression: walk the lambda so that expression is visited.
    this.walk(def.type === "lambda" ? def : def.childForFieldName("body")!, direction, scope, visiting);
  }

  walk(node: PyNode, direction: Direction, scope: Scope, visiting: Set<string>): void {
    for (const child of node.namedChildren) {
      if (child.type === "function_definition" || child.type === "class_definition") {
        // Module-level definitions are followed when called. One nested in a function is read in
        // place, as if it ran where it is defined (a nested helper or staticmethod called there).
        if (!scope.module) this.walk(child.childForFieldName("body")!, direction, scope, visiting);
        continue;
      }
      if (child.type === "assignment" && scope.module !== true) {
        const left = child.childForFieldName("left");
        const right = child.childForFieldName("right");
        if (left?.type === "identifier" && right && (right.type === "identifier" || right.type === "attribute") && scope.opNames.has(right.text)) scope.opNames.add(left.text);
      }
      if (child.type === "with_statement") this.enterWith(child, scope);
      if (child.type === "assignment") {
        const left = child.childForFieldName("left");
        const right = child.childForFieldName("right");
        if (left?.type === "identifier" && right) scope.locals.set(left.text, right);
      }
      if (child.type === "call") {
        this.visitCall(child, direction, scope, visiting);
        // Arguments may hold further calls (e.g. op.execute(users.delete())): the visit decides.
        continue;
      }
      // `if bind.dialect.name == "mysql":` — the body runs on that database only.
      const guard = child.type === "if_statement" ? guardedBranches(child, (name) => scope.locals.get(name) ?? this.constants.get(name)) : undefined;
      if (guard) {
        for (const condition of guard.conditions) this.walk(condition, direction, scope, visiting);
        for (const { body, dialect } of guard.bodies) this.walk(body, direction, dialect ? { ...scope, dialect } : scope, visiting);
        // `if dialect != "mysql": return`: what follows runs on MySQL.
        if (guard.rest) scope = { ...scope, dialect: guard.rest };
        continue;
      }
      this.walk(child, direction, scope, visiting);
    }
  }

  enterWith(statement: PyNode, scope: Scope): void {
    for (const item of statement.descendantsOfType("with_item")) {
      const pattern = item.childForFieldName("value");
      if (pattern?.type !== "as_pattern") continue;
      const call = pattern.namedChildren[0];
      const alias = pattern.childForFieldName("alias")?.namedChildren[0] ?? pattern.namedChildren[1]?.namedChildren[0];
      if (call?.type !== "call" || !alias) continue;
      const fn = call.childForFieldName("function");
      if (fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "batch_alter_table" && scope.opNames.has(fn.childForFieldName("object")!.text)) {
        const table = firstArgumentString(call);
        scope.batchTables.set(alias.text, table ?? "?");
        const schema = keywordArguments(call).get("schema");
        const schemaName = schema ? stringValues(schema)[0] : undefined;
        if (schemaName) scope.batchSchemas.set(alias.text, schemaName);
      } else if (fn && /(^|\.)(begin|connect)$/.test(fn.text)) {
        // `with engine.connect() as conn:`: conn.execute(...) is handled as any receiver.
      }
    }
  }

  visitCall(call: PyNode, direction: Direction, scope: Scope, visiting: Set<string>): void {
    const fn = call.childForFieldName("function");
    const args = call.childForFieldName("arguments");
    if (!fn) return;
    const why = unanalysableCall(call, scope.opNames);
    if (why) this.unanalysable(call, why, direction);
    // `getattr(op, "drop_table")(…)`, `make()(…)`: the called expression is itself a call.
    if (fn.type === "call") this.visitCall(fn, direction, scope, visiting);
    if (fn.type === "identifier" && this.opFunctions.has(fn.text)) {
      const method = this.opFunctions.get(fn.text)!;
      this.changeCounter++;
      if (method === "execute") {
        const argument = args?.namedChildren.find((a) => a.type !== "keyword_argument" && a.type !== "comment");
        if (argument) this.executeArgument(argument, fn.text, direction, scope, call);
      } else this.recordOperation(call, method, "alembic.op", undefined, direction, scope);
      return;
    }
    if (fn.type === "identifier") {
      const helper = this.functions.get(fn.text);
      if (helper && !visiting.has(fn.text)) {
        const positions = positionalArguments(call)
          .map((arg, index) => (arg.type === "identifier" && scope.opNames.has(arg.text) ? index : -1))
          .filter((index) => index >= 0);
        const key = `${fn.text}\0${direction}\0${positions.join(",")}\0${scope.dialect ?? ""}`;
        if (!this.expanded.has(key)) {
          this.expanded.add(key);
          visiting.add(fn.text);
          this.analyseFunction(helper, direction, visiting, positions, scope.dialect);
          visiting.delete(fn.text);
        }
      }
      if (args) this.walk(args, direction, scope, visiting);
      return;
    }
    if (fn.type !== "attribute") {
      if (args) this.walk(args, direction, scope, visiting);
      return;
    }
    const receiver = fn.childForFieldName("object")!;
    const method = fn.childForFieldName("attribute")!.text;
    // Helpers.method(…): a method (staticmethod, classmethod) of a module-level class.
    const owner = receiver.type === "identifier" ? this.classes.get(receiver.text) : undefined;
    const target = owner ? classMethod(owner, method) : undefined;
    if (target) {
      const key = `${receiver.text}.${method}\0${direction}\0${scope.dialect ?? ""}`;
      if (!this.expanded.has(key) && !visiting.has(key)) {
        this.expanded.add(key);
        visiting.add(key);
        this.analyseFunction(target, direction, visiting, [], scope.dialect);
        visiting.delete(key);
      }
      if (args) this.walk(args, direction, scope, visiting);
      return;
    }
    if (this.recordCoreDrop(call, receiver, method, direction, scope)) return;

    if (method === "execute" || method === "exec_driver_sql") {
      const argument = args?.namedChildren.find((a) => a.type !== "keyword_argument" && a.type !== "comment");
      const operation = `${receiver.type === "identifier" ? receiver.text : shortReceiver(receiver)}.${method}`;
      this.changeCounter++;
      if (argument) this.executeArgument(argument, operation, direction, scope, call);
      return;
    }

    const batchTable = receiver.type === "identifier" ? scope.batchTables.get(receiver.text) : undefined;
    const isOp = (receiver.type === "identifier" || receiver.type === "attribute") && scope.opNames.has(receiver.text);
    if ((isOp || batchTable !== undefined) && OP_KINDS[method]) {
      this.changeCounter++;
      this.recordOperation(call, method, receiver.text, batchTable, direction, scope, scope.batchSchemas.get(receiver.text));
      return;
    }
    if (args) this.walk(args, direction, scope, visiting);
    this.walk(receiver, direction, scope, visiting);
  }

  /** SQLAlchemy Core: `sa.Table("users", meta).drop(bind)`, `users.drop(bind)`, `metadata.drop_all(bind)`. */
  recordCoreDrop(call: PyNode, receiver: PyNode, method: string, direction: Direction, scope: Scope): boolean {
    if (method !== "drop" && method !== "drop_all") return false;
    const bound = receiver.type === "identifier" ? (scope.locals.get(receiver.text) ?? this.constants.get(receiver.text)) : receiver;
    const table = method === "drop" ? tableConstructorName(bound, (n) => stringValues(n)[0]) : undefined;
    if (method === "drop" && table === undefined) return false;
    this.changeCounter++;
    this.facts.schemaChanges.push({
      kind: "drop-table",
      origin: "sqlalchemy-core",
      operation: `${shortReceiver(receiver)}.${method}`,
      table: method === "drop_all" ? `<every table of ${shortReceiver(receiver)}>` : table || `<${shortReceiver(receiver)}>`,
      dialect: this.context.dialect,
      migration: this.migrationRef(direction),
      location: this.loc(call),
    });
    return true;
  }

  recordOperation(call: PyNode, method: string, receiver: string, batchTable: string | undefined, direction: Direction, scope: Scope, batchSchema?: string): void {
    const positional = positionalArguments(call);
    const keywords = keywordArguments(call);
    const str = (node: PyNode | undefined) => (node ? this.nameValue(node, scope) : undefined);
    const inBatch = batchTable !== undefined;
    // In batch mode the table comes from `batch_alter_table(...)` and arguments shift left by one.
    const tableArg = (index: number) => (inBatch ? batchTable : str(positional[index] ?? keywords.get("table_name")));
    const shift = inBatch ? 0 : 1;
    const base = {
      origin: "alembic-op" as const,
      operation: `${receiver}.${method}`,
      dialect: scope.dialect ?? this.context.dialect,
      migration: this.migrationRef(direction),
      location: this.loc(call),
    };
    const push = (change: Omit<SchemaChange, "origin" | "operation" | "location" | "migration"> & Partial<SchemaChange>) =>
      this.facts.schemaChanges.push({ ...base, ...change } as SchemaChange);
    const schema = str(keywords.get("schema")) ?? batchSchema;
    const withSchema = <T extends object>(o: T) => (schema ? { ...o, schema } : o);

    switch (method) {
      case "create_table":
      case "drop_table":
        push(withSchema({ kind: OP_KINDS[method]!, table: str(positional[0] ?? keywords.get("table_name")) }));
        return;
      case "rename_table":
        push(withSchema({ kind: "rename-table", table: str(positional[0]), newName: str(positional[1]) }));
        return;
      case "add_column": {
        const column = positional[shift] ?? keywords.get("column");
        const described = column ? describeColumn(column) : {};
        push(withSchema({ kind: "add-column", table: tableArg(0), ...described }));
        return;
      }
      case "drop_column":
        push(withSchema({ kind: "drop-column", table: tableArg(0), column: str(positional[shift] ?? keywords.get("column_name")) }));
        return;
      case "alter_column": {
        const table = tableArg(0);
        const column = str(positional[shift] ?? keywords.get("column_name"));
        let any = false;
        if (keywords.has("type_")) {
          push(withSchema({ kind: "alter-column-type", table, column, newType: keywords.get("type_")!.text }));
          any = true;
        }
        if (keywords.has("new_column_name")) {
          push(withSchema({ kind: "rename-column", table, column, newName: str(keywords.get("new_column_name")) }));
          any = true;
        }
        const nullable = keywords.get("nullable")?.text;
        if (nullable === "False" || nullable === "True") {
          push(withSchema({ kind: "alter-column-nullability", table, column, notNull: nullable === "False", hasDefault: keywords.has("server_default") }));
          any = true;
        }
        if (!any) push(withSchema({ kind: "other", table, column }));
        return;
      }
      case "create_index":
      case "drop_index":
      case "create_foreign_key":
      case "drop_constraint":
      case "create_unique_constraint":
      case "create_check_constraint":
      case "create_primary_key":
      case "create_exclude_constraint": {
        const arg = (parameter: string) => argumentFor(method, parameter, positional, keywords, inBatch);
        const nameNode = arg(method.endsWith("index") ? "index_name" : "constraint_name");
        const table = inBatch ? batchTable : str(arg(method === "create_foreign_key" ? "source_table" : "table_name"));
        const columnsNode = arg(method === "create_foreign_key" ? "local_cols" : "columns");
        const columns = columnsNode ? stringValues(columnsNode) : undefined;
        // SQL the object depends on: a check condition, index expressions (sa.text(...)), a partial index's WHERE.
        const expressions = [
          ...(method === "create_check_constraint" ? [arg("condition")] : []),
          ...(columnsNode?.type === "list" || columnsNode?.type === "tuple" ? columnsNode.namedChildren.filter((c) => stringValues(c).length === 0) : []),
          keywords.get("postgresql_where"),
          keywords.get("sqlite_where"),
        ].flatMap((node) => {
          const resolved = node ? this.resolveSql(node, scope, new Set()) : undefined;
          if (resolved?.kind === "sql") return [resolved.value.value];
          // An f-string condition: its literal parts still name the columns.
          return node ? node.descendantsOfType("string_content").map((part) => part.text) : [];
        });
        const mentions = [...new Set(expressions.flatMap((sql) => identifiersInCondition(sql, this.context.dialect)))];
        const constraintType = CONSTRAINT_TYPE_OF[method] ?? (method === "drop_constraint" ? constraintTypeOf(str(arg("type_"))) : undefined);
        const referred = method === "create_foreign_key" ? str(arg("referent_table")) : undefined;
        push(withSchema({
          kind: OP_KINDS[method]!,
          ...this.objectName(nameNode, scope),
          table,
          ...(columns ? { columns } : {}),
          ...(mentions.length > 0 ? { mentions } : {}),
          ...(constraintType ? { constraintType } : {}),
          ...(referred ? { referredTable: referred } : {}),
          ...(method === "create_index"
            ? { concurrently: keywords.get("postgresql_concurrently")?.text === "True" || keywords.get("mssql_online")?.text === "True" }
            : {}),
          ...(method === "create_foreign_key" ? { notValid: keywords.get("postgresql_not_valid")?.text === "True" } : {}),
        }));
        return;
      }
      case "bulk_insert":
        push({ kind: "insert", table: positional[0]?.type === "identifier" ? positional[0].text : undefined });
        return;
      default:
        push(withSchema({ kind: OP_KINDS[method]!, name: str(positional[0]), table: inBatch ? batchTable : str(positional[1]) }));
    }
  }

  /**
   * The value of a name argument (table, column, index): a literal, or a local / module constant
   * holding one. Anything else (a loop variable, an expression) is named by its source text in
   * angle brackets, so a message says "Table <table> is dropped" rather than nothing.
   */
  nameValue(node: PyNode, scope: Scope): string | undefined {
    const literal = stringValues(node)[0];
    if (literal !== undefined) return literal;
    if (node.type === "none") return undefined;
    // op.f("ix_users_email") / batch_op.f(…): autogenerate's marker for an already-final name.
    if (node.type === "call") {
      const fn = node.childForFieldName("function");
      const first = positionalArguments(node)[0];
      const owner = fn?.type === "attribute" ? fn.childForFieldName("object")!.text : undefined;
      if (owner !== undefined && fn!.childForFieldName("attribute")?.text === "f" && (scope.opNames.has(owner) || scope.batchTables.has(owner)) && first) {
        return this.nameValue(first, scope);
      }
    }
    if (node.type === "identifier" || node.type === "binary_operator") {
      // Constants, locals and concatenations of them resolve as SQL strings do.
      const resolved = this.resolveSql(node, scope, new Set());
      if (resolved.kind === "sql") return resolved.value.value;
    }
    const text = node.text.replace(/\s+/g, " ");
    return `<${text.length > 40 ? `${text.slice(0, 39)}…` : text}>`;
  }

  /** The name argument of an index or constraint operation: absent for None, final when given through op.f(). */
  objectName(node: PyNode | undefined, scope: Scope): { name?: string; nameIsFinal?: boolean } {
    if (!node || node.type === "none") return {};
    const name = this.nameValue(node, scope);
    if (name === undefined) return {};
    const fn = node.type === "call" ? node.childForFieldName("function") : undefined;
    const viaF = fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "f" && !name.startsWith("<");
    return viaF ? { name, nameIsFinal: true } : { name };
  }

  migrationRef(direction: Direction): { revision?: string; direction: Direction } {
    return this.revision !== undefined ? { revision: this.revision, direction } : { direction };
  }

  /** The argument of an execute call: a SQL string, text(), a Core expression or something dynamic. */
  executeArgument(argument: PyNode, operation: string, direction: Direction, scope: Scope, call: PyNode): void {
    const source = argument.type === "identifier" ? (scope.locals.get(argument.text) ?? this.constants.get(argument.text) ?? argument) : argument;
    if (readsFile(source) || (source.type === "call" && positionalArguments(source)[0] && readsFile(positionalArguments(source)[0]!))) {
      this.unanalysable(argument, `SQL passed to ${operation} is read from a file`, direction);
      return;
    }
    const resolved = this.resolveSql(argument, scope, new Set());
    if (resolved.kind === "sql") {
      const mapped = resolved.value;
      this.pending.push(
        extractSqlChanges({
          sql: mapped.value,
          mapOffset: mapOffsetOf(mapped),
          source: this.source,
          dialect: scope.dialect ?? this.context.dialect,
          origin: "sql-in-python",
          migration: this.migrationRef(direction),
          executedBy: operation,
        }).then((result) => {
          for (const item of result.changes) this.facts.schemaChanges.push(item);
          for (const item of result.dynamicSql) this.facts.dynamicSql.push(item);
          for (const problem of result.problems) this.facts.parseProblems.push({ ...problem, wholeFile: false });
        }),
      );
      return;
    }
    if (resolved.kind === "core") {
      this.facts.schemaChanges.push({
        kind: resolved.change,
        origin: "sqlalchemy-core",
        operation: resolved.operation,
        ...(resolved.table ? { table: resolved.table } : {}),
        hasWhere: resolved.hasWhere,
        dialect: scope.dialect ?? this.context.dialect,
        migration: this.migrationRef(direction),
        location: this.loc(resolved.node),
      });
      return;
    }
    if (resolved.kind === "ignore") return;
    this.facts.dynamicSql.push({
      reason: resolved.reason,
      operation,
      migration: this.migrationRef(direction),
      location: this.loc(resolved.node ?? call),
    });
  }

  resolveSql(node: PyNode, scope: Scope, seen: Set<string>): Resolved {
    switch (node.type) {
      case "string":
        if (hasInterpolation(node)) return { kind: "dynamic", reason: "f-string", node };
        return decodeOrDynamic(node);
      case "concatenated_string":
        if (node.namedChildren.some((c) => c.type === "string" && hasInterpolation(c))) return { kind: "dynamic", reason: "f-string", node };
        return decodeOrDynamic(node);
      case "parenthesized_expression":
        return node.namedChildren[0] ? this.resolveSql(node.namedChildren[0], scope, seen) : { kind: "dynamic", reason: "expression", node };
      case "identifier": {
        if (seen.has(node.text)) return { kind: "dynamic", reason: "variable", node };
        const value = scope.locals.get(node.text) ?? this.constants.get(node.text);
        if (!value) return { kind: "dynamic", reason: "variable", node };
        const inner = this.resolveSql(value, scope, new Set([...seen, node.text]));
        return inner.kind === "dynamic" ? { kind: "dynamic", reason: inner.reason, node } : inner;
      }
      case "binary_operator": {
        const operator = node.childForFieldName("operator")?.text;
        const left = node.childForFieldName("left");
        const right = node.childForFieldName("right");
        if (operator === "+" && left && right) {
          const a = this.resolveSql(left, scope, seen);
          const b = this.resolveSql(right, scope, seen);
          if (a.kind === "sql" && b.kind === "sql") return { kind: "sql", value: concatMapped([a.value, b.value]) };
          return { kind: "dynamic", reason: "concatenation", node };
        }
        return { kind: "dynamic", reason: operator === "%" ? "format-call" : "expression", node };
      }
      case "call":
        return this.resolveCall(node, scope, seen);
      default:
        return { kind: "dynamic", reason: "expression", node };
    }
  }

  resolveCall(node: PyNode, scope: Scope, seen: Set<string>): Resolved {
    const fn = node.childForFieldName("function")!;
    const name = fn.type === "attribute" ? fn.childForFieldName("attribute")!.text : fn.text;
    const receiver = fn.type === "attribute" ? fn.childForFieldName("object")! : undefined;
    const first = positionalArguments(node)[0];
    // text("…") / sa.text("…") / sqlalchemy.text("…")
    if ((fn.type === "identifier" && this.textNames.has(name)) || (fn.type === "attribute" && name === "text" && /^(sa|sqlalchemy|sql)$/.test(receiver!.text))) {
      return first ? this.resolveSql(first, scope, seen) : { kind: "dynamic", reason: "expression", node };
    }
    // textwrap.dedent("""…""") and "…".strip(): the same text, with known offsets.
    if (name === "dedent" && (fn.type === "identifier" || receiver?.text === "textwrap") && first) {
      const inner = this.resolveSql(first, scope, seen);
      return inner.kind === "sql" ? { kind: "sql", value: dedentMapped(inner.value) } : inner;
    }
    if ((name === "strip" || name === "lstrip" || name === "rstrip") && receiver && !first) {
      const inner = this.resolveSql(receiver, scope, seen);
      return inner.kind === "sql" ? { kind: "sql", value: stripMapped(inner.value, name) } : inner;
    }
    // text("…").bindparams(…) / .execution_options(…) / .columns(…): the same statement.
    if ((name === "bindparams" || name === "execution_options" || name === "columns") && receiver?.type === "call") {
      return this.resolveSql(receiver, scope, seen);
    }
    if (name === "format" && receiver && (receiver.type === "string" || receiver.type === "concatenated_string")) {
      return { kind: "dynamic", reason: "format-call", node };
    }
    // Chained Core expressions: users.delete().where(...), sa.update(t).values(...)
    const chain = callChain(node);
    const root = chain[chain.length - 1]!;
    const methods = chain.map((c) => c.method);
    const core = methods.find((m) => m === "delete" || m === "update" || m === "insert" || m === "select");
    if (core) {
      if (core === "select") return { kind: "ignore" };
      const hasWhere = methods.includes("where") || methods.includes("filter") || methods.includes("filter_by");
      const rootCall = chain.find((c) => c.method === core)!;
      let table: string | undefined;
      if (rootCall.receiver && rootCall.receiver.type === "identifier" && !/^(sa|sqlalchemy)$/.test(rootCall.receiver.text)) table = rootCall.receiver.text;
      else {
        const arg = positionalArguments(rootCall.call)[0];
        if (arg) table = stringValues(arg)[0] ?? (arg.type === "identifier" ? arg.text : undefined);
      }
      void root;
      return { kind: "core", change: core, operation: `${core}()`, hasWhere, node, ...(table ? { table } : {}) };
    }
    return { kind: "dynamic", reason: "expression", node };
  }

  collectDirectives(tree: Tree): void {
    // A directive comment starts with "gonogo-": without that text in the file there is none, and
    // the descendantsOfType search (a native call plus a JS node per comment) can be skipped.
    if (!this.source.text.includes("gonogo-")) return;
    for (const comment of tree.rootNode.descendantsOfType("comment")) {
      const directive = parseDirectiveComment(comment.text.replace(/^#+/, ""), this.loc(comment));
      if (directive) this.facts.directives.push(directive);
    }
  }
}

type Resolved =
  | { kind: "sql"; value: MappedString }
  | { kind: "core"; change: "delete" | "update" | "insert"; operation: string; table?: string; hasWhere: boolean; node: PyNode }
  | { kind: "dynamic"; reason: string; node?: PyNode }
  | { kind: "ignore" };

interface Scope {
  opNames: Set<string>;
  /** The module's top level (definitions there are followed when called, not read in place). */
  module?: boolean;
  batchTables: Map<string, string>;
  batchSchemas: Map<string, string>;
  locals: Map<string, PyNode>;
  /** Set under a dialect guard: the database the code runs on. */
  dialect?: SqlDialect;
}

/** One fact per source location (and kind): a helper reached along several paths is reported once. */
function uniqueByLocation<T extends { location: SourceLocation }>(facts: T[], keyOf: (fact: T) => string): T[] {
  const seen = new Set<string>();
  return facts.filter((fact) => {
    const l = fact.location;
    const key = `${l.line}:${l.column}:${l.endLine}:${l.endColumn}\0${keyOf(fact)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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

function shortReceiver(node: PyNode): string {
  if (node.type === "call") {
    const fn = node.childForFieldName("function");
    return `${fn?.text ?? "…"}()`;
  }
  return node.text.length > 30 ? "…" : node.text;
}

function functionDefinition(statement: PyNode): PyNode | undefined {
  if (statement.type === "function_definition") return statement;
  if (statement.type === "decorated_definition") {
    const def = statement.childForFieldName("definition");
    if (def?.type === "function_definition") return def;
  }
  return undefined;
}

function importedName(node: PyNode): [string, string] {
  if (node.type === "aliased_import") {
    const name = node.childForFieldName("name")!.text;
    return [name, node.childForFieldName("alias")!.text];
  }
  return [node.text, node.text];
}

function isDocstring(statement: PyNode): boolean {
  return statement.type === "expression_statement" && statement.namedChildren[0]?.type === "string";
}

function isStringish(node: PyNode): boolean {
  return node.type === "string" || node.type === "concatenated_string" || node.type === "binary_operator" || node.type === "parenthesized_expression" || node.type === "call";
}

/** String values of a literal, a tuple/list of literals, or None (→ []). */
function stringValues(node: PyNode): string[] {
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

function positionalArguments(call: PyNode): PyNode[] {
  const args = call.childForFieldName("arguments");
  return (args?.namedChildren ?? []).filter((a) => a.type !== "keyword_argument" && a.type !== "comment" && a.type !== "list_splat" && a.type !== "dictionary_splat");
}

function keywordArguments(call: PyNode): Map<string, PyNode> {
  const out = new Map<string, PyNode>();
  for (const arg of call.childForFieldName("arguments")?.namedChildren ?? []) {
    if (arg.type !== "keyword_argument") continue;
    const name = arg.childForFieldName("name")?.text;
    const value = arg.childForFieldName("value");
    if (name && value) out.set(name, value);
  }
  return out;
}

function firstArgumentString(call: PyNode): string | undefined {
  const first = positionalArguments(call)[0] ?? keywordArguments(call).get("table_name");
  return first ? stringValues(first)[0] : undefined;
}

/** `sa.Column("name", sa.String(), nullable=False, server_default="x")` → column facts. */
function describeColumn(column: PyNode): Partial<SchemaChange> {
  if (column.type !== "call") return {};
  const keywords = keywordArguments(column);
  const name = positionalArguments(column)[0] ?? keywords.get("name");
  const nullable = keywords.get("nullable")?.text;
  const primaryKey = keywords.get("primary_key")?.text === "True";
  const out: Partial<SchemaChange> = {
    notNull: nullable === "False" || (nullable === undefined && primaryKey),
    hasDefault: keywords.has("server_default") || keywords.has("server_onupdate") || keywords.has("computed"),
  };
  const columnName = name ? stringValues(name)[0] : undefined;
  if (columnName) out.column = columnName;
  return out;
}

/** Extracts the facts of one Alembic migration file. */
export async function extractMigration(file: string, text: string, context: MigrationContext): Promise<FileFacts> {
  return new MigrationExtractor(file, text, context).run();
}

/**
 * Only what the revision graph needs (revision, down_revision, branch_labels, depends_on), for a
 * migration read as context but not reported (the siblings of a staged file in pre-commit mode).
 * Alembic's template assigns the identifiers before the first function, so only that prefix is
 * parsed; when the prefix does not hold them, the whole module is.
 */
export function extractMigrationHeader(file: string, text: string, context: MigrationContext): FileFacts {
  const firstDefinition = ["\ndef ", "\nasync def ", "\nclass ", "\n@"].map((marker) => text.indexOf(marker)).filter((i) => i >= 0);
  const cut = firstDefinition.length > 0 ? Math.min(...firstDefinition) + 1 : text.length;
  const header = (source: string): FileFacts => {
    const extractor = new MigrationExtractor(file, source, context);
    const root = new TreeView(parsePython(source), source).root;
    extractor.facts.migration = extractor.readHeader(root, moduleAssignments(root), false);
    return extractor.facts;
  };
  const facts = header(text.slice(0, cut));
  if (facts.migration?.revision === undefined && cut < text.length) return header(text);
  return facts;
}
