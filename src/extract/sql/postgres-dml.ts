// DELETE, UPDATE and MERGE wherever PostgreSQL runs them: at the top level and through the side
// doors of a statement that is not itself a DELETE: a data-modifying WITH, EXPLAIN ANALYZE (it
// executes the statement), PREPARE … AS (run by EXECUTE), a rule's actions (run on every matching
// write), a BEGIN ATOMIC body. Each is read like a top-level statement, at its own position.
import type { AstNode, ParsedStatement } from "../../parsers/sql.js";
import { list, obj, relation, text, unwrap } from "./postgres-ast.js";
import { postgresTruth } from "./truth.js";
import type { ChangeFields } from "./draft.js";

type Range = { start: number; end: number };
type Add = (fields: ChangeFields, range?: Range) => void;

const DML = new Set(["DeleteStmt", "UpdateStmt", "MergeStmt"]);
const KEYWORD: Record<string, string> = { DeleteStmt: "DELETE", UpdateStmt: "UPDATE", MergeStmt: "MERGE" };

/** Reads a DELETE, UPDATE or MERGE node; `operation` names how it is reached (`EXPLAIN ANALYZE DELETE`). */
export function readDml(kind: string, node: AstNode, add: Add, range?: Range, via?: (operation: string) => string): void {
  const name = via ?? ((operation: string) => operation);
  if (kind === "DeleteStmt" || kind === "UpdateStmt") {
    const hasWhere = node.whereClause !== undefined;
    const isDelete = kind === "DeleteStmt";
    add({ kind: isDelete ? "delete" : "update", operation: name(isDelete ? "DELETE" : "UPDATE"), ...relation(node.relation), hasWhere, whereIsTautology: hasWhere && postgresTruth(node.whereClause) === true }, range);
    return;
  }
  if (kind !== "MergeStmt") return;
  // WHEN MATCHED: the join condition (and the clause's own AND …) is the filter. WHEN NOT MATCHED
  // BY SOURCE: every target row the source does not list, filtered only by the clause's AND ….
  const joinTruth = postgresTruth(node.joinCondition);
  for (const item of list(node.mergeWhenClauses)) {
    const clause = obj(obj(item)?.MergeWhenClause);
    const command = text(clause?.commandType);
    if (!clause || (command !== "CMD_DELETE" && command !== "CMD_UPDATE")) continue;
    const bySource = clause.matchKind === "MERGE_WHEN_NOT_MATCHED_BY_SOURCE";
    const condition = clause.condition === undefined ? true : postgresTruth(clause.condition);
    const hasWhere = !bySource || clause.condition !== undefined;
    const whereIsTautology = hasWhere && condition === true && (bySource || joinTruth === true);
    const isDelete = command === "CMD_DELETE";
    const written = `MERGE … ${bySource ? "WHEN NOT MATCHED BY SOURCE " : ""}THEN ${isDelete ? "DELETE" : "UPDATE"}`;
    add({ kind: isDelete ? "delete" : "update", operation: name(written), ...relation(node.relation), hasWhere, whereIsTautology }, range);
  }
}

/** A DML statement found inside another statement, and how PostgreSQL reaches it. */
export interface NestedDml {
  kind: string;
  node: AstNode;
  /** `DELETE` → `EXPLAIN ANALYZE DELETE`. */
  via: (operation: string) => string;
}

/** Whether `EXPLAIN (…)` options ask to run the statement: ANALYZE without `false`/`off`/`0`. */
function explainRuns(node: AstNode): boolean {
  return list(node.options).some((option) => {
    const def = obj(obj(option)?.DefElem);
    if (def?.defname !== "analyze") return false;
    const arg = unwrap(def.arg);
    if (!arg) return true;
    const value = arg[0] === "String" ? text(arg[1].sval)?.toLowerCase() : arg[0] === "Integer" ? String(arg[1].ival ?? 0) : arg[0] === "Boolean" ? String(arg[1].boolval === true) : undefined;
    return !["false", "off", "0", "no"].includes(value ?? "");
  });
}

