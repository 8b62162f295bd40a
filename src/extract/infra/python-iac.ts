// AWS CDK and Pulumi programs written in Python (tree-sitter-python): the same facts as the
// TypeScript reader (javascript.ts) with Python's spelling. Imports are resolved, so
// `from aws_cdk import aws_s3 as s3`, `import aws_cdk as cdk`, CDK v1's `aws_cdk.core`,
// `import pulumi_aws as aws` and `from pulumi_aws import s3` all reach the same canonical names.
import type { SyntaxNode } from "../../parsers/python.js";
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { storageAction, type BucketResource } from "./common.js";

/** Only files that mention CDK or Pulumi can declare their buckets. */
export function mayDeclareBuckets(text: string): boolean {
  return text.includes("aws_cdk") || text.includes("pulumi");
}

const CDK_BUCKET = "aws_cdk.aws_s3.Bucket";
const DESTROY = "aws_cdk.RemovalPolicy.DESTROY";
const PULUMI_BUCKETS = new Map<string, "s3" | "r2">([
  ["pulumi_aws.s3.Bucket", "s3"],
  ["pulumi_aws.s3.BucketV2", "s3"],
  ["pulumi_aws_native.s3.Bucket", "s3"],
  ["pulumi_cloudflare.R2Bucket", "r2"],
]);
const RESOURCE_OPTIONS = "pulumi.ResourceOptions";

function canonical(name: string): string {
  // CDK v1 kept RemovalPolicy in aws_cdk.core; v2 has it at the top of aws_cdk.
  if (name.startsWith("aws_cdk.core.")) return "aws_cdk." + name.slice("aws_cdk.core.".length);
  return name;
}

function pyString(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || node.type !== "string") return undefined;
  const parts = node.namedChildren.filter((c) => c.type !== "string_start" && c.type !== "string_end");
  if (parts.some((p) => p.type === "interpolation")) return undefined;
  return parts.map((p) => p.text).join("");
}

