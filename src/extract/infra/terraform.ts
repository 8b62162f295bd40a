// Terraform / OpenTofu (.tf, tree-sitter HCL): S3 and R2 bucket resources, `force_destroy` (literal,
// through `var.*` defaults and `locals`), and `lifecycle { prevent_destroy = true }`.
import { firstSyntaxError, parseHcl, type SyntaxNode } from "../../parsers/hcl.js";
import { emptyFileFacts } from "../facts.js";
import { SourceText } from "../source.js";
import { addCommentDirective, infraProblem, storageAction, type BucketResource, type InfraAnalysis } from "./common.js";
import { localModuleCall, type TerraformFile } from "./terraform-local-modules.js";
import { bucketModuleCall, localExecCommands } from "./terraform-modules.js";
import { attributeExpression, attributes, blockLabels, blockType, bodyOf, BUCKET_TYPES, children, collectScope, evaluate, mayBeTrue, referenceOf, type ModuleScope } from "./terraform-hcl.js";

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

/**
 * Extracts Terraform storage facts. `siblings` are the other .tf files of the same directory
 * (module); `moduleFiles` the .tf files of the local modules it calls.
 */
export function analyseTerraform(file: string, text: string, siblings: TerraformFile[] = [], moduleFiles: TerraformFile[] = []): InfraAnalysis {
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
    if (kind === "module") {
      bucketModuleCall(block, source, scope, facts);
      localModuleCall(block, file, source, scope, facts, moduleFiles);
      continue;
    }
    if (kind !== "resource") continue;
    localExecCommands(block, text, source, facts);
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
function bucketAddress(expr: SyntaxNode): { type: string; name: string; inModule: boolean } | undefined {
  let text = expr.text.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  let parts = text.split(".");
  // `module.x.aws_s3_bucket.y` (also nested modules, `module.x["k"]`): the bucket inside a module call.
  const segments = expr.namedChildren.flatMap((c) => (c.type === "variable_expr" || c.type === "get_attr" ? [c.namedChildren[0]?.text ?? ""] : []));
  let inModule = false;
  if (segments[0] === "module") {
    let i = 0;
    while (segments[i] === "module" && i + 1 < segments.length) i += 2;
    parts = segments.slice(i);
    inModule = i > 0;
  }
  if (parts.length !== 2) return undefined;
  const [type, name] = parts as [string, string];
  return BUCKET_TYPES[type] && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? { type, name, inModule } : undefined;
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
  const resource = address.inModule ? fromExpr!.text.replace(/\s+/g, "") : `${address.type}.${address.name}`;
  const header = source.location(block.startIndex, fromAttr!.endIndex);
  if (!address.inModule) buckets.push({ key: `terraform:${directoryOf(file)}:${resource}`, provider: spec.provider, source: "terraform", resource, location: header, retired: true });
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

