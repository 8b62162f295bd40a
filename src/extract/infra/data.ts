// One small tree for YAML and JSON documents (CloudFormation templates, CI workflows,
// package.json, wrangler.json), with the offsets each node came from, so extractors read both
// formats with one piece of code.
import type * as BabelTypes from "@babel/types";
import type { Node as YamlNode } from "yaml";
import { yamlModule } from "../../parsers/yaml.js";
import { alignedText, type EmbeddedText } from "./common.js";

export interface DataEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: DataNode | undefined;
}

interface DataBase {
  start: number;
  end: number;
  /** YAML tag such as `!Ref`, `!Sub`. */
  tag?: string;
}

export type DataNode =
  | (DataBase & { kind: "map"; entries: DataEntry[] })
  | (DataBase & { kind: "seq"; items: DataNode[] })
  | (DataBase & { kind: "scalar"; value: unknown; embedded(): EmbeddedText });

export function entry(node: DataNode | undefined, key: string): DataEntry | undefined {
  return node?.kind === "map" ? node.entries.find((e) => e.key === key) : undefined;
}

export function child(node: DataNode | undefined, key: string): DataNode | undefined {
  return entry(node, key)?.value;
}

export function stringValue(node: DataNode | undefined): string | undefined {
  return node?.kind === "scalar" && typeof node.value === "string" ? node.value : undefined;
}

/** Converts a `yaml` document node. `text` is the whole file. */
export function fromYaml(node: YamlNode | null | undefined, text: string): DataNode | undefined {
  const y = yamlModule();
  if (!node) return undefined;
  const [start, valueEnd] = node.range ?? [0, 0, 0];
  const tag = typeof node.tag === "string" && node.tag.startsWith("!") && !node.tag.startsWith("!!") ? node.tag : undefined;
  const base = tag ? { start, end: valueEnd, tag } : { start, end: valueEnd };
  if (y.isMap(node)) {
    const entries: DataEntry[] = [];
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      const keyText = y.isScalar(key) ? String(key.value) : key ? String(key) : "";
      const [ks, ke] = key?.range ?? [start, start];
      entries.push({ key: keyText, keyStart: ks, keyEnd: ke, value: fromYaml(pair.value as YamlNode | null, text) });
    }
    return { ...base, kind: "map", entries };
  }
  if (y.isSeq(node)) {
    const items: DataNode[] = [];
    for (const item of node.items) {
      const converted = fromYaml(item as YamlNode | null, text);
      if (converted) items.push(converted);
    }
    return { ...base, kind: "seq", items };
  }
  if (y.isScalar(node)) {
    const value = node.value;
    return {
      ...base,
      kind: "scalar",
      value,
      embedded: () => alignedText(typeof value === "string" ? value : String(value), text, start, valueEnd),
    };
  }
  // Aliases and anything else: a scalar without a value.
  return { ...base, kind: "scalar", value: undefined, embedded: () => alignedText("", text, start, valueEnd) };
}

/** Converts a JSON/JSONC document parsed by @babel/parser's parseExpression. */
export function fromJson(node: BabelTypes.Node | null | undefined, text: string): DataNode | undefined {
  if (!node) return undefined;
  const start = node.start ?? 0;
  const end = node.end ?? start;
  switch (node.type) {
    case "ObjectExpression": {
      const entries: DataEntry[] = [];
      for (const prop of node.properties) {
        if (prop.type !== "ObjectProperty") continue;
        const k = prop.key;
        const key = k.type === "StringLiteral" ? k.value : k.type === "Identifier" ? k.name : k.type === "NumericLiteral" ? String(k.value) : "";
        entries.push({ key, keyStart: k.start ?? start, keyEnd: k.end ?? start, value: fromJson(prop.value, text) });
      }
      return { kind: "map", entries, start, end };
    }
    case "ArrayExpression": {
      const items: DataNode[] = [];
      for (const item of node.elements) {
        const converted = fromJson(item, text);
        if (converted) items.push(converted);
      }
      return { kind: "seq", items, start, end };
    }
    case "StringLiteral":
      return { kind: "scalar", value: node.value, start, end, embedded: () => alignedText(node.value, text, start + 1, end - 1) };
    case "NumericLiteral":
    case "BooleanLiteral":
      return { kind: "scalar", value: node.value, start, end, embedded: () => alignedText(String(node.value), text, start, end) };
    case "NullLiteral":
      return { kind: "scalar", value: null, start, end, embedded: () => alignedText("", text, start, end) };
    case "UnaryExpression":
      if (node.operator === "-" && node.argument.type === "NumericLiteral") {
        const value = -node.argument.value;
        return { kind: "scalar", value, start, end, embedded: () => alignedText(String(value), text, start, end) };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** `# …` YAML comments with their offsets (comments inside block scalars are content, not listed). */
export function yamlComments(text: string): { text: string; start: number; end: number }[] {
  const y = yamlModule();
  const comments: { text: string; start: number; end: number }[] = [];
  let offset = 0;
  for (const token of new y.Lexer().lex(text)) {
    // Lexer markers (document start, flow end, scalar) are not source text.
    if (token === "\u0002" || token === "\u0018" || token === "\u001f") continue;
    if (y.CST.tokenType(token) === "comment") comments.push({ text: token, start: offset, end: offset + token.length });
    offset += token.length;
  }
  return comments;
}
