import { defineRule } from "../define.js";
import { actionData } from "./shared.js";

export default defineRule({
  id: "infra/destroy-command",
  family: "infra",
  reads: "storageActions",
  severity: "high",
  docs: {
    summary: "A command that destroys a whole stack in a script, Makefile, package.json script or CI job: terraform destroy, terraform apply -destroy, tofu destroy, cdk destroy, pulumi destroy, sam delete, aws cloudformation delete-stack.",
    why: "Destroying a stack deletes every resource in it, buckets and databases included, and in CI it runs without anybody reading the plan. One wrong workspace, stack or credentials variable points it at production.",
    instead:
      "Keep destroy out of release pipelines; run it by hand against an explicitly named environment after reviewing the plan, or gate it behind a manual, environment-protected job and suppress the finding there with a reason.",
  },
  examples: {
    invalid: [
      {
        file: ".gitlab-ci.yml",
        code: "stages: [deploy, cleanup]\n\ncleanup_review:\n  stage: cleanup\n  script:\n    - terraform init -input=false\n    - terraform destroy -auto-approve -var \"env=$CI_ENVIRONMENT_SLUG\"\n  when: manual\n",
        finding: { line: 7, column: 7, message: "terraform destroy destroys a whole stack, buckets included" },
      },
      { file: "Makefile", code: ".PHONY: deploy teardown\n\ndeploy:\n\tnpx cdk deploy --all\n\nteardown:\n\t@npx cdk destroy --force --all\n", finding: { line: 7, column: 3, message: "cdk destroy destroys a whole stack, buckets included" } },
      { file: "package.json", code: '{\n  "name": "acme-infra",\n  "scripts": {\n    "deploy": "pulumi up --yes",\n    "nuke": "pulumi destroy --yes --stack dev"\n  }\n}\n', finding: { line: 5, column: 14, message: "pulumi destroy destroys a whole stack, buckets included" } },
    ],
    valid: [
      { file: "Makefile", code: ".PHONY: plan deploy\n\nplan:\n\tterraform plan -out=tfplan\n\ndeploy:\n\tterraform apply tfplan\n\n# terraform destroy is run by hand only\n" },
    ],
  },
  check(facts, report) {
    for (const action of facts.storageActions) {
      if (action.kind !== "destroy-command") continue;
      const target = action.resource !== undefined ? ` (${action.resource})` : "";
      report(action, `${action.operation}${target} destroys a whole stack, buckets included`, actionData(action));
    }
  },
});
