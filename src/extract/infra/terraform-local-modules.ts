// Local Terraform modules (`source = "./modules/bucket"`, `"../../"`) followed one level into their
// directory: an input the module passes to `aws_s3_bucket.force_destroy` (or to a well-known bucket
// module's force-destroy input) is a force-destroy at the call site when the call sets it to a value
// that may be true. The module's own files report what their defaults do, where they are written.
import path from "node:path";
import { parseHcl, type SyntaxNode } from "../../parsers/hcl.js";
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { storageAction } from "./common.js";
import { BUCKET_MODULES, moduleInputOperation, normaliseModuleSource } from "./terraform-modules.js";
import { attributeExpression, attributes, blockLabels, blockType, bodyOf, children, evaluate, referenceOf, type ModuleScope } from "./terraform-hcl.js";

export interface TerraformFile {
  file: string;
  text: string;
}

const EMPTY_SCOPE: ModuleScope = { variables: new Map(), locals: new Map() };

function topLevelBlocks(root: SyntaxNode): SyntaxNode[] {
  const body = root.namedChildren.find((c) => c.type === "body");
  return body ? children(body, "block") : [];
}

/** The string a module block's `source` is (Terraform requires a literal), else undefined. */
function moduleSource(block: SyntaxNode): string | undefined {
  const attr = attributes(bodyOf(block)).get("source");
  const expr = attr ? attributeExpression(attr) : undefined;
  const value = expr ? evaluate(expr, EMPTY_SCOPE) : undefined;
  return value?.kind === "string" ? value.value : undefined;
}

/** The directory (POSIX, relative to the scan root) of a local module source, else undefined. */
export function localModuleDirectory(file: string, source: string): string | undefined {
  if (!(source === "." || source === ".." || source.startsWith("./") || source.startsWith("../"))) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
  const trimmed = joined.length > 1 ? joined.replace(/\/+$/, "") : joined;
  return trimmed === "" ? "." : trimmed;
}

/** The directories of the local modules a Terraform file calls (empty when it cannot be parsed). */
export function localModuleDirectories(file: string, text: string): string[] {
  if (!text.includes("module")) return [];
  let root: SyntaxNode;
  try {
    root = parseHcl(text).rootNode;
  } catch {
    return [];
  }
  const dirs = new Set<string>();
  for (const block of topLevelBlocks(root)) {
    if (blockType(block) !== "module") continue;
    const source = moduleSource(block);
    const dir = source !== undefined ? localModuleDirectory(file, source) : undefined;
    if (dir !== undefined && dir !== path.posix.dirname(file)) dirs.add(dir);
  }
  return [...dirs];
}

/** What deletes inside a module, keyed by the input (`variable`) that decides it. */
interface ModuleInputs {
  /** input name → the resources whose force-destroy it sets (`aws_s3_bucket.this`). */
  forceDestroy: Map<string, string[]>;
  /** force-destroy input name → the input naming the bucket (`bucket = var.bucket_name`). */
  bucketInput: Map<string, string>;
  /** force-destroy input name → the bucket's name when the module writes it (`bucket = "acme-logs"`). */
  bucketName: Map<string, string>;
}

const moduleCache = new WeakMap<TerraformFile[], Map<string, ModuleInputs>>();

function readModule(dir: string, files: TerraformFile[]): ModuleInputs {
  let byDir = moduleCache.get(files);
  if (!byDir) moduleCache.set(files, (byDir = new Map()));
  const cached = byDir.get(dir);
  if (cached) return cached;
  const inputs: ModuleInputs = { forceDestroy: new Map(), bucketInput: new Map(), bucketName: new Map() };
  const note = (input: string, resource: string, bucketAttr: SyntaxNode | undefined) => {
    inputs.forceDestroy.set(input, [...(inputs.forceDestroy.get(input) ?? []), resource]);
    const bucketExpr = bucketAttr ? attributeExpression(bucketAttr) : undefined;
    const ref = bucketExpr ? referenceOf(bucketExpr) : undefined;
    if (ref?.root === "var" && !inputs.bucketInput.has(input)) inputs.bucketInput.set(input, ref.name);
    const literal = bucketExpr && !ref ? evaluate(bucketExpr, EMPTY_SCOPE) : undefined;
    if (literal?.kind === "string" && !inputs.bucketName.has(input)) inputs.bucketName.set(input, literal.value);
  };
  for (const { file, text } of files) {
    if (path.posix.dirname(file) !== dir) continue;
    let root: SyntaxNode;
    try {
      root = parseHcl(text).rootNode;
    } catch {
      continue;
    }
    for (const block of topLevelBlocks(root)) {
      const kind = blockType(block);
      const attrs = attributes(bodyOf(block));
      let input: string | undefined;
      let resource: string | undefined;
      if (kind === "resource" && blockLabels(block)[0] === "aws_s3_bucket") {
        input = "force_destroy";
        resource = `aws_s3_bucket.${blockLabels(block)[1] ?? "?"}`;
      } else if (kind === "module") {
        const source = moduleSource(block);
        const module = source !== undefined ? normaliseModuleSource(source) : undefined;
        input = module ? BUCKET_MODULES[module] : undefined;
        resource = `module.${blockLabels(block)[0] ?? "?"} (${module})`;
      }
      const attr = input ? attrs.get(input) : undefined;
      const expr = attr ? attributeExpression(attr) : undefined;
      const ref = expr ? referenceOf(expr) : undefined;
      if (ref?.root === "var" && resource) note(ref.name, resource, attrs.get("bucket") ?? attrs.get("bucket_name"));
    }
  }
  byDir.set(dir, inputs);
  return inputs;
}

/**
 * A call of a local module (its directory's files are in `moduleFiles`): each input the module
 * passes to a bucket's force-destroy, set at the call to a value that may be true, is a finding on
 * the call's argument. An input the call leaves out takes the module's default, reported in the module.
 */
export function localModuleCall(block: SyntaxNode, file: string, source: SourceText, scope: ModuleScope, facts: FileFacts, moduleFiles: TerraformFile[]): void {
  const from = moduleSource(block);
  const dir = from !== undefined ? localModuleDirectory(file, from) : undefined;
  if (dir === undefined || moduleFiles.length === 0) return;
  const inputs = readModule(dir, moduleFiles);
  if (inputs.forceDestroy.size === 0) return;
  const attrs = attributes(bodyOf(block));
  const name = blockLabels(block)[0] ?? "?";
  for (const [input, resources] of inputs.forceDestroy) {
    const attr = attrs.get(input);
    const expr = attr ? attributeExpression(attr) : undefined;
    if (!attr || !expr) continue;
    const operation = moduleInputOperation(input, expr, attrs, scope);
    if (!operation) continue;
    const bucketInput = inputs.bucketInput.get(input);
    const bucketAttr = bucketInput ? attrs.get(bucketInput) : undefined;
    const bucketExpr = bucketAttr ? attributeExpression(bucketAttr) : undefined;
    const bucketValue = bucketExpr ? evaluate(bucketExpr, scope) : undefined;
    const bucket = bucketValue?.kind === "string" ? bucketValue.value : inputs.bucketName.get(input);
    const resource = `module.${name} (${from}: ${resources.join(", ")})`;
    facts.storageActions.push(storageAction("force-destroy", "s3", "terraform", operation, source.location(attr.startIndex, attr.endIndex), { bucket, resource }));
  }
}
