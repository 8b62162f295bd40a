// Infrastructure reads across files. Terraform: a file's module is its whole directory (a variable's
// default in variables.tf decides a force_destroy in main.tf), plus the directories of the local
// modules it calls (`source = "./modules/bucket"`), one level deep. GitLab CI: a YAML file is read
// with the other files of the pipelines it belongs to (its `.gitlab-ci.yml` and local `include:`s).
// JS/TS: a file is read with the scan's files that may define the command wrappers it imports
// (they run commands and export something, and the file names them), at most MAX_JS_SIBLINGS.
// The engine hands the scan's texts over; this is the `siblingsOf` of the extract context.
import path from "node:path";
import { gitlabPipelines } from "./gitlab-includes.js";
import { infraFileKind } from "./kinds.js";
import { localModuleDirectories } from "./terraform-local-modules.js";

const MAX_JS_SIBLINGS = 16;

/** A JS/TS file that may export a command wrapper (a cheap test on its text, before any parse). */
function mayExportWrapper(text: string): boolean {
  return (text.includes("child_process") || text.includes("execa") || text.includes("zx")) && text.includes("export");
}

/** The module stem an import of `file` names: `sh` for lib/sh.mjs, `lib` for lib/index.ts. */
function moduleStem(file: string): string {
  const name = path.posix.basename(file).replace(/\.[^.]+$/, "");
  return name === "index" ? path.posix.basename(path.posix.dirname(file)) : name;
}

/** Whether `file` may be read with other files or be read as another file's sibling (its text is then always needed). */
export function readAcrossFiles(file: string): boolean {
  const lower = file.toLowerCase();
  return infraFileKind(file) === "javascript" || lower.endsWith(".yml") || lower.endsWith(".yaml") || file.endsWith(".tf");
}

/** The other scanned files an infrastructure file is read with (Terraform, GitLab CI and JS/TS have some). */
export function infraSiblings(texts: ReadonlyMap<string, string>): (file: string) => { file: string; text: string }[] {
  const terraformByDirectory = new Map<string, [string, string][]>();
  // Keys first: the texts of other files may not be read yet (engine/texts.ts), and need not be.
  for (const file of texts.keys()) {
    if (!file.endsWith(".tf")) continue;
    const entry: [string, string] = [file, texts.get(file) ?? ""];
    const dir = path.posix.dirname(file);
    const list = terraformByDirectory.get(dir);
    if (list) list.push(entry);
    else terraformByDirectory.set(dir, [entry]);
  }
  const moduleDirectories = new Map<string, string[]>();
  let pipelines: Map<string, string[]> | undefined;
  let wrapperModules: [string, string][] | undefined;
  return (file) => {
    if (infraFileKind(file) === "javascript") {
      const text = texts.get(file) ?? "";
      if (!text.includes("./")) return [];
      wrapperModules ??= [...texts.keys()].filter((f) => infraFileKind(f) === "javascript").map((f): [string, string] => [f, texts.get(f) ?? ""]).filter(([, t]) => mayExportWrapper(t));
      return wrapperModules
        .filter(([f]) => f !== file && text.includes(moduleStem(f)))
        .slice(0, MAX_JS_SIBLINGS)
        .map(([f, t]) => ({ file: f, text: t }));
    }
    const lower = file.toLowerCase();
    if (lower.endsWith(".yml") || lower.endsWith(".yaml")) {
      // Parsed once per scan, and only when the scan has a YAML file to read.
      pipelines ??= gitlabPipelines(texts);
      return (pipelines.get(file) ?? []).map((f) => ({ file: f, text: texts.get(f) ?? "" }));
    }
    if (!file.endsWith(".tf")) return [];
    let dirs = moduleDirectories.get(file);
    if (!dirs) moduleDirectories.set(file, (dirs = localModuleDirectories(file, texts.get(file) ?? "").filter((d) => terraformByDirectory.has(d))));
    return [path.posix.dirname(file), ...dirs].flatMap((dir) => (terraformByDirectory.get(dir) ?? []).filter(([f]) => f !== file).map(([f, text]) => ({ file: f, text })));
  };
}
