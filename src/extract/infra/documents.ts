// Infra facts from data files: CloudFormation templates, GitHub Actions workflows, GitLab CI,
// package.json scripts and wrangler configuration (TOML or JSON).
import { JsSyntaxError, parseJsonWithPositions } from "../../parsers/js.js";
import { parseToml, TomlSyntaxError } from "../../parsers/toml.js";
import { parseYaml } from "../../parsers/yaml.js";
import { emptyFileFacts, type FileFacts } from "../facts.js";
import { SourceText } from "../source.js";
import { analyseCloudFormation, isCloudFormationTemplate } from "./cloudformation.js";
import { analyseInlineFunctions } from "./cloudformation-inline.js";
import { addCommentDirective, infraProblem, type BucketResource, type InfraAnalysis } from "./common.js";
import { child, fromJson, fromYaml, stringValue, yamlComments, yamlResolution, type DataNode } from "./data.js";
import { gitlabRoot, isSpecHeader } from "./gitlab-includes.js";
import { gitlabScripts, type GitlabDocument, type SourcedNode } from "./gitlab-references.js";
import { extractShellActions } from "./shell.js";

export { documentKind, type DocumentKind } from "./kinds.js";
import type { DocumentKind } from "./kinds.js";

/** Cheap test before parsing a generic YAML/JSON file: a CloudFormation template names `AWS::` types. */
function mayBeTemplate(text: string): boolean {
  return text.includes("AWS::");
}

function looksLikeJson(file: string, text: string): boolean {
  const lower = file.toLowerCase();
  if (lower.endsWith(".json") || lower.endsWith(".jsonc")) return true;
  if (lower.endsWith(".template")) return text.trimStart().startsWith("{");
  return false;
}

interface Parsed {
  root: DataNode | undefined;
  ok: boolean;
}

function parseDocument(file: string, text: string, source: SourceText, facts: FileFacts, report: boolean): Parsed {
  if (looksLikeJson(file, text)) {
    try {
      const expr = parseJsonWithPositions(text);
      return { root: fromJson(expr, text), ok: true };
    } catch (error) {
      const offset = error instanceof JsSyntaxError ? error.offset : 0;
      if (report) facts.parseProblems.push(infraProblem("json", `JSON syntax error: ${(error as Error).message}`, source.location(offset, Math.min(text.length, offset + 1))));
      return { root: undefined, ok: false };
    }
  }
  const { documents, errors } = parseYaml(text);
  for (const c of yamlComments(text)) addCommentDirective(facts, source, c.text, c.start, c.end);
  if (errors.length > 0) {
    const first = errors[0]!;
    if (report) facts.parseProblems.push(infraProblem("yaml", first.overBudget ? `YAML not analysed: ${first.message}` : `YAML syntax error: ${first.message}`, source.location(first.offset, Math.max(first.offset + 1, first.endOffset))));
    return { root: undefined, ok: false };
  }
  // A GitLab CI file may open with a `spec:` header document; its jobs are in the next one.
  const header = documents.length > 1 && isSpecHeader(documents[0]!.contents);
  const contents = documents[header ? 1 : 0]?.contents;
  const resolution = yamlResolution(contents);
  const root = fromYaml(contents, text, resolution);
  if (resolution.problems.length > 0) {
    // An alias that cannot be resolved hides what it stands for: the file is not analysed.
    const first = resolution.problems[0]!;
    if (report) facts.parseProblems.push(infraProblem("yaml", `${first.message}: not analysed`, source.location(first.start, Math.max(first.start + 1, first.end))));
    return { root: undefined, ok: false };
  }
  return { root, ok: true };
}

function scriptsOf(node: DataNode | undefined): DataNode[] {
  if (!node) return [];
  if (node.kind === "scalar") return typeof node.value === "string" ? [node] : [];
  if (node.kind === "seq") return node.items.flatMap(scriptsOf);
  return [];
}

/** Script scalars already read, per file: an alias or merge key brings the same text more than once. */
const readScripts = new WeakMap<FileFacts, Set<string>>();

