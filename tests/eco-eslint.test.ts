// The ESLint plugin: ESLint's RuleTester on every gonogo rule (the rule modules' own JS/TS examples,
// with the positions `gonogo scan` reports for them, plus hand-written cases), then once through the
// real ESLint class on a fixture file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { ESLint, RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { beforeAll, describe, expect, it, test } from "vitest";
import plugin, { eslintRuleName, PER_FILE_RULES } from "../src/eslint/index.js";
import { infraRules } from "../rules/infra/index.js";
import { scan } from "../src/engine/scan.js";
import { ensureBuilt } from "./hardening-helpers.js";

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ruleTester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" } });
const isJsFile = (file: string) => /\.[mc]?[jt]sx?$/.test(file);

/** Where `gonogo scan` reports a rule on an in-memory file: the positions ESLint must report too. */
async function scanPositions(ruleId: string, file: string, code: string) {
  const result = await scan({ cwd: "/nonexistent-gonogo-eslint-root", configFile: false, files: [{ path: file, content: code }] });
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => ({ message: f.message, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn }));
}

// Expectations computed up front: RuleTester declares its tests synchronously.
const fromExamples = new Map<string, { valid: RuleTester.ValidTestCase[]; invalid: RuleTester.InvalidTestCase[] }>();
for (const rule of PER_FILE_RULES) {
  const valid = rule.examples.valid.filter((e) => isJsFile(e.file)).map((e) => ({ code: e.code, filename: e.file }));
  const invalid: RuleTester.InvalidTestCase[] = [];
  for (const e of rule.examples.invalid.filter((x) => isJsFile(x.file))) {
    invalid.push({ code: e.code, filename: e.file, errors: await scanPositions(rule.id, e.file, e.code) });
  }
  fromExamples.set(rule.id, { valid, invalid });
}

test("every per-file infra rule is a plugin rule, named after its id; bucket-removed needs a git base and is left out", () => {
  expect(Object.keys(plugin.rules).sort()).toEqual(infraRules.filter((r) => r.id !== "infra/bucket-removed").map((r) => eslintRuleName(r.id)).sort());
  expect(Object.keys(plugin.rules)).toContain("bucket-delete");
  expect(plugin.configs.recommended.rules).toMatchObject({ "gonogo/bucket-delete": "error", "gonogo/bucket-empty": "error", "gonogo/bucket-unprotected": "warn" });
  expect(plugin.rules["bucket-delete"]!.meta!.docs!.url).toBe("https://github.com/gonogo-dev/gonogo/blob/main/docs/rules/infra/bucket-delete.md");
});

test("the rule modules' own JS/TS examples are exercised (so RuleTester is not vacuous)", () => {
  const invalidCount = [...fromExamples.values()].reduce((n, x) => n + x.invalid.length, 0);
  expect(invalidCount).toBeGreaterThanOrEqual(3);
  for (const { invalid } of fromExamples.values()) for (const c of invalid) expect((c.errors as unknown[]).length).toBe(1);
});

for (const rule of PER_FILE_RULES) {
  const cases = fromExamples.get(rule.id)!;
  if (cases.valid.length + cases.invalid.length === 0) continue;
  ruleTester.run(`gonogo/${eslintRuleName(rule.id)} (rule examples)`, plugin.rules[eslintRuleName(rule.id)]!, cases);
}

ruleTester.run("gonogo/bucket-delete", plugin.rules["bucket-delete"]!, {
  valid: [
    { filename: "scripts/clean.js", code: 'import { execFileSync } from "node:child_process";\nexecFileSync("aws", ["s3", "rm", "s3://acme-tmp/report.csv"]);\n' },
    // Not a JS/TS file name: the plugin leaves it alone (gonogo scan reads it as what it is).
    { filename: "notes.md.txt", code: 'execSync("aws s3 rb s3://acme-logs --force");\n' },
    {
      filename: "scripts/retire.js",
      code: 'import { execSync } from "node:child_process";\n// gonogo-disable-next-line infra/bucket-delete -- the bucket was emptied and replaced in ADR-12\nexecSync("aws s3 rb s3://acme-old-exports");\n',
    },
  ],
  invalid: [
    {
      filename: "scripts/retire.js",
      code: 'import { execSync } from "node:child_process";\n\nexecSync("aws s3 rb s3://acme-old-exports --force");\n',
      errors: [{ message: 'aws s3 rb --force deletes S3 bucket "acme-old-exports" and everything in it', line: 3, column: 11, endLine: 3, endColumn: 50 }],
    },
    {
      // Non-ASCII before the call: columns are UTF-16 units, as ESLint counts them.
      filename: "src/tear-down.ts",
      code: 'import { DeleteBucketCommand } from "@aws-sdk/client-s3";\nconst note: string = "Täglich → löschen"; await s3.send(new DeleteBucketCommand({ Bucket: "acme-daily" }));\n',
      errors: [{ message: 'DeleteBucketCommand deletes S3 bucket "acme-daily" and everything in it', line: 2, column: 57, endLine: 2, endColumn: 106 }],
    },
    {
      // A directive without a reason suppresses nothing, as in `gonogo scan`.
      filename: "scripts/retire.js",
      code: 'import { execSync } from "node:child_process";\n// gonogo-disable-next-line infra/bucket-delete\nexecSync("aws s3 rb s3://acme-old-exports");\n',
      errors: 1,
    },
  ],
});

