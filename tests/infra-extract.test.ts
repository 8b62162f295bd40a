// Infra extractors on realistic fixtures: every storage action with its kind, bucket and exact range,
// and the negative cases (single-object deletes, comments, echo text, copies) absent.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { analyseInfraFile, extractInfraFacts, isInfraCandidate, makefileRecipes } from "../src/extract/infra/index.js";
import type { StorageAction } from "../src/extract/facts.js";

const root = path.resolve(import.meta.dirname, "..");

function analyse(rel: string, siblings: string[] = []) {
  const read = (f: string) => readFileSync(path.join(root, f), "utf8");
  return analyseInfraFile(rel, read(rel), siblings.map((file) => ({ file, text: read(file) })));
}

/** `kind line:col-endLine:endCol bucket` — compact and exact. */
function describeAction(a: StorageAction): string {
  const l = a.location;
  return `${a.kind} ${l.line}:${l.column}-${l.endLine}:${l.endColumn}${a.bucket !== undefined ? ` ${a.bucket}` : ""}`;
}

function actions(rel: string, siblings: string[] = []): string[] {
  return analyse(rel, siblings).facts.storageActions.map(describeAction);
}

describe("Terraform", () => {
  test("force_destroy literal, through locals and var defaults; prevent_destroy; R2 bucket", () => {
    expect(actions("fixtures/infra/terraform/main.tf")).toEqual([
      "force-destroy 25:3-25:23 acme-build-artifacts",
      "unprotected 23:1-23:37 acme-build-artifacts",
      "force-destroy 30:3-30:43 acme-staging-logs",
      "force-destroy 39:3-39:36 acme-staging-uploads",
      "unprotected 55:1-55:41 acme-assets",
    ]);
  });

  test("force_destroy = false with prevent_destroy is not a finding", () => {
    const facts = analyse("fixtures/infra/terraform/main.tf").facts;
    expect(facts.storageActions.filter((a) => a.resource === "aws_s3_bucket.backups")).toEqual([]);
  });

  test("a var.* default defined in a sibling file of the module is resolved", () => {
    const alone = analyse("fixtures/infra/terraform/scratch.tf").facts.storageActions;
    expect(alone.map((a) => a.operation)).toEqual(["force_destroy = var.scratch_force_destroy (value not known statically)"]);
    const withModule = analyse("fixtures/infra/terraform/scratch.tf", ["fixtures/infra/terraform/variables.tf"]).facts.storageActions;
    expect(withModule.map((a) => `${a.operation} ${a.bucket}`)).toEqual(["force_destroy = var.scratch_force_destroy (default true) acme-scratch-*"]);
  });

  test("a var.* default of false in the module is not a finding", () => {
    const text = 'variable "fd" {\n  default = false\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n  force_destroy = var.fd\n}\n';
    expect(analyseInfraFile("m/main.tf", text).facts.storageActions.map((a) => a.kind)).toEqual(["unprotected"]);
  });

  test("a syntax error becomes a parse problem at the error, and what could be read is still read", () => {
    const facts = analyse("fixtures/infra/terraform/broken.tf").facts;
    expect(facts.parseProblems.map((p) => `${p.language} ${p.family} ${p.location.line}`)).toEqual(["hcl infra 4"]);
    expect(facts.storageActions.map(describeAction)).toContain("force-destroy 3:3-3:23 acme-half");
  });

  test("comments are read as directives", () => {
    const text = '# gonogo-disable-next-line infra/bucket-unprotected -- scratch bucket\nresource "aws_s3_bucket" "tmp" {\n  bucket = "t"\n}\n';
    const facts = analyseInfraFile("main.tf", text).facts;
    expect(facts.directives.map((d) => `${d.ruleIds.join(",")} ${d.appliesToLine} ${d.reason}`)).toEqual(["infra/bucket-unprotected 2 scratch bucket"]);
  });
});

