// Formatters are plain functions of the results, looked up by name.
import type { FileResult } from "../types.js";
import * as github from "./github.js";
import * as gitlab from "./gitlab.js";
import * as html from "./html.js";
import * as markdown from "./markdown.js";
import * as json from "./json.js";
import * as junit from "./junit.js";
import * as sarif from "./sarif.js";
import * as stylish from "./stylish.js";
import { FORMAT_SPECS, type FormatContext, type FormatName, type Formatter } from "./formats.js";

export { FORMATS, loadFormatter, type FormatContext, type FormatName, type Formatter } from "./formats.js";

const modules = { stylish, json, sarif, github, junit, html, markdown, gitlab };

/** Formats results synchronously with any formatter (all modules loaded). The CLI uses loadFormatter. */
export function formatResults(name: FormatName, results: FileResult[], context: FormatContext): string {
  const spec = FORMAT_SPECS[name] as { formatter: (module: unknown) => Formatter };
  return spec.formatter(modules[name])(results, context);
}

export const { formatStylish } = stylish;
export const { formatJson } = json;
export const { formatSarif } = sarif;
export const { formatGithub } = github;
export const { formatGitlab } = gitlab;
export const { formatJunit } = junit;
export const { formatHtml } = html;
export const { formatMarkdown, markdownLinkBase } = markdown;
export type { SarifRuleInfo } from "./sarif.js";
