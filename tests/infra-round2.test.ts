// Issue 13 (detection round 2, infrastructure): CDK and Pulumi in Python, CDK autoDeleteObjects
// that is not a literal false, each with exact ranges and the true negatives next to them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { analyseInfraFile } from "../src/extract/infra/index.js";
import type { StorageAction } from "../src/extract/facts.js";
import { scan } from "../src/engine/scan.js";

const root = path.resolve(import.meta.dirname, "..");
const read = (f: string) => readFileSync(path.join(root, f), "utf8");

function describeAction(a: StorageAction): string {
  const l = a.location;
  return `${a.kind} ${l.line}:${l.column}-${l.endLine}:${l.endColumn} ${a.operation}${a.bucket !== undefined ? ` ${a.bucket}` : ""}${a.resource !== undefined ? ` (${a.resource})` : ""}`;
}

const actions = (rel: string) => analyseInfraFile(rel, read(rel)).facts.storageActions.map(describeAction);

describe("CDK in Python", () => {
  test("removal_policy DESTROY (also a conditional), auto_delete_objects True or not known, apply_removal_policy; RETAIN, False, comments and strings are not findings", () => {
    expect(actions("fixtures/infra/cdk-python/storage_stack.py")).toEqual([
      "deletion-policy 16:13-16:49 removal_policy=RemovalPolicy.DESTROY acme-www (SiteBucket)",
      "force-destroy 17:13-17:37 auto_delete_objects=True acme-www (SiteBucket)",
      "deletion-policy 20:36-20:109 removal_policy=RemovalPolicy.RETAIN if is_prod else RemovalPolicy.DESTROY (may be RemovalPolicy.DESTROY) (Uploads)",
      "force-destroy 22:36-22:67 auto_delete_objects=not is_prod (may be True) (Reports)",
      "deletion-policy 31:9-31:61 apply_removal_policy(RemovalPolicy.DESTROY) (logs)",
    ]);
  });

  test("CDK v1: RemovalPolicy from aws_cdk.core, Bucket imported from aws_cdk.aws_s3", () => {
    expect(actions("fixtures/infra/cdk-python/v1_stack.py")).toEqual(["deletion-policy 10:70-10:111 removal_policy=core.RemovalPolicy.DESTROY (Data)"]);
  });
});

