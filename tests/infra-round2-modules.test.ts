// Issue 13, items 2, 3, 6 and 8: Terraform local modules followed into their directory, through a whole
// scan (the module's files reach the call site as siblings), and CloudFormation inline Lambda code,
// with exact ranges and true negatives.
import path from "node:path";
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { scan } from "../src/engine/scan.js";
import { analyseInfraFile } from "../src/extract/infra/index.js";
import { localModuleDirectory } from "../src/extract/infra/terraform-local-modules.js";

const root = path.resolve(import.meta.dirname, "..");

describe("Terraform local modules", () => {
  test("an input the module passes to force_destroy is a finding on the call's argument when it may be true; false, a false variable, a default, a comment, a non-bucket input, a remote source and removed { destroy = false } are not", async () => {
    const result = await scan({ cwd: root, paths: ["fixtures/infra/terraform-local-modules"], configFile: false });
    expect(result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.file.split("/").slice(-3).join("/")}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}`)).toEqual([
      "infra/bucket-force-destroy high envs/staging/main.tf:15:3-15:23",
      "infra/bucket-force-destroy high envs/staging/main.tf:32:3-32:23",
    ]);
    expect(result.findings.map((f) => f.message)).toEqual([
      'force_destroy = true lets S3 bucket "acme-staging-uploads" (module.uploads (../../modules/bucket: aws_s3_bucket.this)) be deleted with all its objects',
      'force_destroy = true lets S3 bucket "acme-cdn-origin" (module.origin (../../modules/cdn: module.origin_bucket (terraform-aws-modules/s3-bucket/aws))) be deleted with all its objects',
    ]);
  });

  test("without the module's directory in the scan the call is not followed (the module is read where it is)", async () => {
    const result = await scan({ cwd: root, paths: ["fixtures/infra/terraform-local-modules/envs"], configFile: false });
    expect(result.findings).toEqual([]);
  });

  test("local sources resolve against the calling file's directory", () => {
    expect(localModuleDirectory("envs/prod/main.tf", "../../modules/s3")).toBe("modules/s3");
    expect(localModuleDirectory("examples/complete/main.tf", "../../")).toBe(".");
    expect(localModuleDirectory("main.tf", "./modules/bucket/")).toBe("modules/bucket");
    expect(localModuleDirectory("main.tf", "terraform-aws-modules/s3-bucket/aws")).toBeUndefined();
    expect(localModuleDirectory("main.tf", "git::https://example.com/m.git")).toBeUndefined();
  });
});

describe("CloudFormation inline Lambda code", () => {
  test("ZipFile / InlineCode read by the Python or JS reader by Runtime, at the template's line and column; single objects, policies, lifecycle, comments, print and other runtimes are not findings", () => {
    const rel = "fixtures/infra/cloudformation/empty-on-delete.yaml";
    const { facts } = analyseInfraFile(rel, readFileSync(path.join(root, rel), "utf8"));
    expect(facts.parseProblems).toEqual([]);
    expect(facts.storageActions.map((a) => `${a.kind} ${a.location.line}:${a.location.column}-${a.location.endLine}:${a.location.endColumn} ${a.operation} (${a.resource})`)).toEqual([
      "bucket-empty 19:19-19:59 object_versions…delete() (EmptyBucketFunction (inline code))",
      "bucket-delete 47:25-47:97 DeleteBucketCommand (DropBucketFunction (inline code))",
    ]);
  });
});

describe("JS test code against mocks", () => {
  test("aws-sdk-client-mock and a LocalStack endpoint: bucket deletions at info by infra/bucket-delete-in-mock; the same calls against AWS stay critical; single objects and policies are not findings", async () => {
    const result = await scan({ cwd: root, paths: ["fixtures/infra/sdk-tests"], configFile: false });
    expect(result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.file.split("/").pop()}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}`)).toEqual([
      "infra/bucket-delete-in-mock info cleanup.test.ts:11:17-11:106",
      "infra/bucket-delete-in-mock info cleanup.test.ts:12:17-12:68",
      "infra/bucket-delete-in-mock info localstack.test.mjs:9:17-9:63",
      "infra/bucket-delete critical teardown.mjs:5:15-5:66",
    ]);
    expect(result.findings[0]!.message).toContain("against aws-sdk-client-mock, not AWS");
    expect(result.findings[2]!.message).toContain("against LocalStack, not AWS");
  });
});

describe("GitHub Actions workflows recognised by content", () => {
  test("on + jobs with runs-on/steps outside .github/workflows are read as workflows; comments, echo, single objects, dry runs, policies, pwsh steps, Windows jobs (pwsh by default), Rscript steps and a CircleCI config are not findings (nor parse errors)", async () => {
    const result = await scan({ cwd: root, paths: ["fixtures/infra/ci/workflow-templates", "fixtures/infra/ci/ci"], configFile: false });
    expect(result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.file.split("/").pop()}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}`)).toEqual([
      "infra/destroy-command high reusable-destroy.yaml:15:14-15:59",
      "infra/bucket-delete critical preview-teardown.yml:11:14-11:73",
    ]);
  });
});
