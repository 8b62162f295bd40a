// Storage command-line tools besides the AWS CLI and wrangler (shell.ts): s3cmd, the MinIO client
// (`mc`) and rclone, often pointed at R2 or another S3-compatible store. Each classifier receives
// the words after the tool's name; what it returns is what shell.ts's classifyCommand returns.
// Words that are not known statically (`$B`, `${b}`, "?") are kept as written: a bucket given by
// a variable is still a bucket.
import { bucketFromS3Uri, type CommandEffect } from "./common.js";

/**
 * The words that are not options, leaving out the value of each option known to take one when it is
 * written as a separate word (`--exclude '*.map'`). An option not listed whose value is a separate
 * word leaves that value among the positionals (a command may then be misread, never invented:
 * every classifier also needs its command word and a path of its own shape).
 */
function positionals(args: readonly string[], takesValue: (flag: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-")) out.push(a);
    else if (!a.includes("=") && takesValue(a)) i++;
  }
  return out;
}

const S3CMD_VALUES = new Set(["-c", "--config", "--access_key", "--secret_key", "--access_token", "--host", "--host-bucket", "--region", "--bucket-location", "--exclude", "--include", "--rexclude", "--rinclude", "--exclude-from", "--include-from", "--rexclude-from", "--rinclude-from", "--add-header", "--remove-header", "--mime-type", "--default-mime-type", "--storage-class", "--cache-file", "--encoding", "--expiry-date", "--expiry-days", "--expiry-prefix", "--ssl-client-cert-file", "--ssl-client-key-file", "--ca-certs", "--limit", "--limit-rate", "--max-delete", "--multipart-chunk-size-mb", "--server-side-encryption-kms-id", "--signature-v2", "--stats"]);
const MC_VALUES = new Set(["-C", "--config-dir", "--older-than", "--newer-than", "--encrypt-key", "--encrypt", "--exclude", "--limit-upload", "--limit-download", "--storage-class", "--attr", "--tags", "--versions-after", "--rewind", "--version-id", "--region"]);
const RCLONE_VALUES = new Set(["--config", "--exclude", "--include", "--filter", "--exclude-from", "--include-from", "--filter-from", "--files-from", "--files-from-raw", "--transfers", "--checkers", "--bwlimit", "--max-age", "--min-age", "--max-size", "--min-size", "--max-depth", "--max-delete", "--max-transfer", "--max-duration", "--log-file", "--log-level", "--backup-dir", "--suffix", "--compare-dest", "--copy-dest", "--retries", "--low-level-retries", "--timeout", "--contimeout", "--tpslimit", "--tpslimit-burst", "--user-agent", "--stats", "--stats-log-level", "--order-by", "--cutoff-mode", "--track-renames-strategy", "--multi-thread-streams", "--multi-thread-cutoff", "--buffer-size", "--cache-dir", "--temp-dir", "--header", "--header-upload", "--header-download", "--metadata-set", "--password-command", "--exclude-if-present", "--delete-before-max"]);
const rcloneTakesValue = (flag: string) => RCLONE_VALUES.has(flag) || /^--(s3|drive|b2|swift|gcs|azureblob|sftp|crypt)-/.test(flag);
/** Whether any of `flags` is given: `--flag`, `--flag=value`, or a one-letter `-r` also inside a group (`-rf`). */
const has = (args: readonly string[], ...flags: string[]) =>
  args.some(
    (a) =>
      flags.includes(a) ||
      flags.some((f) => (f.startsWith("--") ? a.startsWith(`${f}=`) : f.length === 2 && /^-[A-Za-z]{2,}$/.test(a) && a.includes(f[1]!))),
  );
