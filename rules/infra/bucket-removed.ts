import { defineRule } from "../define.js";
import { actionData, describeBucket } from "./shared.js";

export default defineRule({
  id: "infra/bucket-removed",
  family: "infra",
  reads: "storageActions",
  severity: "critical",
  docs: {
    summary: "A bucket resource (Terraform, CloudFormation, CDK, Pulumi) or an R2 binding that existed at the base revision (--base) and is gone now.",
    why: "Removing a bucket resource from the code is how infrastructure-as-code deletes a bucket: the next terraform apply, stack update or pulumi up plans its deletion (with all objects when force_destroy / autoDeleteObjects is set). Moving or renaming the resource without a moved block has the same effect.",
    instead:
      "If the bucket must survive, take it out of state instead (terraform state rm, a `removed` block with lifecycle { destroy = false }, DeletionPolicy: Retain before removing it from the template, pulumi state delete) or use a `moved` block for a rename. If the deletion is intended, suppress the finding with a reason.",
  },
  examples: {
    // The invalid case needs a git repository with a base revision: see tests/infra-base.test.ts.
    invalid: [],
    valid: [{ file: "main.tf", code: 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n' }],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "removed") continue;
      report(action, `${describeBucket(action)} existed at the base revision and is gone: applying this deletes the bucket`, actionData(action));
    }
  },
});
