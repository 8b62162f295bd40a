// JavaScript / TypeScript (@babel/parser): AWS CDK buckets (removalPolicy, autoDeleteObjects),
// Pulumi buckets (forceDestroy), SDK calls (AWS SDK v2/v3, Cloudflare SDK, the R2 REST API through
// fetch, also through a same-file helper) and shell commands run with child_process / execa / zx
// (also through util.promisify and same-file wrappers, js-wrappers.ts). Imports are resolved, so aliases
// (`import { aws_s3 as s3 }`, `import * as cdk`, `require(...)`) are all recognised.
import type * as t from "@babel/types";
import { JsSyntaxError, parseJs } from "../../parsers/js.js";
import { emptyFileFacts, type StorageAction } from "../facts.js";
import { SourceText } from "../source.js";
import { addCommentDirective, infraProblem, storageAction, type BucketResource, type InfraAnalysis } from "./common.js";
import { commandTexts, constantStrings } from "./js-commands.js";
import { importedWrappers, relativeImports, type Sibling } from "./js-imported-wrappers.js";
import { ARGV_CALLS, findWrappers, SHELL_STRING_CALLS, wrapperCallName, type Wrapper } from "./js-wrappers.js";
import { classifyCommand, extractShellActions } from "./shell.js";

/** Words a file must contain (lower-cased) for any of its code to matter here. */
const MARKERS = ["s3", "r2", "bucket", "destroy", "child_process", "execa", "zx", "spawn", "exec", "pulumi", "cdk", "cloudflare"];

export function mayHoldStorageCode(text: string): boolean {
  const lower = text.toLowerCase();
  return MARKERS.some((m) => lower.includes(m));
}

/** Canonical names, whatever module path or namespace the code went through. */
function canonical(name: string): string {
  let n = name.startsWith("node:") ? name.slice("node:".length) : name;
  const rewrites: [string, string][] = [
    ["aws-cdk-lib.aws_s3.", "aws-cdk-lib/aws-s3."],
    ["@aws-cdk/aws-s3.", "aws-cdk-lib/aws-s3."],
    ["@aws-cdk/core.", "aws-cdk-lib."],
    ["aws-cdk-lib/core.", "aws-cdk-lib."],
    ["@pulumi/aws/s3.", "@pulumi/aws.s3."],
    ["aws-sdk/clients/s3", "aws-sdk.S3"],
    ["aws-sdk/global.", "aws-sdk."],
  ];
  for (const [from, to] of rewrites) if (n.startsWith(from)) n = to + n.slice(from.length);
  if (n.startsWith("aws-sdk.S3.default")) n = "aws-sdk.S3" + n.slice("aws-sdk.S3.default".length);
  if (n.endsWith(".default")) n = n.slice(0, -".default".length);
  return n;
}

const CDK_BUCKETS = new Set(["aws-cdk-lib/aws-s3.Bucket"]);
const PULUMI_BUCKETS = new Map<string, "s3" | "r2">([
  ["@pulumi/aws.s3.Bucket", "s3"],
  ["@pulumi/aws.s3.BucketV2", "s3"],
  ["@pulumi/aws-native.s3.Bucket", "s3"],
  ["@pulumi/cloudflare.R2Bucket", "r2"],
]);
const SDK_COMMANDS = new Map<string, "bucket-delete" | "bucket-empty">([
  ["@aws-sdk/client-s3.DeleteBucketCommand", "bucket-delete"],
  ["@aws-sdk/client-s3.DeleteObjectsCommand", "bucket-empty"],
]);
const DESTROY = "aws-cdk-lib.RemovalPolicy.DESTROY";
/** Tags whose template is a command line. */
const SHELL_TAGS = new Set(["execa.$", "execa.execa", "zx.$", "bun.$"]);
const SHELLS = new Set(["sh", "bash", "zsh", "dash"]);

type AnyNode = t.Node;

function walk(node: AnyNode, visit: (node: AnyNode) => void): void {
  const stack: AnyNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    for (const key of Object.keys(current)) {
      if (key === "loc" || key === "leadingComments" || key === "trailingComments" || key === "innerComments" || key === "extra") continue;
      const value = (current as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const item = value[i] as AnyNode | null;
          if (item && typeof item === "object" && typeof item.type === "string") stack.push(item);
        }
      } else if (value && typeof value === "object" && typeof (value as AnyNode).type === "string") {
        stack.push(value as AnyNode);
      }
    }
  }
}

