// Formatters are plain functions of the results, looked up by name.
import type { RevisionGraph } from "../extract/facts.js";
import type { FileResult } from "../types.js";
import { formatGithub } from "./github.js";
import { formatGitlab } from "./gitlab.js";
import { formatHtml } from "./html.js";
import { formatMarkdown, markdownLinkBase } from "./markdown.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatSarif, type SarifRuleInfo } from "./sarif.js";
import { formatStylish } from "./stylish.js";

export const FORMATS = ["stylish", "json", "sarif", "github", "junit", "html", "markdown", "gitlab"] as const;
export type FormatName = (typeof FORMATS)[number];

export interface FormatContext {
  cwd: string;
  color: boolean;
  rules: readonly SarifRuleInfo[];
  /** html: the revision graphs drawn in the report. */
  revisionGraphs?: RevisionGraph[];
  /** markdown: where file links point (see markdownLinkBase). */
  linkBase?: string;
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
    case "html":
      return formatHtml(results, context.revisionGraphs ? { revisionGraphs: context.revisionGraphs } : {});
    case "markdown":
      return formatMarkdown(results, context.linkBase ? { linkBase: context.linkBase } : {});
    case "gitlab":
      return formatGitlab(results);
  }
}

export { formatStylish, formatJson, formatSarif, formatGithub, formatGitlab, formatJunit, formatHtml, formatMarkdown, markdownLinkBase };
export type { SarifRuleInfo };