/** How a statement of kind `top` reaches the DML nested in it. */
function wayIn(top: string, inWith: boolean): (operation: string) => string {
  const suffix = inWith ? " in WITH" : "";
  switch (top) {
    case "ExplainStmt":
      return (op) => `EXPLAIN ANALYZE ${op}${suffix}`;
    case "PrepareStmt":
      return (op) => `PREPARE … AS ${op}${suffix}`;
    case "RuleStmt":
      return (op) => `CREATE RULE … DO ${op}${suffix}`;
    case "CreateFunctionStmt":
      return (op) => `${op} in BEGIN ATOMIC${suffix}`;
    default:
      return (op) => `${op}${suffix}`;
  }
}

/** Every DELETE, UPDATE and MERGE nested in statement `node` of kind `top` (not `node` itself). */
export function nestedDml(top: string, node: AstNode): NestedDml[] {
  if (top === "ExplainStmt" && !explainRuns(node)) return [];
  const found: NestedDml[] = [];
  collectDml(node, false, top, found);
  return found;
}

function collectDml(value: unknown, inWith: boolean, top: string, found: NestedDml[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectDml(item, inWith, top, found);
    return;
  }
  if (!value || typeof value !== "object") return;
  const node = value as AstNode;
  // for…in, not Object.entries: the walk visits every node of every statement (a JSON-parsed node
  // has no inherited enumerable keys, so the keys and their order are the same).
  for (const key in node) {
    const child = node[key];
    if (!child || typeof child !== "object") continue;
    if (DML.has(key) && !Array.isArray(child)) found.push({ kind: key, node: child as AstNode, via: wayIn(top, inWith) });
    collectDml(child, inWith || key === "ctequery", top, found);
  }
}

/**
 * How many DELETE, UPDATE and MERGE nodes `sql` can hold at most: its case-insensitive occurrences
 * of those words. PostgreSQL's grammar makes each such node from its own keyword token (keywords
 * fold ASCII case only), and every token of a statement is in the text it was parsed from; the
 * occurrences in comments, strings, `ON DELETE` or `FOR UPDATE` only make the bound larger. When
 * the bound is no more than the script's top-level DML statements, nothing is nested anywhere and
 * the walk of every statement's AST can be skipped.
 */
export function dmlKeywordBound(sql: string): number {
  let count = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i) | 0x20;
    if (c === 0x64 /* d */ ? matchesWord(sql, i, "delete") : c === 0x75 /* u */ ? matchesWord(sql, i, "update") : c === 0x6d /* m */ && matchesWord(sql, i, "merge")) {
      count++;
    }
  }
  return count;
}

/** Whether `word` (lower-case ASCII letters) is at `at` in `text`, in any ASCII case. */
function matchesWord(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 1; k < word.length; k++) if ((text.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** Whether a top-level statement of this kind is itself a DELETE, UPDATE or MERGE. */
export function isDml(kind: string): boolean {
  return DML.has(kind);
}

/**
 * The source range of a nested statement: from its keyword (found before its target table's
 * position) to the end of the parenthesis or rule action it sits in.
 */
export function nestedRange(statement: ParsedStatement, nested: NestedDml): Range {
  const location = obj(nested.node.relation)?.location;
  const tokens = statement.tokens;
  const at = typeof location === "number" ? tokens.findIndex((t) => t.start === statement.toIndex(location)) : -1;
  if (at < 0) return statement;
  const keyword = KEYWORD[nested.kind]!;
  let first = at;
  for (let k = at - 1; k >= Math.max(0, at - 4); k--) {
    if (tokens[k]!.kind === "word" && tokens[k]!.text.toUpperCase() === keyword) {
      first = k;
      break;
    }
  }
  let depth = 0;
  let last = tokens.length - 1;
  for (let k = first; k < tokens.length; k++) {
    const t = tokens[k]!.text;
    if (t === "(") depth++;
    else if (t === ")" && --depth < 0) {
      last = k - 1;
      break;
    } else if (t === ";" && depth === 0) {
      last = k - 1;
      break;
    }
  }
  return { start: tokens[first]!.start, end: tokens[Math.max(first, last)]!.end };
}
