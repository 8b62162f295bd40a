import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-unprotected",
  family: "infra",
  reads: "storageActions",
  severity: "low",
  docs: {
    summary: "A bucket resource nothing protects from deletion: a Terraform aws_s3_bucket or cloudflare_r2_bucket without lifecycle { prevent_destroy = true }, a CloudFormation AWS::S3::Bucket without DeletionPolicy: Retain.",
    why: "A refactor that renames or removes the resource, or a destroy run, plans the bucket's deletion and nothing stops the apply. CloudFormation's default DeletionPolicy for a bucket is Delete.",
    instead: "Add lifecycle { prevent_destroy = true } to the Terraform resource, or DeletionPolicy: Retain and UpdateReplacePolicy: Retain to the CloudFormation resource.",
  },
  examples: {
    invalid: [
      { file: "storage.tf", code: 'resource "cloudflare_r2_bucket" "assets" {\n  account_id = var.cloudflare_account_id\n  name       = "acme-assets"\n}\n' },
      { file: "template.yaml", code: "Resources:\n  LogsBucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: acme-logs\n" },
    ],
    valid: [
      {
        file: "storage.tf",
        code: 'resource "cloudflare_r2_bucket" "assets" {\n  account_id = var.cloudflare_account_id\n  name       = "acme-assets"\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
      },
      { file: "template.yaml", code: "Resources:\n  LogsBucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    Properties:\n      BucketName: acme-logs\n" },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "unprotected") continue;
      const guard = action.source === "terraform" ? "lifecycle { prevent_destroy = true }" : "DeletionPolicy: Retain";
      report(action, `${describeBucket(action)} has no ${guard}`, actionData(action));
    }
  },
});
