import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-empty",
  family: "infra",
  reads: "storageActions",
  severity: "high",
  docs: {
    summary:
      "Code or a command that deletes every object (or every object under a prefix) of a bucket: aws s3 rm --recursive, aws s3 sync --delete into a bucket, aws s3 mv --recursive out of one, s3api delete-objects, DeleteObjectsCommand, deleteObjects, boto3 bucket.objects.all().delete() / object_versions.delete().",
    why: "Emptying a bucket destroys its data even though the bucket stays. Without versioning there is no way back, and object_versions.delete() removes the versions that would have been the way back. `aws s3 sync <src> s3://bucket --delete` deletes every object the source does not have: an empty or wrong source directory (a failed build, a typo in a variable) empties the bucket.",
    instead:
      "Expire objects with a lifecycle rule you can review and cancel, or move them to an archive bucket first; delete a narrowly scoped prefix with an explicit list of keys. Deploy a site without --delete (or sync into a fresh prefix and switch to it), or check the source is the build output and not empty before the sync. If the deletion is intended, suppress the finding with a reason.",
  },
  examples: {
    invalid: [
      {
        file: ".github/workflows/deploy.yml",
        code: "name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  site:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Clear old site\n        run: |\n          aws s3 rm s3://acme-www --recursive\n          aws s3 cp dist s3://acme-www --recursive\n",
        finding: { line: 12, column: 11, message: "aws s3 rm --recursive deletes the objects of S3 bucket \"acme-www\"" },
      },
      { file: "scripts/deploy-site.sh", code: '#!/usr/bin/env bash\nset -euo pipefail\nnpm run build\naws s3 sync "${BUILD_DIR:-dist}" s3://acme-www --delete --cache-control max-age=300\n', finding: { line: 4, column: 1, message: "aws s3 sync --delete deletes every object of S3 bucket \"acme-www\" that is not in the source: an empty or wrong source empties the bucket" } },
      { file: "tools/reset_bucket.py", code: 'import boto3\n\nbucket = boto3.resource("s3").Bucket("acme-staging-media")\nbucket.object_versions.delete()\n', finding: { line: 4, column: 1, message: "object_versions…delete() deletes the objects of S3 bucket \"acme-staging-media\"" } },
    ],
    valid: [
      {
        file: ".github/workflows/deploy.yml",
        code: "name: deploy\non: push\njobs:\n  site:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aws s3 cp dist s3://acme-www --recursive\n      - run: aws s3 sync dist s3://acme-www\n",
      },
      { file: "scripts/restore.sh", code: "#!/bin/sh\n# Download: --delete only removes local files that are not in the bucket.\naws s3 sync s3://acme-backups/latest ./restore --delete\n" },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "bucket-empty" || action.mocked) continue; // against a mock: infra/bucket-delete-in-mock
      const message =
        action.operation === "aws s3 sync --delete"
          ? `${action.operation} deletes every object of ${describeBucket(action)} that is not in the source: an empty or wrong source empties the bucket`
          : `${action.operation} deletes the objects of ${describeBucket(action)}`;
      report(action, message, actionData(action));
    }
  },
});
