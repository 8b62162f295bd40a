// An Alembic migration module → Migration + SchemaChange + DynamicSql facts.
// Reads the tree-sitter syntax tree once and walks what Alembic runs: upgrade(), downgrade() and
// the module-level helpers they call, knowing Alembic's `op` API (the operations are data in
// operations.ts, turned into facts by operation-facts.ts) and the common ways SQL is executed
// from a migration (op.execute, connection/session.execute, exec_driver_sql, text()), whose
// argument resolve-sql.ts reads. The header (revision identifiers) is header.ts; which downgrade
// changes reverse the upgrade, reversal.ts.
import { firstSyntaxError, parsePython, type Tree } from "../../parsers/python.js";
import { pythonIndentationError } from "../../parsers/python-indentation.js";
import { type PyNode, TreeView } from "./nodes.js";
import { parseDirectiveComment } from "../directives.js";
import { emptyFileFacts, type Direction, type FileFacts } from "../facts.js";
import { SourceText } from "../source.js";
import { extractSqlChanges } from "../sql/index.js";
import { classMethod, readsFile, tableConstructorName, unanalysableCall } from "./follow.js";
import { mapOffsetOf } from "./strings.js";
import { guardedBranches } from "./dialect-guard.js";
import type { SourceLocation, SqlDialect } from "../../types.js";
import { operationRow } from "./operations.js";
import { operationFacts } from "./operation-facts.js";
import { literalContainer, resolveSql, type Bound, type Scope } from "./resolve-sql.js";
import { boundArguments, boundLiteral, mergeDirections, namedArguments } from "./call-sites.js";
import { markReversals } from "./reversal.js";
import { markOwnTableDrops } from "../own-tables.js";
import { describeFunction, readHeader, type MigrationContext } from "./header.js";
import { ModuleBindings } from "./bindings.js";
import { firstArgumentString, holdsNoCall, isStringish, ParenIndex, keywordArguments, moduleAssignments, positionalArguments, shortReceiver, stringValues } from "./syntax.js";

/** Per file: helper expansions with call-site strings, and loop bodies read once per element. */
const MAX_BOUND_EXPANSIONS = 256;
const MAX_LOOP_ITERATIONS = 1000;

class MigrationExtractor extends ModuleBindings {
  readonly source: SourceText;
  readonly facts: FileFacts;
  readonly pending: Promise<void>[] = [];
  /**
   * Helpers already followed, by name, direction and the argument positions that pass `op`: a
   * helper called twice is read (and its changes counted) once, so helpers that each call the next
   * twice cost linear time, not 2^depth.
   */
  readonly expanded = new Set<string>();
  /**
   * Helper expansions with strings bound from a call site, and loop bodies read per element, so
   * far: each has a budget per file (helpers that pass built strings on, nested literal loops
   * would otherwise cost 2^depth). Past it, a helper is read once with its parameters unknown
   * (dynamic SQL, as written) and a loop body once.
   */
  boundExpansions = 0;
  loopIterations = 0;
  revision?: string;
  changeCounter = 0;
  readonly parens: ParenIndex;

  constructor(
    file: string,
    text: string,
    readonly context: MigrationContext,
  ) {
    super();
    this.source = new SourceText(file, text);
    this.parens = new ParenIndex(text);
    this.facts = emptyFileFacts(file, "alembic");
  }

  loc(node: { startIndex: number; endIndex: number }): SourceLocation {
    return this.source.location(node.startIndex, node.endIndex);
  }

