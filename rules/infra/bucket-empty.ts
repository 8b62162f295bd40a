import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-empty",
  family: "infra",
  reads: "storageActions",
  severity: "high",
  docs: {
    summary: "Code or a command that deletes every object (or every object under a prefix) of a bucket: aws s3 rm --recursive, s3api delete-objects, DeleteObjectsCommand, deleteObjects, boto3 bucket.objects.all().delete() / object_versions.delete().",
    why: "Emptying a bucket destroys its data even though the bucket stays. Without versioning there is no way back, and object_versions.delete() removes the versions that would have been the way back.",
    instead:
      "Expire objects with a lifecycle rule you can review and cancel, or move them to an archive bucket first; delete a narrowly scoped prefix with an explicit list of keys. If the deletion is intended, suppress the finding with a reason.",
  },
  examples: {
    invalid: [
      {
        file: ".github/workflows/deploy.yml",
        code: "name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  site:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Clear old site\n        run: |\n          aws s3 rm s3://acme-www --recursive\n          aws s3 cp dist s3://acme-www --recursive\n",
      },
      { file: "tools/reset_bucket.py", code: 'import boto3\n\nbucket = boto3.resource("s3").Bucket("acme-staging-media")\nbucket.object_versions.delete()\n' },
    ],
    valid: [
      {
        file: ".github/workflows/deploy.yml",
        code: "name: deploy\non: push\njobs:\n  site:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aws s3 cp dist s3://acme-www --recursive\n      - run: aws s3 sync dist s3://acme-www\n",
      },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "bucket-empty") continue;
      report(action, `${action.operation} deletes the objects of ${describeBucket(action)}`, actionData(action));
    }
  },
});
