// Which files hold infrastructure code, decided by name only. Kept apart from the analysers, so a
// scan that meets no infrastructure file never loads them.
export type InfraFileKind = "terraform" | "javascript" | "python" | "shell" | "makefile" | "document";

export type DocumentKind = "package-json" | "wrangler" | "github-actions" | "gitlab-ci" | "template";

function basename(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

function extension(file: string): string {
  const name = basename(file);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
}

export function documentKind(file: string): DocumentKind | undefined {
  const name = basename(file);
  const lower = name.toLowerCase();
  if (name === "package.json") return "package-json";
  if (name === "wrangler.toml" || name === "wrangler.json" || name === "wrangler.jsonc") return "wrangler";
  const yaml = lower.endsWith(".yml") || lower.endsWith(".yaml");
  if (yaml && (file.startsWith(".github/workflows/") || file.includes("/.github/workflows/"))) return "github-actions";
  if (yaml && (name === "action.yml" || name === "action.yaml")) return "github-actions";
  if (lower === ".gitlab-ci.yml" || lower === ".gitlab-ci.yaml" || lower.endsWith(".gitlab-ci.yml") || (yaml && file.includes(".gitlab/ci/"))) return "gitlab-ci";
  if (yaml || lower.endsWith(".json") || lower.endsWith(".template")) return "template";
  return undefined;
}

/** How an infra file is read, or undefined when it is not one. Decided by name only. */
export function infraFileKind(file: string): InfraFileKind | undefined {
  const name = basename(file);
  const ext = extension(file);
  if (ext === "tf" || ext === "tofu") return "terraform";
  if (["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"].includes(ext) && !name.endsWith(".d.ts")) return "javascript";
  if (ext === "py") return "python";
  if (ext === "sh" || ext === "bash") return "shell";
  if (name === "Makefile" || name === "makefile" || name === "GNUmakefile" || ext === "mk") return "makefile";
  if (documentKind(file)) return "document";
  return undefined;
}

/** Whether `file` (POSIX path) may hold infrastructure code worth reading for storage actions. */
export function isInfraCandidate(file: string): boolean {
  return infraFileKind(file) !== undefined;
}
