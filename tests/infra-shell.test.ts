// The command classifier behind every shell source (scripts, Makefiles, CI steps, package.json,
// execSync/spawn/execa): what counts as deleting, emptying or destroying, and what does not.
import { describe, expect, test } from "vitest";
import { classifyCommand, unwrapCommand } from "../src/extract/infra/shell.js";
import { analyseInfraFile } from "../src/extract/infra/index.js";

const effect = (line: string) => {
  const e = classifyCommand(line.split(" "));
  return e ? `${e.kind} ${e.provider}${e.bucket !== undefined ? ` ${e.bucket}` : ""}` : "none";
};

describe("classifyCommand", () => {
  test.each([
    ["aws s3 rb s3://acme-logs --force", "bucket-delete s3 acme-logs"],
    ["aws --profile prod --region eu-west-1 s3 rb s3://acme-logs", "bucket-delete s3 acme-logs"],
    ["aws s3 rb s3://acme-media --endpoint-url https://0123.r2.cloudflarestorage.com", "bucket-delete r2 acme-media"],
    ["aws s3api delete-bucket --bucket acme-logs", "bucket-delete s3 acme-logs"],
    ["aws s3api delete-bucket --bucket=acme-logs", "bucket-delete s3 acme-logs"],
    ["aws s3 rm s3://acme-logs/2023/ --recursive", "bucket-empty s3 acme-logs"],
    ["aws s3api delete-objects --bucket acme-logs --delete file://keys.json", "bucket-empty s3 acme-logs"],
    ["wrangler r2 bucket delete acme-media", "bucket-delete r2 acme-media"],
    ["npx -y wrangler r2 bucket delete acme-media", "bucket-delete r2 acme-media"],
    ["terraform destroy -auto-approve", "destroy-command unknown"],
    ["terraform -chdir=infra apply -destroy", "destroy-command unknown"],
    ["tofu destroy", "destroy-command unknown"],
    ["pnpm exec cdk destroy --all", "destroy-command unknown"],
    ["npm exec -- cdk destroy", "destroy-command unknown"],
    ["pulumi destroy --yes", "destroy-command unknown"],
    ["pulumi down -y", "destroy-command unknown"],
    ["aws cloudformation delete-stack --stack-name web", "destroy-command unknown"],
    ["sudo -u deploy env AWS_PROFILE=x nohup aws s3 rb s3://b", "bucket-delete s3 b"],
    ["/usr/local/bin/aws s3 rb s3://b", "bucket-delete s3 b"],
  ])("%s → %s", (line, expected) => {
    expect(effect(line)).toBe(expected);
  });

  test.each([
    "aws s3 rm s3://acme-logs/report.csv",
    "aws s3 cp dist s3://acme-www --recursive",
    "aws s3 sync dist s3://acme-www",
    "aws s3api delete-object --bucket acme-logs --key a.txt",
    "wrangler r2 object delete acme-media/a.png",
    "terraform plan -destroy",
    "terraform apply tfplan",
    "cdk deploy destroy-test-stack",
    "pulumi up --yes",
    "echo aws s3 rb s3://acme",
    "git rm -r --cached dist",
  ])("%s is not a storage action", (line) => {
    expect(effect(line)).toBe("none");
  });

  test("wrappers are stripped down to the real command", () => {
    expect(unwrapCommand(["sudo", "-E", "env", "-u", "HOME", "A=1", "time", "npx", "--yes", "cdk", "destroy"])).toEqual(["cdk", "destroy"]);
  });
});

describe("shell parsing", () => {
  test("commands inside $(…), pipelines, && lists and functions are found; strings are not", () => {
    const script = [
      "#!/bin/sh",
      'cleanup() { aws s3 rb "s3://$1" --force; }',
      "out=$(aws s3 rm s3://acme-tmp --recursive 2>&1) || true",
      "printf '%s\\n' 'terraform destroy' | tee log.txt",
      'test -n "$CI" && pulumi destroy --yes',
    ].join("\n");
    const facts = analyseInfraFile("scripts/x.sh", script).facts;
    expect(facts.storageActions.map((a) => `${a.kind} ${a.location.line}:${a.location.column}`)).toEqual(["bucket-delete 2:13", "bucket-empty 3:7", "destroy-command 5:18"]);
  });

  test("a shell syntax error is a parse problem, not silence", () => {
    const facts = analyseInfraFile("scripts/x.sh", 'if [ -n "$A" ]; then\n  aws s3 rb s3://a\n').facts;
    expect(facts.parseProblems.map((p) => p.language)).toEqual(["shell"]);
  });
});
