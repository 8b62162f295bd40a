// Issue 17, items 3 and 6: what is read at all. YAML aliases, merge keys and GitLab !reference are
// resolved before `run:`/`script:`/`DeletionPolicy` are read (a command written once under an
// anchor used to be invisible where it runs); an alias that cannot be resolved makes the file
// unanalysed. A compiled migration (.pyc, Alembic `sourceless = true`) is unanalysed; .SQL, .psql
// and .pgsql files are read as SQL. Each attack: production no-go; each twin: needs-approval.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../src/index.js";
import { runCli, tempProject } from "./helpers.js";
import { cleanProject, JUNIT_PASS, type CheckJson } from "./hardening-helpers.js";

async function production(files: Record<string, string | Buffer>) {
  const dir = cleanProject();
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  const run = await runCli(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as CheckJson;
}

const DELETE = "aws s3 rb s3://shop-preview-assets --force";
const HARMLESS = "aws s3 ls s3://shop-preview-assets";
const WORKFLOW = ".github/workflows/teardown.yml";
const GITLAB = ".gitlab-ci.yml";

/** name → file → content with {c} standing for the dangerous or the harmless command. */
const resolved: [string, string, (c: string) => string][] = [
  ["GitHub Actions: run: *alias of a scalar anchored under env:", WORKFLOW, (c) => `on: push\nenv:\n  TEARDOWN: &teardown ${c}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: *teardown\n`],
  ["GitHub Actions: a step merged in with <<: from an anchored mapping", WORKFLOW, (c) => `on: push\nenv:\n  STEP: &step {run: "${c}", shell: bash}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - <<: *step\n        name: teardown\n`],
  ["GitLab CI: a job whose script comes from a merge key", GITLAB, (c) => `.defs:\n  teardown: &teardown\n    script:\n      - ${c}\nteardown:\n  stage: deploy\n  <<: *teardown\n`],
  ["GitLab CI: script: !reference to a list under a hidden key", GITLAB, (c) => `.defs:\n  teardown:\n    - ${c}\nteardown:\n  stage: deploy\n  script:\n    - echo start\n    - !reference [.defs, teardown]\n`],
  ["GitLab CI: the jobs after a spec: header document", GITLAB, (c) => `spec:\n  inputs:\n    stage:\n      default: deploy\n---\nteardown:\n  script:\n    - ${c}\n`],
];

describe("aliases, merge keys, !reference: the command is found, production no-go; the twin needs approval", () => {
  it.each(resolved)("%s", async (_name, file, shape) => {
    const attack = await production({ [file]: shape(DELETE) });
    expect(attack.decision).toBe("no-go");
    expect(attack.reasons.some((r) => r.message.includes("infra/bucket-delete")), JSON.stringify(attack.reasons)).toBe(true);
    const twin = await production({ [file]: shape(HARMLESS) });
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);

  it("CloudFormation: DeletionPolicy: *alias is read as the anchored value", async () => {
    const template = (policy: string) =>
      `AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  Policy: &policy ${policy}\nResources:\n  Assets:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: *policy\n    UpdateReplacePolicy: Retain\n    Properties:\n      BucketName: shop-assets\n`;
    const attack = await production({ "infra/template.yaml": template("Delete") });
    expect(attack.reasons.some((r) => r.message.includes("infra/bucket-deletion-policy")), JSON.stringify(attack.reasons)).toBe(true);
    expect(attack.decision).toBe("no-go");
    const twin = await production({ "infra/template.yaml": template("Retain") });
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);

  it("the finding points at the anchored text, once however many aliases use it", async () => {
    const cwd = tempProject({ [WORKFLOW]: `on: push\nenv:\n  TEARDOWN: &teardown ${DELETE}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: *teardown\n      - run: *teardown\n` });
    const result = await scan({ cwd, configFile: false });
    expect(result.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`)).toEqual(["infra/bucket-delete@3:23"]);
  });
});

const unresolvable: [string, string, string, RegExp][] = [
  ["an alias with no anchor", WORKFLOW, `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: *teardown\n`, /YAML alias \*teardown names no anchor/],
  ["an alias bomb", GITLAB, `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\njob:\n  script: *f\n`, /YAML aliases expand past 100,000 nodes/],
  ["a cycle", GITLAB, `job:\n  script: &s\n    - echo hi\n    - *s\n`, /inside the node it names/],
  ["a !reference to a job of another file", GITLAB, `include: ci/common.yml\nteardown:\n  script:\n    - !reference [.common, teardown]\n`, /GitLab !reference \[\.common, teardown\] names nothing in this file/],
];

describe("what cannot be resolved is infra/parse-error: production no-go", () => {
  it.each(unresolvable)("%s", async (_name, file, content, message) => {
    const attack = await production({ [file]: content });
    expect(attack.decision).toBe("no-go");
    const reason = attack.reasons.find((r) => r.code === "unanalysed-file");
    expect(reason?.message).toMatch(message);
    expect(reason?.message).toMatch(/infra\/parse-error/);
  }, 60_000);

  it("twin: the alias defined, the reference in the same file: needs approval", async () => {
    const twin = await production({
      [GITLAB]: `.common:\n  teardown:\n    - ${HARMLESS}\nteardown:\n  script:\n    - !reference [.common, teardown]\n`,
      [WORKFLOW]: `on: push\nenv:\n  LIST: &list ${HARMLESS}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: *list\n`,
    });
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);
});

describe("which files are read (item 3)", () => {
  it("a .pyc in a versions directory without its .py is alembic/parse-error: production no-go", async () => {
    const attack = await production({ "alembic/versions/0003_drop_orders.pyc": Buffer.from([0x6f, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]) });
    expect(attack.decision).toBe("no-go");
    const reason = attack.reasons.find((r) => r.code === "unanalysed-file");
    expect(reason?.message).toMatch(/0003_drop_orders\.pyc/);
    expect(reason?.message).toMatch(/sourceless = true/);
    expect(reason?.message).toMatch(/alembic\/parse-error/);
  }, 60_000);

  it("twin: a .pyc beside its .py (Alembic loads the .py) and __init__.pyc (never a migration) are skipped: needs approval", async () => {
    const pyc = Buffer.from([0x6f, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]);
    const twin = await production({ "alembic/versions/0002_add_order_status.pyc": pyc, "alembic/versions/__init__.pyc": pyc });
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);

  it("a YAML syntax error says what is wrong without a dangling \"at line …, column …:\" (the finding points there)", async () => {
    const cwd = tempProject({ "template.yaml": "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  x: [\n" });
    const result = await scan({ cwd, configFile: false });
    expect(result.findings.map((f) => [f.ruleId, f.line, f.column, f.message])).toEqual([
      ["infra/parse-error", 5, 1, "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]"],
    ]);
  });

  it("compiled Python outside a versions directory is skipped, even named (a pre-commit hook names staged files)", async () => {
    const cwd = tempProject({ "tools/helper.pyc": Buffer.from([0x6f, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]), "alembic/versions/0001_x.pyc": Buffer.from([0x6f, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]) });
    const result = await scan({ cwd, paths: ["tools/helper.pyc", "alembic/versions/0001_x.pyc"], configFile: false });
    expect(result.findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual(["alembic/versions/0001_x.pyc alembic/parse-error"]);
  });

  it.each(["db/purge.SQL", "db/purge.psql", "db/purge.pgsql"])("%s is read as SQL: DROP TABLE is production no-go, SELECT needs approval", async (file) => {
    const attack = await production({ [file]: "DROP TABLE orders;\n" });
    expect(attack.decision).toBe("no-go");
    expect(attack.reasons.some((r) => r.message.includes("sql/drop-table"))).toBe(true);
    const twin = await production({ [file]: "SELECT count(*) FROM orders;\n" });
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);
});
