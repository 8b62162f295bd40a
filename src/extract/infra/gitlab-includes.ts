// GitLab CI `include:` of local files. A pipeline is its entry file (`.gitlab-ci.yml`) and every
// local file included from it, transitively (`include: ci/deploy.yml`, `- local: /ci/*.yml`): each
// such file is read as GitLab CI, and a `!reference` may name a job of any of them. Remote,
// project, template and component includes are not in the checkout and are not read.
import path from "node:path";
import picomatch from "picomatch";
import { parseYaml, yamlModule } from "../../parsers/yaml.js";
import { child, fromYaml, stringValue, yamlResolution, type DataNode } from "./data.js";

/** GitLab's own limit on the files one pipeline includes. */
export const MAX_INCLUDES = 150;

/** The file GitLab starts a pipeline from, by name. */
export function isGitlabEntry(file: string): boolean {
  const name = path.posix.basename(file).toLowerCase();
  return name === ".gitlab-ci.yml" || name === ".gitlab-ci.yaml";
}

/** A `spec:` header document (GitLab CI inputs) before the jobs. */
export function isSpecHeader(node: unknown): boolean {
  const y = yamlModule();
  return y.isMap(node) && node.items.length > 0 && node.items.every((pair) => y.isScalar(pair.key) && pair.key.value === "spec");
}

/** The jobs document of a GitLab CI file as a tree, or undefined when it is not readable YAML. */
export function gitlabRoot(text: string): DataNode | undefined {
  const { documents, errors } = parseYaml(text);
  if (errors.length > 0) return undefined;
  const header = documents.length > 1 && isSpecHeader(documents[0]!.contents);
  const contents = documents[header ? 1 : 0]?.contents;
  const resolution = yamlResolution(contents);
  const root = fromYaml(contents, text, resolution);
  return resolution.problems.length > 0 ? undefined : root;
}

/** The local paths (relative to the repository root, may hold `*`) a GitLab CI file includes. */
export function localIncludes(root: DataNode | undefined): string[] {
  const include = child(root, "include");
  const items = include?.kind === "seq" ? include.items : include ? [include] : [];
  const paths: string[] = [];
  for (const item of items) {
    // `include: ci/x.yml` is local unless it is a URL; `- local: x` is local; project/remote/template/component are not.
    const written = item.kind === "scalar" ? stringValue(item) : stringValue(child(item, "local"));
    if (written === undefined || written.includes("://") || written.includes("$")) continue;
    paths.push(written.replace(/^\/+/, ""));
  }
  return paths;
}

/**
 * Pipelines of a scan: for each file that belongs to one (an entry and the local files it includes,
 * found among `files`), the other files of its pipelines. Files included by no entry are in none.
 */
export function gitlabPipelines(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const yamlFiles = [...files.keys()].filter((f) => /\.ya?ml$/i.test(f));
  const members = new Map<string, Set<string>>();
  for (const entry of yamlFiles.filter(isGitlabEntry)) {
    const repoRoot = path.posix.dirname(entry);
    const pipeline = new Set([entry]);
    const queue = [entry];
    while (queue.length > 0 && pipeline.size <= MAX_INCLUDES) {
      const file = queue.shift()!;
      for (const written of localIncludes(gitlabRoot(files.get(file) ?? ""))) {
        const full = repoRoot === "." ? written : `${repoRoot}/${written}`;
        const glob = written.includes("*") ? picomatch(full, { dot: true }) : undefined;
        const matches = glob ? yamlFiles.filter((f) => glob(f)) : files.has(full) ? [full] : [];
        for (const match of matches) {
          if (pipeline.has(match)) continue;
          pipeline.add(match);
          queue.push(match);
        }
      }
    }
    if (pipeline.size === 1) continue;
    for (const file of pipeline) {
      const set = members.get(file) ?? new Set();
      for (const other of pipeline) if (other !== file) set.add(other);
      members.set(file, set);
    }
  }
  return new Map([...members].map(([file, set]) => [file, [...set].sort()]));
}
