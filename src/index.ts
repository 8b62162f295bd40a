/**
 * The public API of gonogo (`import … from "gonogo"`): scan, evaluate, deploy and the types they
 * take and return.
 *
 * @module gonogo
 */
export { scan } from "./engine/scan.js";
export type { ScanOptions, ScanResult, RuleSetting } from "./engine/types.js";
export { UNANALYSED_RULE_IDS } from "./engine/types.js";
export {
  DEFAULT_SUPPRESSIONS_FILE,
  parseSuppressions,
  readSuppressions,
  formatSuppressions,
  resolveSuppressionsLocation,
  type Suppressions,
  type SuppressionsRequest,
  type SuppressionsSummary,
} from "./engine/suppressions.js";
export { loadConfig, findConfigFile, parseConfigText, type GonogoConfig, type LoadedConfig } from "./engine/config.js";
export type * from "./types.js";
export { SEVERITIES, severityRank, eslintSeverity } from "./types.js";
export type * from "./extract/facts.js";
export { buildRevisionGraphs, downgradePath } from "./extract/alembic/graph.js";
export { allRules, findRule, docsUrlFor } from "../rules/index.js";
export type { Rule, RuleExample, RuleDocs, ProjectFacts } from "../rules/index.js";
export { formatResults, FORMATS, type FormatName } from "./report/index.js";
export { formatHtml, type HtmlOptions } from "./report/html.js";
export { formatMarkdown, markdownLinkBase, type MarkdownOptions } from "./report/markdown.js";
export { formatGitlab } from "./report/gitlab.js";
export { buildGraphViews, renderGraphText, renderGraphMermaid, renderGraphDot, GraphRequestError, type GraphView } from "./report/graph.js";
export { renderGraphSvg } from "./report/graph-svg.js";
export * from "./policy/index.js";
export * from "./release/index.js";
