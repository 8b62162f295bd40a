// What a migration module says about itself: the revision identifiers Alembic's graph is built
// from (revision, down_revision, branch_labels, depends_on), its docstring, and the shape of its
// upgrade()/downgrade() functions (empty, raising). Read from module-level assignments only.
import { parsePython, TooComplexError, type Tree } from "../../parsers/python.js";
import { emptyFileFacts, type FileFacts, type Migration, type MigrationFunction } from "../facts.js";
import { SourceText } from "../source.js";
import type { SqlDialect, SourceLocation } from "../../types.js";
import { type PyNode, TreeView } from "./nodes.js";
import { decodeStringNode } from "./strings.js";
import { isDocstring, moduleAssignments, stringValues, type Assignment } from "./syntax.js";

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

/** The migration's identifiers and docstring (the module's first statement, when a string). */
export function readHeader(root: PyNode, assignments: Assignment[], source: SourceText, context: MigrationContext, withDocstring = true): Migration {
  const byName = new Map(assignments.map((a) => [a.name, a]));
  const revisionNode = byName.get("revision");
  const first = withDocstring ? root.namedChildren[0] : undefined;
  let docstring: string | undefined;
  if (first?.type === "expression_statement" && first.namedChildren[0]?.type === "string") {
    docstring = decodeStringNode(first.namedChildren[0])?.value;
  }
  const revision = revisionNode ? stringValues(revisionNode.value)[0] : undefined;
  const migration: Migration = {
    file: source.file,
    directory: context.directory,
    downRevisions: byName.get("down_revision") ? stringValues(byName.get("down_revision")!.value) : [],
    branchLabels: byName.get("branch_labels") ? stringValues(byName.get("branch_labels")!.value) : [],
    dependsOn: byName.get("depends_on") ? stringValues(byName.get("depends_on")!.value) : [],
    revisionLocation: revisionNode ? source.location(revisionNode.node.startIndex, revisionNode.node.endIndex) : source.location(0, 0),
  };
  if (revision !== undefined) migration.revision = revision;
  if (docstring !== undefined) migration.docstring = docstring;
  return migration;
}

/** upgrade()/downgrade() as the rules see it: where, whether empty, whether it only raises. */
export function describeFunction(def: PyNode, changeCount: number, loc: (node: PyNode) => SourceLocation): MigrationFunction {
  // `upgrade = lambda: …`: one expression, never empty.
  if (def.type === "lambda") return { location: loc(def), nameLocation: loc(def), isEmpty: false, changeCount };
  const body = def.childForFieldName("body")!;
  const statements = body.namedChildren.filter((s) => s.type !== "comment");
  const meaningful = statements.filter((s, i) => !(i === 0 && isDocstring(s)));
  const isEmpty = meaningful.every(
    (s) => s.type === "pass_statement" || (s.type === "expression_statement" && s.namedChildren[0]?.type === "ellipsis"),
  );
  const fn: MigrationFunction = {
    location: loc(def),
    nameLocation: loc(def.childForFieldName("name")!),
    isEmpty,
    changeCount,
  };
  const firstReal = meaningful[0];
  if (firstReal?.type === "raise_statement") {
    const raised = firstReal.namedChildren[0];
    const exception = raised?.type === "call" ? raised.childForFieldName("function")?.text : raised?.text;
    fn.raises = { exception: exception ?? "exception", location: loc(firstReal) };
  }
  return fn;
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
    const facts = emptyFileFacts(file, "alembic");
    const root = new TreeView(parsePython(source), source).root;
    facts.migration = readHeader(root, moduleAssignments(root), new SourceText(file, source), context, false);
    return facts;
  };
  const facts = header(text.slice(0, cut));
  if (facts.migration?.revision === undefined && cut < text.length) return header(text);
  return facts;
}