  async run(): Promise<FileFacts> {
    const tree = parsePython(this.source.text);
    // The extractor reads the tree through the cursor-backed view; the rare whole-tree searches
    // (syntax errors, directive comments) use the binding's own nodes.
    const view = new TreeView(tree, this.source.text);
    const root = view.root;
    this.collectDirectives(tree);
    const assignments = moduleAssignments(root);
    const migration = readHeader(root, assignments, this.source, this.context);
    this.revision = migration.revision;
    this.facts.migration = migration;

    const error = firstSyntaxError(tree.rootNode);
    // Indentation errors leave tree-sitter's tree clean; CPython refuses the file all the same.
    const indentation = error ? undefined : view.lendCursor((cursor) => pythonIndentationError(tree, this.source.text, cursor));
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
    for (const a of assignments) {
      if (isStringish(a.value)) this.constants.set(a.name, a.value);
      else if (a.value.type === "dictionary" || a.value.type === "tuple" || a.value.type === "list") this.containers.set(a.name, a.value);
    }
    this.bindModuleNames(root);
    // Module-level code runs whenever Alembic imports the migration: what it does counts as upgrade.
    this.walk(root, "upgrade", { opNames: new Set(this.opNames), batchTables: new Map(), batchSchemas: new Map(), locals: new Map(), module: true }, new Set());

    for (const direction of ["upgrade", "downgrade"] as const) {
      const def = this.functions.get(direction);
      if (!def) continue;
      const before = this.changeCounter;
      this.analyseFunction(def, direction, new Set([direction]));
      await Promise.all(this.pending.splice(0));
      migration[direction] = describeFunction(def, this.changeCounter - before, (node) => this.loc(node));
    }
    this.facts.schemaChanges = uniqueByLocation(this.facts.schemaChanges, (c) => `${c.kind}\0${c.migration?.direction}\0${c.table}\0${c.column}\0${c.name}`);
    this.facts.dynamicSql = uniqueByLocation(this.facts.dynamicSql, (d) => `${d.reason}\0${d.migration?.direction}`);
    markReversals(this.facts.schemaChanges);
    markOwnTableDrops(this.facts.schemaChanges, true);
    // A helper run by both upgrade() and downgrade(): one fact per place, naming both directions.
    this.facts.schemaChanges = mergeDirections(this.facts.schemaChanges, (c) => `${c.kind}\0${c.table}\0${c.column}\0${c.name}\0${c.reversesUpgrade}\0${c.dropsOwnTable}`);
    this.facts.dynamicSql = mergeDirections(this.facts.dynamicSql, (d) => d.reason);
    return this.facts;
  }

  /** A construct whose effect cannot be read statically: a parse problem, so production fails closed. */
  override unanalysable(node: PyNode, why: string, direction: Direction): void {
    this.changeCounter++;
    this.facts.parseProblems.push({
      language: "python",
      family: "alembic",
      wholeFile: false,
      message: `${why}: what ${direction}() runs cannot be analysed`,
      location: this.loc(node),
    });
  }


