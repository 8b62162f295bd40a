// Terraform / OpenTofu (.tf, tree-sitter HCL): S3 and R2 bucket resources, `force_destroy` (literal,
// through `var.*` defaults and `locals`), and `lifecycle { prevent_destroy = true }`.
import { firstSyntaxError, parseHcl, type SyntaxNode } from "../../parsers/hcl.js";
import { emptyFileFacts } from "../facts.js";
import { SourceText } from "../source.js";
import { addCommentDirective, infraProblem, storageAction, type BucketResource, type InfraAnalysis } from "./common.js";

type Value = { kind: "bool"; value: boolean } | { kind: "string"; value: string } | { kind: "unknown"; text: string };

/** Top-level `variable` defaults and `locals` of a module (this file and its siblings). */
interface ModuleScope {
  variables: Map<string, SyntaxNode | null>;
  locals: Map<string, SyntaxNode>;
}

const BUCKET_TYPES: Record<string, { provider: "s3" | "r2"; nameAttribute: string }> = {
  aws_s3_bucket: { provider: "s3", nameAttribute: "bucket" },
  cloudflare_r2_bucket: { provider: "r2", nameAttribute: "name" },
};

function children(node: SyntaxNode, type: string): SyntaxNode[] {
  return node.namedChildren.filter((c) => c.type === type);
}

function bodyOf(block: SyntaxNode): SyntaxNode | undefined {
  return block.namedChildren.find((c) => c.type === "body");
}

function blockType(block: SyntaxNode): string {
  return block.namedChildren[0]?.text ?? "";
}

/** The labels of a block (`resource "aws_s3_bucket" "logs"` → ["aws_s3_bucket", "logs"]). */
function blockLabels(block: SyntaxNode): string[] {
  return block.namedChildren
    .filter((c) => c.type === "string_lit" || (c.type === "identifier" && c !== block.namedChildren[0]))
    .map((c) => (c.type === "string_lit" ? c.text.slice(1, -1) : c.text));
}

function attributes(body: SyntaxNode | undefined): Map<string, SyntaxNode> {
  const map = new Map<string, SyntaxNode>();
  if (!body) return map;
  for (const attr of children(body, "attribute")) {
    const name = attr.namedChildren[0]?.text;
    if (name) map.set(name, attr);
  }
  return map;
}

function attributeExpression(attr: SyntaxNode): SyntaxNode | undefined {
  return attr.namedChildren.find((c) => c.type === "expression");
}

