// Diff awareness against a real temporary git repository: bucket resources and R2 bindings present
// at the base revision and gone now are "removed"; moved ones are not; bad revisions are refused.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { storageActionsRemovedSince } from "../src/extract/infra/base.js";
import { validateGitRevision as validateBaseRevision } from "../src/git.js";
import { ConfigError } from "../src/errors.js";
import { scan } from "../src/engine/scan.js";

let repo: string;

function write(rel: string, content: string): void {
  const abs = path.join(repo, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

function git(...args: string[]): string {
  return execFileSync("git", ["-C", repo, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "-c", "commit.gpgsign=false", ...args], { encoding: "utf8" });
}

const MAIN_TF_BASE = `resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}
`;
const TEMPLATE = `Resources:
  UploadsBucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      BucketName: acme-uploads
`;
const WRANGLER_BASE = `name = "acme-media"

[[r2_buckets]]
binding = "MEDIA"
bucket_name = "acme-media"

[[r2_buckets]]
binding = "THUMBS"
bucket_name = "acme-thumbnails"
`;
const PULUMI_BASE = `import * as aws from "@pulumi/aws";
export const media = new aws.s3.BucketV2("media", { bucket: "acme-pulumi-media" });
`;

beforeEach(() => {
  repo = mkdtempSync(path.join(tmpdir(), "gonogo-infra-base-"));
  git("init", "-q", "-b", "main");
  write("infra/main.tf", MAIN_TF_BASE);
  write("infra/unchanged.tf", 'resource "aws_s3_bucket" "keep" {\n  bucket = "acme-keep"\n}\n');
  write("cfn/template.yaml", TEMPLATE);
  write("worker/wrangler.toml", WRANGLER_BASE);
  write("pulumi/index.ts", PULUMI_BASE);
  write("node_modules/pkg/main.tf", 'resource "aws_s3_bucket" "vendored" {\n  bucket = "x"\n}\n');
  git("add", "-A", "-f");
  git("commit", "-q", "-m", "base");
  git("tag", "v1");

  // Now: logs removed, data moved to another file of the same module, the template deleted,
  // one R2 binding removed, the Pulumi bucket moved to another module file, node_modules gone.
  write("infra/main.tf", '# buckets live in storage.tf now\n\n\nlocals {\n  region = "eu-west-1"\n}\n');
  write("infra/storage.tf", 'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n');
  rmSync(path.join(repo, "cfn/template.yaml"));
  write("worker/wrangler.toml", 'name = "acme-media"\n\n[[r2_buckets]]\nbinding = "MEDIA"\nbucket_name = "acme-media"\n');
  write("pulumi/index.ts", 'export * from "./buckets.js";\n');
  write("pulumi/buckets.ts", PULUMI_BASE);
  rmSync(path.join(repo, "node_modules"), { recursive: true });
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
});

const currentFiles = () =>
  ["infra/main.tf", "infra/unchanged.tf", "infra/storage.tf", "worker/wrangler.toml", "pulumi/index.ts", "pulumi/buckets.ts"].map((file) => ({
    file,
    text: execFileSync("cat", [path.join(repo, file)], { encoding: "utf8" }),
  }));

describe("storageActionsRemovedSince", () => {
  test("reports removed buckets and bindings, not moved or unchanged ones", async () => {
    const removed = await storageActionsRemovedSince({ base: "v1", cwd: repo, currentFiles: currentFiles() });
    const summary = removed.map((a) => `${a.kind} ${a.source} ${a.resource} ${a.bucket} ${a.location.file}:${a.location.line}`).sort();
    expect(summary).toEqual([
      "removed cloudformation UploadsBucket acme-uploads cfn/template.yaml:1",
      "removed terraform aws_s3_bucket.logs acme-logs infra/main.tf:1",
      "removed wrangler r2_buckets[THUMBS] acme-thumbnails worker/wrangler.toml:5",
    ]);
    expect(removed.find((a) => a.source === "wrangler")!.provider).toBe("r2");
  });

  test("files outside the scanned paths are read from the work tree, so they do not count as removed", async () => {
    const removed = await storageActionsRemovedSince({ base: "v1", cwd: repo, currentFiles: [] });
    expect(removed.map((a) => a.resource).sort()).toEqual(["UploadsBucket", "aws_s3_bucket.logs", "r2_buckets[THUMBS]"]);
  });

  test("nothing is removed when comparing with the working tree's own content", async () => {
    git("add", "-A");
    git("commit", "-q", "-m", "now");
    expect(await storageActionsRemovedSince({ base: "HEAD", cwd: repo, currentFiles: currentFiles() })).toEqual([]);
  });

  test("scan --base reports infra/bucket-removed as critical findings", async () => {
    const result = await scan({ cwd: repo, configFile: false, base: "v1" });
    const removed = result.findings.filter((f) => f.ruleId === "infra/bucket-removed");
    expect(removed.map((f) => `${f.severity} ${f.file}:${f.line}`).sort()).toEqual(["critical cfn/template.yaml:1", "critical infra/main.tf:1", "critical worker/wrangler.toml:5"]);
    expect(removed.find((f) => f.file === "infra/main.tf")!.message).toContain('"acme-logs"');
  });

  test("revisions that look like options or hold whitespace are refused before git runs", async () => {
    for (const bad of ["", "-n", "--output=/tmp/x", "main branch", "a\nb", "v1\u0000"]) {
      expect(() => validateBaseRevision(bad)).toThrow(/expected a git revision/);
      await expect(storageActionsRemovedSince({ base: bad, cwd: repo, currentFiles: [] })).rejects.toBeInstanceOf(ConfigError);
    }
    expect(() => validateBaseRevision("origin/main")).not.toThrow();
    expect(() => validateBaseRevision("HEAD~3")).not.toThrow();
    // One validator for every --base: ranges and reflog-relative names are refused too.
    for (const bad of ["main..feature", "@{-1}"]) expect(() => validateBaseRevision(bad)).toThrow(ConfigError);
  });

  test("an unknown revision is a configuration error, not an empty result", async () => {
    await expect(storageActionsRemovedSince({ base: "no-such-tag", cwd: repo, currentFiles: [] })).rejects.toThrow(ConfigError);
    await expect(storageActionsRemovedSince({ base: "no-such-tag", cwd: repo, currentFiles: [] })).rejects.toThrow(/no-such-tag/);
  });
});
