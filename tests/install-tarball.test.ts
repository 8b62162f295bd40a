// gonogo as a dependency of someone else's project: the tarball `npm pack` makes (what the registry
// would serve), installed with npm into a fresh project that has nothing else of ours, then used
// the three documented ways — `npx gonogo scan`, `import { scan } from "gonogo"` type-checked by
// TypeScript's own `tsc --noEmit` (strict, no skipLibCheck, no ambient @types), and the ESLint
// plugin through the real `eslint` CLI. npm reads the cache `npm ci` filled (prefer-offline).
// The build inside `npm pack` is exercised by the pre-commit install test; here the tarball is
// packed from the dist/ the other tests use (--ignore-scripts, so no test rebuilds it under another).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt } from "./hardening-helpers.js";
import { installEnv, repoRoot } from "./install-helpers.js";

const env = installEnv();
const root = realpathSync(mkdtempSync(path.join(tmpdir(), "gonogo-tarball-")));
const project = path.join(root, "consumer");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string; dependencies: Record<string, string> };
const versionOf = (name: string) => (JSON.parse(readFileSync(path.join("node_modules", name, "package.json"), "utf8")) as { version: string }).version;
const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
let tarball = "";

function run(command: string, args: string[], cwd = project) {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

function write(rel: string, content: string) {
  writeFileSync(path.join(project, rel), content);
}

beforeAll(() => {
  ensureBuilt();
  const packed = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], { cwd: repoRoot, env, encoding: "utf8" })) as { filename: string }[];
  tarball = path.join(root, packed[0]!.filename);
  cpSync("fixtures/alembic/shop", path.join(project, "shop"), { recursive: true });
  write("package.json", JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
  // The user's own ESLint (gonogo declares it an optional peer dependency), nothing else.
  const install = run("npm", ["install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", tarball, `eslint@${versionOf("eslint")}`, `@eslint/js@${versionOf("@eslint/js")}`]);
  expect(install.status, install.output).toBe(0);
}, 900_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("installed from the npm pack tarball into a fresh project", () => {
  test("the tarball holds the CLI, the built library, the schemas and the docs, and no sources or tests", () => {
    const listed = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
    for (const file of ["package/bin/gonogo.js", "package/dist/src/index.js", "package/dist/src/index.d.ts", "package/dist/src/eslint/index.js", "package/README.md", "package/LICENSE"]) expect(listed).toContain(file);
    expect(listed.some((f) => f.startsWith("package/schema/"))).toBe(true);
    expect(listed.filter((f) => /^package\/(src|tests|fixtures|bench|scripts)\//.test(f) || f.startsWith("package/dist/tests/"))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(project, "node_modules/gonogo/package.json"), "utf8")) as typeof pkg;
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.dependencies).toEqual(pkg.dependencies);
  });

  test("npx gonogo scan reports the problems of the sample project (exit 1)", () => {
    const scan = run("npx", ["--no-install", "gonogo", "scan", "shop"]);
    expect(scan.status, scan.output).toBe(1);
    expect(scan.stdout).toContain("shop/alembic/versions/");
    expect(scan.stdout).toMatch(/error .*sql\/drop-table \(critical\)/);
    expect(run("npx", ["--no-install", "gonogo", "--version"]).stdout.trim()).toBe(pkg.version);
  });

  test("import { scan } from \"gonogo\" type-checks with tsc --noEmit (strict, skipLibCheck off, no @types) and runs", () => {
    write(
      "tsconfig.json",
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: false, noEmit: true, types: [] }, include: ["*.ts"] }, null, 2),
    );
    write(
      "check.ts",
      [
        'import { scan, allRules, type Finding, type ScanResult } from "gonogo";',
        'import gonogo from "gonogo/eslint-plugin";',
        "",
        'const result: ScanResult = await scan({ paths: ["shop"] });',
        "const critical: Finding[] = result.findings.filter((f) => f.severity === \"critical\");",
        'const rules: string[] = Object.keys(gonogo.rules);',
        "export const ids: string[] = allRules.map((r) => r.id);",
        "export const summary = `${critical.length} critical, ${rules.length} ESLint rules`;",
        "",
      ].join("\n"),
    );
    const typecheck = run(process.execPath, [tsc, "-p", "."]);
    expect(typecheck.status, typecheck.output).toBe(0);
    expect(typecheck.output).toBe("");

    write(
      "use.mjs",
      'import { scan } from "gonogo";\nconst result = await scan({ paths: ["shop"] });\nconsole.log(result.findings.some((f) => f.ruleId === "sql/drop-table") ? "found drop-table" : "nothing");\n',
    );
    const used = run(process.execPath, ["use.mjs"]);
    expect(used.status, used.output).toBe(0);
    expect(used.stdout.trim()).toBe("found drop-table");
  });

  test("the ESLint plugin (examples/eslint/eslint.config.js) reports in eslint .", () => {
    cpSync("examples/eslint/eslint.config.js", path.join(project, "eslint.config.js"));
    write("retire.js", 'import { execSync } from "node:child_process";\n\nexecSync("aws s3 rb s3://acme-old-exports --force");\n');
    const lint = run("npx", ["--no-install", "eslint", "--format", "json", "retire.js"]);
    expect(lint.status, lint.output).toBe(1);
    const [file] = JSON.parse(lint.stdout) as { messages: { ruleId: string; line: number; column: number }[] }[];
    expect(file!.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([["gonogo/bucket-delete", 3, 11]]);
  });

  test("the ESLint plugin on TypeScript without typescript-eslint (examples/eslint/typescript)", () => {
    cpSync("examples/eslint/typescript/eslint.config.js", path.join(project, "eslint.typescript.config.js"));
    write("teardown.ts", 'import { execSync } from "node:child_process";\nconst bucket: string = "acme-old-exports";\nexecSync(`aws s3 rb s3://${bucket} --force`);\n');
    const lint = run("npx", ["--no-install", "eslint", "-c", "eslint.typescript.config.js", "--format", "json", "teardown.ts"]);
    expect(lint.status, lint.output).toBe(1);
    const [file] = JSON.parse(lint.stdout) as { messages: { ruleId: string; line: number; column: number }[] }[];
    expect(file!.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([["gonogo/bucket-delete", 3, 11]]);
  });

  test("npm publish --dry-run has nothing to correct in the manifest", () => {
    const publish = run("npm", ["publish", "--dry-run", "--ignore-scripts"], repoRoot);
    expect(publish.status, publish.output).toBe(0);
    expect(publish.output).not.toMatch(/auto-corrected|errors corrected|was invalid/);
  });
});
