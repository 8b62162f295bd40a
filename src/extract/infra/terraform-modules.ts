// Terraform module calls and provisioners: a call of a well-known bucket module with
// `force_destroy = true` (literal, `var.*` default, or `each.value.*` over a `for_each` map), and
// `provisioner "local-exec"` commands, read as shell like any script.
import type { SyntaxNode } from "../../parsers/hcl.js";
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { alignedText, storageAction, verbatimText, type EmbeddedText } from "./common.js";
import { extractShellActions } from "./shell.js";
import { attributeExpression, attributes, blockLabels, blockType, bodyOf, children, evaluate, mayBeTrue, referenceOf, type ModuleScope, type Value } from "./terraform-hcl.js";

/**
 * Registry modules that create one S3 bucket, and the input that lets Terraform delete it with its
 * objects. Git and registry-host spellings of the same module are normalised first.
 */
export const BUCKET_MODULES: Record<string, string> = {
  "terraform-aws-modules/s3-bucket/aws": "force_destroy",
  "cloudposse/s3-bucket/aws": "force_destroy",
  "cloudposse/s3-log-storage/aws": "force_destroy",
  "cloudposse/cloudfront-s3-cdn/aws": "origin_force_destroy",
};

/** `git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git?ref=v4` → `terraform-aws-modules/s3-bucket/aws`. */
export function normaliseModuleSource(source: string): string {
  let s = source.trim();
  for (const prefix of ["git::", "https://", "http://", "ssh://", "git@", "registry.terraform.io/", "registry.opentofu.org/"]) if (s.startsWith(prefix)) s = s.slice(prefix.length);
  s = s.replace(/^github\.com[:/]/, "");
  s = s.split("?")[0]!.split("//")[0]!.replace(/\.git$/, "");
  const git = /^([^/]+)\/terraform-aws-([^/]+)$/.exec(s);
  return git ? `${git[1]}/${git[2]}/aws` : s;
}

type Entries = { key: string; values: Map<string, SyntaxNode> }[];

/** The object a `for_each` iterates over, through `var.*` defaults and `locals`; undefined when not known. */
function forEachEntries(expr: SyntaxNode, scope: ModuleScope, depth = 0): Entries | undefined {
  if (depth > 8) return undefined;
  const ref = referenceOf(expr);
  if (ref) {
    const target = ref.root === "var" ? scope.variables.get(ref.name) : scope.locals.get(ref.name);
    return target ? forEachEntries(target, scope, depth + 1) : undefined;
  }
  const object = expr.namedChildren.length === 1 ? expr.namedChildren[0]?.namedChildren[0] : undefined;
  if (expr.namedChildren[0]?.type !== "collection_value" || object?.type !== "object") return undefined;
  const entries: Entries = [];
  for (const elem of children(object, "object_elem")) {
    const [keyExpr, valueExpr] = elem.namedChildren.filter((c) => c.type === "expression");
    if (!keyExpr || !valueExpr) continue;
    const values = new Map<string, SyntaxNode>();
    const inner = valueExpr.namedChildren[0]?.type === "collection_value" ? valueExpr.namedChildren[0].namedChildren[0] : undefined;
    if (inner?.type === "object") {
      for (const field of children(inner, "object_elem")) {
        const [k, v] = field.namedChildren.filter((c) => c.type === "expression");
        if (k && v) values.set(k.text.replace(/^"|"$/g, ""), v);
      }
    }
    entries.push({ key: keyExpr.text.replace(/^"|"$/g, ""), values });
  }
  return entries;
}

/** `each.value.x`, `lookup(each.value, "x", d)`, `try(each.value.x, d)` → the field and its default. */
function eachField(expr: SyntaxNode): { field: string; fallback?: SyntaxNode } | undefined {
  const parts = expr.namedChildren;
  if (parts.length === 3 && parts[0]?.text === "each" && parts[1]?.type === "get_attr" && parts[1].text === ".value" && parts[2]?.type === "get_attr") return { field: parts[2].text.slice(1) };
  const call = parts.length === 1 && parts[0]?.type === "function_call" ? parts[0] : undefined;
  const name = call?.namedChildren[0]?.text;
  const args = call?.namedChildren.find((c) => c.type === "function_arguments")?.namedChildren.filter((c) => c.type === "expression") ?? [];
  if (name === "lookup" && args.length >= 2 && args[0]!.text.replace(/\s/g, "") === "each.value") {
    const key = evaluate(args[1]!, { variables: new Map(), locals: new Map() });
    return key.kind === "string" ? { field: key.value, fallback: args[2] } : undefined;
  }
  if (name === "try" && args.length >= 1) {
    const inner = eachField(args[0]!);
    return inner ? { field: inner.field, fallback: args[1] } : undefined;
  }
  return undefined;
}

/**
 * What a module call's input says when it may be true (the operation of a finding), else undefined:
 * a literal, a `var.*` default or `local`, or `each.value.x` over the call's `for_each` map.
 */
export function moduleInputOperation(input: string, expr: SyntaxNode, attrs: Map<string, SyntaxNode>, scope: ModuleScope): string | undefined {
  const field = eachField(expr);
  let operation: string | undefined;
  if (field) {
    const forEach = attrs.get("for_each") ? attributeExpression(attrs.get("for_each")!) : undefined;
    const entries = forEach ? forEachEntries(forEach, scope) : undefined;
    if (!entries) operation = `${input} = ${expr.text} (for_each not known statically)`;
    else {
      const valueOf = (node: SyntaxNode | undefined): Value => (node ? evaluate(node, scope) : { kind: "bool", value: false });
      const destroying = entries.filter((e) => mayBeTrue(e.values.has(field.field) ? valueOf(e.values.get(field.field)) : valueOf(field.fallback)));
      if (destroying.length > 0) operation = `${input} = ${expr.text} (true for ${destroying.map((e) => `"${e.key}"`).join(", ")})`;
    }
  } else {
    const value = evaluate(expr, scope);
    if (mayBeTrue(value)) operation = expr.text === "true" ? `${input} = true` : value.kind === "unknown" ? `${input} = ${expr.text} (value not known statically)` : `${input} = ${expr.text} (default true)`;
  }
  return operation;
}

