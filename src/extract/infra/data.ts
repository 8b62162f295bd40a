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

/** Most nodes that expanding aliases may produce in one document (an alias bomb stops here). */
export const MAX_ALIAS_EXPANSION = 100_000;

/** What reading a YAML document's aliases and merge keys needs, and what it could not resolve. */
export interface YamlResolution {
  /** Anchored nodes by name, in document order (an alias names the last one before it). */
  anchors: Map<string, { offset: number; node: YamlNode }[]>;
  /** Nodes produced so far by expanding aliases (counted at every use, however they are stored). */
  expanded: number;
  /** Nodes being expanded through an alias: an alias among them is a cycle. */
  expanding: Set<YamlNode>;
  /** Each anchored node converted once, with the number of nodes one use of it stands for. */
  converted: Map<YamlNode, { node: DataNode | undefined; size: number }>;
  /** What could not be resolved, with the source range to point at. */
  problems: { message: string; start: number; end: number }[];
}

/** Collects the anchors of a document, once (yaml's Alias.resolve walks the whole document per alias). */
export function yamlResolution(root: YamlNode | null | undefined): YamlResolution {
  const y = yamlModule();
  const anchors: YamlResolution["anchors"] = new Map();
  if (root) {
    y.visit(root, (_key, node) => {
      const anchored = node as { anchor?: string; range?: [number, number, number] } | null;
      if (!anchored?.anchor || !(y.isNode(node))) return;
      const list = anchors.get(anchored.anchor) ?? [];
      list.push({ offset: anchored.range?.[0] ?? 0, node: node as YamlNode });
      anchors.set(anchored.anchor, list);
    });
    for (const list of anchors.values()) list.sort((a, b) => a.offset - b.offset);
  }
  return { anchors, expanded: 0, expanding: new Set(), converted: new Map(), problems: [] };
}

function anchoredBefore(res: YamlResolution, name: string, offset: number): YamlNode | undefined {
  let found: YamlNode | undefined;
  for (const a of res.anchors.get(name) ?? []) if (a.offset < offset) found = a.node;
  return found;
}

/**
 * Converts a `yaml` document node. `text` is the whole file. Aliases are replaced by the node they
 * name (whose offsets are those of the anchored text) and `<<` merge keys by the entries they
 * bring, so `run:`/`script:` written once under an anchor is read wherever it is used. An alias with
 * no anchor before it, a cycle, or an expansion past MAX_ALIAS_EXPANSION nodes is recorded in
 * `res.problems` (the file is then not analysed) and read as a scalar without a value.
 */
export function fromYaml(node: YamlNode | null | undefined, text: string, res: YamlResolution = yamlResolution(undefined)): DataNode | undefined {
  const y = yamlModule();
  if (!node) return undefined;
  const [start, valueEnd] = node.range ?? [0, 0, 0];
  const tag = typeof node.tag === "string" && node.tag.startsWith("!") && !node.tag.startsWith("!!") ? node.tag : undefined;
  const base = tag ? { start, end: valueEnd, tag } : { start, end: valueEnd };
  const unresolved = (): DataNode => ({ ...base, kind: "scalar", value: undefined, embedded: () => alignedText("", text, start, valueEnd) });
  if (y.isAlias(node)) return fromAlias(node, start, valueEnd, text, res) ?? unresolved();
  if (res.expanding.size > 0 && ++res.expanded > MAX_ALIAS_EXPANSION) return unresolved();
  if (y.isMap(node)) {
    const entries: DataEntry[] = [];
    const merged: DataNode[] = [];
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      const [ks, ke] = key?.range ?? [start, start];
      if (y.isScalar(key) && key.value === "<<" && key.type === "PLAIN") {
        const value = fromYaml(pair.value as YamlNode | null, text, res);
        const sources = value?.kind === "seq" ? value.items : value ? [value] : [];
        for (const source of sources) {
          if (source.kind === "map") merged.push(source);
          else if (source.kind !== "scalar" || source.value !== undefined) res.problems.push({ message: "YAML merge key << whose value is not a mapping", start: ks, end: ke });
        }
        continue;
      }
      const keyNode = y.isAlias(key) ? fromAlias(key, ks, ke, text, res) : undefined;
      const keyText = keyNode ? String(stringValue(keyNode) ?? "") : y.isScalar(key) ? String(key.value) : key ? String(key) : "";
      entries.push({ key: keyText, keyStart: ks, keyEnd: ke, value: fromYaml(pair.value as YamlNode | null, text, res) });
    }
    // Explicit keys win over merged ones; among merged mappings the first one naming a key wins.
    const keys = new Set(entries.map((e) => e.key));
    for (const source of merged) {
      if (source.kind !== "map") continue;
      for (const e of source.entries) {
        if (keys.has(e.key)) continue;
        keys.add(e.key);
        entries.push(e);
      }
    }
    return { ...base, kind: "map", entries };
  }
  if (y.isSeq(node)) {
    const items: DataNode[] = [];
    for (const item of node.items) {
      const converted = fromYaml(item as YamlNode | null, text, res);
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
  return unresolved();
}

function fromAlias(node: YamlNode, start: number, end: number, text: string, res: YamlResolution): DataNode | undefined {
  const name = (node as { source?: string }).source ?? "";
  const target = anchoredBefore(res, name, start);
  if (!target) {
    res.problems.push({ message: `YAML alias *${name} names no anchor (&${name}) before it`, start, end });
    return undefined;
  }
  if (res.expanding.has(target)) {
    res.problems.push({ message: `YAML alias *${name} is inside the node it names (a cycle)`, start, end });
    return undefined;
  }
  if (res.expanded > MAX_ALIAS_EXPANSION) return undefined;
  // The anchored node is converted once and shared (readers never change a DataNode); each use still
  // counts its whole size, so an alias bomb is refused without building it.
  let known = res.converted.get(target);
  if (known) res.expanded += known.size;
  else {
    const before = res.expanded;
    res.expanding.add(target);
    const node = fromYaml(target, text, res);
    res.expanding.delete(target);
    known = { node, size: res.expanded - before };
    res.converted.set(target, known);
  }
  if (res.expanded > MAX_ALIAS_EXPANSION && !res.problems.some((p) => p.message.startsWith("YAML aliases expand"))) {
    res.problems.push({ message: `YAML aliases expand past ${MAX_ALIAS_EXPANSION.toLocaleString("en-US")} nodes (an alias bomb?): too large to analyse`, start, end });
  }
  return known.node;
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