ruleTester.run("gonogo/parse-error", plugin.rules["parse-error"]!, {
  valid: [{ filename: "src/ok.ts", code: "export const answer: number = 42;\n" }],
  invalid: [
    {
      // A file ESLint's parser accepts but gonogo's (Babel) cannot read is reported, never skipped.
      filename: "src/legacy.js",
      code: 'const bucket = "s3://acme-logs";\nlet x = 1;\nlet x = 2;\n',
      errors: 1,
    },
  ],
});

describe("through the real ESLint class", () => {
  const cwd = path.resolve("fixtures/eco/eslint");
  const file = "scripts/teardown-preview.mjs";

  test("reports the fixture's storage findings at the positions gonogo scan reports, honouring gonogo directives", async () => {
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
    const [result] = await eslint.lintFiles([file]);
    const got = result!.messages.map((m) => ({ ruleId: m.ruleId, severity: m.severity, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message }));
    expect(got).toEqual([
      { ruleId: "gonogo/bucket-empty", severity: 2, line: 9, column: 17, endLine: 9, endColumn: 102, message: 'DeleteObjectsCommand deletes the objects of S3 bucket "acme-preview-${pr}"' },
      { ruleId: "gonogo/bucket-delete", severity: 2, line: 10, column: 17, endLine: 10, endColumn: 74, message: 'DeleteBucketCommand deletes S3 bucket "acme-preview-${pr}" and everything in it' },
      { ruleId: "gonogo/bucket-delete", severity: 2, line: 11, column: 13, endLine: 11, endColumn: 59, message: 'aws s3 rb --force deletes S3 bucket "acme-preview-${pr}-logs" and everything in it' },
    ]);

    const scanned = await scan({ cwd, configFile: false, paths: [file] });
    expect(scanned.findings.map((f) => ({ ruleId: `gonogo/${eslintRuleName(f.ruleId)}`, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: f.message }))).toEqual(
      got.map(({ severity: _severity, ...rest }) => rest),
    );
  });

  test("an eslint-disable comment turns a gonogo rule off like any ESLint rule", async () => {
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
    const code = readFileSync(path.join(cwd, file), "utf8").replace("  execSync(`aws s3 rb", "  // eslint-disable-next-line gonogo/bucket-delete\n  execSync(`aws s3 rb");
    const [result] = await eslint.lintText(code, { filePath: path.join(cwd, file) });
    expect(result!.messages.map((m) => `${m.ruleId}:${m.line}`)).toEqual(["gonogo/bucket-empty:9", "gonogo/bucket-delete:10"]);
  });

  test("package.json exports gonogo/eslint-plugin, pointing at the build of src/eslint/index.ts", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, { default: string; types: string }> };
    expect(pkg.exports["./eslint-plugin"]).toEqual({ types: "./dist/src/eslint/index.d.ts", default: "./dist/src/eslint/index.js" });
  });
});

describe("TypeScript files (the configs of examples/eslint/, loaded by the real ESLint class)", () => {
  const cwd = path.resolve("fixtures/eco/eslint-ts");
  const expected = [
    "src/Cleanup.tsx 7:34 gonogo/bucket-empty",
    "src/teardown.ts 9:17 gonogo/bucket-delete",
    // 11: `// eslint-disable-next-line gonogo/bucket-delete` (the comments reach ESLint with either parser)
    "src/teardown.ts 12:13 gonogo/bucket-delete",
  ].sort();

  // The examples import gonogo/eslint-plugin: the package's own build (dist/), rebuilt when stale.
  beforeAll(() => ensureBuilt(), 300_000);

  async function lint(example: string) {
    const eslint = new ESLint({ cwd, overrideConfigFile: path.resolve("examples/eslint", example, "eslint.config.js") });
    const results = await eslint.lintFiles(["."]);
    return results.flatMap((r) => r.messages.map((m) => `${path.relative(cwd, r.filePath)} ${m.line}:${m.column} ${m.ruleId ?? `fatal: ${m.message}`}`)).sort();
  }

  test("without typescript-eslint: gonogo.configs.typescript lints .ts and .tsx, at the positions gonogo scan reports", async () => {
    expect(await lint("typescript")).toEqual(expected);
    const scanned = await scan({ cwd, configFile: false });
    expect(scanned.findings.map((f) => `${f.file} ${f.line}:${f.column} gonogo/${eslintRuleName(f.ruleId)}`).sort()).toEqual([...expected, "src/teardown.ts 11:13 gonogo/bucket-delete"].sort());
  });

  test("with typescript-eslint: gonogo.configs.recommended alone runs on the files its configs name", async () => {
    expect((await lint("typescript-eslint")).filter((m) => / gonogo\/| fatal/.test(m))).toEqual(expected);
  });

  test("the JS-only config lints no TypeScript file (why the typescript config exists)", async () => {
    const eslint = new ESLint({ cwd, overrideConfigFile: path.resolve("examples/eslint/eslint.config.js"), errorOnUnmatchedPattern: false });
    expect(await eslint.lintFiles(["."])).toEqual([]);
  });

  test("the text parser reports a TypeScript syntax error as ESLint's parsing error, at its line and column", async () => {
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended, plugin.configs.typescript] });
    const [result] = await eslint.lintText('const ok: number = 1;\nconst broken: = 2;\n', { filePath: path.join(cwd, "src/broken.ts") });
    expect(result!.messages).toMatchObject([{ fatal: true, line: 2, column: 15, message: expect.stringMatching(/^Parsing error: /) }]);
  });
});
