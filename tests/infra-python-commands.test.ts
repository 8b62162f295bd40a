// Commands a Python program runs: subprocess / os / asyncio calls with an argv list or a command
// line, through the file's imports, names bound to literals and small wrappers of the same file,
// each at its exact place; and what is not a command that deletes (ls, cp, echo, print) next to them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { analyseInfraFile } from "../src/extract/infra/index.js";
import type { StorageAction } from "../src/extract/facts.js";
import { scan } from "../src/engine/scan.js";
import { tempProject } from "./helpers.js";

const root = path.resolve(import.meta.dirname, "..");

function describeAction(a: StorageAction): string {
  const l = a.location;
  return `${a.kind} ${l.line}:${l.column}-${l.endLine}:${l.endColumn} ${a.operation} ${a.bucket ?? "-"}`;
}

const actions = (file: string, text: string) => analyseInfraFile(file, text).facts.storageActions.map(describeAction);

describe("commands run from Python", () => {
  test("argv lists, command lines, f-strings, bash -c, wrappers of wrappers, methods, .format(), os.execvp and create_subprocess_exec", () => {
    const file = "fixtures/infra/python-commands/teardown.py";
    expect(actions(file, readFileSync(path.join(root, file), "utf8"))).toEqual([
      "bucket-delete 24:9-24:43 aws s3 rb --force acme-preview-assets",
      "bucket-delete 25:9-25:87 aws s3api delete-bucket acme-preview-logs",
      "bucket-empty 26:20-26:65 aws s3 rm --recursive acme-preview-cache",
      "bucket-delete 27:18-27:60 aws s3 rb --force acme-${name}-uploads",
      "bucket-delete 28:32-28:76 wrangler r2 bucket delete acme-preview-media",
      "bucket-delete 29:9-29:86 aws s3 rb --force acme-preview-exports",
      "bucket-delete 30:9-30:88 aws s3api delete-bucket acme-preview-reports",
      "bucket-delete 31:22-31:47 aws s3 rb --force ${name}",
      "bucket-delete 32:9-32:72 aws s3 rb acme-preview-last",
      "bucket-delete 36:11-36:98 aws s3 rb --force acme-preview-async",
    ]);
  });

  test("only calls that reach subprocess, os or asyncio through the file's imports count", () => {
    const local = ["def run(args):", "    return args", "", 'run(["aws", "s3", "rb", "s3://kept"])', 'system("aws s3 rb s3://kept")', ""].join("\n");
    expect(actions("tools/a.py", local)).toEqual([]);
    // The same calls once the names come from the standard library.
    const imported = ["from os import system", "from subprocess import run", "", 'run(["aws", "s3", "rb", "s3://gone"])', 'system("aws s3 rb s3://gone")', ""].join("\n");
    expect(actions("tools/b.py", imported)).toEqual(["bucket-delete 4:1-4:38 aws s3 rb gone", "bucket-delete 5:9-5:28 aws s3 rb gone"]);
  });

  test("a string with an escape gonogo does not decode is not read (never misplaced); \\n, \\t and quotes are", () => {
    const text = ["import os", 'os.system("aws s3 rb s3://x\\x41 --force")', 'os.system("echo start\\n aws s3 rb s3://newline-bucket")', 'os.system(b"aws s3 rb s3://bytes")', ""].join("\n");
    expect(actions("tools/c.py", text)).toEqual(["bucket-delete 3:25-3:54 aws s3 rb newline-bucket"]);
  });

  test(".format() and % fill their placeholders: a literal as its text, anything else as a word named after it", () => {
    const text = [
      "import os",
      "def teardown(env, region, n):",
      '    os.system("aws s3 rb s3://app-{}-logs --force".format(env))',
      '    os.system("aws s3 rb s3://app-%s-tmp --force" % env)',
      '    os.system("aws s3 rb s3://%(name)s-%(region)s --force" % {"name": env, "region": region})',
      '    os.system("aws s3 rb s3://{0}-{1}-{{x}} --force".format(env, region))',
      '    os.system("aws s3 rb s3://{bucket} --force".format(bucket=env.upper()))',
      '    os.system("aws s3 rb s3://%s-%d%% --force" % ("prod", 5))',
      '    os.system("aws s3 {} s3://{}-{} --force".format("rb", "prod", n))',
      '    os.system("aws s3 ls s3://{} --recursive".format(env))',
      '    os.system("echo {} && aws s3 rb s3://{} --force".format("\u{1FAA3}", env))',
      "",
    ].join("\n");
    expect(actions("tools/format.py", text)).toEqual([
      "bucket-delete 3:16-3:50 aws s3 rb --force app-${env}-logs",
      "bucket-delete 4:16-4:49 aws s3 rb --force app-${env}-tmp",
      "bucket-delete 5:16-5:58 aws s3 rb --force ${env}-${region}",
      "bucket-delete 6:16-6:52 aws s3 rb --force ${env}-${region}-{x}",
      "bucket-delete 7:16-7:47 aws s3 rb --force ${env_upper__}",
      "bucket-delete 8:16-8:46 aws s3 rb --force prod-5%",
      // The subcommand itself filled in from a literal: read as the shell would run it.
      "bucket-delete 9:16-9:44 aws s3 rb --force prod-${n}",
      // A literal outside the BMP (two UTF-16 units) before the command keeps its place exact.
      "bucket-delete 11:27-11:52 aws s3 rb --force ${env}",
    ]);
  });

  test("moto in the file does not make a CLI call a mocked one (moto intercepts boto3, not a process)", () => {
    const text = ["import subprocess", "import boto3", "from moto import mock_aws", "", "@mock_aws", "def test_cleanup():", '    boto3.client("s3").delete_bucket(Bucket="mocked")', '    subprocess.run(["aws", "s3", "rb", "s3://real-one"])', ""].join("\n");
    const found = analyseInfraFile("tests/test_cleanup.py", text).facts.storageActions;
    expect(found.map((a) => [a.bucket, a.mocked])).toEqual([
      ["mocked", "moto"],
      ["real-one", undefined],
    ]);
  });

  test("through the scan: a teardown script is a critical infra/bucket-delete finding at the call", async () => {
    const cwd = tempProject({ "scripts/teardown.py": 'import subprocess\n\nsubprocess.run(["aws", "s3", "rb", "s3://acme-prod-media", "--force"], check=True)\n' });
    const result = await scan({ cwd, configFile: false });
    expect(result.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.severity}`)).toEqual(["scripts/teardown.py:3:1 infra/bucket-delete critical"]);
  });
});
