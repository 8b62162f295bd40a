import { defineRule } from "../define.js";

export default defineRule({
  id: "infra/parse-error",
  family: "infra",
  reads: "parseProblems",
  severity: "high",
  docs: {
    summary: "An infrastructure file (Terraform, CloudFormation, CI workflow, script, CDK/Pulumi/SDK code, wrangler config) that could not be parsed, so gonogo could not check it for bucket deletion.",
    why: "A file gonogo cannot read is a file nobody checked: it may delete or empty a bucket. Production fails closed on unanalysed files.",
    instead: "Fix the syntax error at the reported position (terraform validate, cfn-lint, actionlint, shellcheck, tsc), or exclude generated files with an ignore glob in the config.",
  },
  examples: {
    invalid: [
      { file: "main.tf", code: 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n\n', finding: { line: 4, column: 1, message: "HCL syntax error: the Terraform file could not be read in full" } },
      { file: ".github/workflows/deploy.yml", code: "name: deploy\njobs:\n  site:\n    steps:\n      - run: aws s3 sync dist s3://acme-www\n     - run: echo done\n", finding: { line: 6, column: 1, message: "YAML syntax error: A block sequence may not be used as an implicit map key" } },
    ],
    valid: [{ file: "main.tf", code: 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n' }],
  },
  check(facts, report) {
    for (const problem of facts.parseProblems) {
      if (problem.family !== "infra") continue;
      report(problem, problem.message, { language: problem.language, wholeFile: problem.wholeFile });
    }
  },
});