/** Reads script scalars as shell, each at its place in the file it is written in (a `!reference` may name another file of the pipeline). */
function runShell(nodes: DataNode[] | SourcedNode[], source: SourceText, facts: FileFacts): void {
  let seen = readScripts.get(facts);
  if (!seen) readScripts.set(facts, (seen = new Set()));
  for (const item of nodes) {
    const { node, source: from } = "source" in item ? item : { node: item, source };
    if (node.kind !== "scalar") continue;
    const at = `${from.file}:${node.start}:${node.end}`;
    if (seen.has(at)) continue;
    seen.add(at);
    extractShellActions(node.embedded(), from, facts, { directives: from === source, reportErrors: true });
  }
}

const POSIX_SHELLS = new Set(["bash", "sh", "zsh", "dash", "ksh", "/bin/bash", "/bin/sh", "/usr/bin/bash", "/usr/bin/env"]);

/**
 * Whether a step's `shell` runs its script with a POSIX shell: GitHub's default (bash; pwsh on a
 * Windows runner), or a custom `bash --noprofile … {0}`. `pwsh`, `python`, `Rscript {0}`, `cmd` are not.
 */
function isPosixShell(shell: string | undefined, windows = false): boolean {
  if (shell === undefined) return !windows;
  return POSIX_SHELLS.has(shell.trim().split(/\s+/)[0] ?? "");
}

/** A job whose `runs-on` names only Windows runners (its default shell is pwsh). */
function runsOnWindows(job: DataNode | undefined): boolean {
  const runsOn = child(job, "runs-on");
  const labels = runsOn?.kind === "seq" ? runsOn.items.map((i) => stringValue(i)) : [stringValue(runsOn)];
  return labels.length > 0 && labels.every((l) => l !== undefined && l.toLowerCase().startsWith("windows"));
}

function defaultShell(node: DataNode | undefined): string | undefined {
  return stringValue(child(child(child(node, "defaults"), "run"), "shell"));
}

function githubActions(root: DataNode | undefined, source: SourceText, facts: FileFacts): void {
  const stepsLists: { steps: DataNode | undefined; shell: string | undefined; windows?: boolean }[] = [];
  const jobs = child(root, "jobs");
  const workflowShell = defaultShell(root);
  if (jobs?.kind === "map") {
    for (const job of jobs.entries) stepsLists.push({ steps: child(job.value, "steps"), shell: defaultShell(job.value) ?? workflowShell, windows: runsOnWindows(job.value) });
  }
  // Composite actions (action.yml): runs.steps.
  stepsLists.push({ steps: child(child(root, "runs"), "steps"), shell: undefined });
  for (const { steps, shell, windows } of stepsLists) {
    if (steps?.kind !== "seq") continue;
    for (const step of steps.items) {
      const run = child(step, "run");
      if (!run || !isPosixShell(stringValue(child(step, "shell")) ?? shell, windows)) continue;
      runShell(scriptsOf(run), source, facts);
    }
  }
}

const GITLAB_SCRIPT_KEYS = ["before_script", "script", "after_script"];

/** A GitLab CI file; `pipeline` holds the other files of its pipelines (local `include:`s), for `!reference`. */
function gitlabCi(root: DataNode | undefined, source: SourceText, facts: FileFacts, pipeline: { file: string; text: string }[]): void {
  if (root?.kind !== "map") return;
  const docs: GitlabDocument[] = [{ root, source }];
  for (const other of pipeline) {
    // A file of the pipeline that cannot be read reports that itself, when it is analysed.
    const otherRoot = gitlabRoot(other.text);
    if (otherRoot) docs.push({ root: otherRoot, source: new SourceText(other.file, other.text) });
  }
  const scripts = (node: DataNode | undefined) => gitlabScripts(node, docs, 0, facts);
  for (const top of root.entries) {
    if (GITLAB_SCRIPT_KEYS.includes(top.key)) {
      runShell(scripts(top.value), source, facts);
      continue;
    }
    if (top.value?.kind !== "map") continue;
    for (const key of GITLAB_SCRIPT_KEYS) runShell(scripts(child(top.value, key)), source, facts);
  }
}

