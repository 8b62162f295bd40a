// Commands a Python program runs (tree-sitter-python): `subprocess.run(["aws", "s3", "rb", …])`,
// `subprocess.run("aws s3 rb …", shell=True)`, `os.system(…)`, `asyncio.create_subprocess_exec(…)`
// and the standard library's other ways to start a process. An argv list is classified as the
// shell reader classifies a command (shell.ts); a command line (a string, also one passed without
// shell=True: the process then fails to start, but the intent is written) is read as a shell
// script, so `bash -c`, `sudo`, `&&` chains and the rest are read as in a .sh file. Callees are
// resolved through the file's imports (`import subprocess as sp`, `from os import system`); a name
// bound to a list, tuple or string literal anywhere in the file stands for that literal (each
// binding is read: scopes are not told apart). A list built at run time is not known statically.
import type { SyntaxNode } from "../../parsers/python.js";
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { joinEmbedded, storageAction, unknownWordAt, type EmbeddedText } from "./common.js";
import { importBindings } from "./python-iac.js";
import { SHELLS, classifyCommand, extractShellActions } from "./shell.js";

/**
 * Only files that name a way to start a process can run one (`asyncio.create_subprocess_*`
 * contains "subprocess"); "system" alone is common prose, so it counts when called or imported.
 */
export function mayRunCommands(text: string): boolean {
  return (
    text.includes("subprocess") ||
    text.includes("popen") ||
    text.includes("execv") ||
    text.includes("execl") ||
    text.includes("spawnv") ||
    text.includes("spawnl") ||
    (text.includes("system") && (text.includes("system(") || text.includes("from os import")))
  );
}

/** Functions whose first argument (or `args=`) is an argv list or a command line. */
const ARGS_FIRST = new Set([
  "subprocess.run",
  "subprocess.call",
  "subprocess.check_call",
  "subprocess.check_output",
  "subprocess.Popen",
  "subprocess.getoutput",
  "subprocess.getstatusoutput",
  "os.system",
  "os.popen",
  "asyncio.create_subprocess_shell",
]);
/** Functions whose positional arguments from an index on are the argv (`create_subprocess_exec("aws", "s3", …)`, `os.execlp(file, arg0, …)`). */
const ARGV_SPREAD = new Map<string, number>([
  ["asyncio.create_subprocess_exec", 0],
  ["os.execl", 1],
  ["os.execlp", 1],
  ["os.spawnl", 2],
  ["os.spawnlp", 2],
]);
/** Functions taking an argv list at an index (`os.execvp("aws", ["aws", "s3", "rb", …])`). */
const ARGV_LIST = new Map<string, number>([
  ["os.execv", 1],
  ["os.execvp", 1],
  ["os.spawnv", 2],
  ["os.spawnvp", 2],
]);
/** Escapes whose value is one character (a line continuation inside the string is none). */
const ESCAPES: Record<string, string> = { "\\\\": "\\", "\\'": "'", '\\"': '"', "\\n": "\n", "\\t": "\t", "\\\n": "" };

/** A shell parameter standing for a Python expression: `{bucket}` → `${bucket}`, every character at the expression. */
const unknownWord = (node: SyntaxNode, written: string): EmbeddedText => unknownWordAt(node.startIndex, node.endIndex, written);

/**
 * How a string is filled in at run time: `"s3://{}".format(bucket)` or `"s3://%s" % bucket`, with
 * the source text of the values. Each placeholder becomes an unknown word named after its value
 * (`${bucket}`), as an f-string's `{bucket}` does, instead of standing in the command as `{}`/`%s`.
 */
export interface Formatting {
  kind: "format" | "percent";
  positional: FormatValue[];
  named: Map<string, FormatValue>;
  /** The next automatically numbered field (`{}`, `%s`), across the parts of a concatenation. */
  next: number;
}

/** A value filled in: a literal (`"prod"`, `5`) is its text; anything else an unknown word named after its source. */
type FormatValue = { literal: string } | { written: string };

const CONVERSIONS = "diouxXeEfFgGcrsa";