/** A call of a well-known bucket module whose force_destroy input may be true. */
export function bucketModuleCall(block: SyntaxNode, source: SourceText, scope: ModuleScope, facts: FileFacts): void {
  const attrs = attributes(bodyOf(block));
  const sourceExpr = attrs.get("source") ? attributeExpression(attrs.get("source")!) : undefined;
  const sourceValue = sourceExpr ? evaluate(sourceExpr, scope) : undefined;
  if (sourceValue?.kind !== "string") return;
  const module = normaliseModuleSource(sourceValue.value);
  const input = BUCKET_MODULES[module];
  const attr = input ? attrs.get(input) : undefined;
  const expr = attr ? attributeExpression(attr) : undefined;
  if (!attr || !expr) return;
  const name = blockLabels(block)[0] ?? "?";
  const bucketAttr = attrs.get("bucket") ?? attrs.get("bucket_name");
  const bucketExpr = bucketAttr ? attributeExpression(bucketAttr) : undefined;
  const bucketValue = bucketExpr ? evaluate(bucketExpr, scope) : undefined;
  const bucket = bucketValue?.kind === "string" ? bucketValue.value : undefined;
  const resource = `module.${name} (${module})`;
  const operation = moduleInputOperation(input!, expr, attrs, scope);
  if (operation) facts.storageActions.push(storageAction("force-destroy", "s3", "terraform", operation, source.location(attr.startIndex, attr.endIndex), { bucket, resource }));
}

/** The command string of a local-exec provisioner, aligned with the file. */
function commandText(expr: SyntaxNode, text: string): EmbeddedText | undefined {
  const template = expr.namedChildren.length === 1 ? expr.namedChildren[0] : undefined;
  const heredoc = template?.type === "template_expr" ? template.namedChildren[0] : undefined;
  if (heredoc?.type === "heredoc_template") {
    const ids = heredoc.namedChildren.filter((c) => c.type === "heredoc_identifier");
    if (ids.length < 2) return undefined;
    const start = text.indexOf("\n", ids[0]!.endIndex) + 1;
    const end = ids[ids.length - 1]!.startIndex;
    return start > 0 && start <= end ? verbatimText(text.slice(start, end), start) : undefined;
  }
  const literal = template?.type === "literal_value" ? template.namedChildren[0] : template?.type === "template_expr" ? template.namedChildren[0] : undefined;
  if (literal?.type !== "string_lit" && literal?.type !== "quoted_template") return undefined;
  const raw = text.slice(literal.startIndex + 1, literal.endIndex - 1);
  const decoded = raw.replace(/\\(["\\nrt])/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c === "t" ? "\t" : c));
  return alignedText(decoded, text, literal.startIndex + 1, literal.endIndex - 1);
}

/**
 * Terraform interpolations (`${self.input}`) are not shell: each becomes a shell expansion of the
 * same length (`${self_input}`), an unknown value as the shell rules expect, offsets unchanged.
 */
function maskInterpolations(embedded: EmbeddedText, command: SyntaxNode): EmbeddedText {
  const ranges = command.descendantsOfType("template_interpolation").map((n) => [n.startIndex, n.endIndex] as const);
  if (ranges.length === 0) return embedded;
  const chars = [...embedded.text].length === embedded.text.length ? embedded.text.split("") : undefined;
  if (!chars) return embedded;
  for (const [start, end] of ranges) {
    for (let i = 0; i < chars.length; i++) {
      const at = embedded.offsets[i]!;
      if (at < start || at >= end) continue;
      const c = chars[i]!;
      const word = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || (c >= "0" && c <= "9" && at > start + 2);
      chars[i] = at === start ? "$" : at === start + 1 ? "{" : at === end - 1 ? "}" : word ? c : "_";
    }
  }
  return { text: chars.join(""), offsets: embedded.offsets };
}

const SHELL_INTERPRETERS = new Set(["sh", "bash", "/bin/sh", "/bin/bash", "/usr/bin/env", "zsh", "dash"]);

/** `provisioner "local-exec" { command = … }` anywhere in a resource: read as a shell script. */
export function localExecCommands(resource: SyntaxNode, text: string, source: SourceText, facts: FileFacts): void {
  for (const block of children(bodyOf(resource) ?? resource, "block")) {
    if (blockType(block) !== "provisioner" || blockLabels(block)[0] !== "local-exec") continue;
    const attrs = attributes(bodyOf(block));
    const interpreter = attrs.get("interpreter") ? attributeExpression(attrs.get("interpreter")!) : undefined;
    const first = interpreter?.descendantsOfType("template_literal")[0]?.text;
    if (interpreter && (first === undefined || !SHELL_INTERPRETERS.has(first))) continue; // PowerShell, python: not shell
    const command = attrs.get("command") ? attributeExpression(attrs.get("command")!) : undefined;
    const embedded = command ? commandText(command, text) : undefined;
    if (embedded) extractShellActions(maskInterpolations(embedded, command!), source, facts, { directives: false, reportErrors: false });
  }
}