describe("CloudFormation", () => {
  test("YAML with short tags: DeletionPolicy: Delete, a bucket without Retain; !Sub resolved with parameter defaults", () => {
    expect(actions("fixtures/infra/cloudformation/template.yaml")).toEqual(["deletion-policy 13:5-13:27 acme-uploads-prod", "unprotected 25:3-25:13 acme-logs"]);
  });

  test("JSON: UpdateReplacePolicy: Delete, Fn::Sub", () => {
    expect(actions("fixtures/infra/cloudformation/template.json")).toEqual(["deletion-policy 7:7-7:38 acme-reports-${AWS::Region}"]);
  });

  test("a YAML file that is not a template yields nothing", () => {
    const analysis = analyse("fixtures/infra/cloudformation/docker-compose.yml");
    expect(analysis.facts.storageActions).toEqual([]);
    expect(analysis.facts.parseProblems).toEqual([]);
  });
});

describe("CDK and Pulumi", () => {
  test("CDK: RemovalPolicy.DESTROY and autoDeleteObjects through aliases; RETAIN / false are not findings", () => {
    expect(actions("fixtures/infra/cdk/storage-stack.ts")).toEqual([
      "deletion-policy 13:7-13:32 acme-previews",
      "force-destroy 14:7-14:30 acme-previews",
      "deletion-policy 18:5-18:55",
    ]);
  });

  test("Pulumi: forceDestroy on Bucket and BucketV2 (namespace and named import); false is not a finding; unprotected unless protect: true", () => {
    expect(actions("fixtures/infra/pulumi/index.ts")).toEqual([
      "force-destroy 9:3-9:21 acme-media-${config.env}",
      "unprotected 7:22-7:47 acme-media-${config.env}",
      "force-destroy 12:78-12:96 acme-exports",
      "unprotected 12:25-12:50 acme-exports",
      "unprotected 16:23-16:55 acme-assets",
    ]);
  });
});

describe("SDK calls", () => {
  test("AWS SDK v3, aggregated client, Cloudflare SDK and the R2 REST API; single-object deletes are not findings", () => {
    expect(actions("fixtures/infra/sdk/cleanup.ts")).toEqual([
      "bucket-empty 9:21-9:116",
      "bucket-delete 10:21-10:76 acme-preview-123",
      "bucket-delete 11:9-11:64 acme-preview-456",
      "bucket-delete 12:9-12:79 acme-preview-media",
      "bucket-delete 13:9-16:5 acme-preview-cache",
    ]);
  });

  test("SDK v2 deleteBucket, execSync template, spawnSync argv; echo text is not a command", () => {
    expect(actions("fixtures/infra/sdk/legacy.js")).toEqual(["bucket-delete 7:9-7:42", "bucket-empty 8:13-8:47 ${name}", "destroy-command 9:3-9:77"]);
  });

  test("execa: $ template and argv; an unrelated --recursive copy is not a finding", () => {
    expect(actions("fixtures/infra/sdk/execa-release.mjs")).toEqual(["destroy-command 5:9-5:41", "bucket-delete 6:7-6:79 acme-tmp-exports"]);
  });

  test("a Worker deleting one object through its R2 binding is not a finding", () => {
    expect(actions("fixtures/infra/sdk/worker.ts")).toEqual([]);
  });

  test("boto3: objects.all().delete(), object_versions.delete(), Bucket.delete(), delete_bucket; delete_object is not", () => {
    expect(actions("fixtures/infra/python/tools.py")).toEqual([
      "bucket-empty 12:5-12:34 acme-exports",
      "bucket-empty 13:5-13:36 acme-exports",
      "bucket-delete 14:5-14:20 acme-exports",
      "bucket-delete 18:5-18:38",
    ]);
  });

  test("a JS syntax error in a file that may hold storage code is a parse problem", () => {
    const facts = analyseInfraFile("src/cleanup.ts", 'import { S3 } from "@aws-sdk/client-s3";\nconst s3 = new S3({;\n').facts;
    expect(facts.parseProblems.map((p) => `${p.language} ${p.location.line}`)).toEqual(["js 2"]);
  });
});