/** A flag's value, given as `--flag value` or `--flag=value`. */
function valueOf(args: readonly string[], flag: string): string | undefined {
  for (const [i, a] of args.entries()) {
    if (a === flag) return args[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

function firstOf(words: readonly string[], commands: ReadonlySet<string>): { command: string; after: string[] } | undefined {
  const at = words.findIndex((w) => commands.has(w));
  return at === -1 ? undefined : { command: words[at]!, after: words.slice(at + 1) };
}

const s3Bucket = (path: string | undefined) => (path === undefined ? undefined : bucketFromS3Uri(path));

const S3CMD_COMMANDS = new Set(["rb", "del", "rm", "sync", "mv"]);

/** s3cmd rb, del/rm --recursive, sync --delete-removed, mv --recursive. */
export function classifyS3cmd(rest: readonly string[]): CommandEffect | undefined {
  if (has(rest, "--dry-run", "-n")) return undefined;
  const found = firstOf(positionals(rest, (f) => S3CMD_VALUES.has(f)), S3CMD_COMMANDS);
  if (!found) return undefined;
  const provider = (valueOf(rest, "--host") ?? "").includes("r2.cloudflarestorage.com") ? "r2" : "s3";
  const recursive = has(rest, "--recursive", "-r");
  const paths = found.after.filter((p) => p.startsWith("s3://"));
  // sync SOURCE DESTINATION: the destination is the last path (an s3:// source is not emptied).
  if (found.command === "rb") return { kind: "bucket-delete", provider, operation: recursive || has(rest, "--force", "-f") ? "s3cmd rb --recursive" : "s3cmd rb", ...bucket(s3Bucket(paths[0])) };
  if ((found.command === "del" || found.command === "rm") && recursive) return { kind: "bucket-empty", provider, operation: `s3cmd ${found.command} --recursive`, ...bucket(s3Bucket(paths[0])) };
  if (found.command === "sync" && has(rest, "--delete-removed")) {
    const target = found.after[found.after.length - 1];
    if (target?.startsWith("s3://")) return { kind: "bucket-empty", provider, operation: "s3cmd sync --delete-removed", ...bucket(s3Bucket(target)) };
  }
  if (found.command === "mv" && recursive && found.after[0]?.startsWith("s3://")) return { kind: "bucket-empty", provider, operation: "s3cmd mv --recursive", ...bucket(s3Bucket(found.after[0])) };
  return undefined;
}

const MC_COMMANDS = new Set(["rb", "rm", "mirror"]);

/** `alias/bucket/prefix` → bucket (mc); a local path (`./x`, `/x`, `~/x`) has none. */
function mcBucket(path: string | undefined): { remote: boolean; bucket?: string } {
  if (path === undefined || path.startsWith(".") || path.startsWith("/") || path.startsWith("~")) return { remote: false };
  const [, name] = path.split("/");
  return name ? { remote: true, bucket: name } : { remote: true };
}

/** mc rb, mc rm --recursive --force, mc mirror --remove. */
export function classifyMc(rest: readonly string[]): CommandEffect | undefined {
  if (has(rest, "--dry-run")) return undefined;
  const found = firstOf(positionals(rest, (f) => MC_VALUES.has(f)), MC_COMMANDS);
  if (!found) return undefined;
  if (found.command === "rb") {
    const target = mcBucket(found.after[0]);
    return target.remote ? { kind: "bucket-delete", provider: "unknown", operation: has(rest, "--force") ? "mc rb --force" : "mc rb", ...bucket(target.bucket) } : undefined;
  }
  if (found.command === "rm" && has(rest, "--recursive", "-r") && has(rest, "--force")) {
    const target = mcBucket(found.after[0]);
    return target.remote ? { kind: "bucket-empty", provider: "unknown", operation: "mc rm --recursive --force", ...bucket(target.bucket) } : undefined;
  }
  if (found.command === "mirror" && has(rest, "--remove")) {
    const target = mcBucket(found.after[found.after.length - 1]);
    return target.remote ? { kind: "bucket-empty", provider: "unknown", operation: "mc mirror --remove", ...bucket(target.bucket) } : undefined;
  }
  return undefined;
}

const RCLONE_COMMANDS = new Set(["purge", "delete", "rmdir", "sync", "move"]);

/**
 * `remote:bucket/prefix` or a connection string (`:s3,provider=Cloudflare,…:bucket/prefix`) → the
 * bucket, whether a prefix follows, and R2 when that is known. Only S3-compatible stores count: a
 * connection string of the `s3` backend, or a remote named for one (`r2:`, `s3:`, `prod-r2:`,
 * `r2store:`): rclone also reaches Dropbox, Drive, SFTP and local disks, where a purge deletes a
 * folder, not a bucket, and a remote's backend is in rclone.conf, which a repository seldom holds.
 */
function rclonePath(path: string | undefined): { bucket?: string; prefix: boolean; r2: boolean } | undefined {
  if (path === undefined) return undefined;
  let colon = path.indexOf(":");
  let r2: boolean;
  if (colon === 0) {
    // The backend's parameters run up to the last colon (an endpoint may hold slashes).
    colon = path.lastIndexOf(":");
    const spec = path.slice(1, colon).toLowerCase();
    if (colon === 0 || !(spec === "s3" || spec.startsWith("s3,"))) return undefined;
    r2 = spec.includes("provider=cloudflare") || spec.includes("r2.cloudflarestorage.com");
  } else {
    const remote = path.slice(0, Math.max(colon, 0)).toLowerCase();
    if (colon < 2 || remote.includes("/")) return undefined;
    const named = (store: string) => remote.startsWith(store) || remote.endsWith(store);
    if (!named("r2") && !named("s3")) return undefined;
    r2 = named("r2");
  }
  const [name, ...more] = path.slice(colon + 1).split("/");
  return { ...(name ? { bucket: name } : {}), prefix: more.some((m) => m !== ""), r2 };
}

/** rclone purge, rmdir (a bucket), delete, sync (to a remote), move (from a remote). */
export function classifyRclone(rest: readonly string[]): CommandEffect | undefined {
  if (has(rest, "--dry-run", "-n")) return undefined;
  const found = firstOf(positionals(rest, rcloneTakesValue), RCLONE_COMMANDS);
  if (!found) return undefined;
  const paths = found.after;
  if (found.command === "purge" || found.command === "rmdir") {
    const target = rclonePath(paths[0]);
    if (!target) return undefined;
    if (found.command === "rmdir" && target.prefix) return undefined;
    return { kind: target.prefix ? "bucket-empty" : "bucket-delete", provider: target.r2 ? "r2" : "s3", operation: `rclone ${found.command}`, ...bucket(target.bucket) };
  }
  if (found.command === "delete") {
    const target = rclonePath(paths[0]);
    return target ? { kind: "bucket-empty", provider: target.r2 ? "r2" : "s3", operation: "rclone delete", ...bucket(target.bucket) } : undefined;
  }
  // sync makes the destination like the source, deleting what only the destination has; move
  // deletes what it moved from the source.
  const target = rclonePath(found.command === "sync" ? paths[1] : paths[0]);
  return target ? { kind: "bucket-empty", provider: target.r2 ? "r2" : "s3", operation: `rclone ${found.command}`, ...bucket(target.bucket) } : undefined;
}

function bucket(name: string | undefined): { bucket?: string } {
  return name === undefined ? {} : { bucket: name };
}
