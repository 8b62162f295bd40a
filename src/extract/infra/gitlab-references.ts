// GitLab CI `!reference [job, key, …]`: a script written under another job of the same file, read
// where it is used. A reference to something this file does not hold (a job from an `include:`d
// file or template) cannot be read, so the file is reported as not analysed instead of passing.
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { infraProblem } from "./common.js";
import { child, type DataNode } from "./data.js";

/** GitLab's own limit on nested !reference tags. */
const MAX_REFERENCE_DEPTH = 10;

/** `node` with every `!reference` in it (itself or a list item) replaced by what it names. */
export function resolveGitlabReferences(node: DataNode | undefined, root: DataNode, source: SourceText, facts: FileFacts, depth = 0): DataNode | undefined {
  if (!node) return undefined;
  if (node.tag === "!reference") {
    const path = node.kind === "seq" ? node.items.map((item) => (item.kind === "scalar" && typeof item.value === "string" ? item.value : undefined)) : [];
    const written = `!reference [${path.map((p) => p ?? "?").join(", ")}]`;
    const fail = (why: string) => {
      facts.parseProblems.push(infraProblem("yaml", `GitLab ${written} ${why}: not analysed`, source.location(node.start, Math.max(node.start + 1, node.end))));
      return undefined;
    };
    if (path.length === 0 || path.some((p) => p === undefined)) return fail("is not a list of names");
    if (depth >= MAX_REFERENCE_DEPTH) return fail(`nests more than ${MAX_REFERENCE_DEPTH} references`);
    let target: DataNode | undefined = root;
    for (const key of path) target = child(target, key!);
    if (!target) return fail("names nothing in this file (a job from include:?)");
    return resolveGitlabReferences(target, root, source, facts, depth + 1);
  }
  if (node.kind !== "seq") return node;
  const items: DataNode[] = [];
  for (const item of node.items) {
    const resolved = resolveGitlabReferences(item, root, source, facts, depth);
    if (resolved) items.push(resolved);
  }
  return { ...node, items };
}
