// `gonogo init [dir]`: finds Alembic versions directories and infrastructure files, and writes a
// commented gonogo.config.yaml that the config loader accepts. Never overwrites without --force.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { DEFAULT_IGNORES, discoverFiles } from "../../engine/discover.js";
import { CONFIG_FILE_NAMES } from "../../engine/config.js";
import { directoryOf, isCandidateFile, roleOf } from "../../extract/index.js";
import { analyseInfraFile, infraFileKind } from "../../extract/infra/index.js";
import { documentKind } from "../../extract/infra/documents.js";
import { compareStrings } from "../../types.js";
import { UsageError } from "../io.js";
import type { CommandRegistrar } from "../command.js";

/** Largest file read while detecting (bigger ones are listed by name only). */
const DETECT_MAX_BYTES = 1024 * 1024;

export interface ProjectLayout {
  /** Alembic versions directories, relative to the project, sorted. */
  migrationDirectories: string[];
  /** Infrastructure files by what they are ("Terraform", "GitHub Actions workflow", …), sorted. */
  infraFiles: Map<string, string[]>;
  sqlFiles: string[];
}

function readSmall(abs: string): string | undefined {
  try {
    const text = readFileSync(abs, "utf8");
    return text.length <= DETECT_MAX_BYTES ? text : undefined;
  } catch {
    return undefined;
  }
}

/** What an infrastructure file is, or undefined when it is code that touches no bucket. */
function infraLabel(file: string, text: string | undefined): string | undefined {
  const kind = infraFileKind(file);
  switch (kind) {
    case "terraform":
      return "Terraform";
    case "shell":
      return "shell scripts";
    case "makefile":
      return "Makefiles";
    case "document": {
      const doc = documentKind(file);
      if (doc === "github-actions") return "GitHub Actions workflows";
      if (doc === "gitlab-ci") return "GitLab CI";
      if (doc === "wrangler") return "wrangler (Cloudflare R2)";
      if (doc === "package-json") return undefined;
      return text?.includes("AWS::") ? "CloudFormation templates" : undefined;
    }
    case "javascript":
    case "python": {
      // Application code is everywhere; only code that declares or touches a bucket is worth naming.
      if (text === undefined) return undefined;
      const analysis = analyseInfraFile(file, text);
      if (analysis.buckets.length === 0 && analysis.facts.storageActions.length === 0) return undefined;
      return kind === "javascript" ? "CDK / Pulumi / SDK code (JS/TS)" : "boto3 / Pulumi code (Python)";
    }
    default:
      return undefined;
  }
}

/** Looks at a project the way `gonogo scan` will: same discovery, same ignores, same file roles. */
export async function detectProjectLayout(root: string): Promise<ProjectLayout> {
  const { files } = await discoverFiles({ cwd: root, paths: ["."], ignore: DEFAULT_IGNORES, isCandidate: isCandidateFile });
  const migrationDirectories = new Set<string>();
  const infraFiles = new Map<string, string[]>();
  const sqlFiles: string[] = [];
  for (const file of files) {
    const needsText = file.endsWith(".py") || infraFileKind(file) === "javascript" || documentKind(file) === "template";
    const text = needsText ? readSmall(path.join(root, file)) : undefined;
    const role = roleOf(file, text, { dialect: "postgresql", migrationDirectories: [] });
    if (role === "migration") {
      migrationDirectories.add(directoryOf(file));
      continue;
    }
    if (role === "sql") {
      sqlFiles.push(file);
      continue;
    }
    const label = infraLabel(file, text);
    if (label) infraFiles.set(label, [...(infraFiles.get(label) ?? []), file]);
  }
  return { migrationDirectories: [...migrationDirectories].sort(compareStrings), infraFiles, sqlFiles };
}

function listComment(files: string[], max = 8): string[] {
  const shown = files.slice(0, max).map((f) => `#     ${f}`);
  if (files.length > max) shown.push(`#     … and ${files.length - max} more`);
  return shown;
}

