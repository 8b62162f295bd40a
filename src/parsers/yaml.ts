// YAML (the `yaml` package), with node ranges so facts can point at exact positions. CloudFormation
// short tags (!Ref, !Sub, !GetAtt …) stay on the nodes as `tag` and are not errors.
import { createRequire } from "node:module";
import type { Document } from "yaml";

const require = createRequire(import.meta.url);
type YamlModule = typeof import("yaml");
let yaml: YamlModule | undefined;

export function yamlModule(): YamlModule {
  yaml ??= require("yaml") as YamlModule;
  return yaml;
}

export interface YamlParseResult {
  documents: Document.Parsed[];
  /** Syntax errors, with UTF-16 offsets into the text. */
  errors: { message: string; offset: number; endOffset: number }[];
}

/** Parses every document of a YAML stream. Never throws for bad input: errors are returned. */
export function parseYaml(text: string): YamlParseResult {
  const documents = yamlModule().parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [];
  const errors: YamlParseResult["errors"] = [];
  if (!Array.isArray(documents)) {
    // An EmptyStream carries its own errors.
    for (const e of (documents as { errors?: { message: string; pos: [number, number] }[] }).errors ?? [])
      errors.push({ message: e.message.split("\n")[0] ?? e.message, offset: e.pos[0], endOffset: e.pos[1] });
  }
  for (const doc of list)
    for (const e of doc.errors) errors.push({ message: e.message.split("\n")[0] ?? e.message, offset: e.pos[0], endOffset: e.pos[1] });
  return { documents: list, errors };
}
