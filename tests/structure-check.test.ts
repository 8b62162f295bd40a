// scripts/check-structure.mjs (run by `npm run lint`): import cycles of every kind and oversized files fail it.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SCRIPT = path.resolve(import.meta.dirname, "../scripts/check-structure.mjs");

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gonogo-structure-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function run(dir: string): { code: number; output: string } {
  try {
    const out = execFileSync(process.execPath, [SCRIPT, "--root", dir], { encoding: "utf8", stdio: "pipe" });
    return { code: 0, output: out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

describe("check-structure", () => {
  it("passes a tree without cycles", () => {
    const r = run(tree({ "src/a.ts": 'import { b } from "./b.js";\nexport const a = b;\n', "src/b.ts": "export const b = 1;\n" }));
    expect(r).toMatchObject({ code: 0 });
    expect(r.output).toContain("structure: 2 modules, no import cycles");
  });

  it.each([
    ["a type-only import", 'import type { B } from "./b.js";\nexport type A = B;\n'],
    ["a re-export", 'export { b } from "./b.js";\n'],
    ["a dynamic import", 'export const load = () => import("./b.js");\n'],
    ["a type-level import()", 'export type A = import("./b.js").B;\n'],
  ])("finds a cycle closed by %s, with file and line", (_kind, aText) => {
    const r = run(tree({ "src/a.ts": `// a\n${aText}`, "src/b.ts": 'import { a } from "./a.js";\nexport const b = a;\nexport type B = number;\n' }));
    expect(r.code).toBe(1);
    expect(r.output).toContain("import cycle: src/a.ts:2 → src/b.ts:1 → src/a.ts");
  });

  it("finds a file over 450 lines in rules/", () => {
    const r = run(tree({ "rules/big.ts": "// a line\n".repeat(451) }));
    expect(r.code).toBe(1);
    expect(r.output).toContain("rules/big.ts: 451 lines, over the 450-line limit");
  });

  it("the repository itself passes (the check `npm run lint` runs)", () => {
    expect(run(path.resolve(import.meta.dirname, ".."))).toMatchObject({ code: 0 });
  });
});