/**
 * `literal`, read from the file at `at`, with its placeholders as unknown words. Not Python's
 * parser of format strings, only its placeholders' shapes: `{…}` up to the next `}` with `{{`/`}}`
 * as braces, and `%[(name)][flags][width][.precision][length]conversion` with `%%` as `%`.
 */
function fillIn(literal: string, at: number, formatting: Formatting): EmbeddedText {
  let text = "";
  const offsets: number[] = [];
  const keep = (kept: string, offset: number) => {
    text += kept;
    for (let k = 0; k < kept.length; k++) offsets.push(offset);
  };
  const value = (field: string): FormatValue => {
    if (field === "") return formatting.positional[formatting.next++] ?? { written: "value" };
    if ([...field].every((c) => c >= "0" && c <= "9")) return formatting.positional[Number(field)] ?? { written: "value" };
    return formatting.named.get(field) ?? { written: field };
  };
  /** The placeholder at [start, end) filled in: a literal's text, else an unknown word. */
  const put = (start: number, end: number, filled: FormatValue) => {
    if ("literal" in filled) return keep(filled.literal, start);
    const word = unknownWordAt(start, end, filled.written);
    text += word.text;
    offsets.push(...word.offsets.slice(0, word.text.length));
  };
  for (let i = 0; i < literal.length; ) {
    const ch = literal[i]!;
    const following = literal[i + 1];
    if (formatting.kind === "format" && (ch === "{" || ch === "}") && following === ch) {
      keep(ch, at + i);
      i += 2;
      continue;
    }
    if (formatting.kind === "format" && ch === "{") {
      const close = literal.indexOf("}", i + 1);
      if (close < 0) break;
      const inside = literal.slice(i + 1, close);
      let end = 0;
      while (end < inside.length && !"!:.[".includes(inside[end]!)) end++;
      put(at + i, at + close + 1, value(inside.slice(0, end)));
      i = close + 1;
      continue;
    }
    if (formatting.kind === "percent" && ch === "%") {
      if (following === "%") {
        keep("%", at + i);
        i += 2;
        continue;
      }
      let j = i + 1;
      let name: string | undefined;
      if (literal[j] === "(") {
        const close = literal.indexOf(")", j);
        if (close > 0) {
          name = literal.slice(j + 1, close);
          j = close + 1;
        }
      }
      while (j < literal.length && "#0- +*.0123456789hlL".includes(literal[j]!)) j++;
      if (j < literal.length && CONVERSIONS.includes(literal[j]!)) {
        put(at + i, at + j + 1, name !== undefined ? (formatting.named.get(name) ?? { written: name }) : value(""));
        i = j + 1;
        continue;
      }
    }
    keep(ch, at + i);
    i++;
  }
  return { text, offsets };
}

