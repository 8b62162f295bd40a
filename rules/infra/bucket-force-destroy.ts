import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-force-destroy",
  family: "infra",
  reads: "storageActions",
  severity: "high",
  docs: {
    summary: "A bucket that its tool may delete together with its objects: Terraform force_destroy = true (also through var.* defaults and locals), Pulumi forceDestroy: true, CDK autoDeleteObjects: true (or any value but a literal false); in Python force_destroy=True, auto_delete_objects=True.",
    why: "Without it, deleting a non-empty bucket fails and protects the data. With it, a renamed resource, a removed module or a destroy run deletes every object first and then the bucket, silently.",
    instead:
      "Leave force_destroy / forceDestroy / autoDeleteObjects unset (false) for buckets holding data, and add lifecycle { prevent_destroy = true } (Terraform), protect: true (Pulumi) or RemovalPolicy.RETAIN (CDK). Use it only for scratch buckets, with a suppression that says so.",
  },
  examples: {
    invalid: [
      {
        file: "main.tf",
        code: 'resource "aws_s3_bucket" "uploads" {\n  bucket        = "acme-uploads"\n  force_destroy = true\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
        finding: { line: 3, column: 3, message: "force_destroy = true lets S3 bucket \"acme-uploads\" (aws_s3_bucket.uploads) be deleted with all its objects" },
      },
      {
        file: "infra/index.ts",
        code: 'import * as aws from "@pulumi/aws";\n\nexport const media = new aws.s3.BucketV2("media", {\n  bucket: "acme-media",\n  forceDestroy: true,\n});\n',
        finding: { line: 5, column: 3, message: "forceDestroy: true lets S3 bucket \"acme-media\" (media) be deleted with all its objects" },
      },
      {
        file: "lib/storage-stack.ts",
        code: 'import { Stack, RemovalPolicy } from "aws-cdk-lib";\nimport * as s3 from "aws-cdk-lib/aws-s3";\n\nexport class StorageStack extends Stack {\n  constructor(scope: any, id: string) {\n    super(scope, id);\n    new s3.Bucket(this, "Reports", {\n      removalPolicy: RemovalPolicy.RETAIN,\n      autoDeleteObjects: true,\n    });\n  }\n}\n',
        finding: { line: 9, column: 7, message: "autoDeleteObjects: true lets S3 bucket (Reports) be deleted with all its objects" },
      },
    ],
    valid: [
      {
        file: "main.tf",
        code: 'resource "aws_s3_bucket" "uploads" {\n  bucket        = "acme-uploads"\n  force_destroy = false\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
      },
      {
        file: "variables.tf",
        code: 'variable "force_destroy" {\n  type    = bool\n  default = false\n}\n\nresource "aws_s3_bucket" "uploads" {\n  bucket        = "acme-uploads"\n  force_destroy = var.force_destroy\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
      },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "force-destroy") continue;
      report(action, `${action.operation} lets ${describeBucket(action)} be deleted with all its objects`, actionData(action));
    }
  },
});
