// Suppression directives in comments, the same in every language:
//   gonogo-disable-next-line sql/drop-table, sql/truncate -- reason
//   gonogo-disable-line sql/drop-table -- reason
// The caller strips the comment marker (#, --, //, /* */) and gives the comment's text and location.
import type { Directive } from "./facts.js";
import type { SourceLocation } from "../types.js";

const DIRECTIVE_KINDS = ["disable-next-line", "disable-line", "disable", "enable"] as const;

/**
 * Reads a directive from the text of one comment (marker removed). Returns undefined when the
 * comment is not a gonogo directive. A directive without a reason keeps `reason` undefined; the
 * engine reports it.
 */
export function parseDirectiveComment(comment: string, location: SourceLocation): Directive | undefined {
  const text = comment.trim();
  if (!text.startsWith("gonogo-")) return undefined;
  const rest = text.slice("gonogo-".length);
  // Longest kind first so "disable-next-line" is not read as "disable".
  const kind = [...DIRECTIVE_KINDS].sort((a, b) => b.length - a.length).find((k) => rest === k || rest.startsWith(k + " ") || rest.startsWith(k + "\t"));
  if (!kind) return undefined;
  const body = rest.slice(kind.length);
  const separator = body.indexOf(" -- ");
  const idsPart = separator === -1 ? body : body.slice(0, separator);
  const reason = separator === -1 ? undefined : body.slice(separator + 4).trim() || undefined;
  const ruleIds = idsPart
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  const directive: Directive = { kind, ruleIds, location };
  if (reason !== undefined) directive.reason = reason;
  if (kind === "disable-next-line") directive.appliesToLine = location.endLine + 1;
  if (kind === "disable-line") directive.appliesToLine = location.line;
  return directive;
}