describe("shell, Makefile, CI, package.json", () => {
  test("script: through sudo/env/npx, if bodies, bash -c; comments, echo text, heredocs and copies are not findings", () => {
    expect(actions("fixtures/infra/shell/cleanup.sh")).toEqual([
      "bucket-empty 10:1-10:78 ${BUCKET}",
      "bucket-delete 12:3-12:56 ${BUCKET}",
      "bucket-delete 14:1-14:84 acme-preview-${PR_NUMBER}-media",
      "destroy-command 15:1-15:60",
      "destroy-command 16:10-16:75",
    ]);
  });

  test("Makefile recipes are parsed as shell at their own positions (prefixes and continuations)", () => {
    // `aws s3 sync dist s3://acme-www --delete` prunes the bucket to what dist holds (infra/bucket-empty).
    expect(actions("fixtures/infra/shell/Makefile")).toEqual(["destroy-command 11:3-12:11", "bucket-empty 15:2-15:41 acme-www"]);
    const masked = makefileRecipes("a:\n\t@echo hi\n");
    expect(masked.length).toBe("a:\n\t@echo hi\n".length);
  });

  test("GitHub Actions run steps (single line and block), ${{ }} expressions, non-POSIX shells skipped", () => {
    const facts = analyse("fixtures/infra/ci/.github/workflows/preview.yml").facts;
    expect(facts.storageActions.map(describeAction)).toEqual(["bucket-empty 12:14-12:82 acme-preview-${{ github.event.number }}", "destroy-command 18:11-18:79"]);
    expect(facts.directives.map((d) => `${d.ruleIds.join(",")} ${d.appliesToLine}`)).toEqual(["infra/destroy-command 18"]);
    expect(facts.parseProblems).toEqual([]);
  });

  test("GitLab CI script lists, folded scalars", () => {
    expect(actions("fixtures/infra/ci/.gitlab-ci.yml")).toEqual(["bucket-delete 15:7-15:63 acme-review-$CI_COMMIT_REF_SLUG", "destroy-command 17:7-18:41"]);
  });

  test("package.json scripts, with escaped quotes", () => {
    expect(actions("fixtures/infra/ci/package.json")).toEqual(["bucket-empty 7:22-7:61 acme-www", "destroy-command 8:14-8:39"]);
  });

  test("a workflow that is not valid YAML is a parse problem", () => {
    const facts = analyseInfraFile(".github/workflows/x.yml", "jobs:\n  a:\n    steps:\n      - run: ls\n     - run: pwd\n").facts;
    expect(facts.parseProblems.map((p) => p.language)).toEqual(["yaml"]);
  });
});

describe("wrangler and candidates", () => {
  test("R2 bindings are inventoried from TOML (top level and per environment) and JSONC", () => {
    const toml = analyse("fixtures/infra/wrangler/wrangler.toml");
    expect(toml.buckets.map((b) => `${b.resource} ${b.bucket} ${b.location.line}`)).toEqual([
      "r2_buckets[MEDIA] acme-media 7",
      "r2_buckets[THUMBS] acme-thumbnails 11",
      "env.staging.r2_buckets[MEDIA] acme-media-staging 18",
    ]);
    expect(toml.facts.storageActions).toEqual([]);
    const jsonc = analyse("fixtures/infra/wrangler/wrangler.jsonc");
    expect(jsonc.buckets.map((b) => `${b.resource} ${b.bucket} ${b.location.line}`)).toEqual(["r2_buckets[DOWNLOADS] acme-downloads 6"]);
  });

  test("a wrangler.toml syntax error is a parse problem with its line", () => {
    const facts = analyseInfraFile("wrangler.toml", 'name = "x"\n[[r2_buckets]\nbinding = "A"\n').facts;
    expect(facts.parseProblems.map((p) => `${p.language} ${p.location.line}`)).toEqual(["toml 2"]);
  });

  test("isInfraCandidate decides by name", () => {
    const yes = ["main.tf", "infra/x.tofu", "template.yaml", "t.json", "stack.template", "lib/stack.ts", "a.mjs", "tools/x.py", "scripts/c.sh", "Makefile", "build/rules.mk", "package.json", ".github/workflows/d.yml", ".gitlab-ci.yml", "wrangler.toml", "wrangler.jsonc"];
    const no = ["README.md", "types/index.d.ts", "Dockerfile", "config.toml", "image.png"];
    expect(yes.filter((f) => !isInfraCandidate(f))).toEqual([]);
    expect(no.filter((f) => isInfraCandidate(f))).toEqual([]);
  });

  test("extractInfraFacts returns the facts of analyseInfraFile", async () => {
    const facts = await extractInfraFacts("scripts/x.sh", "aws s3 rb s3://acme-tmp\n");
    expect(facts.storageActions.map(describeAction)).toEqual(["bucket-delete 1:1-1:24 acme-tmp"]);
  });
});
