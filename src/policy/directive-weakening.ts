// Inline `gonogo-disable` directives added by the change itself. What is compared is what they hide:
// per changed file and rule, the findings the directives suppress at head against those they
// suppress in the same file at `--base` (read from git and scanned in memory with the same config).
// Counting hidden findings rather than directive lines means a directive that only moved because
// code above it changed is not new, while a new directive, one moved onto another statement's line
// or a `gonogo-disable` block that now covers more findings all are. Like the suppressions file,
// a count cannot tell one hidden finding from another of the same rule in the same file.
import path from "node:path";
import { scan } from "../engine/scan.js";
import { filesChangedSince, readFileAtRevision } from "../git.js";
import type { Finding } from "../types.js";

export interface DirectiveWeakeningInput {
  cwd: string;
  base: string;
  /** The config file the head scan used (false: none). */
  configFile: string | false;
  /** The findings inline directives hid at head (`ScanResult.suppressedByDirectives`). */
  hidden: readonly Finding[];
}

const keyOf = (finding: Pick<Finding, "file" | "ruleId">) => `${finding.file}\u0000${finding.ruleId}`;

function countByFileAndRule(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = out.get(keyOf(finding));
    if (list) list.push(finding);
    else out.set(keyOf(finding), [finding]);
  }
  return out;
}

/** One sentence naming where directives hide more findings than at base, or none. */
export async function directiveWeakenings(o: DirectiveWeakeningInput): Promise<string[]> {
  if (o.hidden.length === 0) return [];
  const changed = new Set(await filesChangedSince(o.cwd, o.base));
  const hidden = o.hidden.filter((f) => changed.has(f.file));
  if (hidden.length === 0) return [];
  const files: { path: string; content: string }[] = [];
  for (const file of new Set(hidden.map((f) => f.file))) {
    const text = await readFileAtRevision(o.cwd, o.base, path.resolve(o.cwd, file));
    if (text !== undefined) files.push({ path: file, content: text });
  }
  const before = files.length === 0 ? [] : ((await scan({ cwd: o.cwd, files, configFile: o.configFile, jobs: 1 })).suppressedByDirectives ?? []);
  const baseCounts = countByFileAndRule(before);
  const grown: string[] = [];
  for (const [key, now] of countByFileAndRule(hidden)) {
    const was = baseCounts.get(key)?.length ?? 0;
    if (now.length <= was) continue;
    const lines = now.map((f) => f.line).join(", ");
    grown.push(`${now[0]!.file} ${now[0]!.ruleId} ${was} → ${now.length} (line${now.length === 1 ? "" : "s"} ${lines})`);
  }
  if (grown.length === 0) return [];
  const shown = grown.length > 5 ? [...grown.slice(0, 5), `and ${grown.length - 5} more`] : grown;
  return [`inline gonogo-disable directives hide more findings than at ${o.base}: ${shown.join(", ")}`];
}