/** Module bindings of the file: local name → dotted module path (and member). */
export function importBindings(root: SyntaxNode): Map<string, string> {
  const bindings = new Map<string, string>();
  const visit = (node: SyntaxNode): void => {
    if (node.type === "import_statement") {
      for (const name of node.childrenForFieldName("name")) {
        if (name.type === "aliased_import") {
          const path = name.childForFieldName("name")?.text;
          const alias = name.childForFieldName("alias")?.text;
          if (path && alias) bindings.set(alias, path);
        } else if (name.type === "dotted_name") {
          // `import aws_cdk.aws_s3` binds `aws_cdk`; the attribute chain reaches the member.
          const first = name.text.split(".")[0]!;
          bindings.set(first, first);
        }
      }
      return;
    }
    if (node.type === "import_from_statement") {
      const module = node.childForFieldName("module_name");
      if (!module || module.type !== "dotted_name") return;
      for (const name of node.childrenForFieldName("name")) {
        if (name.type === "aliased_import") {
          const member = name.childForFieldName("name")?.text;
          const alias = name.childForFieldName("alias")?.text;
          if (member && alias) bindings.set(alias, `${module.text}.${member}`);
        } else if (name.type === "dotted_name") {
          bindings.set(name.text, `${module.text}.${name.text}`);
        }
      }
      return;
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(root);
  return bindings;
}

/** Reads CDK buckets (removal_policy, auto_delete_objects) and Pulumi buckets (force_destroy, opts). */
export function analysePythonIac(file: string, root: SyntaxNode, source: SourceText, facts: FileFacts): BucketResource[] {
  const buckets: BucketResource[] = [];
  const bindings = importBindings(root);
  const importsCdk = [...bindings.values()].some((v) => v.startsWith("aws_cdk"));
  const importsPulumi = [...bindings.values()].some((v) => v.startsWith("pulumi"));
  if (!importsCdk && !importsPulumi) return buckets;
  const importsS3 = [...bindings.values()].some((v) => v.startsWith("aws_cdk.aws_s3"));

  // Names assigned exactly once in the file: what an identifier argument (`opts=opts`) holds.
  const assigned = new Map<string, SyntaxNode | null>();
  const collect = (node: SyntaxNode): void => {
    if (node.type === "assignment") {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (left?.type === "identifier") assigned.set(left.text, assigned.has(left.text) || !right ? null : right);
    }
    for (const child of node.namedChildren) collect(child);
  };
  collect(root);
  const valueOf = (node: SyntaxNode | undefined, depth = 0): SyntaxNode | undefined => {
    if (node?.type === "identifier" && depth < 4) {
      const bound = assigned.get(node.text);
      return bound ? valueOf(bound, depth + 1) : node;
    }
    return node;
  };

  const resolve = (node: SyntaxNode | null | undefined): string | undefined => {
    if (!node) return undefined;
    if (node.type === "identifier") {
      const bound = bindings.get(node.text);
      return bound === undefined ? undefined : canonical(bound);
    }
    if (node.type === "attribute") {
      const base = resolve(node.childForFieldName("object"));
      const name = node.childForFieldName("attribute")?.text;
      return base !== undefined && name ? canonical(`${base}.${name}`) : undefined;
    }
    if (node.type === "parenthesized_expression") return resolve(node.namedChildren[0]);
    return undefined;
  };
  /** The values an expression may take: both arms of `a if c else b`, both sides of `a or b`. */
  const branches = (node: SyntaxNode, depth = 0): SyntaxNode[] => {
    if (depth > 8) return [node];
    if (node.type === "parenthesized_expression" && node.namedChildren[0]) return branches(node.namedChildren[0], depth + 1);
    if (node.type === "conditional_expression") {
      const [whenTrue, , whenFalse] = node.namedChildren;
      return [...(whenTrue ? branches(whenTrue, depth + 1) : []), ...(whenFalse ? branches(whenFalse, depth + 1) : [])];
    }
    if (node.type === "boolean_operator" && node.childForFieldName("operator")?.text === "or") {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      return [...(left ? branches(left, depth + 1) : []), ...(right ? branches(right, depth + 1) : [])];
    }
    return [node];
  };

  const args = (call: SyntaxNode): SyntaxNode[] => (call.childForFieldName("arguments")?.namedChildren ?? []).filter((c) => c.type !== "comment");
  const keyword = (call: SyntaxNode | undefined, name: string): SyntaxNode | undefined => {
    if (!call || call.type !== "call") return undefined;
    return args(call).find((a) => a.type === "keyword_argument" && a.childForFieldName("name")?.text === name);
  };
  const positional = (call: SyntaxNode): SyntaxNode[] => args(call).filter((a) => !["keyword_argument", "list_splat", "dictionary_splat"].includes(a.type));
  const written = (node: SyntaxNode) => node.text.replace(/\s+/g, " ");
  const at = (node: SyntaxNode) => source.location(node.startIndex, node.endIndex);

  const cdkBucket = (call: SyntaxNode): void => {
    const pos = positional(call);
    const id = pyString(pos[1]) ?? pos[1]?.text ?? "Bucket";
    const bucket = pyString(keyword(call, "bucket_name")?.childForFieldName("value"));
    buckets.push({ key: `cdk:${file}:${id}`, provider: "s3", source: "cdk", resource: id, bucket, location: at(call) });
    // No removal_policy keeps CDK's default for a bucket, RemovalPolicy.RETAIN: protected, no finding.
    const removal = keyword(call, "removal_policy");
    const removalValue = removal?.childForFieldName("value");
    if (removal && removalValue) {
      if (resolve(removalValue) === DESTROY) {
        facts.storageActions.push(storageAction("deletion-policy", "s3", "cdk", `removal_policy=${written(removalValue)}`, at(removal), { bucket, resource: id }));
      } else if (branches(removalValue).some((b) => resolve(b) === DESTROY)) {
        facts.storageActions.push(storageAction("deletion-policy", "s3", "cdk", `removal_policy=${written(removalValue)} (may be RemovalPolicy.DESTROY)`, at(removal), { bucket, resource: id }));
      }
    }
    autoDelete(keyword(call, "auto_delete_objects"), bucket, id);
  };

  /** `auto_delete_objects`: only a literal False keeps the objects; anything not known fails closed. */
  const autoDelete = (arg: SyntaxNode | undefined, bucket: string | undefined, id: string): void => {
    const value = arg?.childForFieldName("value");
    if (!arg || !value || value.type === "false") return;
    const operation = value.type === "true" ? "auto_delete_objects=True" : `auto_delete_objects=${written(value)} (may be True)`;
    facts.storageActions.push(storageAction("force-destroy", "s3", "cdk", operation, at(arg), { bucket, resource: id }));
  };

  const pulumiBucket = (call: SyntaxNode, provider: "s3" | "r2"): void => {
    const pos = positional(call);
    const first = valueOf(pos[0]);
    const id = pyString(first) ?? pos[0]?.text ?? "bucket";
    // Properties as keywords of the resource, or of a BucketArgs(...) passed as `args` / second positional.
    const argsNode = valueOf(keyword(call, "args")?.childForFieldName("value") ?? pos[1]);
    const prop = (name: string): SyntaxNode | undefined => keyword(call, name) ?? keyword(argsNode, name);
    const bucket = pyString(prop(provider === "r2" ? "name" : "bucket")?.childForFieldName("value"));
    buckets.push({ key: `pulumi:${id}`, provider, source: "pulumi", resource: id, bucket, location: at(call) });
    const force = prop("force_destroy");
    if (force?.childForFieldName("value")?.type === "true") facts.storageActions.push(storageAction("force-destroy", provider, "pulumi", "force_destroy=True", at(force), { bucket, resource: id }));
    // opts=ResourceOptions(protect=True) refuses a delete, retain_on_delete=True keeps the bucket.
    // Like the TypeScript reader, only a literal True protects.
    const opts = valueOf(keyword(call, "opts")?.childForFieldName("value") ?? pos[2]);
    const isOptions = opts?.type === "call" && resolve(opts.childForFieldName("function")) === RESOURCE_OPTIONS;
    const guarded = isOptions && ["protect", "retain_on_delete"].some((k) => keyword(opts, k)?.childForFieldName("value")?.type === "true");
    if (!guarded) {
      const headerEnd = pos[0] ? pos[0].endIndex : call.childForFieldName("function")!.endIndex;
      const callee = call.childForFieldName("function")!.text;
      facts.storageActions.push(storageAction("unprotected", provider, "pulumi", `${callee}(${pos[0]?.text ?? ""})`, source.location(call.startIndex, headerEnd), { bucket, resource: id }));
    }
  };

  const visit = (node: SyntaxNode): void => {
    if (node.type === "call") {
      const fn = node.childForFieldName("function");
      const name = resolve(fn);
      if (name === CDK_BUCKET) cdkBucket(node);
      else if (name !== undefined && PULUMI_BUCKETS.has(name)) pulumiBucket(node, PULUMI_BUCKETS.get(name)!);
      else if (fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "apply_removal_policy" && importsS3) {
        const first = positional(node)[0];
        if (first && resolve(first) === DESTROY) {
          const owner = fn.childForFieldName("object")?.text;
          facts.storageActions.push(storageAction("deletion-policy", "s3", "cdk", "apply_removal_policy(RemovalPolicy.DESTROY)", at(node), { resource: owner }));
        }
      }
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(root);
  return buckets;
}
