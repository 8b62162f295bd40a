// Shell commands that delete or empty a bucket or destroy a stack. Scripts are parsed with
// tree-sitter-bash; every `command` node (also inside pipelines, lists, subshells, `$(…)`, `if`
// and loops) is turned into an argv and classified. Strings, comments and heredoc bodies are never
// commands, so `echo "aws s3 rb …"` is not a finding.
import { firstSyntaxError, parseBash, type SyntaxNode } from "../../parsers/bash.js";
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { d1CommandIndex, recordD1Sql } from "./d1.js";
import { skipPackageManagerOptions, unwrapFind, unwrapXargs } from "./shell-wrappers.js";
import { classifyMc, classifyRclone, classifyS3cmd } from "./storage-clis.js";
import type { CommandEffect } from "./common.js";
import {
  addCommentDirective,
  alignedText,
  bucketFromS3Uri,
  embeddedLocation,
  fileOffset,
  infraProblem,
  storageAction,
  type EmbeddedText,
} from "./common.js";

/** One argument of a command: its value after quote removal, and where it is. */
export interface CommandArg {
  value: string;
  /** The argument is a single quoted or unquoted literal (no expansion). */
  literal: boolean;
}

export type { CommandEffect } from "./common.js";

const SUDO_VALUE_OPTIONS = new Set(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group"]);
const AWS_VALUE_OPTIONS = new Set([
  "--profile",
  "--region",
  "--endpoint-url",
  "--output",
  "--query",
  "--color",
  "--ca-bundle",
  "--cli-read-timeout",
  "--cli-connect-timeout",
  "--bucket",
  "--stack-name",
  "--exclude",
  "--include",
  "--key",
  "--role-arn",
  "--retain-resources",
  "--client-request-token",
  "--delete",
  "--expected-bucket-owner",
]);
const TERRAFORM_COMMANDS = new Set(["init", "validate", "plan", "apply", "destroy", "console", "fmt", "force-unlock", "get", "graph", "import", "login", "logout", "output", "providers", "refresh", "show", "state", "taint", "test", "untaint", "version", "workspace", "run-all"]);
const CDK_COMMANDS = new Set(["list", "ls", "synthesize", "synth", "bootstrap", "deploy", "watch", "destroy", "diff", "metadata", "init", "context", "docs", "doctor", "import", "migrate", "gc", "drift", "rollback", "notices", "acknowledge"]);
const PULUMI_COMMANDS = new Set(["up", "update", "destroy", "down", "preview", "refresh", "stack", "config", "login", "logout", "new", "import", "state", "cancel", "whoami", "plugin", "version", "about", "org", "policy", "watch", "logs", "install", "env", "convert", "console", "schema", "package", "template", "ai"]);
const NPX_VALUE_OPTIONS = new Set(["-p", "--package", "-c", "--call", "--cache", "--registry", "-w", "--workspace", "--node-options"]);

function basename(command: string): string {
  const slash = command.lastIndexOf("/");
  return slash === -1 ? command : command.slice(slash + 1);
}

/** Strips wrappers (sudo, env, npx, time, nohup, `npm exec`, …) and returns the real argv. */
export function unwrapCommand(argv: readonly string[]): string[] {
  let args = [...argv];
  for (let guard = 0; guard < 16 && args.length > 0; guard++) {
    const name = basename(args[0]!);
    let rest = args.slice(1);
    if (name === "sudo" || name === "doas") {
      while (rest[0]?.startsWith("-")) {
        const opt = rest.shift()!;
        if (opt === "--") break;
        if (SUDO_VALUE_OPTIONS.has(opt)) rest.shift();
      }
    } else if (name === "env") {
      while (rest.length > 0) {
        const a = rest[0]!;
        if (a === "--") {
          rest.shift();
          break;
        }
        if (a === "-u" || a === "-C" || a === "--unset" || a === "--chdir") rest.splice(0, 2);
        else if (a.startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) rest.shift();
        else break;
      }
    } else if (name === "time" || name === "nohup" || name === "exec" || name === "command" || name === "builtin") {
      while (rest[0]?.startsWith("-")) rest.shift();
    } else if (name === "nice") {
      while (rest[0]?.startsWith("-")) if (rest.shift() === "-n") rest.shift();
    } else if (name === "timeout") {
      while (rest[0]?.startsWith("-")) rest.shift();
      rest.shift(); // the duration
    } else if (name === "npx" || name === "bunx" || name === "pnpx") {
      rest = skipNpxOptions(rest);
    } else if (name === "xargs" || name === "find") {
      const inner = name === "xargs" ? unwrapXargs(rest) : unwrapFind(rest);
      if (!inner) return args;
      rest = inner;
    } else if ((name === "npm" || name === "pnpm" || name === "yarn" || name === "bun") && skipPackageManagerOptions(name, rest).length < rest.length) {
      rest = [name, ...skipPackageManagerOptions(name, rest)];
    } else if ((name === "npm" || name === "pnpm" || name === "yarn" || name === "bun") && ["exec", "dlx", "x"].includes(rest[0] ?? "")) {
      rest = skipNpxOptions(rest.slice(1));
    } else if ((name === "yarn" || name === "pnpm") && ["aws", "terraform", "tofu", "cdk", "pulumi", "wrangler", "sam"].includes(rest[0] ?? "")) {
      // `yarn cdk destroy` runs the package's binary.
    } else {
      return args;
    }
    args = rest;
  }
  return args;
}

function skipNpxOptions(rest: string[]): string[] {
  const out = [...rest];
  while (out[0]?.startsWith("-")) {
    const opt = out.shift()!;
    if (opt === "--") break;
    if (NPX_VALUE_OPTIONS.has(opt)) out.shift();
  }
  return out;
}

/**
 * Options of the `aws s3` transfer commands (cp, mv, sync) that take a value. `--delete` is a flag
 * there (it takes a value only in `s3api delete-objects`).
 */
const S3_TRANSFER_VALUE_OPTIONS = new Set([
  ...[...AWS_VALUE_OPTIONS].filter((o) => o !== "--delete"),
  "--acl",
  "--grants",
  "--sse-c-key",
  "--sse-kms-key-id",
  "--sse-c-copy-source",
  "--sse-c-copy-source-key",
  "--storage-class",
  "--website-redirect",
  "--content-type",
  "--cache-control",
  "--content-disposition",
  "--content-encoding",
  "--content-language",
  "--expires",
  "--source-region",
  "--page-size",
  "--metadata",
  "--metadata-directive",
  "--copy-props",
  "--checksum-mode",
  "--checksum-algorithm",
  "--expected-size",
]);
/** Options whose value is optional: the next word is their value only when it is one of these. */
const S3_OPTIONAL_VALUES = new Map([
  ["--sse", new Set(["AES256", "aws:kms", "aws:kms:dsse"])],
  ["--sse-c", new Set(["AES256"])],
  ["--request-payer", new Set(["requester"])],
]);

/** `aws …` → service, operation, positionals, options. */
function parseAwsArgs(args: readonly string[], valueOptions: ReadonlySet<string> = AWS_VALUE_OPTIONS): { positionals: string[]; options: Map<string, string | true> } {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const optional = S3_OPTIONAL_VALUES.get(a);
      if (eq !== -1) options.set(a.slice(0, eq), a.slice(eq + 1));
      else if (valueOptions.has(a) && i + 1 < args.length) options.set(a, args[++i]!);
      else if (optional && i + 1 < args.length && optional.has(args[i + 1]!)) options.set(a, args[++i]!);
      else options.set(a, true);
    } else {
      positionals.push(a);
    }
  }
  return { positionals, options };
}

