// Issue 13, items 5 and 6: infrastructure read across files. GitLab CI `include:` of local files:
// the files a pipeline includes are read as GitLab CI whatever their names, a `!reference` may name
// a job of any of them, and each command is reported once, where it is written. JS/TS command
// wrappers imported from another file of the scan.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { scan } from "../src/engine/scan.js";

const root = path.resolve(import.meta.dirname, "..");
const fixture = "fixtures/infra/gitlab-include";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gonogo-gitlab-include-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const found = async (cwd: string, paths?: string[]) =>
  (await scan({ cwd, configFile: false, ...(paths ? { paths } : {}) })).findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}`);

describe("GitLab CI include: local", () => {
  test("included files (by path and by wildcard) are read as GitLab CI; an anchored before_script is spliced in; a !reference into an included file is read there, once; comments, echo, one object, a download and a dry run are not findings; a file no pipeline includes is not read", async () => {
    expect(await found(root, [fixture])).toEqual([
      `infra/bucket-empty ${fixture}/.gitlab-ci.yml:14:5-14:68`,
      `infra/destroy-command ${fixture}/ci/review.yml:4:7-4:38`,
      `infra/bucket-delete ${fixture}/ci/review.yml:11:7-11:66`,
      `infra/bucket-delete ${fixture}/ci/templates/cleanup.yml:4:62-4:98`,
    ]);
  });

  test("an included file is GitLab CI only with its pipeline: scanned alone it is not read", async () => {
    expect(await found(root, [`${fixture}/ci/review.yml`])).toEqual([]);
  });

  test("a !reference to a list kept under another key of an included file is read at its place there", async () => {
    const cwd = project({
      ".gitlab-ci.yml": "include:\n  - local: ci/defs.yml\nteardown:\n  script:\n    - !reference [.defs, teardown]\n",
      "ci/defs.yml": ".defs:\n  teardown:\n    - echo start\n    - terraform destroy -auto-approve\n",
    });
    expect(await found(cwd)).toEqual(["infra/destroy-command ci/defs.yml:4:7-4:38"]);
  });

  test("a !reference no file of the pipeline holds (a template's job) fails closed; the same reference resolved by an included file does not", async () => {
    const entry = "include:\n  - template: Terraform/Base.gitlab-ci.yml\n  - local: ci/jobs.yml\nstop:\n  script:\n    - !reference [.terraform:destroy, script]\n";
    const missing = project({ ".gitlab-ci.yml": entry, "ci/jobs.yml": "build:\n  script:\n    - make\n" });
    const result = await scan({ cwd: missing, configFile: false });
    expect(result.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`)).toEqual(["infra/parse-error .gitlab-ci.yml:6:18"]);
    expect(result.findings[0]!.message).toMatch(/names nothing in this pipeline's files/);
    const present = project({ ".gitlab-ci.yml": entry, "ci/jobs.yml": ".terraform:destroy:\n  script:\n    - gitlab-terraform destroy\n" });
    expect(await found(present)).toEqual([]);
  });

  test("nested includes follow the repository root; include cycles end", async () => {
    const cwd = project({
      ".gitlab-ci.yml": "include: ci/a.yml\n",
      "ci/a.yml": "include:\n  - local: /ci/b.yml\n",
      "ci/b.yml": "include:\n  - local: ci/a.yml\nclean:\n  script:\n    - npx cdk destroy --force\n",
    });
    expect(await found(cwd)).toEqual(["infra/destroy-command ci/b.yml:5:7-5:30"]);
  });
});

describe("JS/TS command wrappers imported from another file of the scan (item 5)", () => {
  const dir = "fixtures/infra/sdk-imports";
  test("require()d CommonJS (module.exports = { execute }, as a namespace and destructured) and ES modules (named, renamed, namespace, default); a listing, a dry run, a logging helper, a download, one object and an echo are not findings", async () => {
    expect(await found(root, [dir])).toEqual([
      `infra/destroy-command ${dir}/scripts/teardown.mjs:5:6-5:35`,
      `infra/bucket-empty ${dir}/scripts/teardown.mjs:6:8-6:47`,
      `infra/bucket-delete ${dir}/scripts/teardown.mjs:7:14-7:52`,
      `infra/bucket-delete ${dir}/scripts/teardown.mjs:8:13-8:48`,
      `infra/bucket-delete ${dir}/source/destroy.js:6:22-6:83`,
      `infra/destroy-command ${dir}/source/destroy.js:7:12-7:66`,
    ]);
  });

  test("the wrapper's module must be in the scan: a file scanned alone reads only its own wrappers", async () => {
    expect(await found(root, [`${dir}/scripts/teardown.mjs`])).toEqual([]);
  });
});
