// Diff awareness: bucket resources present at a base git revision and gone now. Removing a bucket
// resource from IaC is how IaC deletes a bucket, so each one is a StorageAction of kind "removed".
// git runs through src/git.ts (argv only, never a shell), and `base` is validated first.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError, GitError } from "../../errors.js";
import { git, validateGitRevision } from "../../git.js";
import type { StorageAction } from "../facts.js";
import { SourceText } from "../source.js";
import { storageAction, type BucketResource } from "./common.js";
import { analyseInfraFile, infraFileKind } from "./index.js";
import { mayHoldStorageCode } from "./javascript.js";

export interface BaseComparisonInput {
  /** The git revision to compare with. */
  base: string;
  /** The repository working directory. */
  cwd: string;
  /** The files scanned now (POSIX paths relative to cwd), with their text. */
  currentFiles: { file: string; text: string }[];
}

/** Directories never compared (the engine's default ignores). */
const IGNORED_SEGMENTS = ["node_modules", ".terraform", ".git"];

/** The blob id git would give `text` (SHA-1 repositories), to skip files unchanged since base. */
function blobId(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function isComparable(file: string): boolean {
  if (file.split("/").some((segment) => IGNORED_SEGMENTS.includes(segment))) return false;
  const kind = infraFileKind(file);
  return kind === "terraform" || kind === "javascript" || kind === "document";
}

function directoryOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}

/** StorageAction facts of kind "removed" for each bucket resource or R2 binding gone since `base`. */
export async function storageActionsRemovedSince(input: BaseComparisonInput): Promise<StorageAction[]> {
  const { base, cwd } = input;
  validateGitRevision(base);
  let commit: string;
  try {
    commit = (await git(cwd, ["rev-parse", "--verify", "--quiet", `${base}^{commit}`])).trim();
  } catch (error) {
    const detail = error instanceof GitError ? error.stderr.trim().split("\n")[0] : undefined;
    throw new ConfigError(`--base ${base}: not a commit of the git repository at ${cwd}${detail ? ` (${detail})` : ""}`);
  }
  const listing = await git(cwd, ["ls-tree", "-r", "-z", commit]);
  const current = new Map(input.currentFiles.map((f) => [f.file, f.text]));

  /** The file's text now: as scanned, else from disk (it may lie outside the scanned paths), else gone. */
  const textNow = async (file: string): Promise<string | undefined> => {
    if (current.has(file)) return current.get(file);
    try {
      return await readFile(path.join(cwd, ...file.split("/")), "utf8");
    } catch {
      return undefined;
    }
  };

  const baseBuckets: BucketResource[] = [];
  const changedPaths = new Set<string>();
  const existsNow = new Map<string, string | undefined>();
  for (const record of listing.split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [, type, oid] = record.slice(0, tab).split(" ");
    const file = record.slice(tab + 1);
    if (type !== "blob" || !isComparable(file)) continue;
    const now = await textNow(file);
    existsNow.set(file, now);
    if (now !== undefined && oid === blobId(now)) continue; // unchanged: every bucket in it is still there
    const text = await git(cwd, ["show", `${commit}:./${file}`]);
    if (infraFileKind(file) === "javascript" && !mayHoldStorageCode(text)) continue;
    changedPaths.add(file);
    baseBuckets.push(...analyseInfraFile(file, text).buckets.filter((b) => !b.retired));
  }
  if (baseBuckets.length === 0) return [];

  // The buckets that exist now, in every file that could hold one of the base buckets' keys.
  const baseDirs = new Set([...changedPaths].map(directoryOf));
  const needsPulumi = baseBuckets.some((b) => b.source === "pulumi");
  const nowFiles = new Map<string, string>();
  // Files that exist now but were not scanned (outside the scanned paths) still count: git lists them.
  const worktree = (await git(cwd, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])).split("\0").filter((f) => f !== "");
  for (const file of new Set([...current.keys(), ...worktree])) {
    if (!isComparable(file)) continue;
    const kind = infraFileKind(file);
    const sameDir = baseDirs.has(directoryOf(file)) && (kind === "terraform" || kind === "document");
    if (!changedPaths.has(file) && !sameDir && !(needsPulumi && kind === "javascript")) continue;
    const text = current.get(file) ?? (await textNow(file));
    if (text === undefined) continue;
    if (changedPaths.has(file) || sameDir || text.includes("@pulumi/")) nowFiles.set(file, text);
  }
  const nowKeys = new Set<string>();
  for (const [file, text] of nowFiles) for (const bucket of analyseInfraFile(file, text).buckets) nowKeys.add(bucket.key);

  const removed: StorageAction[] = [];
  for (const bucket of baseBuckets) {
    if (nowKeys.has(bucket.key)) continue;
    const file = bucket.location.file;
    const now = existsNow.get(file);
    let location = { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    if (now !== undefined) {
      // The file is still there: point at the line where the resource was, within the file.
      const source = new SourceText(file, now);
      let last = source.lineStarts.length;
      while (last > 1 && source.lineText(last).trim() === "") last--;
      const line = Math.min(bucket.location.line, last);
      location = { file, line, column: 1, endLine: line, endColumn: source.lineText(line).length + 1 };
    }
    removed.push(storageAction("removed", bucket.provider, bucket.source, `removed since ${base}`, location, { bucket: bucket.bucket, resource: bucket.resource }));
  }
  return removed;
}