/** The config text: every key commented, detected values filled in. */
export function renderInitConfig(projectName: string, layout: ProjectLayout): string {
  const yamlValue = (value: unknown) => stringify(value).trimEnd();
  const lines = [
    "# gonogo configuration, written by `gonogo init`. Every key is optional; edit freely.",
    "# Rules: `gonogo rules`, `gonogo explain RULE`. Config keys: docs/integrations.md and docs/policy.md.",
    "",
    "# Project name, used in decisions and in the deployment log.",
    `project: ${yamlValue(projectName)}`,
    "",
    "# SQL dialect of migrations and .sql files: postgresql, mysql, sqlite or mssql.",
    "dialect: postgresql",
    "",
  ];
  if (layout.migrationDirectories.length > 0) {
    lines.push("# Alembic versions directories (found by `gonogo init`). Every .py file in them is a migration.");
    lines.push(yamlValue({ migrations: layout.migrationDirectories }));
  } else {
    lines.push("# Alembic versions directories. None found; directories named `versions` are recognised anyway.", "# migrations:", "#   - alembic/versions");
  }
  lines.push("");
  if (layout.sqlFiles.length > 0) lines.push(`# SQL files found (${layout.sqlFiles.length}), checked like migrations:`, ...listComment(layout.sqlFiles), "");
  if (layout.infraFiles.size > 0) {
    lines.push("# Infrastructure files found, checked for S3/R2 bucket deletion (infra/* rules):");
    for (const [label, files] of [...layout.infraFiles].sort(([a], [b]) => compareStrings(a, b))) lines.push(`#   ${label}:`, ...listComment(files));
  } else {
    lines.push("# No infrastructure files found (Terraform, CloudFormation, CDK/Pulumi/SDK code, CI workflows, wrangler.toml).");
  }
  lines.push(
    "",
    "# Paths never scanned, as globs (node_modules, .git, .terraform, venvs and cdk.out already are).",
    "# ignore:",
    '#   - "vendor/**"',
    "",
    "# Rule severities: critical, high, medium, low, info, or off.",
    "# rules:",
    "#   sql/create-index-non-concurrently: off",
    "#   infra/bucket-unprotected: medium",
    "",
    "# Per-path rule settings, ESLint style (later entries win).",
    "# overrides:",
    '#   - files: ["scripts/dev/**"]',
    "#     rules:",
    "#       infra/bucket-delete: off",
    "",
    "# The release policy (approvals, blocking severities, gates) per environment; the built-in",
    "# default applies when this is absent. See docs/policy.md.",
    "# policy:",
    "#   environments:",
    "#     staging:",
    "#       require:",
    "#         tests: true",
    "",
  );
  return lines.join("\n");
}

export const registerInit: CommandRegistrar = (program, io, done) => {
  program
    .command("init")
    .description("Detect migrations and infrastructure files and write a commented gonogo.config.yaml")
    .argument("[dir]", "project directory", ".")
    .option("--force", "overwrite an existing config file")
    .action(async (dir: string, opts: { force?: boolean }) => {
      const root = path.resolve(io.cwd, dir);
      if (!existsSync(root)) throw new UsageError(`${dir}: no such directory`);
      const target = path.join(root, "gonogo.config.yaml");
      const existing = CONFIG_FILE_NAMES.map((name) => path.join(root, name)).filter((file) => existsSync(file));
      if (existing.length > 0 && !opts.force) {
        throw new UsageError(`${path.relative(io.cwd, existing[0]!) || existing[0]} already exists; use --force to overwrite it`);
      }
      const layout = await detectProjectLayout(root);
      writeFileSync(target, renderInitConfig(path.basename(root), layout));
      const infraCount = [...layout.infraFiles.values()].reduce((n, files) => n + files.length, 0);
      const shown = path.relative(io.cwd, target) || target;
      io.stdout.write(
        `Wrote ${shown}: ${layout.migrationDirectories.length} Alembic versions director${layout.migrationDirectories.length === 1 ? "y" : "ies"}, ${layout.sqlFiles.length} SQL files, ${infraCount} infrastructure files.\n` +
          `Next: npx gonogo scan${dir === "." ? "" : " " + dir}\n`,
      );
      done(0);
    });
};
