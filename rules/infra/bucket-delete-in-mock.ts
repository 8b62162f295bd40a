import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-delete-in-mock",
  family: "infra",
  reads: "storageActions",
  severity: "info",
  docs: {
    summary: "A bucket deleted or emptied by test code that runs against a mock, not AWS: a Python file that imports moto (mock_aws, mock_s3) or points boto3 at LocalStack (endpoint_url on localhost:4566), a JS/TS file that imports aws-sdk-client-mock or gives an SDK client a LocalStack endpoint.",
    why: "Tests create and delete buckets all the time; against moto or LocalStack nothing real is touched. It is reported at info, not as infra/bucket-delete or infra/bucket-empty, so it stays visible (a test helper copied into a real script would delete real buckets) without blocking.",
    instead: "Nothing to change while the code only runs against the mock. Keep such helpers out of scripts that run with real credentials.",
  },
  examples: {
    invalid: [
      {
        file: "tests/test_cleanup.py",
        code: 'import boto3\nfrom moto import mock_aws\n\n\n@mock_aws\ndef test_drop_bucket():\n    client = boto3.client("s3", region_name="us-east-1")\n    client.create_bucket(Bucket="acme-test")\n    client.delete_bucket(Bucket="acme-test")\n',
        finding: { line: 9, column: 5, message: "delete_bucket() deletes S3 bucket \"acme-test\" against moto, not AWS" },
      },
    ],
    valid: [{ file: "tests/test_cleanup.py", code: 'import boto3\nfrom moto import mock_aws\n\n\n@mock_aws\ndef test_drop_object():\n    client = boto3.client("s3", region_name="us-east-1")\n    client.delete_object(Bucket="acme-test", Key="a.txt")\n' }],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if ((action.kind !== "bucket-delete" && action.kind !== "bucket-empty") || !action.mocked) continue;
      const what = action.kind === "bucket-delete" ? "deletes" : "empties";
      report(action, `${action.operation} ${what} ${describeBucket(action)} against ${action.mocked === "moto" ? "moto" : action.mocked === "localstack" ? "LocalStack" : "aws-sdk-client-mock"}, not AWS`, { ...actionData(action), mocked: action.mocked });
    }
  },
});
