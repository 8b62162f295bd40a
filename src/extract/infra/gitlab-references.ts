// GitLab CI `!reference [job, key, …]`: a script written under another job of the same file, or of
// another file of the same pipeline (`include:` of a local file), read where it is used. A reference
// to something no file of the pipeline holds (a job from a template or another project) cannot be
// read, so the file is reported as not analysed instead of passing.
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { infraProblem } from "./common.js";
import { child, type DataNode } from "./data.js";

/** GitLab's own limit on nested !reference tags. */
const MAX_REFERENCE_DEPTH = 10;
const SCRIPT_KEYS = ["before_script", "script", "after_script"];

/** A parsed GitLab CI file: the file being analysed first, then the other files of its pipeline. */
export interface GitlabDocument {
  root: DataNode;
  source: SourceText;
}

/** A script line and the file it is written in. */
export interface SourcedNode {
  node: DataNode;
  source: SourceText;
}

/** The script strings `node` is (itself or list items), each `!reference` replaced by what it names. */
export function gitlabScripts(node: DataNode | undefined, docs: readonly GitlabDocument[], at: number, facts: FileFacts, depth = 0): SourcedNode[] {
  if (!node) return [];
  const here = docs[at]!;
  if (node.tag === "!reference") {
    const path = node.kind === "seq" ? node.items.map((item) => (item.kind === "scalar" && typeof item.value === "string" ? item.value : undefined)) : [];
    const written = `!reference [${path.map((p) => p ?? "?").join(", ")}]`;
    const fail = (why: string): SourcedNode[] => {
      facts.parseProblems.push(infraProblem("yaml", `GitLab ${written} ${why}: not analysed`, here.source.location(node.start, Math.max(node.start + 1, node.end))));
      return [];
    };
    if (path.length === 0 || path.some((p) => p === undefined)) return fail("is not a list of names");
    if (depth >= MAX_REFERENCE_DEPTH) return fail(`nests more than ${MAX_REFERENCE_DEPTH} references`);
    // This file first, then the files of its pipeline, as GitLab merges them.
    const order = [at, ...docs.keys()].filter((i, k, all) => all.indexOf(i) === k);
    for (const index of order) {
      let target: DataNode | undefined = docs[index]!.root;
      for (const key of path) target = child(target, key!);
      if (!target) continue;
      // A job's script in another file is read there, where it is written: not twice.
      if (index !== 0 && path.length === 2 && SCRIPT_KEYS.includes(path[1]!) && child(docs[index]!.root, path[0]!)?.kind === "map") return [];
      return gitlabScripts(target, docs, index, facts, depth + 1);
    }
    return fail(docs.length > 1 ? "names nothing in this pipeline's files (a job from a template or another project?)" : "names nothing in this file (a job from include:?)");
  }
  if (node.kind === "scalar") return typeof node.value === "string" ? [{ node, source: here.source }] : [];
  if (node.kind === "seq") return node.items.flatMap((item) => gitlabScripts(item, docs, at, facts, depth));
  return [];
}
