// Small readers of libpg-query's JSON AST, shared by the PostgreSQL extractors.
import type { AstNode } from "../../parsers/sql.js";

export const obj = (value: unknown): AstNode | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as AstNode) : undefined);
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** `{ String: { sval } }` → sval. */
export function sval(node: unknown): string | undefined {
  return text(obj(obj(node)?.String)?.sval);
}

/** The only key of a node wrapper such as `{ DropStmt: {…} }`. */
export function unwrap(node: unknown): [string, AstNode] | undefined {
  const wrapper = obj(node);
  if (!wrapper) return undefined;
  const key = Object.keys(wrapper)[0];
  const inner = key ? obj(wrapper[key]) : undefined;
  return key && inner ? [key, inner] : undefined;
}

/** A RangeVar's schema and table. */
export function relation(node: unknown): { schema?: string; table?: string } {
  const range = obj(node);
  const result: { schema?: string; table?: string } = {};
  const schema = text(range?.schemaname);
  const table = text(range?.relname);
  if (schema) result.schema = schema;
  if (table) result.table = table;
  return result;
}
