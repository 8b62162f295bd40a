// Issue 3 follow-ups: Terraform `removed`/`moved` blocks, `aws s3 sync --delete`, Pulumi resource
// options (protect, retainOnDelete) and CDK's default RemovalPolicy, each with exact ranges.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { storageActionsRemovedSince } from "../src/extract/infra/base.js";
import { analyseInfraFile } from "../src/extract/infra/index.js";
import { classifyCommand } from "../src/extract/infra/shell.js";
import { scan } from "../src/engine/scan.js";
import type { StorageAction } from "../src/extract/facts.js";

const root = path.resolve(import.meta.dirname, "..");
const read = (f: string) => readFileSync(path.join(root, f), "utf8");

function describeAction(a: StorageAction): string {
  const l = a.location;
  return `${a.kind} ${l.line}:${l.column}-${l.endLine}:${l.endColumn}${a.bucket !== undefined ? ` ${a.bucket}` : ""}${a.resource !== undefined ? ` (${a.resource})` : ""}`;
}

const actions = (rel: string) => analyseInfraFile(rel, read(rel)).facts.storageActions.map(describeAction);

describe("Terraform removed and moved blocks", () => {
  test("removed with destroy = true (or not known) deletes the bucket; destroy = false, other types and moved do not", () => {
    expect(actions("fixtures/infra/terraform/retire.tf")).toEqual([
      "bucket-delete 17:5-17:19 (aws_s3_bucket.preview_media)",
      "bucket-delete 24:5-24:34 (cloudflare_r2_bucket.thumbnails)",
    ]);
  });
});

