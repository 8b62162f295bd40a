import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-unprotected",
  family: "infra",
  reads: "storageActions",
  severity: "low",
  docs: {
    summary:
      "A bucket resource nothing protects from deletion: a Terraform aws_s3_bucket or cloudflare_r2_bucket without lifecycle { prevent_destroy = true }, a CloudFormation AWS::S3::Bucket without DeletionPolicy: Retain, a Pulumi aws.s3.Bucket / BucketV2 / cloudflare.R2Bucket without protect: true or retainOnDelete: true in its resource options. A CDK s3.Bucket without removalPolicy keeps CDK's default, RETAIN, and is protected.",
    why: "A refactor that renames or removes the resource, or a destroy run, plans the bucket's deletion and nothing stops the apply. CloudFormation's default DeletionPolicy for a bucket is Delete; Pulumi deletes a resource removed from the program unless it is protected or retained.",
    instead:
      "Add lifecycle { prevent_destroy = true } to the Terraform resource, DeletionPolicy: Retain and UpdateReplacePolicy: Retain to the CloudFormation resource, or { protect: true } (refuses the delete) or { retainOnDelete: true } (keeps the bucket when the resource goes) as the third argument of the Pulumi resource. Only a literal true counts.",
  },
  examples: {
    invalid: [
      { file: "storage.tf", code: 'resource "cloudflare_r2_bucket" "assets" {\n  account_id = var.cloudflare_account_id\n  name       = "acme-assets"\n}\n', finding: { line: 1, column: 1, message: "R2 bucket \"acme-assets\" (cloudflare_r2_bucket.assets) has no lifecycle { prevent_destroy = true }" } },
      { file: "template.yaml", code: "Resources:\n  LogsBucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: acme-logs\n", finding: { line: 2, column: 3, message: "S3 bucket \"acme-logs\" (LogsBucket) has no DeletionPolicy: Retain" } },
      { file: "infra/index.ts", code: 'import * as aws from "@pulumi/aws";\n\nexport const logs = new aws.s3.BucketV2("logs", { bucket: "acme-logs" });\n', finding: { line: 3, column: 21, message: "S3 bucket \"acme-logs\" (logs) has no { protect: true } or { retainOnDelete: true } in its resource options" } },
    ],
    valid: [
      {
        file: "storage.tf",
        code: 'resource "cloudflare_r2_bucket" "assets" {\n  account_id = var.cloudflare_account_id\n  name       = "acme-assets"\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
      },
      { file: "template.yaml", code: "Resources:\n  LogsBucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    Properties:\n      BucketName: acme-logs\n" },
      {
        file: "infra/index.ts",
        code: 'import * as aws from "@pulumi/aws";\nimport * as cloudflare from "@pulumi/cloudflare";\n\nexport const logs = new aws.s3.BucketV2("logs", { bucket: "acme-logs" }, { protect: true });\nexport const media = new cloudflare.R2Bucket("media", { accountId: "0123abcd", name: "acme-media" }, { retainOnDelete: true });\n',
      },
      {
        file: "lib/storage-stack.ts",
        code: 'import { Stack } from "aws-cdk-lib";\nimport * as s3 from "aws-cdk-lib/aws-s3";\n\nexport class StorageStack extends Stack {\n  readonly logs = new s3.Bucket(this, "Logs", { bucketName: "acme-logs" }); // RemovalPolicy.RETAIN by default\n}\n',
      },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "unprotected") continue;
      const guard =
        action.source === "terraform"
          ? "lifecycle { prevent_destroy = true }"
          : action.source === "pulumi"
            ? action.location.file.endsWith(".py")
              ? "protect=True or retain_on_delete=True in its ResourceOptions"
              : "{ protect: true } or { retainOnDelete: true } in its resource options"
            : "DeletionPolicy: Retain";
      report(action, `${describeBucket(action)} has no ${guard}`, actionData(action));
    }
  },
});
