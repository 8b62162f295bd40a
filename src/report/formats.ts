// The output formats by name, each with how to load its module and how to call it. A CLI run loads
// only the one it prints (`loadFormatter`); the package root's `formatResults` loads them all.
import type { RevisionGraph } from "../extract/facts.js";
import type { FileResult } from "../types.js";
import type { SarifRuleInfo } from "./sarif.js";

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

export type Formatter = (results: FileResult[], context: FormatContext) => string;

interface FormatModules {
  stylish: typeof import("./stylish.js");
  json: typeof import("./json.js");
  sarif: typeof import("./sarif.js");
  github: typeof import("./github.js");
  junit: typeof import("./junit.js");
  html: typeof import("./html.js");
  markdown: typeof import("./markdown.js");
  gitlab: typeof import("./gitlab.js");
}

/** How each format is loaded and called. */
export const FORMAT_SPECS: { [N in FormatName]: { load: () => Promise<FormatModules[N]>; formatter: (module: FormatModules[N]) => Formatter } } = {
  stylish: { load: () => import("./stylish.js"), formatter: (m) => (results, c) => m.formatStylish(results, { color: c.color }) },
  json: { load: () => import("./json.js"), formatter: (m) => (results, c) => m.formatJson(results, c.cwd) },
  sarif: { load: () => import("./sarif.js"), formatter: (m) => (results, c) => m.formatSarif(results, c.rules) },
  github: { load: () => import("./github.js"), formatter: (m) => (results) => m.formatGithub(results) },
  junit: { load: () => import("./junit.js"), formatter: (m) => (results) => m.formatJunit(results) },
  html: { load: () => import("./html.js"), formatter: (m) => (results, c) => m.formatHtml(results, c.revisionGraphs ? { revisionGraphs: c.revisionGraphs } : {}) },
  markdown: { load: () => import("./markdown.js"), formatter: (m) => (results, c) => m.formatMarkdown(results, c.linkBase ? { linkBase: c.linkBase } : {}) },
  gitlab: { load: () => import("./gitlab.js"), formatter: (m) => (results) => m.formatGitlab(results) },
};

/** Loads only the formatter asked for. */
export async function loadFormatter<N extends FormatName>(name: N): Promise<Formatter> {
  const spec = FORMAT_SPECS[name];
  return spec.formatter(await spec.load());
}