function collectScope(root: SyntaxNode, scope: ModuleScope): void {
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
function referenceOf(expr: SyntaxNode): { root: string; name: string } | undefined {
  const parts = expr.namedChildren;
  if (parts.length !== 2 || parts[0]?.type !== "variable_expr" || parts[1]?.type !== "get_attr") return undefined;
  const root = parts[0].text;
  const name = parts[1].namedChildren[0]?.text;
  return (root === "var" || root === "local") && name ? { root, name } : undefined;
}

function evaluate(expr: SyntaxNode, scope: ModuleScope, depth = 0): Value {
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
function renderTemplate(node: SyntaxNode, scope: ModuleScope, depth: number): string {
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
function mayBeTrue(value: Value): boolean {
  if (value.kind === "bool") return value.value;
  if (value.kind === "string") return value.value === "true";
  return true;
}

function preventsDestroy(body: SyntaxNode | undefined, scope: ModuleScope): boolean {
  if (!body) return false;
  for (const block of children(body, "block")) {
    if (blockType(block) !== "lifecycle") continue;
    const attr = attributes(bodyOf(block)).get("prevent_destroy");
    const expr = attr ? attributeExpression(attr) : undefined;
    if (!expr) continue;
    const value = evaluate(expr, scope);
    if ((value.kind === "bool" && value.value) || (value.kind === "string" && value.value === "true")) return true;
  }
  return false;
}

function directoryOf(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash === -1 ? "." : file.slice(0, slash);
}

/** Extracts Terraform storage facts. `siblings` are the other .tf files of the same directory (module). */
export function analyseTerraform(file: string, text: string, siblings: { file: string; text: string }[] = []): InfraAnalysis {
  const facts = emptyFileFacts(file, "terraform");
  const buckets: BucketResource[] = [];
  const source = new SourceText(file, text);
  const tree = parseHcl(text);
  const root = tree.rootNode;
  const scope: ModuleScope = { variables: new Map(), locals: new Map() };
  const siblingTrees = siblings.filter((s) => s.file !== file).map((s) => parseHcl(s.text));
  for (const sibling of siblingTrees) collectScope(sibling.rootNode, scope);
  collectScope(root, scope); // this file's own definitions win

  const walkComments = (node: SyntaxNode): void => {
    if (node.type === "comment") addCommentDirective(facts, source, node.text, node.startIndex, node.endIndex);
    for (const child of node.namedChildren) walkComments(child);
  };
  walkComments(root);

  if (root.hasError) {
    const bad = firstSyntaxError(root) ?? root;
    facts.parseProblems.push(
      infraProblem("hcl", "HCL syntax error: the Terraform file could not be read in full", source.location(bad.startIndex, Math.max(bad.startIndex + 1, bad.endIndex)), false),
    );
  }

  const body = root.namedChildren.find((c) => c.type === "body");
  for (const block of body ? children(body, "block") : []) {
    const kind = blockType(block);
    if (kind === "removed" || kind === "moved") {
      retirement(file, kind, block, source, scope, facts, buckets);
      continue;
    }
    if (kind !== "resource") continue;
    const [type, name] = blockLabels(block);
    const spec = type ? BUCKET_TYPES[type] : undefined;
    if (!spec || !type || !name) continue;
    const address = `${type}.${name}`;
    const resourceBody = bodyOf(block);
    const attrs = attributes(resourceBody);
    const bucket = bucketName(attrs, spec.nameAttribute, scope);
    const header = headerLocation(source, block);
    buckets.push({ key: `terraform:${directoryOf(file)}:${address}`, provider: spec.provider, source: "terraform", resource: address, bucket, location: header });

    const forceDestroy = attrs.get("force_destroy");
    const forceExpr = forceDestroy ? attributeExpression(forceDestroy) : undefined;
    if (forceDestroy && forceExpr && type === "aws_s3_bucket") {
      const value = evaluate(forceExpr, scope);
      if (mayBeTrue(value)) {
        const ref = referenceOf(forceExpr);
        const operation =
          forceExpr.text === "true"
            ? "force_destroy = true"
            : value.kind === "unknown"
              ? `force_destroy = ${forceExpr.text} (value not known statically)`
              : `force_destroy = ${forceExpr.text}${ref ? ` (${ref.root === "var" ? "default" : "value"} true)` : ""}`;
        facts.storageActions.push(
          storageAction("force-destroy", spec.provider, "terraform", operation, source.location(forceDestroy.startIndex, forceDestroy.endIndex), { bucket, resource: address }),
        );
      }
    }
    if (!preventsDestroy(resourceBody, scope)) {
      facts.storageActions.push(storageAction("unprotected", spec.provider, "terraform", `resource "${type}" "${name}"`, header, { bucket, resource: address }));
    }
  }
  return { facts, buckets };
}

/** `aws_s3_bucket.logs` (bare or quoted) → its type and name; module or indexed addresses are not bucket resources here. */
function bucketAddress(expr: SyntaxNode): { type: string; name: string } | undefined {
  let text = expr.text.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  const parts = text.split(".");
  if (parts.length !== 2) return undefined;
  const [type, name] = parts as [string, string];
  return BUCKET_TYPES[type] && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? { type, name } : undefined;
}

/**
 * `removed { from = aws_s3_bucket.x }` (Terraform ≥ 1.7, OpenTofu ≥ 1.7) and `moved { from = … }`:
 * the resource at `from` is gone on purpose, so the base comparison must not report it as removed.
 * A `removed` block whose `lifecycle { destroy = … }` is true (or not known statically) deletes the
 * bucket on the next apply: a bucket-delete action on the `destroy` attribute. Without a lifecycle
 * block Terraform refuses the configuration and OpenTofu only forgets the resource: no action.
 */
function retirement(file: string, kind: "removed" | "moved", block: SyntaxNode, source: SourceText, scope: ModuleScope, facts: InfraAnalysis["facts"], buckets: BucketResource[]): void {
  const fromAttr = attributes(bodyOf(block)).get("from");
  const fromExpr = fromAttr ? attributeExpression(fromAttr) : undefined;
  const address = fromExpr ? bucketAddress(fromExpr) : undefined;
  if (!address) return;
  const spec = BUCKET_TYPES[address.type]!;
  const resource = `${address.type}.${address.name}`;
  const header = source.location(block.startIndex, fromAttr!.endIndex);
  buckets.push({ key: `terraform:${directoryOf(file)}:${resource}`, provider: spec.provider, source: "terraform", resource, location: header, retired: true });
  if (kind !== "removed") return;
  for (const lifecycle of children(bodyOf(block) ?? block, "block")) {
    if (blockType(lifecycle) !== "lifecycle") continue;
    const destroy = attributes(bodyOf(lifecycle)).get("destroy");
    const expr = destroy ? attributeExpression(destroy) : undefined;
    if (!destroy || !expr) continue;
    const value = evaluate(expr, scope);
    if (!mayBeTrue(value)) continue;
    const operation =
      value.kind === "unknown"
        ? `removed { from = ${resource} } with destroy = ${expr.text} (value not known statically)`
        : `removed { from = ${resource} } with destroy = ${expr.text}`;
    facts.storageActions.push(storageAction("bucket-delete", spec.provider, "terraform", operation, source.location(destroy.startIndex, destroy.endIndex), { resource }));
  }
}

function bucketName(attrs: Map<string, SyntaxNode>, nameAttribute: string, scope: ModuleScope): string | undefined {
  const named = attrs.get(nameAttribute);
  const expr = named ? attributeExpression(named) : undefined;
  if (expr) {
    const value = evaluate(expr, scope);
    return value.kind === "string" ? value.value : value.kind === "unknown" ? value.text : undefined;
  }
  const prefix = attrs.get("bucket_prefix");
  const prefixExpr = prefix ? attributeExpression(prefix) : undefined;
  if (prefixExpr) {
    const value = evaluate(prefixExpr, scope);
    if (value.kind === "string") return `${value.value}*`;
  }
  return undefined;
}

/** `resource "aws_s3_bucket" "logs"`: from the keyword to the last label. */
function headerLocation(source: SourceText, block: SyntaxNode) {
  const labels = block.namedChildren.filter((c) => c.type === "string_lit" || c.type === "identifier");
  const last = labels[labels.length - 1] ?? block;
  return source.location(block.startIndex, last.endIndex);
}

