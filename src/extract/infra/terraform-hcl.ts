// HCL helpers shared by the Terraform readers (terraform.ts, terraform-modules.ts): blocks,
// attributes, and static evaluation of an expression through `var.*` defaults and `locals`.
import type { SyntaxNode } from "../../parsers/hcl.js";

export type Value = { kind: "bool"; value: boolean } | { kind: "string"; value: string } | { kind: "unknown"; text: string };

/** Top-level `variable` defaults and `locals` of a module (this file and its siblings). */
export interface ModuleScope {
  variables: Map<string, SyntaxNode | null>;
  locals: Map<string, SyntaxNode>;
}

export const BUCKET_TYPES: Record<string, { provider: "s3" | "r2"; nameAttribute: string }> = {
  aws_s3_bucket: { provider: "s3", nameAttribute: "bucket" },
  cloudflare_r2_bucket: { provider: "r2", nameAttribute: "name" },
};

export function children(node: SyntaxNode, type: string): SyntaxNode[] {
  return node.namedChildren.filter((c) => c.type === type);
}

export function bodyOf(block: SyntaxNode): SyntaxNode | undefined {
  return block.namedChildren.find((c) => c.type === "body");
}

export function blockType(block: SyntaxNode): string {
  return block.namedChildren[0]?.text ?? "";
}

/** The labels of a block (`resource "aws_s3_bucket" "logs"` → ["aws_s3_bucket", "logs"]). */
export function blockLabels(block: SyntaxNode): string[] {
  // By position, never by object identity: tree-sitter's node wrappers are not the same object on
  // every access in a large tree, so `c !== namedChildren[0]` let the block type pass as a label.
  return block.namedChildren
    .slice(1)
    .filter((c) => c.type === "string_lit" || c.type === "identifier")
    .map((c) => (c.type === "string_lit" ? c.text.slice(1, -1) : c.text));
}

export function attributes(body: SyntaxNode | undefined): Map<string, SyntaxNode> {
  const map = new Map<string, SyntaxNode>();
  if (!body) return map;
  for (const attr of children(body, "attribute")) {
    const name = attr.namedChildren[0]?.text;
    if (name) map.set(name, attr);
  }
  return map;
}

export function attributeExpression(attr: SyntaxNode): SyntaxNode | undefined {
  return attr.namedChildren.find((c) => c.type === "expression");
}

export function collectScope(root: SyntaxNode, scope: ModuleScope): void {
  const body = root.namedChildren.find((c) => c.type === "body");
  if (!body) return;
  for (const block of children(body, "block")) {
    const type = blockType(block);
    if (type === "variable") {
      const name = blockLabels(block)[0];
      if (name === undefined) continue;
      const def = attributes(bodyOf(block)).get("default");
      scope.variables.set(name, def ? (attributeExpression(def) ?? null) : null);
    } else if (type === "locals") {
      for (const [name, attr] of attributes(bodyOf(block))) {
        const expr = attributeExpression(attr);
        if (expr) scope.locals.set(name, expr);
      }
    }
  }
}

/** `var.x` / `local.y` when the expression is exactly such a reference. */
export function referenceOf(expr: SyntaxNode): { root: string; name: string } | undefined {
  const parts = expr.namedChildren;
  if (parts.length !== 2 || parts[0]?.type !== "variable_expr" || parts[1]?.type !== "get_attr") return undefined;
  const root = parts[0].text;
  const name = parts[1].namedChildren[0]?.text;
  return (root === "var" || root === "local") && name ? { root, name } : undefined;
}

export function evaluate(expr: SyntaxNode, scope: ModuleScope, depth = 0): Value {
  const unknown: Value = { kind: "unknown", text: expr.text };
  if (depth > 8) return unknown;
  const ref = referenceOf(expr);
  if (ref) {
    const target = ref.root === "var" ? scope.variables.get(ref.name) : scope.locals.get(ref.name);
    return target ? evaluate(target, scope, depth + 1) : unknown;
  }
  const only = expr.namedChildren.length === 1 ? expr.namedChildren[0]! : undefined;
  if (!only) return unknown;
  if (only.type === "literal_value") {
    const lit = only.namedChildren[0];
    if (lit?.type === "bool_lit") return { kind: "bool", value: lit.text === "true" };
    if (lit?.type === "string_lit") return { kind: "string", value: renderTemplate(lit, scope, depth) };
    return unknown;
  }
  if (only.type === "template_expr") {
    const quoted = only.namedChildren[0];
    if (quoted?.type === "quoted_template") return { kind: "string", value: renderTemplate(quoted, scope, depth) };
    return unknown;
  }
  if (only.type === "expression") return evaluate(only, scope, depth + 1);
  return unknown;
}

/** The text of a quoted template, interpolations resolved when their value is known. */
export function renderTemplate(node: SyntaxNode, scope: ModuleScope, depth: number): string {
  let out = "";
  for (const part of node.namedChildren) {
    if (part.type === "template_literal") out += part.text;
    else if (part.type === "template_interpolation") {
      const inner = part.namedChildren.find((c) => c.type === "expression");
      const value = inner ? evaluate(inner, scope, depth + 1) : undefined;
      out += value && value.kind !== "unknown" ? String(value.value) : part.text;
    }
  }
  return out;
}

/** Whether a `force_destroy` value may be true: true, "true", or unknown (fails closed). */
export function mayBeTrue(value: Value): boolean {
  if (value.kind === "bool") return value.value;
  if (value.kind === "string") return value.value === "true";
  return true;
}