function unwrapTs(node: AnyNode): AnyNode {
  let n = node;
  while (n.type === "TSAsExpression" || n.type === "TSNonNullExpression" || n.type === "TSSatisfiesExpression" || n.type === "ParenthesizedExpression" || n.type === "TSTypeAssertion")
    n = n.expression;
  return n;
}

function propertyName(prop: t.ObjectProperty | t.ObjectMethod | t.SpreadElement | t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (prop.type === "SpreadElement") return undefined;
  const key = prop.type === "MemberExpression" || prop.type === "OptionalMemberExpression" ? prop.property : prop.key;
  const computed = prop.computed;
  if (key.type === "Identifier" && !computed) return key.name;
  if (key.type === "StringLiteral") return key.value;
  return undefined;
}

function stringLiteral(node: AnyNode | undefined | null): string | undefined {
  if (!node) return undefined;
  const n = unwrapTs(node);
  if (n.type === "StringLiteral") return n.value;
  if (n.type === "TemplateLiteral" && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** A string or template as written (`${…}` kept), for bucket names and URLs. */
function stringOrTemplate(node: AnyNode | undefined | null, text: string): string | undefined {
  if (!node) return undefined;
  const n = unwrapTs(node);
  if (n.type === "StringLiteral") return n.value;
  if (n.type === "TemplateLiteral") return text.slice(n.start! + 1, n.end! - 1);
  return undefined;
}

class Resolver {
  readonly bindings = new Map<string, string>();

  constructor(program: t.Program) {
    // zx scripts: `#!/usr/bin/env zx` or `import "zx/globals"` make `$` the zx tag without an import.
    if (program.interpreter?.value.includes("zx")) this.bindings.set("$", "zx.$");
    walk(program, (node) => {
      if (node.type === "ImportDeclaration") {
        const from = node.source.value;
        if (from === "zx/globals" && !this.bindings.has("$")) this.bindings.set("$", "zx.$");
        for (const spec of node.specifiers) {
          if (spec.type === "ImportSpecifier") {
            const imported = spec.imported.type === "Identifier" ? spec.imported.name : spec.imported.value;
            this.bindings.set(spec.local.name, `${from}.${imported}`);
          } else {
            this.bindings.set(spec.local.name, from);
          }
        }
      } else if (node.type === "VariableDeclarator" && node.init) {
        const init = this.requiredModule(node.init) ?? this.promisified(node.init);
        if (init === undefined) return;
        if (node.id.type === "Identifier") this.bindings.set(node.id.name, init);
        else if (node.id.type === "ObjectPattern") {
          for (const prop of node.id.properties) {
            if (prop.type !== "ObjectProperty") continue;
            const key = propertyName(prop);
            const local = prop.value.type === "Identifier" ? prop.value.name : prop.value.type === "AssignmentPattern" && prop.value.left.type === "Identifier" ? prop.value.left.name : undefined;
            if (key && local) this.bindings.set(local, `${init}.${key}`);
          }
        }
      } else if (node.type === "TSImportEqualsDeclaration" && node.moduleReference.type === "TSExternalModuleReference") {
        this.bindings.set(node.id.name, node.moduleReference.expression.value);
      }
    });
  }

  /** `require("m")`, `require("m").x`, `await import("m")` → the module path (and member). */
  private requiredModule(init: AnyNode): string | undefined {
    const n = unwrapTs(init);
    if (n.type === "AwaitExpression") return this.requiredModule(n.argument);
    if (n.type === "CallExpression" && n.arguments.length === 1) {
      const arg = stringLiteral(n.arguments[0] as AnyNode);
      if (arg !== undefined && ((n.callee.type === "Identifier" && n.callee.name === "require") || n.callee.type === "Import")) return arg;
    }
    if (n.type === "MemberExpression") {
      const base = this.requiredModule(n.object);
      const name = propertyName(n);
      return base !== undefined && name ? `${base}.${name}` : undefined;
    }
    return undefined;
  }

  /** `util.promisify(exec)` → the name of what it wraps (`child_process.exec`): same argument, a promise. */
  private promisified(init: AnyNode): string | undefined {
    const n = unwrapTs(init);
    if (n.type !== "CallExpression" || n.arguments.length !== 1 || this.resolve(n.callee) !== "util.promisify") return undefined;
    return this.resolve(n.arguments[0] as AnyNode);
  }

  /** The canonical qualified name of an expression, when it comes from an import. */
  resolve(node: AnyNode): string | undefined {
    const n = unwrapTs(node);
    if (n.type === "Identifier") {
      const bound = this.bindings.get(n.name);
      return bound === undefined ? undefined : canonical(bound);
    }
    if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
      const base = this.resolve(n.object);
      const name = propertyName(n);
      return base !== undefined && name ? canonical(`${base}.${name}`) : undefined;
    }
    if (n.type === "CallExpression") {
      const mod = this.requiredModule(n) ?? this.promisified(n);
      return mod === undefined ? undefined : canonical(mod);
    }
    return undefined;
  }

  importsModule(predicate: (module: string) => boolean): boolean {
    for (const value of this.bindings.values()) if (predicate(value)) return true;
    return false;
  }
}

/** The property chain of a member expression: `client.r2.buckets.delete` → ["client","r2","buckets","delete"]. */
function memberChain(node: AnyNode): string[] {
  const n = unwrapTs(node);
  if (n.type === "Identifier") return [n.name];
  if (n.type === "ThisExpression") return ["this"];
  if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
    const name = propertyName(n);
    return [...memberChain(n.object), name ?? "?"];
  }
  if (n.type === "CallExpression" || n.type === "OptionalCallExpression") return [...memberChain(n.callee), "()"];
  return ["?"];
}