describe("Terraform removed and moved blocks against a --base revision", () => {
  const BASE = `resource "aws_s3_bucket" "exports" {\n  bucket = "acme-exports"\n}\n\nresource "aws_s3_bucket" "media" {\n  bucket = "acme-media"\n}\n\nresource "aws_s3_bucket" "static" {\n  bucket = "acme-site"\n}\n\nresource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n`;
  const NOW = [
    "removed {\n  from = aws_s3_bucket.exports\n  lifecycle {\n    destroy = false\n  }\n}\n",
    "removed {\n  from = aws_s3_bucket.media\n  lifecycle {\n    destroy = true\n  }\n}\n",
    "moved {\n  from = aws_s3_bucket.static\n  to   = aws_s3_bucket.site\n}\n",
    'resource "aws_s3_bucket" "site" {\n  bucket = "acme-site"\n}\n',
  ].join("\n");

  function repoWith(base: Record<string, string>, now: Record<string, string>): string {
    const repo = mkdtempSync(path.join(tmpdir(), "gonogo-removed-"));
    const write = (files: Record<string, string>) => {
      for (const [rel, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
        writeFileSync(path.join(repo, rel), content);
      }
    };
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "-c", "commit.gpgsign=false", ...args]);
    git("init", "-q");
    write(base);
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    git("tag", "v1");
    for (const rel of Object.keys(base)) rmSync(path.join(repo, rel));
    write(now);
    return repo;
  }

  test("only the bucket dropped without a removed/moved block is removed; the destroying removed block is reported once, as bucket-delete", async () => {
    const repo = repoWith({ "infra/main.tf": BASE }, { "infra/main.tf": NOW });
    try {
      const removed = await storageActionsRemovedSince({ base: "v1", cwd: repo, currentFiles: [{ file: "infra/main.tf", text: NOW }] });
      expect(removed.map((a) => a.resource)).toEqual(["aws_s3_bucket.logs"]);
      const result = await scan({ cwd: repo, configFile: false, base: "v1" });
      const storage = result.findings.filter((f) => f.ruleId === "infra/bucket-removed" || f.ruleId === "infra/bucket-delete");
      expect(storage.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}`)).toEqual(["infra/bucket-delete infra/main.tf:11:5-11:19", "infra/bucket-removed infra/main.tf:13:1-13:2"]);
      expect(storage[0]!.message).toBe("removed { from = aws_s3_bucket.media } with destroy = true deletes S3 bucket (aws_s3_bucket.media) and everything in it");
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("deleting an applied removed block later is not a removal", async () => {
    const repo = repoWith({ "infra/main.tf": NOW }, { "infra/main.tf": 'resource "aws_s3_bucket" "site" {\n  bucket = "acme-site"\n}\n' });
    try {
      const removed = await storageActionsRemovedSince({ base: "v1", cwd: repo, currentFiles: [] });
      expect(removed).toEqual([]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe("aws s3 sync --delete and aws s3 mv --recursive", () => {
  const effect = (argv: string[]) => {
    const e = classifyCommand(argv);
    return e ? `${e.kind} ${e.operation}${e.bucket !== undefined ? ` ${e.bucket}` : ""}` : "none";
  };

  test.each([
    [["aws", "s3", "sync", "dist", "s3://acme-www", "--delete"], "bucket-empty aws s3 sync --delete acme-www"],
    [["aws", "s3", "sync", "--delete", "dist", "s3://acme-www/site/"], "bucket-empty aws s3 sync --delete acme-www"],
    [["aws", "s3", "sync", "s3://acme-staging", "s3://acme-prod", "--delete"], "bucket-empty aws s3 sync --delete acme-prod"],
    [["aws", "s3", "sync", "--sse", "aws:kms", "--sse-kms-key-id", "k", "build", "s3://acme-www", "--delete"], "bucket-empty aws s3 sync --delete acme-www"],
    [["aws", "s3", "sync", "--sse", "build", "s3://acme-www", "--delete"], "bucket-empty aws s3 sync --delete acme-www"],
    [["aws", "s3", "sync", "/tmp/empty", "s3://acme-www", "--delete"], "bucket-empty aws s3 sync --delete acme-www"],
    [["aws", "s3", "sync", "dist", "$TARGET", "--delete"], "bucket-empty aws s3 sync --delete"],
    [["aws", "s3", "mv", "s3://acme-uploads/", "./out", "--recursive"], "bucket-empty aws s3 mv --recursive acme-uploads"],
    [["aws", "s3", "rm", "s3://acme-logs", "--recursive"], "bucket-empty aws s3 rm --recursive acme-logs"],
  ])("%j → %s", (argv, expected) => {
    expect(effect(argv)).toBe(expected);
  });

  test.each([
    [["aws", "s3", "sync", "dist", "s3://acme-www"]],
    [["aws", "s3", "sync", "s3://acme-backups", "./backups", "--delete"]],
    [["aws", "s3", "sync", "$SOURCE", "./backups", "--delete"]],
    [["aws", "s3", "sync", "s3://acme-backups", "$LOCAL_DIR", "--delete"]],
    [["aws", "s3", "sync", "dist", "s3://acme-www", "--delete", "--dryrun"]],
    [["aws", "s3", "rm", "s3://acme-logs", "--recursive", "--dryrun"]],
    [["aws", "s3", "mv", "./out", "s3://acme-uploads/", "--recursive"]],
    [["aws", "s3", "mv", "s3://acme-uploads/a.txt", "./a.txt"]],
  ])("%j is not a storage action", (argv) => {
    expect(effect(argv)).toBe("none");
  });

  test("a deploy script: the pruning sync, the sync to a variable target and the move out are found, at their commands", () => {
    expect(actions("fixtures/infra/shell/deploy-site.sh")).toEqual([
      "bucket-empty 12:1-12:84 ${SITE_BUCKET}",
      "bucket-empty 21:1-21:63",
      "bucket-empty 24:1-24:65 acme-uploads",
    ]);
  });
});

describe("Pulumi resource options", () => {
  test("protect: true and retainOnDelete: true (inline or a const options object) protect; none, false or an unknown value do not", () => {
    expect(actions("fixtures/infra/pulumi/storage.ts")).toEqual([
      "unprotected 18:24-19:12 acme-scratch (scratch)",
      "unprotected 22:27-22:52 acme-thumbnails (thumbnails)",
      "unprotected 23:24-23:51 acme-reports (reports)",
    ]);
  });

  test("the existing fixture: forceDestroy findings stay, the unprotected buckets are added, the protected archive is not", () => {
    expect(actions("fixtures/infra/pulumi/index.ts")).toEqual([
      "force-destroy 9:3-9:21 acme-media-${config.env} (media)",
      "unprotected 7:22-7:47 acme-media-${config.env} (media)",
      "force-destroy 12:78-12:96 acme-exports (exports)",
      "unprotected 12:25-12:50 acme-exports (exports)",
      "unprotected 16:23-16:55 acme-assets (assets)",
    ]);
  });

  test("scan reports infra/bucket-unprotected (low) with the Pulumi guard in the message", async () => {
    const rel = "fixtures/infra/pulumi/storage.ts";
    const result = await scan({ cwd: "/nonexistent-gonogo-followups", configFile: false, files: [{ path: rel, content: read(rel) }] });
    const found = result.findings.filter((f) => f.ruleId === "infra/bucket-unprotected");
    expect(found.map((f) => `${f.severity} ${f.line}`)).toEqual(["low 18", "low 22", "low 23"]);
    expect(found[0]!.message).toBe('S3 bucket "acme-scratch" (scratch) has no { protect: true } or { retainOnDelete: true } in its resource options');
  });
});

describe("CDK default removal policy", () => {
  test("a bucket without removalPolicy keeps RETAIN: no action; a conditional DESTROY is a deletion policy", () => {
    expect(actions("fixtures/infra/cdk/default-retain-stack.ts")).toEqual(["deletion-policy 22:7-22:84 (Previews)"]);
    const action = analyseInfraFile("fixtures/infra/cdk/default-retain-stack.ts", read("fixtures/infra/cdk/default-retain-stack.ts")).facts.storageActions[0]!;
    expect(action.operation).toBe("removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN (may be RemovalPolicy.DESTROY)");
  });

  test("no CDK bucket is ever reported as unprotected", async () => {
    for (const rel of ["fixtures/infra/cdk/default-retain-stack.ts", "fixtures/infra/cdk/storage-stack.ts"]) {
      const result = await scan({ cwd: "/nonexistent-gonogo-followups", configFile: false, files: [{ path: rel, content: read(rel) }] });
      expect(result.findings.filter((f) => f.ruleId === "infra/bucket-unprotected")).toEqual([]);
    }
  });
});

describe("sync --delete through scan", () => {
  test("the finding names the bucket and says what the source has to do with it", async () => {
    const rel = "fixtures/infra/shell/deploy-site.sh";
    const result = await scan({ cwd: "/nonexistent-gonogo-followups", configFile: false, files: [{ path: rel, content: read(rel) }] });
    const found = result.findings.filter((f) => f.ruleId === "infra/bucket-empty");
    expect(found.map((f) => `${f.severity} ${f.line}:${f.column}`)).toEqual(["high 12:1", "high 21:1", "high 24:1"]);
    expect(found[0]!.message).toBe('aws s3 sync --delete deletes every object of S3 bucket "${SITE_BUCKET}" that is not in the source: an empty or wrong source empties the bucket');
  });
});