describe("Pulumi in Python", () => {
  test("force_destroy=True (keyword or BucketArgs), buckets without protect/retain_on_delete; BucketPolicy and lifecycle are not buckets", () => {
    expect(actions("fixtures/infra/pulumi-python/__main__.py")).toEqual([
      "force-destroy 8:51-8:69 force_destroy=True acme-www (site)",
      'unprotected 8:8-8:30 aws.s3.BucketV2("site") acme-www (site)',
      "force-destroy 10:60-10:78 force_destroy=True acme-logs (logs)",
      'unprotected 17:11-17:36 aws.s3.BucketV2("scratch") (scratch)',
    ]);
  });

  test("the same rules and severities as TypeScript", async () => {
    const result = await scan({ cwd: root, paths: ["fixtures/infra/pulumi-python", "fixtures/infra/cdk-python"], configFile: false });
    const found = result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.file}:${f.line}:${f.column}`);
    expect(found).toContain("infra/bucket-force-destroy high fixtures/infra/pulumi-python/__main__.py:8:51");
    expect(found).toContain("infra/bucket-unprotected low fixtures/infra/pulumi-python/__main__.py:17:11");
    expect(found).toContain("infra/bucket-deletion-policy high fixtures/infra/cdk-python/storage_stack.py:16:13");
    expect(found).toContain("infra/bucket-force-destroy high fixtures/infra/cdk-python/storage_stack.py:22:36");
    expect(found.length).toBe(10);
    const unprotected = result.findings.find((f) => f.ruleId === "infra/bucket-unprotected" && f.line === 17)!;
    expect(unprotected.message).toBe('S3 bucket (scratch) has no protect=True or retain_on_delete=True in its ResourceOptions');
  });
});

describe("CDK autoDeleteObjects in TypeScript", () => {
  test("anything but a literal false fails closed", () => {
    expect(actions("fixtures/infra/cdk/auto-delete-stack.ts")).toEqual([
      "force-destroy 16:74-16:106 autoDeleteObjects: !props.isProd (may be true) (Assets)",
      "force-destroy 17:36-17:80 autoDeleteObjects: props.autoDelete ?? false (may be true) (Cache)",
      "force-destroy 18:37-18:54 autoDeleteObjects: autoDeleteObjects (may be true) (Thumbs)",
    ]);
  });
});

describe("commands behind indirection in JS/TS", () => {
  test("promisify(exec), same-file run/sh/runArgs wrappers, execa, spawn with shell: true; dry runs, single objects, downloads, echo, policies and comments are not findings", () => {
    expect(actions("fixtures/infra/sdk/teardown-wrappers.mjs")).toEqual([
      "bucket-delete 22:20-22:52 aws s3 rb --force ${bucket}",
      "bucket-empty 23:8-23:47 aws s3 rm --recursive acme-preview",
      "destroy-command 24:13-24:36 cdk destroy",
      "bucket-delete 25:3-25:69 aws s3api delete-bucket acme-old",
      "bucket-delete 26:9-26:52 aws s3 rb acme-tmp",
      "bucket-delete 27:14-27:49 aws s3 rb --force acme-scratch",
    ]);
  });

  test("a command built in a const (read where it is written, once), a concatenation, a this.run(cmd) method; a const only printed, a listing, a dry run and one object are not findings", () => {
    expect(actions("fixtures/infra/sdk/command-variables.mjs")).toEqual([
      "bucket-empty 7:21-7:70 aws s3 rm --recursive ${Resource_Media_name}",
      "bucket-delete 11:11-11:68 aws s3 rb --force ${process_env_PREVIEW_BUCKET}",
      "destroy-command 18:15-18:52 cdk destroy",
    ]);
  });

  test("zx scripts: `$` is the zx tag under a zx shebang, with no import", () => {
    expect(actions("fixtures/infra/sdk/zx-teardown.mjs")).toEqual(["bucket-delete 4:9-4:41 aws s3 rb --force ${bucket}"]);
  });

  test("R2 REST calls through a fetch helper: method and path as arguments, or an init object; listing, objects and CORS are not bucket deletions", () => {
    expect(actions("fixtures/infra/sdk/r2-api.ts")).toEqual([
      "bucket-delete 16:35-16:93 cfApi(…/r2/buckets/…) (DELETE through fetch) ${name}",
      "bucket-delete 17:9-17:81 cf(…/r2/buckets/…) (DELETE through fetch) acme-preview",
    ]);
  });
});

describe("Terraform modules and provisioners", () => {
  test("well-known bucket modules with force_destroy: literal, variable default, for_each map; false, unset and non-bucket modules are not findings", () => {
    expect(actions("fixtures/infra/terraform-modules/main.tf")).toEqual([
      "force-destroy 20:3-20:23 force_destroy = true acme-logs (module.log_bucket (terraform-aws-modules/s3-bucket/aws))",
      "force-destroy 26:3-26:36 force_destroy = var.allow_destroy (default true) acme-www (module.site (cloudposse/s3-bucket/aws))",
      'force-destroy 34:3-34:43 force_destroy = each.value.force_destroy (true for "logs") acme-${each.key} (module.per_env (terraform-aws-modules/s3-bucket/aws))',
    ]);
  });

  test("removed { from = module.x.aws_s3_bucket.y } with destroy = true deletes the bucket; destroy = false does not", () => {
    expect(actions("fixtures/infra/terraform-modules/retire.tf")).toEqual([
      "bucket-delete 7:5-7:19 removed { from = module.log_bucket.aws_s3_bucket.this } with destroy = true (module.log_bucket.aws_s3_bucket.this)",
    ]);
  });

  test("local-exec commands are shell (Terraform interpolations masked); downloads, dry runs, PowerShell and comments are not findings", () => {
    expect(actions("fixtures/infra/terraform-modules/cleanup.tf")).toEqual(["bucket-empty 8:16-8:56 aws s3 rm --recursive ${self_input}", "bucket-delete 16:7-16:42 aws s3 rb --force acme-scratch"]);
  });
});

test("a bucket resource in a large Terraform file is still read (block labels by position, not node identity)", () => {
  const text = 'resource "aws_s3_bucket" "this" {\n  bucket        = "acme-big"\n  force_destroy = true\n}\n' + "# padding\n".repeat(5000);
  expect(analyseInfraFile("big.tf", text).facts.storageActions.map(describeAction)).toEqual([
    "force-destroy 3:3-3:23 force_destroy = true acme-big (aws_s3_bucket.this)",
    'unprotected 1:1-1:32 resource "aws_s3_bucket" "this" acme-big (aws_s3_bucket.this)',
  ]);
});

describe("CloudFormation policies through conditions", () => {
  test("!If / Fn::If with a Delete branch and a !Ref parameter that allows Delete are deletion policies; all-retaining branches are not, and are not unprotected", () => {
    expect(actions("fixtures/infra/cloudformation/conditional.yaml")).toEqual([
      "deletion-policy 18:5-18:49 DeletionPolicy: !If [IsProd, Retain, Delete] (may be Delete) acme-uploads-dev (UploadsBucket)",
      "deletion-policy 24:5-25:39 DeletionPolicy: Fn::If: [IsProd, Retain, Delete] (may be Delete) (ReportsBucket)",
      "deletion-policy 29:5-29:46 DeletionPolicy: !Ref BucketDeletionPolicy (may be Delete) (ArchiveBucket)",
    ]);
  });
});

describe("shell: commands run by other commands", () => {
  test("xargs, find -exec, loops over $(…), package-manager options before exec; listing, dry runs, single objects, echo, local deletes and policies are not findings", () => {
    expect(actions("fixtures/infra/shell/teardown-loop.sh")).toEqual([
      "bucket-delete 6:56-6:92 aws s3 rb --force $(xargs input)",
      "bucket-empty 7:52-7:84 aws s3 rm --recursive",
      "bucket-delete 8:1-8:58 aws s3 rb --force $(find path)",
      "bucket-delete 10:3-10:37 aws s3 rb --force ${bucket}",
      "bucket-delete 12:1-12:71 wrangler r2 bucket delete acme-preview-assets",
      "destroy-command 13:1-13:41 cdk destroy",
      "destroy-command 14:1-14:59 terraform destroy",
    ]);
  });
});

describe("Cloudflare D1", () => {
  test("SQL passed to wrangler d1 execute --command is read by the SQL rules (SQLite); SELECT, CREATE, migrations apply and echo are not findings", async () => {
    const result = await scan({ cwd: root, paths: ["fixtures/infra/d1"], configFile: false });
    expect(result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`)).toEqual([
      "sql/drop-table critical 4:53-4:72",
      "sql/drop-column high 6:74-6:113",
    ]);
  });
});

describe("test code against mocks", () => {
  test("moto and LocalStack: bucket deletions are marked mocked, and reported at info by their own rule, not as bucket-delete/empty", async () => {
    const result = await scan({ cwd: root, paths: ["fixtures/infra/python/test_buckets.py", "fixtures/infra/python/localstack_reset.py", "fixtures/infra/python/tools.py"], configFile: false });
    const found = result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.file.split("/").pop()}:${f.line}:${f.column}`);
    expect(found.filter((f) => !f.includes("tools.py"))).toEqual([
      "infra/bucket-delete-in-mock info localstack_reset.py:9:5",
      "infra/bucket-delete-in-mock info localstack_reset.py:10:5",
      "infra/bucket-delete-in-mock info test_buckets.py:10:5",
      "infra/bucket-delete-in-mock info test_buckets.py:11:5",
    ]);
    // The same calls without a mock stay critical/high.
    expect(found).toContain("infra/bucket-delete critical tools.py:14:5");
  });
});