function firstKnown(args: readonly string[], commands: Set<string>): string | undefined {
  return args.find((a) => commands.has(a));
}

/** Classifies one command given as argv. Undefined when it does nothing to storage. */
export function classifyCommand(argv: readonly string[]): CommandEffect | undefined {
  const args = unwrapCommand(argv);
  if (args.length === 0) return undefined;
  const tool = basename(args[0]!);
  const rest = args.slice(1);
  if (tool === "aws") {
    let { positionals, options } = parseAwsArgs(rest);
    if (positionals[0] === "s3" && (positionals[1] === "sync" || positionals[1] === "mv" || positionals[1] === "cp")) ({ positionals, options } = parseAwsArgs(rest, S3_TRANSFER_VALUE_OPTIONS));
    const [service, op, ...paths] = positionals;
    const endpoint = options.get("--endpoint-url");
    const provider = typeof endpoint === "string" && endpoint.includes("r2.cloudflarestorage.com") ? "r2" : "s3";
    // --dryrun only prints what would be done.
    if (service === "s3" && options.has("--dryrun")) return undefined;
    if (service === "s3" && op === "rb") {
      return { kind: "bucket-delete", provider, operation: options.has("--force") ? "aws s3 rb --force" : "aws s3 rb", bucket: bucketOf(paths[0]) };
    }
    if (service === "s3" && op === "sync" && options.has("--delete")) {
      // Deletes what the destination has and the source has not: a bucket when the destination is
      // one. `aws s3` needs an s3:// path on one side, so a destination that is an expansion with a
      // local source may be a bucket (fails closed); one with an s3:// source is a local directory.
      const [from, to] = paths;
      if (to === undefined) return undefined;
      const toBucket = to.startsWith("s3://");
      const mayBeBucket = toBucket || (!(from ?? "").startsWith("s3://") && isExpansion(to));
      if (!mayBeBucket) return undefined;
      return { kind: "bucket-empty", provider, operation: "aws s3 sync --delete", ...(toBucket ? { bucket: bucketOf(to) } : {}) };
    }
    if (service === "s3" && op === "mv" && options.has("--recursive") && paths[0]?.startsWith("s3://")) {
      return { kind: "bucket-empty", provider, operation: "aws s3 mv --recursive", bucket: bucketOf(paths[0]) };
    }
    if (service === "s3" && op === "rm" && options.has("--recursive")) {
      return { kind: "bucket-empty", provider, operation: "aws s3 rm --recursive", bucket: bucketOf(paths[0]) };
    }
    if (service === "s3api" && op === "delete-bucket") {
      return { kind: "bucket-delete", provider, operation: "aws s3api delete-bucket", bucket: stringOption(options.get("--bucket")) };
    }
    if (service === "s3api" && op === "delete-objects") {
      return { kind: "bucket-empty", provider, operation: "aws s3api delete-objects", bucket: stringOption(options.get("--bucket")) };
    }
    if (service === "cloudformation" && op === "delete-stack") {
      return { kind: "destroy-command", provider: "unknown", operation: "aws cloudformation delete-stack", resource: stringOption(options.get("--stack-name")) };
    }
    return undefined;
  }
  if (tool === "wrangler") {
    const positionals = rest.filter((a) => !a.startsWith("-"));
    const at = positionals.indexOf("r2");
    if (at !== -1 && positionals[at + 1] === "bucket" && positionals[at + 2] === "delete") {
      return { kind: "bucket-delete", provider: "r2", operation: "wrangler r2 bucket delete", bucket: positionals[at + 3] };
    }
    return undefined;
  }
  if (tool === "terraform" || tool === "tofu" || tool === "terragrunt") {
    const command = firstKnown(rest, TERRAFORM_COMMANDS);
    const at = command === undefined ? -1 : rest.indexOf(command);
    if (command === "run-all" && rest[at + 1] === "destroy") return { kind: "destroy-command", provider: "unknown", operation: `${tool} run-all destroy` };
    if (command === "destroy") return { kind: "destroy-command", provider: "unknown", operation: `${tool} destroy` };
    if (command === "apply" && rest.slice(at + 1).some((a) => a === "-destroy" || a === "--destroy")) {
      return { kind: "destroy-command", provider: "unknown", operation: `${tool} apply -destroy` };
    }
    return undefined;
  }
  if (tool === "cdk" || tool === "cdktf") {
    if (firstKnown(rest, CDK_COMMANDS) === "destroy") return { kind: "destroy-command", provider: "unknown", operation: `${tool} destroy` };
    return undefined;
  }
  if (tool === "pulumi") {
    const command = firstKnown(rest, PULUMI_COMMANDS);
    if (command === "destroy" || command === "down") return { kind: "destroy-command", provider: "unknown", operation: `pulumi ${command}` };
    return undefined;
  }
  if (tool === "s3cmd") return classifyS3cmd(rest);
  if (tool === "mc" || tool === "mcli") return classifyMc(rest);
  if (tool === "rclone") return classifyRclone(rest);
  if (tool === "sam" && rest.find((a) => !a.startsWith("-")) === "delete") {
    return { kind: "destroy-command", provider: "unknown", operation: "sam delete" };
  }
  return undefined;
}

