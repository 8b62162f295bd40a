// YAML or JSON files people write (the config, a plan): parsed with positions, validated against
// a JSON Schema, every error naming the file, the line and column when known, the path inside the
// file and what was expected.
import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import type { Document, LineCounter as LineCounterType } from "yaml";
import { ConfigError } from "../errors.js";

// yaml loads only when such a file is read: a `--no-config` pre-commit scan skips it.
const require = createRequire(import.meta.url);
const yaml = () => require("yaml") as typeof import("yaml");

export interface StructuredText {
  data: unknown;
  /** The YAML document (positions for messages); undefined for JSON. */
  document?: Document;
  lineCounter: LineCounterType;
}

/**
 * Parses `text` as JSON (a `.json` file) or YAML. Invalid text, and YAML aliases that expand without
 * bound, are a ConfigError naming the file (and line:column); `what` says what the file should be.
 */
export function parseStructuredText(file: string, text: string, what: string): StructuredText {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  if (file.endsWith(".json")) {
    try {
      return { data: JSON.parse(text), lineCounter };
    } catch (error) {
      throw new ConfigError(`${file}: invalid JSON: ${(error as Error).message}`);
    }
  }
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const e = document.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new ConfigError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  try {
    return { data: document.toJS(), document, lineCounter };
  } catch (error) {
    // The yaml package refuses aliases that expand without bound (a "billion laughs" document).
    throw new ConfigError(`${file}: invalid YAML: ${(error as Error).message} (aliases that expand without bound); expected ${what} without nested alias expansion`);
  }
}

/** At most five readable lines for ajv's errors: file:line:column: path what-was-expected. */
export function schemaErrorLines(file: string, errors: readonly ErrorObject[], document: Document | undefined, lineCounter: LineCounterType): string[] {
  return errors.filter(usefulError).slice(0, 5).map((e) => describeSchemaError(file, e, document, lineCounter));
}

function usefulError(error: ErrorObject, _index: number, all: readonly ErrorObject[]): boolean {
  // oneOf/anyOf wrappers repeat what their branches said; keep the branch errors when there are any.
  if ((error.keyword === "oneOf" || error.keyword === "anyOf") && all.some((e) => e !== error && e.instancePath.startsWith(error.instancePath))) return false;
  return true;
}

/** JSON Pointer → its segments, unescaped. */
function segmentsOf(instancePath: string): string[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Segments → a readable path such as `environments.production.steps[0].run`. */
export function pathText(segments: string[]): string {
  if (segments.length === 0) return "(top level)";
  return segments
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join("")
    .replace(/^\./, "");
}

export function lineOf(document: Document | undefined, lineCounter: LineCounterType, segments: string[]): string {
  if (!document) return "";
  const { isMap, isSeq } = yaml();
  let node: unknown = document.contents;
  for (const segment of segments) {
    if (isMap(node)) node = node.get(segment, true);
    else if (isSeq(node)) node = node.get(Number(segment), true);
    else break;
  }
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return "";
  const pos = lineCounter.linePos(range[0]);
  return `:${pos.line}:${pos.col}`;
}

function describeSchemaError(file: string, error: ErrorObject, document: Document | undefined, lineCounter: LineCounterType): string {
  const segments = segmentsOf(error.instancePath);
  let where = pathText(segments);
  let expected = error.message ?? "is invalid";
  if (error.keyword === "additionalProperties") {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    segments.push(key);
    where = pathText(segments);
    expected = "is not a known key";
  } else if (error.keyword === "enum") {
    expected = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (error.keyword === "type") {
    expected = `must be of type ${(error.params as { type: string }).type}`;
  } else if (error.keyword === "pattern" || error.keyword === "propertyNames") {
    expected = error.keyword === "propertyNames" ? `has a key that is not a rule id (family/name): ${JSON.stringify((error.params as { propertyName?: string }).propertyName)}` : `must match ${(error.params as { pattern: string }).pattern}`;
  } else if (error.keyword === "required") {
    expected = `is missing required key "${(error.params as { missingProperty: string }).missingProperty}"`;
  }
  return `${file}${lineOf(document, lineCounter, segments)}: ${where} ${expected}`;
}