function objectArg(node: AnyNode | undefined): t.ObjectExpression | undefined {
  if (!node) return undefined;
  const n = unwrapTs(node);
  return n.type === "ObjectExpression" ? n : undefined;
}

function findProperty(object: t.ObjectExpression | undefined, name: string): t.ObjectProperty | undefined {
  if (!object) return undefined;
  for (const prop of object.properties) if (prop.type === "ObjectProperty" && propertyName(prop) === name) return prop;
  return undefined;
}

function isTrue(node: AnyNode | undefined): boolean {
  return !!node && unwrapTs(node).type === "BooleanLiteral" && (unwrapTs(node) as t.BooleanLiteral).value;
}

/** The values an expression may take: both arms of `c ? a : b`, both sides of `a ?? b` / `a || b`. */
function branches(node: AnyNode, depth = 0): AnyNode[] {
  const n = unwrapTs(node);
  if (depth > 8) return [n];
  if (n.type === "ConditionalExpression") return [...branches(n.consequent, depth + 1), ...branches(n.alternate, depth + 1)];
  if (n.type === "LogicalExpression" && n.operator !== "&&") return [...branches(n.left, depth + 1), ...branches(n.right, depth + 1)];
  return [n];
}

/** `siblings`: the scan's files that may define command wrappers this file imports (infraSiblings). */
export function analyseJavaScript(file: string, text: string, siblings: readonly Sibling[] = []): InfraAnalysis {
  const facts = emptyFileFacts(file, "js");
  const buckets: BucketResource[] = [];
  if (!mayHoldStorageCode(text)) return { facts, buckets };
  const source = new SourceText(file, text);
  let ast: t.File;
  try {
    ast = parseJs(text, file);
  } catch (error) {
    const offset = error instanceof JsSyntaxError ? Math.min(error.offset, text.length) : 0;
    facts.parseProblems.push(infraProblem("js", `JavaScript/TypeScript syntax error: ${(error as Error).message}`, source.location(offset, Math.min(text.length, offset + 1))));
    return { facts, buckets };
  }
  for (const comment of ast.comments ?? []) {
    const raw = text.slice(comment.start!, comment.end!);
    addCommentDirective(facts, source, raw, comment.start!, comment.end!);
  }
  const resolver = new Resolver(ast.program);
  // `const opts = { protect: true }` declared once in the file: what an identifier argument holds.
  const constObjects = new Map<string, t.ObjectExpression | null>();
  walk(ast.program, (node) => {
    if (node.type !== "VariableDeclaration") return;
    for (const decl of node.declarations) {
      if (decl.id.type !== "Identifier") continue;
      const init = decl.init ? objectArg(decl.init) : undefined;
      const seen = constObjects.has(decl.id.name);
      constObjects.set(decl.id.name, !seen && node.kind === "const" && init ? init : null);
    }
  });
  const constObject = (arg: AnyNode | undefined): t.ObjectExpression | undefined => {
    const n = arg ? unwrapTs(arg) : undefined;
    return n?.type === "Identifier" ? (constObjects.get(n.name) ?? undefined) : undefined;
  };
  const usesAwsSdk = resolver.importsModule((m) => m === "aws-sdk" || m.startsWith("aws-sdk/") || m.startsWith("@aws-sdk/client-s3") || m.startsWith("@aws-sdk/lib-storage"));
  const loc = (node: AnyNode) => source.location(node.start!, node.end!);
  const push = (kind: Parameters<typeof storageAction>[0], provider: "s3" | "r2" | "unknown", origin: string, operation: string, node: AnyNode, extra: { bucket?: string | undefined; resource?: string | undefined } = {}) =>
    facts.storageActions.push(storageAction(kind, provider, origin, operation, loc(node), extra));

  // A command line given as a string, template, concatenation or a `const` of the file; each
  // written command is read once however many calls pass it.
  const constants = constantStrings(ast.program, walk);
  const readCommands = new Set<number>();
  const shellFromNode = (node: AnyNode): void => {
    for (const embedded of commandTexts(node, text, constants)) {
      const at = embedded.offsets[0] ?? -1;
      if (readCommands.has(at)) continue;
      readCommands.add(at);
      extractShellActions(embedded, source, facts, { directives: false, reportErrors: false });
    }
  };

  const isFetch = (callee: AnyNode): boolean => {
    const chain = memberChain(callee).join(".");
    return chain === "fetch" || chain === "globalThis.fetch" || resolver.resolve(callee) === "undici.fetch";
  };
  const wrappers = findWrappers(ast.program, text, (n) => resolver.resolve(n), isFetch);
  const imported = siblings.length === 0 ? new Map<string, Wrapper>() : importedWrappers(file, relativeImports(ast.program, walk), siblings, (program, moduleText) => {
    const moduleResolver = new Resolver(program);
    return findWrappers(program, moduleText, (n) => moduleResolver.resolve(n), (callee) => ["fetch", "globalThis.fetch"].includes(memberChain(callee).join(".")) || moduleResolver.resolve(callee) === "undici.fetch");
  });
  /** A Cloudflare REST call that deletes one R2 bucket: DELETE …/r2/buckets/<name> and nothing after it. */
  const r2Delete = (url: string | undefined, method: string | undefined, node: AnyNode, operation: string): void => {
    const marker = "/r2/buckets/";
    const at = url?.indexOf(marker) ?? -1;
    if (!url || at === -1 || method?.toUpperCase() !== "DELETE") return;
    const rest = url.slice(at + marker.length).split("?")[0]!;
    const [bucket, ...more] = rest.split("/");
    if (bucket && more.filter((s) => s !== "").length === 0) push("bucket-delete", "r2", "sdk-js", operation, node, { bucket });
  };
  /** (file, [args]) as spawn / execFile / execa take them. */
  const argvCall = (fileNode: AnyNode | undefined, listNode: AnyNode | undefined, node: AnyNode): void => {
    const file0 = stringLiteral(fileNode);
    const list = listNode ? unwrapTs(listNode) : undefined;
    const rest = list?.type === "ArrayExpression" ? list.elements.map((e) => (e ? (stringOrTemplate(e, text) ?? "?") : "?")) : [];
    if (file0 === undefined) return;
    if (SHELLS.has(file0) && rest[0] === "-c" && list?.type === "ArrayExpression" && list.elements[1]) {
      shellFromNode(list.elements[1]);
      return;
    }
    const effect = classifyCommand([file0, ...rest]);
    if (effect) push(effect.kind, effect.provider, "cli", effect.operation, node, { bucket: effect.bucket, resource: effect.resource });
  };

  walk(ast.program, (node) => {
    if (node.type === "NewExpression") {
      const name = resolver.resolve(node.callee);
      if (name === undefined) return;
      const args = node.arguments as AnyNode[];
      if (CDK_BUCKETS.has(name)) {
        const props = objectArg(args[2]) ?? constObject(args[2]);
        const id = stringLiteral(args[1]) ?? (args[1] ? text.slice(args[1].start!, args[1].end!) : "Bucket");
        const bucket = stringOrTemplate(findProperty(props, "bucketName")?.value, text);
        buckets.push({ key: `cdk:${file}:${id}`, provider: "s3", source: "cdk", resource: id, bucket, location: loc(node) });
        // No removalPolicy keeps CDK's default for a bucket, RemovalPolicy.RETAIN: protected, no finding.
        const removal = findProperty(props, "removalPolicy");
        if (removal && resolver.resolve(removal.value) === DESTROY) push("deletion-policy", "s3", "cdk", "removalPolicy: RemovalPolicy.DESTROY", removal, { bucket, resource: id });
        else if (removal && branches(removal.value).some((b) => resolver.resolve(b) === DESTROY)) {
          const written = text.slice(removal.value.start!, removal.value.end!).replace(/\s+/g, " ");
          push("deletion-policy", "s3", "cdk", `removalPolicy: ${written} (may be RemovalPolicy.DESTROY)`, removal, { bucket, resource: id });
        }
        const autoDelete = findProperty(props, "autoDeleteObjects");
        // Only a literal false keeps the objects: a variable, a condition or a call fails closed.
        if (autoDelete && isTrue(autoDelete.value)) push("force-destroy", "s3", "cdk", "autoDeleteObjects: true", autoDelete, { bucket, resource: id });
        else if (autoDelete && unwrapTs(autoDelete.value).type !== "BooleanLiteral") {
          const written = text.slice(autoDelete.value.start!, autoDelete.value.end!).replace(/\s+/g, " ");
          push("force-destroy", "s3", "cdk", `autoDeleteObjects: ${written} (may be true)`, autoDelete, { bucket, resource: id });
        }
        return;
      }
      const pulumi = PULUMI_BUCKETS.get(name);
      if (pulumi) {
        const id = stringOrTemplate(args[0], text) ?? "bucket";
        const props = objectArg(args[1]) ?? constObject(args[1]);
        const bucket = stringOrTemplate(findProperty(props, pulumi === "r2" ? "name" : "bucket")?.value, text);
        buckets.push({ key: `pulumi:${id}`, provider: pulumi, source: "pulumi", resource: id, bucket, location: loc(node) });
        const force = findProperty(props, "forceDestroy");
        if (force && isTrue(force.value)) push("force-destroy", pulumi, "pulumi", "forceDestroy: true", force, { bucket, resource: id });
        // Resource options: `protect: true` refuses a delete, `retainOnDelete: true` keeps the bucket
        // when Pulumi deletes the resource. Anything not known to be true (a variable, a spread) is
        // not counted: like Terraform's prevent_destroy, only a literal protects.
        const options = objectArg(args[2]) ?? constObject(args[2]);
        const guarded = ["protect", "retainOnDelete"].some((key) => isTrue(findProperty(options, key)?.value));
        if (!guarded) {
          const headerEnd = args[0] ? args[0].end! : node.callee.end!;
          const calleeText = text.slice(node.callee.start!, node.callee.end!);
          facts.storageActions.push(
            storageAction("unprotected", pulumi, "pulumi", `new ${calleeText}(${args[0] ? text.slice(args[0].start!, args[0].end!) : ""})`, source.location(node.start!, headerEnd), { bucket, resource: id }),
          );
        }
        return;
      }
      const command = SDK_COMMANDS.get(name);
      if (command) {
        const bucket = stringOrTemplate(findProperty(objectArg(args[0]), "Bucket")?.value, text);
        push(command, "s3", "sdk-js", name.slice(name.lastIndexOf(".") + 1), node, { bucket });
      }
      return;
    }
    if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
      const callee = unwrapTs(node.callee);
      const args = node.arguments as AnyNode[];
      const chain = memberChain(callee);
      const method = chain[chain.length - 1];
      if ((callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") && usesAwsSdk && (method === "deleteBucket" || method === "deleteObjects")) {
        const bucket = stringOrTemplate(findProperty(objectArg(args[0]), "Bucket")?.value, text);
        push(method === "deleteBucket" ? "bucket-delete" : "bucket-empty", "s3", "sdk-js", `${method}()`, node, { bucket });
        return;
      }
      if (chain.length >= 4 && chain.slice(-3).join(".") === "r2.buckets.delete") {
        push("bucket-delete", "r2", "sdk-js", "r2.buckets.delete()", node, { bucket: stringOrTemplate(args[0], text) });
        return;
      }
      if (method === "applyRemovalPolicy" && args[0] && resolver.resolve(args[0]) === DESTROY && resolver.importsModule((m) => m.includes("aws-s3") || m.includes("aws_s3"))) {
        push("deletion-policy", "s3", "cdk", "applyRemovalPolicy(RemovalPolicy.DESTROY)", node, { resource: chain.slice(0, -1).join(".") });
        return;
      }
      if (isFetch(callee) && args[0]) {
        r2Delete(stringOrTemplate(args[0], text), stringLiteral(findProperty(objectArg(args[1]), "method")?.value), node, 'fetch(…/r2/buckets/…, { method: "DELETE" })');
        return;
      }
      const calleeName = wrapperCallName(callee);
      const wrapperName = calleeName ?? text.slice(callee.start!, callee.end!);
      const wrapper = (calleeName !== undefined ? wrappers.get(calleeName) : undefined) ?? (imported.size > 0 ? imported.get(resolver.resolve(callee) ?? "") : undefined);
      if (wrapper?.kind === "shell" && args[wrapper.command]) shellFromNode(args[wrapper.command]!);
      else if (wrapper?.kind === "argv") argvCall(args[wrapper.file], args[wrapper.args], node);
      else if (wrapper?.kind === "fetch") {
        const path = stringOrTemplate(args[wrapper.url], text);
        const method = "literal" in wrapper.method ? wrapper.method.literal : wrapper.method.object ? findProperty(objectArg(args[wrapper.method.param]), "method")?.value : args[wrapper.method.param];
        r2Delete(path === undefined ? undefined : wrapper.urlPrefix + path, typeof method === "string" ? method : stringLiteral(method), node, `${wrapperName}(…/r2/buckets/…) (DELETE through fetch)`);
      }
      if (wrapper) return;
      const name = resolver.resolve(callee);
      if (name === undefined) return;
      if (SHELL_STRING_CALLS.has(name) && args[0]) {
        shellFromNode(args[0]);
        return;
      }
      if (ARGV_CALLS.has(name) && args[0]) {
        // spawn("aws s3 rb …", { shell: true }): the first argument is a command line.
        const options = objectArg(args[1]) ?? objectArg(args[2]);
        if (isTrue(findProperty(options, "shell")?.value) && objectArg(args[1])) shellFromNode(args[0]);
        else argvCall(args[0], args[1], node);
      }
      return;
    }
    if (node.type === "TaggedTemplateExpression") {
      const tag = resolver.resolve(node.tag);
      if (tag !== undefined && SHELL_TAGS.has(tag)) shellFromNode(node.quasi);
    }
  });
  // Test code against a mock (aws-sdk-client-mock, or an SDK client pointed at LocalStack): its
  // bucket deletions are infra/bucket-delete-in-mock (info), as in Python.
  let mock: StorageAction["mocked"] = resolver.importsModule((m) => m.startsWith("aws-sdk-client-mock") || m.startsWith("aws-sdk-mock")) ? "aws-sdk-client-mock" : undefined;
  if (!mock) {
    walk(ast.program, (node) => {
      if (node.type !== "ObjectProperty" || (node.key.type === "Identifier" ? node.key.name : stringLiteral(node.key)) !== "endpoint") return;
      const url = stringLiteral(node.value as AnyNode);
      if (url !== undefined && (url.includes("localhost:4566") || url.includes("127.0.0.1:4566") || url.includes("localstack"))) mock = "localstack";
    });
  }
  if (mock) for (const action of facts.storageActions) if (action.kind === "bucket-delete" || action.kind === "bucket-empty") action.mocked = mock;
  return { facts, buckets };
}

