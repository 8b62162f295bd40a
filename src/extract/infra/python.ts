// Python (tree-sitter-python) outside Alembic migrations: boto3 calls that delete or empty a bucket,
// CDK / Pulumi buckets (python-iac.ts) and the commands it runs (python-commands.ts).
// `client.delete_object(...)` and `s3.Object(b, k).delete()` remove one object and are not reported.
import { firstSyntaxError, parsePython, type SyntaxNode } from "../../parsers/python.js";
import { emptyFileFacts } from "../facts.js";
import { SourceText } from "../source.js";
import { addCommentDirective, infraProblem, storageAction, type InfraAnalysis } from "./common.js";
import { analysePythonCommands, mayRunCommands } from "./python-commands.js";
import { analysePythonIac, mayDeclareBuckets } from "./python-iac.js";

/** Only files that mention boto can call boto3. */
export function mayUseBoto(text: string): boolean {
  return text.includes("boto");
}

function pyString(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || node.type !== "string") return undefined;
  const parts = node.namedChildren.filter((c) => c.type !== "string_start" && c.type !== "string_end");
  if (parts.some((p) => p.type === "interpolation")) return undefined;
  return parts.map((p) => p.text).join("");
}

/**
 * Test code against a mock: a file that imports moto (its `mock_aws` / `mock_s3` intercept every
 * boto3 call), or that points boto3 at LocalStack (`endpoint_url` on localhost:4566 or a
 * `localstack` host). Its bucket deletions are reported at `info` (infra/bucket-delete-in-mock).
 */
function mockOf(root: SyntaxNode): "moto" | "localstack" | undefined {
  let found: "moto" | "localstack" | undefined;
  const visit = (node: SyntaxNode): void => {
    if (found === "moto") return;
    if (node.type === "import_from_statement" && node.childForFieldName("module_name")?.text.split(".")[0] === "moto") found = "moto";
    else if (node.type === "import_statement" && node.childrenForFieldName("name").some((n) => (n.childForFieldName("name") ?? n).text.split(".")[0] === "moto")) found = "moto";
    else if (node.type === "keyword_argument" && node.childForFieldName("name")?.text === "endpoint_url") {
      const url = pyString(node.childForFieldName("value"));
      if (url !== undefined && (url.includes("localhost:4566") || url.includes("127.0.0.1:4566") || url.includes("localstack"))) found ??= "localstack";
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(root);
  return found;
}

export function analysePython(file: string, text: string): InfraAnalysis {
  const facts = emptyFileFacts(file, "python");
  if (!mayUseBoto(text) && !mayDeclareBuckets(text) && !mayRunCommands(text)) return { facts, buckets: [] };
  const source = new SourceText(file, text);
  const tree = parsePython(text);
  const strings = new Map<string, string>();
  const bucketVars = new Map<string, string | undefined>();

  const valueOf = (node: SyntaxNode | null | undefined): string | undefined => {
    if (!node) return undefined;
    if (node.type === "identifier") return strings.get(node.text);
    return pyString(node);
  };
  const argument = (call: SyntaxNode, keyword: string, position = -1): SyntaxNode | undefined => {
    const list = call.childForFieldName("arguments");
    if (!list) return undefined;
    const args = list.namedChildren.filter((c) => c.type !== "comment");
    for (const arg of args) if (arg.type === "keyword_argument" && arg.childForFieldName("name")?.text === keyword) return arg.childForFieldName("value") ?? undefined;
    const positional = args.filter((a) => a.type !== "keyword_argument" && a.type !== "list_splat" && a.type !== "dictionary_splat");
    return position >= 0 ? positional[position] : undefined;
  };
  const methodOf = (call: SyntaxNode): { object: SyntaxNode; name: string } | undefined => {
    const fn = call.childForFieldName("function");
    if (fn?.type !== "attribute") return undefined;
    const object = fn.childForFieldName("object");
    const name = fn.childForFieldName("attribute")?.text;
    return object && name ? { object, name } : undefined;
  };
  /** `s3.Bucket("x")` → { bucket: "x" }; a variable bound to one → the same. */
  const bucketObject = (node: SyntaxNode): { bucket: string | undefined } | undefined => {
    if (node.type === "identifier" && bucketVars.has(node.text)) return { bucket: bucketVars.get(node.text) };
    if (node.type === "call") {
      const m = methodOf(node);
      if (m?.name === "Bucket") return { bucket: valueOf(argument(node, "name", 0)) };
    }
    return undefined;
  };

  const visit = (node: SyntaxNode): void => {
    if (node.type === "comment") {
      addCommentDirective(facts, source, node.text, node.startIndex, node.endIndex);
      return;
    }
    if (node.type === "assignment") {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (left?.type === "identifier" && right) {
        const literal = pyString(right);
        if (literal !== undefined) strings.set(left.text, literal);
        const bucket = bucketObject(right);
        if (bucket) bucketVars.set(left.text, bucket.bucket);
      }
    }
    if (node.type === "call") classify(node);
    for (const child of node.namedChildren) visit(child);
  };

  const classify = (call: SyntaxNode): void => {
    const m = methodOf(call);
    if (!m) return;
    const at = source.location(call.startIndex, call.endIndex);
    if (m.name === "delete_bucket" || m.name === "delete_objects") {
      const bucket = valueOf(argument(call, "Bucket"));
      facts.storageActions.push(storageAction(m.name === "delete_bucket" ? "bucket-delete" : "bucket-empty", "s3", "sdk-python", `${m.name}()`, at, { bucket }));
      return;
    }
    if (m.name !== "delete") return;
    const direct = bucketObject(m.object);
    if (direct) {
      facts.storageActions.push(storageAction("bucket-delete", "s3", "sdk-python", "Bucket(…).delete()", at, { bucket: direct.bucket }));
      return;
    }
    // bucket.objects.delete(), bucket.objects.all().delete(), bucket.object_versions.filter(…).delete()
    let collection = m.object;
    if (collection.type === "call") {
      const inner = methodOf(collection);
      if (!inner || !["all", "filter", "limit", "page_size"].includes(inner.name)) return;
      collection = inner.object;
    }
    if (collection.type !== "attribute") return;
    const attr = collection.childForFieldName("attribute")?.text;
    if (attr !== "objects" && attr !== "object_versions") return;
    const owner = collection.childForFieldName("object");
    const bucket = owner ? bucketObject(owner)?.bucket : undefined;
    facts.storageActions.push(storageAction("bucket-empty", "s3", "sdk-python", `${attr}…delete()`, at, { bucket }));
  };

  visit(tree.rootNode);
  const mock = mockOf(tree.rootNode);
  if (mock) for (const action of facts.storageActions) if (action.kind === "bucket-delete" || action.kind === "bucket-empty") action.mocked = mock;
  // After the mock check: moto and LocalStack's boto3 endpoint do not intercept a process's AWS CLI.
  if (mayRunCommands(text)) analysePythonCommands(tree.rootNode, source, facts);
  const buckets = mayDeclareBuckets(text) ? analysePythonIac(file, tree.rootNode, source, facts) : [];
  if (tree.rootNode.hasError) {
    const bad = firstSyntaxError(tree.rootNode) ?? tree.rootNode;
    facts.parseProblems.push(infraProblem("python", "Python syntax error: the file could not be read in full", source.location(bad.startIndex, Math.max(bad.startIndex + 1, bad.endIndex)), false));
  }
  return { facts, buckets };
}
