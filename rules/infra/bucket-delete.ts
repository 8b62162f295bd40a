import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-delete",
  family: "infra",
  reads: "storageActions",
  severity: "critical",
  docs: {
    summary: "Code or a command that deletes an S3 or R2 bucket: aws s3 rb, s3api delete-bucket, DeleteBucketCommand, deleteBucket, boto3 delete_bucket / Bucket(…).delete(), wrangler r2 bucket delete, the Cloudflare R2 API, a Terraform removed block with lifecycle { destroy = true } for a bucket resource.",
    why: "Deleting a bucket deletes every object in it (with --force, or after emptying it) and frees its name for anyone to claim; neither S3 nor R2 has an undo. A script that does it on one environment is one wrong variable away from doing it on production.",
    instead:
      "To stop managing a bucket in Terraform, use a removed block with lifecycle { destroy = false } (or terraform state rm). Do not delete buckets from release code. Retire a bucket by removing write access and setting a lifecycle expiration, keep a backup or replication target, and delete it by hand once nothing reads it; if a script must do it, suppress the finding with a reason (`# gonogo-disable-next-line infra/bucket-delete -- …`).",
  },
  examples: {
    invalid: [
      { file: "scripts/cleanup.sh", code: '#!/usr/bin/env bash\nset -euo pipefail\nBUCKET="acme-${ENVIRONMENT}-uploads"\naws s3 rb "s3://${BUCKET}" --force\n', finding: { line: 4, column: 1, message: "aws s3 rb --force deletes S3 bucket \"${BUCKET}\" and everything in it" } },
      {
        file: "src/teardown.ts",
        code: 'import { S3Client, DeleteBucketCommand } from "@aws-sdk/client-s3";\n\nconst s3 = new S3Client({});\nawait s3.send(new DeleteBucketCommand({ Bucket: "acme-preview-assets" }));\n',
        finding: { line: 4, column: 15, message: "DeleteBucketCommand deletes S3 bucket \"acme-preview-assets\" and everything in it" },
      },
      { file: "tools/retire_bucket.py", code: 'import boto3\n\ns3 = boto3.client("s3")\ns3.delete_bucket(Bucket="acme-old-exports")\n', finding: { line: 4, column: 1, message: "delete_bucket() deletes S3 bucket \"acme-old-exports\" and everything in it" } },
      { file: "scripts/r2.sh", code: "npx wrangler r2 bucket delete acme-preview-media\n", finding: { line: 1, column: 1, message: "wrangler r2 bucket delete deletes R2 bucket \"acme-preview-media\" and everything in it" } },
      { file: "infra/retired.tf", code: "removed {\n  from = aws_s3_bucket.preview_media\n\n  lifecycle {\n    destroy = true\n  }\n}\n", finding: { line: 5, column: 5, message: "removed { from = aws_s3_bucket.preview_media } with destroy = true deletes S3 bucket (aws_s3_bucket.preview_media) and everything in it" } },
    ],
    valid: [
      { file: "scripts/cleanup.sh", code: '#!/usr/bin/env bash\n# aws s3 rb s3://acme-uploads is done by hand, never here\necho "run: aws s3 rb s3://acme-uploads"\naws s3 rm "s3://acme-uploads/tmp/report.csv"\n' },
      {
        file: "src/worker.ts",
        code: 'import { S3Client, DeleteObjectCommand } from "@aws-sdk/client-s3";\n\nexport async function removeUpload(s3: S3Client, env: { UPLOADS: R2Bucket }, key: string) {\n  await s3.send(new DeleteObjectCommand({ Bucket: "acme-uploads", Key: key }));\n  await env.UPLOADS.delete(key);\n}\n',
      },
      { file: "infra/retired.tf", code: "# Managed by the data-platform stack from now on: forget it, keep it.\nremoved {\n  from = aws_s3_bucket.exports\n\n  lifecycle {\n    destroy = false\n  }\n}\n" },
      { file: "tools/prune.py", code: 'import boto3\n\ns3 = boto3.client("s3")\ns3.delete_object(Bucket="acme-uploads", Key="tmp/report.csv")\n' },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "bucket-delete" || action.mocked) continue; // against a mock: infra/bucket-delete-in-mock
      report(action, `${action.operation} deletes ${describeBucket(action)} and everything in it`, actionData(action));
    }
  },
});