  /** Walks one function body (and the module-level helpers it calls) in the given direction. */
  analyseFunction(def: PyNode, direction: Direction, visiting: Set<string>, opArgumentPositions: number[] = [], dialect?: SqlDialect, bound?: Map<string, Bound>): void {
    const opNames = new Set(this.opNames);
    const parameters = def.childForFieldName("parameters");
    for (const [index, parameter] of (parameters?.namedChildren ?? []).entries()) {
      const name = parameter.type === "identifier" ? parameter.text : parameter.namedChildren[0]?.text;
      const annotation = parameter.childForFieldName("type")?.text ?? "";
      // `def upgrade(op)`, `def helper(ops: Operations)`, or a helper that the caller passes `op` to.
      if (name && (name === "op" || annotation.includes("Operations") || opArgumentPositions.includes(index))) opNames.add(name);
    }
    const scope: Scope = { opNames, batchTables: new Map(), batchSchemas: new Map(), locals: new Map(), ...(dialect ? { dialect } : {}), ...(bound ? { bound } : {}) };
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
        if (left?.type === "identifier" && right) {
          scope.locals.set(left.text, right);
          // A parameter assigned anew is the new value from here on.
          if (scope.bound?.has(left.text)) scope = { ...scope, bound: new Map([...scope.bound].filter(([name]) => name !== left.text)) };
        }
      }
      if (child.type === "for_statement" && this.walkLiteralLoop(child, direction, scope, visiting)) continue;
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
      // Nothing to find in an expression with no call in it: not read further (most of a
      // migration's annotations, docstrings, import lists and literal arguments).
      if (holdsNoCall(child, this.parens)) continue;
      this.walk(child, direction, scope, visiting);
    }
  }


  /**
   * `for t in ("a", "b"): op.drop_table(t)` (or over a constant holding the tuple, or a dict's keys): the body is
   * read once per element, the loop variable bound to it. The changes are counted once, as written.
   */
  walkLiteralLoop(loop: PyNode, direction: Direction, scope: Scope, visiting: Set<string>): boolean {
    const variable = loop.childForFieldName("left");
    const iterated = loop.childForFieldName("right");
    const body = loop.childForFieldName("body");
    const container = iterated ? literalContainer(iterated, scope, this) : undefined;
    if (variable?.type !== "identifier" || !body || !container) return false;
    // Iterating a dict iterates its keys.
    const items = container.type === "dictionary"
      ? container.namedChildren.map((pair) => (pair.type === "pair" ? pair.childForFieldName("key") : null)).filter((key): key is PyNode => key !== null)
      : container.namedChildren.filter((c) => c.type !== "comment");
    if (items.length === 0 || this.loopIterations + items.length > MAX_LOOP_ITERATIONS || items.some((item) => resolveSql(item, scope, this).kind !== "sql")) return false;
    this.loopIterations += items.length;
    const counted = this.changeCounter;
    let after = counted;
    for (const [index, item] of items.entries()) {
      this.walk(body, direction, { ...scope, bound: new Map(scope.bound).set(variable.text, { node: item, scope }) }, visiting);
      if (index === 0) after = this.changeCounter;
    }
    this.changeCounter = after;
    const alternative = loop.childForFieldName("alternative");
    if (alternative) this.walk(alternative, direction, scope, visiting);
    return true;
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
      }
      // `with engine.connect() as conn:` needs nothing here: conn.execute(...) is handled as any receiver.
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
        // Strings passed to the helper are read where the caller wrote them: one expansion per
        // distinct set of such arguments (text and place), so each call site's SQL is its own fact.
        const bound = this.boundExpansions < MAX_BOUND_EXPANSIONS ? boundArguments(helper, call, scope, this) : { names: new Map<string, Bound>(), signature: "" };
        const key = `${fn.text}\0${direction}\0${positions.join(",")}\0${scope.dialect ?? ""}\0${bound.signature}`;
        if (!this.expanded.has(key)) {
          this.expanded.add(key);
          if (bound.names.size > 0) this.boundExpansions++;
          visiting.add(fn.text);
          this.analyseFunction(helper, direction, visiting, positions, scope.dialect, bound.names.size > 0 ? bound.names : undefined);
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
    if ((isOp || batchTable !== undefined) && operationRow(method)) {
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

  /** An Alembic operation (a row of OPERATIONS) → its facts. */
  recordOperation(call: PyNode, method: string, receiver: string, batchTable: string | undefined, direction: Direction, scope: Scope, batchSchema?: string): void {
    const row = operationRow(method)!;
    // A name that comes from a caller's string or a loop's tuple: the fact is where that name is written.
    const written = namedArguments(row, call, batchTable !== undefined)
      .map((node) => boundLiteral(node, scope))
      .find((node) => node !== undefined);
    const facts = operationFacts(
      { call, method, row, receiver, ...(batchTable !== undefined ? { batchTable } : {}), ...(batchSchema !== undefined ? { batchSchema } : {}) },
      { scope, module: this, dialect: this.context.dialect, migration: this.migrationRef(direction), location: this.loc(written ?? call) },
    );
    for (const fact of facts) this.facts.schemaChanges.push(fact);
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
    const resolved = resolveSql(argument, scope, this);
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

/** Extracts the facts of one Alembic migration file. */
export async function extractMigration(file: string, text: string, context: MigrationContext): Promise<FileFacts> {
  return new MigrationExtractor(file, text, context).run();
}