function packageJson(root: DataNode | undefined, source: SourceText, facts: FileFacts): void {
  const scripts = child(root, "scripts");
  if (scripts?.kind !== "map") return;
  runShell(
    scripts.entries.flatMap((e) => (e.value ? [e.value] : [])),
    source,
    facts,
  );
}

/** R2 bindings of a wrangler config given as data: top-level and per environment. */
function wranglerBindings(root: DataNode | undefined, source: SourceText, buckets: BucketResource[]): void {
  const dir = source.file.includes("/") ? source.file.slice(0, source.file.lastIndexOf("/")) : ".";
  const fromList = (list: DataNode | undefined, env: string | undefined): void => {
    if (list?.kind !== "seq") return;
    for (const item of list.items) {
      const binding = stringValue(child(item, "binding"));
      const bucket = stringValue(child(item, "bucket_name"));
      if (!binding && !bucket) continue;
      const name = `${env ? `env.${env}.` : ""}r2_buckets[${binding ?? bucket}]`;
      buckets.push({ key: `wrangler:${dir}:${bucket ?? binding}`, provider: "r2", source: "wrangler", resource: name, bucket, location: source.location(item.start, item.end) });
    }
  };
  fromList(child(root, "r2_buckets"), undefined);
  const envs = child(root, "env");
  if (envs?.kind === "map") for (const env of envs.entries) fromList(child(env.value, "r2_buckets"), env.key);
}

/** wrangler.toml: smol-toml gives no positions, so each binding is located by its bucket name's text. */
function wranglerToml(text: string, source: SourceText, facts: FileFacts, buckets: BucketResource[]): void {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text);
  } catch (error) {
    const e = error instanceof TomlSyntaxError ? error : new TomlSyntaxError(String(error), 1, 1);
    const line = Math.min(e.line, source.lineStarts.length);
    const start = source.lineStarts[line - 1]! + Math.max(0, e.column - 1);
    facts.parseProblems.push(infraProblem("toml", `TOML syntax error: ${e.message}`, source.location(start, Math.min(text.length, start + 1))));
    return;
  }
  const dir = source.file.includes("/") ? source.file.slice(0, source.file.lastIndexOf("/")) : ".";
  let searchFrom = 0;
  const fromList = (list: unknown, env: string | undefined): void => {
    if (!Array.isArray(list)) return;
    for (const item of list as unknown[]) {
      if (typeof item !== "object" || item === null) continue;
      const record = item as Record<string, unknown>;
      const binding = typeof record.binding === "string" ? record.binding : undefined;
      const bucket = typeof record.bucket_name === "string" ? record.bucket_name : undefined;
      if (!binding && !bucket) continue;
      const needle = bucket ?? binding!;
      const key = bucket !== undefined ? "bucket_name" : "binding";
      let at = findQuoted(text, needle, key, searchFrom);
      if (at === -1) at = findQuoted(text, needle, key, 0);
      if (at !== -1) searchFrom = at + needle.length;
      const start = at === -1 ? 0 : source.lineStarts[source.position(at).line - 1]!;
      const end = at === -1 ? 0 : at + needle.length + 1;
      const name = `${env ? `env.${env}.` : ""}r2_buckets[${binding ?? bucket}]`;
      buckets.push({ key: `wrangler:${dir}:${needle}`, provider: "r2", source: "wrangler", resource: name, bucket, location: source.location(start, end) });
    }
  };
  fromList(data.r2_buckets, undefined);
  const envs = data.env;
  if (typeof envs === "object" && envs !== null) {
    for (const [env, config] of Object.entries(envs as Record<string, unknown>)) {
      if (typeof config === "object" && config !== null) fromList((config as Record<string, unknown>).r2_buckets, env);
    }
  }
  // Comments are only read for directives; a `#` inside a string is not at a line's start after trim.
  for (let line = 1; line <= source.lineStarts.length; line++) {
    const lineText = source.lineText(line);
    const trimmed = lineText.trimStart();
    if (!trimmed.startsWith("#")) continue;
    const start = source.lineStarts[line - 1]! + (lineText.length - trimmed.length);
    addCommentDirective(facts, source, trimmed, start, start + trimmed.length);
  }
}