export function shellText(node: SyntaxNode, depth = 0, formatting?: Formatting): EmbeddedText | undefined {
  if (depth > 32) return undefined;
  if (node.type === "parenthesized_expression" && node.namedChildren.length === 1) return shellText(node.namedChildren[0]!, depth + 1, formatting);
  if (node.type === "concatenated_string" || (node.type === "binary_operator" && node.childForFieldName("operator")?.text === "+")) {
    const operands = node.type === "concatenated_string" ? node.namedChildren.filter((c) => c.type === "string") : [node.childForFieldName("left")!, node.childForFieldName("right")!];
    const parts = operands.map((o) => shellText(o, depth + 1, formatting) ?? (o.type === "string" ? undefined : unknownWord(o, o.text)));
    if (parts.some((p) => p === undefined) || !operands.some((o) => o.type === "string" || o.type === "concatenated_string" || o.type === "binary_operator")) return undefined;
    return joinEmbedded(parts as EmbeddedText[]);
  }
  if (node.type !== "string") return undefined;
  const start = node.children[0];
  const prefix = (start?.text ?? "").replace(/["']+$/, "").toLowerCase();
  if (prefix.includes("b")) return undefined;
  const raw = prefix.includes("r");
  let text = "";
  const offsets: number[] = [];
  for (const part of node.children.slice(1, -1)) {
    if (part.type === "interpolation") {
      const word = unknownWord(part, part.namedChildren[0]?.text ?? "value");
      text += word.text;
      offsets.push(...word.offsets.slice(0, word.text.length));
      continue;
    }
    if (part.type !== "string_content") continue;
    let at = part.startIndex;
    const escapes = raw ? [] : part.namedChildren.filter((c) => c.type === "escape_sequence");
    for (const escape of [...escapes, undefined]) {
      const until = escape?.startIndex ?? part.endIndex;
      const plain = part.text.slice(at - part.startIndex, until - part.startIndex);
      if (formatting && !prefix.includes("f")) {
        const filled = fillIn(plain, at, formatting);
        text += filled.text;
        offsets.push(...filled.offsets);
      } else {
        text += plain;
        for (let i = 0; i < plain.length; i++) offsets.push(at + i);
      }
      if (!escape) break;
      const value = ESCAPES[escape.text];
      if (value === undefined) return undefined;
      text += value;
      if (value !== "") offsets.push(escape.startIndex);
      at = escape.endIndex;
    }
  }
  offsets.push(node.children[node.children.length - 1]?.startIndex ?? node.endIndex);
  return { text, offsets };
}

/** A literal a value is written as, and how it is filled in at run time (a fresh count each time it is read). */
interface Value {
  node: SyntaxNode;
  formatting?: () => Formatting;
}

/** How a function takes a command: its argument at `index` (or named `name`) is an argv list or a command line ("command"), or an argv list only ("list"). */
interface Runner {
  kind: "command" | "list";
  index: number;
  name?: string;
}

const runnerOf = (name: string): Runner | undefined =>
  ARGS_FIRST.has(name) ? { kind: "command", index: 0, name: "args" } : ARGV_LIST.has(name) ? { kind: "list", index: ARGV_LIST.get(name)! } : undefined;

/** A parameter's name (`cmd`, `cmd: list[str]`, `cmd=None`, `cmd: str = ""`); undefined for `*args`, `**kw`. */
function parameterNameOf(node: SyntaxNode): string | undefined {
  if (node.type === "identifier") return node.text;
  if (node.type === "typed_parameter") return node.namedChildren.find((c) => c.type === "identifier")?.text;
  if (node.type === "default_parameter" || node.type === "typed_default_parameter") return node.childForFieldName("name")?.text;
  return undefined;
}

/** Reads the commands the module starts and records their storage actions. */
export function analysePythonCommands(root: SyntaxNode, source: SourceText, facts: FileFacts): void {
  const bindings = importBindings(root);
  const runners = [...bindings.values()].filter((v) => ["subprocess", "os", "asyncio"].includes(v.split(".")[0]!));
  if (runners.length === 0) return;
  const literals = new Map<string, SyntaxNode[]>();
  const definitions: SyntaxNode[] = [];
  const collect = (node: SyntaxNode): void => {
    if (node.type === "assignment") {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (left?.type === "identifier" && right && ["list", "tuple", "string", "concatenated_string", "binary_operator", "call"].includes(right.type)) {
        literals.set(left.text, [...(literals.get(left.text) ?? []), right]);
      }
    }
    if (node.type === "function_definition") definitions.push(node);
    for (const child of node.namedChildren) collect(child);
  };
  collect(root);

  /**
   * The literal a value is written as: itself, the string a `.format(…)`, `.split()` or `%` is
   * applied to, or each literal its name is bound to.
   */
  const valuesOf = (node: SyntaxNode | undefined, depth = 0, formatting?: () => Formatting): Value[] => {
    if (!node || depth > 4) return [];
    if (node.type === "identifier") return (literals.get(node.text) ?? []).flatMap((v) => valuesOf(v, depth + 1, formatting));
    if (node.type === "call") {
      const fn = node.childForFieldName("function");
      const method = fn?.type === "attribute" ? fn.childForFieldName("attribute")?.text : undefined;
      const object = fn?.childForFieldName("object") ?? undefined;
      if (method === "format") return valuesOf(object, depth + 1, formatting ?? (() => formatArguments(node)));
      return method !== undefined && ["split", "strip"].includes(method) ? valuesOf(object, depth + 1, formatting) : [];
    }
    if (node.type === "binary_operator" && node.childForFieldName("operator")?.text === "%") {
      const right = node.childForFieldName("right") ?? undefined;
      return valuesOf(node.childForFieldName("left") ?? undefined, depth + 1, formatting ?? (() => percentArguments(right)));
    }
    return [{ node, ...(formatting ? { formatting } : {}) }];
  };
  /** A value filled into a string: a string or integer literal is its text; any other, its source. */
  const formatValue = (node: SyntaxNode): FormatValue => {
    const literal = node.type === "integer" ? node.text : node.type === "string" && !node.children.some((c) => c.type === "interpolation") ? shellText(node)?.text : undefined;
    return literal !== undefined ? { literal } : { written: node.text };
  };
  /** `.format(a, b, name=c)`. */
  const formatArguments = (call: SyntaxNode): Formatting => {
    const { positional, keyword } = argumentsOf(call);
    const named = new Map<string, FormatValue>();
    for (const a of call.childForFieldName("arguments")?.namedChildren ?? []) {
      const key = a.type === "keyword_argument" ? a.childForFieldName("name")?.text : undefined;
      const value = key !== undefined ? keyword(key) : undefined;
      if (key !== undefined && value) named.set(key, formatValue(value));
    }
    return { kind: "format", positional: positional.map(formatValue), named, next: 0 };
  };
  /** `% value`, `% (a, b)` or `% {"name": value}`. */
  const percentArguments = (right: SyntaxNode | undefined): Formatting => {
    const inner = right?.type === "parenthesized_expression" && right.namedChildren.length === 1 ? right.namedChildren[0]! : right;
    const named = new Map<string, FormatValue>();
    if (inner?.type === "dictionary") {
      for (const pair of inner.namedChildren.filter((c) => c.type === "pair")) {
        const key = pair.childForFieldName("key");
        const value = pair.childForFieldName("value");
        const name = key?.type === "string" ? shellText(key)?.text : undefined;
        if (name !== undefined && value) named.set(name, formatValue(value));
      }
      return { kind: "percent", positional: [], named, next: 0 };
    }
    const positional = inner?.type === "tuple" ? inner.namedChildren.filter((c) => c.type !== "comment").map(formatValue) : inner ? [formatValue(inner)] : [];
    return { kind: "percent", positional, named, next: 0 };
  };
  const calleeName = (fn: SyntaxNode | null): string | undefined => {
    if (!fn) return undefined;
    if (fn.type === "identifier") return bindings.get(fn.text);
    if (fn.type !== "attribute") return undefined;
    const object = calleeName(fn.childForFieldName("object"));
    const attribute = fn.childForFieldName("attribute")?.text;
    return object && attribute ? `${object}.${attribute}` : undefined;
  };
  /** The name a call uses for a function of this file: `run` for `run(…)`, `self.run` for a method called on self. */
  const localName = (fn: SyntaxNode | null): string | undefined => {
    if (fn?.type === "identifier" && !bindings.has(fn.text)) return fn.text;
    if (fn?.type === "attribute" && ["self", "cls"].includes(fn.childForFieldName("object")?.text ?? "")) return `self.${fn.childForFieldName("attribute")?.text ?? ""}`;
    return undefined;
  };
  const argumentsOf = (call: SyntaxNode) => {
    const all = call.childForFieldName("arguments")?.namedChildren.filter((c) => c.type !== "comment") ?? [];
    const positional = all.filter((a) => a.type !== "keyword_argument");
    const keyword = (key: string) => all.find((a) => a.type === "keyword_argument" && a.childForFieldName("name")?.text === key)?.childForFieldName("value") ?? undefined;
    return { positional, keyword };
  };
  const argumentFor = (call: SyntaxNode, runner: Runner): SyntaxNode | undefined => {
    const { positional, keyword } = argumentsOf(call);
    return positional[runner.index] ?? (runner.name !== undefined ? keyword(runner.name) : undefined) ?? (runner.kind === "command" && runner.index === 0 ? (keyword("cmd") ?? keyword("command")) : undefined);
  };

  // Functions of the file that pass a parameter on to a runner (`def run(args): subprocess.run(args)`),
  // and functions that pass one on to those (a few rounds).
  const wrappers = new Map<string, Runner>();
  const runnerCalled = (call: SyntaxNode): Runner | undefined => {
    const fn = call.childForFieldName("function");
    const name = calleeName(fn);
    if (name !== undefined) return runnerOf(name);
    const local = localName(fn);
    return local !== undefined ? wrappers.get(local) : undefined;
  };
  for (let round = 0; round < 3; round++) {
    const before = wrappers.size;
    for (const definition of definitions) {
      const name = definition.childForFieldName("name")?.text;
      const params = definition.childForFieldName("parameters")?.namedChildren.map(parameterNameOf) ?? [];
      if (!name) continue;
      const method = params[0] === "self" || params[0] === "cls";
      const key = method ? `self.${name}` : name;
      if (wrappers.has(key)) continue;
      const body = definition.childForFieldName("body");
      const calls: SyntaxNode[] = [];
      const find = (node: SyntaxNode): void => {
        if (node.type === "call") calls.push(node);
        if (node.type !== "function_definition") for (const child of node.namedChildren) find(child);
      };
      if (body) find(body);
      for (const call of calls) {
        const runner = runnerCalled(call);
        const passed = runner ? argumentFor(call, runner) : undefined;
        const index = passed?.type === "identifier" ? params.indexOf(passed.text) : -1;
        if (!runner || index < 0) continue;
        wrappers.set(key, { kind: runner.kind, index: method ? index - 1 : index, name: params[index]! });
        break;
      }
    }
    if (wrappers.size === before) break;
  }

  const read = new Set<number>();
  const commandLine = ({ node, formatting }: Value): void => {
    if (read.has(node.startIndex)) return;
    read.add(node.startIndex);
    const embedded = shellText(node, 0, formatting?.());
    if (embedded) extractShellActions(embedded, source, facts, { directives: false, reportErrors: false });
  };
  const word = (node: SyntaxNode): string => {
    const values = valuesOf(node).map((v) => shellText(v.node, 0, v.formatting?.())?.text);
    return values.length === 1 && values[0] !== undefined ? values[0] : "?";
  };
  const argv = (words: SyntaxNode[], call: SyntaxNode): void => {
    if (words.some((w) => w.type === "list_splat")) return;
    const values = words.map(word);
    // ["bash", "-c", "aws s3 rb …"]: the script is read as shell.
    const program = values[0]?.split("/").pop();
    if (program !== undefined && SHELLS.has(program) && values[1] === "-c" && words[2]) {
      for (const script of valuesOf(words[2])) commandLine(script);
      return;
    }
    const effect = classifyCommand(values);
    if (effect) facts.storageActions.push(storageAction(effect.kind, effect.provider, "cli", effect.operation, source.location(call.startIndex, call.endIndex), { bucket: effect.bucket, resource: effect.resource }));
  };
  const listWords = (node: SyntaxNode): SyntaxNode[] | undefined =>
    node.type === "list" || node.type === "tuple" ? node.namedChildren.filter((c) => c.type !== "comment") : undefined;

  const classify = (call: SyntaxNode): void => {
    const fn = call.childForFieldName("function");
    const name = calleeName(fn);
    const spread = name !== undefined ? ARGV_SPREAD.get(name) : undefined;
    if (spread !== undefined) {
      argv(argumentsOf(call).positional.slice(spread), call);
      return;
    }
    const runner = runnerCalled(call);
    if (!runner) return;
    for (const value of valuesOf(argumentFor(call, runner))) {
      const words = listWords(value.node);
      if (words) argv(words, call);
      else if (runner.kind === "command") commandLine(value);
    }
  };
  const visit = (node: SyntaxNode): void => {
    if (node.type === "call") classify(node);
    for (const child of node.namedChildren) visit(child);
  };
  visit(root);
}
