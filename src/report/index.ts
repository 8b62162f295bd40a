// Formatters are plain functions of the results, looked up by name.
import type { FileResult } from "../types.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatSarif, type SarifRuleInfo } from "./sarif.js";
import { formatStylish } from "./stylish.js";

export const FORMATS = ["stylish", "json", "sarif", "github", "junit"] as const;
export type FormatName = (typeof FORMATS)[number];

export interface FormatContext {
  cwd: string;
  color: boolean;
  rules: readonly SarifRuleInfo[];
}

export function formatResults(name: FormatName, results: FileResult[], context: FormatContext): string {
  switch (name) {
    case "stylish":
      return formatStylish(results, { color: context.color });
    case "json":
      return formatJson(results, context.cwd);
    case "sarif":
      return formatSarif(results, context.rules);
    case "github":
      return formatGithub(results);
    case "junit":
      return formatJunit(results);
  }
}

export { formatStylish, formatJson, formatSarif, formatGithub, formatJunit };
export type { SarifRuleInfo };