/** The next `"needle"` (or `'needle'`) written as the value of `key` on its line, from `from`. */
function findQuoted(text: string, needle: string, key: string, from: number): number {
  let best = -1;
  for (const quote of ['"', "'"]) {
    let at = text.indexOf(quote + needle + quote, from);
    while (at !== -1) {
      const lineStart = text.lastIndexOf("\n", at) + 1;
      if (text.slice(lineStart, at).includes(key)) break;
      at = text.indexOf(quote + needle + quote, at + 1);
    }
    if (at !== -1 && (best === -1 || at < best)) best = at;
  }
  return best;
}

/** Cheap test before parsing a YAML file outside .github/workflows as a GitHub Actions workflow. */
function mayBeWorkflow(file: string, text: string): boolean {
  const lower = file.toLowerCase();
  return (lower.endsWith(".yml") || lower.endsWith(".yaml")) && text.includes("jobs") && (text.includes("runs-on") || text.includes("steps"));
}

/**
 * A GitHub Actions workflow recognised by its content (workflow templates, reusable workflows kept
 * outside .github/workflows, Gitea/Forgejo workflows): a top-level `on` and a `jobs` map whose jobs
 * have `runs-on`, `steps` or `uses`. CircleCI and Azure Pipelines files have `jobs` but no `on`.
 */
function isGithubWorkflow(root: DataNode | undefined): boolean {
  const jobs = child(root, "jobs");
  if (root?.kind !== "map" || !root.entries.some((e) => e.key === "on") || jobs?.kind !== "map" || jobs.entries.length === 0) return false;
  return jobs.entries.every((job) => job.value?.kind === "map" && (child(job.value, "runs-on") !== undefined || child(job.value, "steps") !== undefined || child(job.value, "uses") !== undefined));
}

/**
 * Extracts storage facts from a YAML/JSON/TOML infra document. `pipeline`: the other files of the
 * GitLab CI pipelines this file belongs to (it is then read as GitLab CI whatever its name).
 */
export function analyseDocument(file: string, text: string, kind: DocumentKind, pipeline: { file: string; text: string }[] = []): InfraAnalysis {
  if (pipeline.length > 0 && (kind === "template" || kind === "gitlab-ci")) kind = "gitlab-ci";
  const source = new SourceText(file, text);
  const facts = emptyFileFacts(file, kind === "template" ? "cloudformation" : kind);
  const buckets: BucketResource[] = [];
  if (kind === "wrangler" && file.endsWith(".toml")) {
    wranglerToml(text, source, facts, buckets);
    return { facts, buckets };
  }
  const workflowLike = kind === "template" && mayBeWorkflow(file, text);
  if (kind === "template" && !mayBeTemplate(text) && !workflowLike) return { facts, buckets };
  const { root, ok } = parseDocument(file, text, source, facts, kind !== "template" || text.includes("Resources"));
  if (!ok) return { facts, buckets };
  if (workflowLike && isGithubWorkflow(root)) {
    kind = "github-actions";
    facts.kind = kind;
  }
  switch (kind) {
    case "github-actions":
      githubActions(root, source, facts);
      break;
    case "gitlab-ci":
      gitlabCi(root, source, facts, pipeline);
      break;
    case "package-json":
      packageJson(root, source, facts);
      break;
    case "wrangler":
      wranglerBindings(root, source, buckets);
      break;
    case "template":
      if (isCloudFormationTemplate(root)) {
        analyseCloudFormation(root, source, facts, buckets);
        analyseInlineFunctions(root, source, facts);
      }
      break;
  }
  return { facts, buckets };
}