/** A word whose value is not known statically: a shell (`$X`, `` `…` ``) or JS template (`${x}`) expansion, or a JS argv element that is not a string ("?"). */
function isExpansion(word: string): boolean {
  return word === "?" || word.includes("$") || word.includes("`");
}

function bucketOf(path: string | undefined): string | undefined {
  return path === undefined ? undefined : bucketFromS3Uri(path);
}

function stringOption(value: string | true | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The value of a bash word after quote removal; expansions are kept as written. */
function wordValue(node: SyntaxNode, text: string): { value: string; literal: boolean } {
  const raw = text.slice(node.startIndex, node.endIndex);
  switch (node.type) {
    case "word":
    case "number":
      return { value: raw.replace(/\\(.)/g, "$1"), literal: true };
    case "raw_string":
      return { value: raw.slice(1, -1), literal: true };
    case "ansi_c_string":
      return { value: raw.slice(2, -1), literal: false };
    case "string": {
      const literal = node.namedChildren.every((c) => c.type === "string_content");
      return { value: raw.slice(1, -1), literal };
    }
    case "concatenation": {
      let value = "";
      let literal = true;
      for (const part of node.children) {
        const v = wordValue(part, text);
        value += v.value;
        literal &&= v.literal;
      }
      return { value, literal };
    }
    default:
      return { value: raw, literal: false };
  }
}

/** The argv of a `command` node: its name and arguments (redirects and `VAR=x` prefixes left out). */
function commandArgv(node: SyntaxNode, text: string): { argv: string[]; words: SyntaxNode[] } {
  const words: SyntaxNode[] = [];
  const name = node.childForFieldName("name");
  if (name) words.push(name.namedChildren[0] ?? name);
  for (const arg of node.childrenForFieldName("argument")) words.push(arg);
  return { argv: words.map((w) => wordValue(w, text).value), words };
}

/**
 * CI templating (`${{ secrets.X }}` in GitHub Actions) is not shell syntax: it is replaced by a
 * placeholder word of the same length for parsing, and argument values are read from the original.
 */
function maskCiExpressions(text: string): string {
  let out = "";
  let from = 0;
  for (;;) {
    const open = text.indexOf("${{", from);
    if (open === -1) break;
    const close = text.indexOf("}}", open + 3);
    if (close === -1) break;
    const span = text.slice(open, close + 2);
    // Keep line breaks so positions stay put.
    out += text.slice(from, open) + [...span].map((c) => (c === "\n" ? c : "_")).join("");
    from = close + 2;
  }
  return out + text.slice(from);
}

/** Shells whose `-c` takes a script (read as shell too). */
export const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh"]);

export interface ShellScanOptions {
  /** Record `# gonogo-…` comments as directives (false when the host format already reads its comments). */
  directives: boolean;
  /** Report a syntax error as a parse problem. */
  reportErrors: boolean;
}

/**
 * Finds storage actions in a shell script embedded in a file (or the whole file). Locations are
 * those of the command in the file.
 */
export function extractShellActions(embedded: EmbeddedText, source: SourceText, facts: FileFacts, options: ShellScanOptions, depth = 0): void {
  const tree = parseBash(maskCiExpressions(embedded.text));
  const text = embedded.text;
  const visit = (node: SyntaxNode): void => {
    if (node.type === "comment") {
      if (options.directives) {
        const start = fileOffset(embedded, node.startIndex);
        addCommentDirective(facts, source, text.slice(node.startIndex, node.endIndex), start, fileOffset(embedded, node.endIndex - 1) + 1);
      }
      return;
    }
    if (node.type === "command") handleCommand(node);
    for (const child of node.namedChildren) visit(child);
  };
  const handleCommand = (node: SyntaxNode): void => {
    const { argv, words } = commandArgv(node, text);
    const effect = classifyCommand(argv);
    if (effect) {
      facts.storageActions.push(
        storageAction(effect.kind, effect.provider, "cli", effect.operation, embeddedLocation(source, embedded, node.startIndex, node.endIndex), {
          bucket: effect.bucket,
          resource: effect.resource,
        }),
      );
      return;
    }
    // `bash -c "aws s3 rb …"`: the script inside the string is parsed too.
    const unwrapped = unwrapCommand(argv);
    const offsetInArgv = argv.length - unwrapped.length;
    const d1 = d1CommandIndex(unwrapped);
    const sqlWord = d1 === -1 ? undefined : words[offsetInArgv + d1];
    if (sqlWord) {
      const quoted = sqlWord.type === "string" || sqlWord.type === "raw_string";
      const inner = alignedText(wordValue(sqlWord, text).value, text, sqlWord.startIndex + (quoted ? 1 : 0), sqlWord.endIndex - (quoted ? 1 : 0));
      recordD1Sql(facts, { text: inner.text, offsets: inner.offsets.map((o) => fileOffset(embedded, o)) });
      return;
    }
    if (depth < 3 && unwrapped.length >= 3 && SHELLS.has(basename(unwrapped[0]!))) {
      const c = unwrapped.indexOf("-c");
      const scriptWord = c === -1 ? undefined : words[offsetInArgv + c + 1];
      if (scriptWord && (scriptWord.type === "string" || scriptWord.type === "raw_string")) {
        const inner = alignedText(wordValue(scriptWord, text).value, text, scriptWord.startIndex + 1, scriptWord.endIndex - 1);
        const nested: EmbeddedText = { text: inner.text, offsets: inner.offsets.map((o) => fileOffset(embedded, o)) };
        extractShellActions(nested, source, facts, { directives: false, reportErrors: false }, depth + 1);
      }
    }
  };
  visit(tree.rootNode);
  if (options.reportErrors && tree.rootNode.hasError) {
    const bad = firstSyntaxError(tree.rootNode);
    const at = bad ?? tree.rootNode;
    facts.parseProblems.push(
      infraProblem("shell", "shell syntax error: the script could not be read in full", embeddedLocation(source, embedded, at.startIndex, Math.max(at.startIndex + 1, at.endIndex)), false),
    );
  }
}

