#!/usr/bin/env node
// Scaffolds a rule: `npm run new-rule -- sql/ban-lock-table` writes rules/sql/ban-lock-table.ts,
// a fixture folder, and the registry line, so a newcomer fills in one file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const id = process.argv[2];
if (!id || !/^(alembic|sql|infra|gonogo)\/[a-z][a-z0-9-]*$/.test(id)) {
  console.error("usage: npm run new-rule -- <family>/<name>   (family: alembic, sql, infra, gonogo; name: kebab-case)");
  process.exit(2);
}
const [family, name] = id.split("/");
const ruleFile = path.join(root, "rules", family, `${name}.ts`);
if (existsSync(ruleFile)) {
  console.error(`${path.relative(root, ruleFile)} exists already`);
  process.exit(2);
}
const camel = name.replace(/-([a-z0-9])/g, (_m, c) => c.toUpperCase());
const reads = { alembic: "migrations", sql: "schemaChanges", infra: "storageActions", gonogo: "parseProblems" }[family];
writeFileSync(
  ruleFile,
  `import { defineRule } from "../define.js";

export default defineRule({
  id: "${id}",
  family: "${family}",
  reads: "${reads}",
  severity: "medium",
  docs: {
    summary: "TODO: one sentence — what this rule finds.",
    why: "TODO: why it is dangerous in production.",
    instead: "TODO: what to do instead, concretely.",
  },
  examples: {
    invalid: [{ file: "TODO", code: "TODO", finding: { line: 1, column: 1, message: "TODO: the finding's message" } }],
    valid: [{ file: "TODO", code: "TODO" }],
  },
  check(facts, report) {
    for (const fact of facts.${reads}) {
      void fact;
      void report;
      // if (…) report(fact, "TODO: message naming the table/bucket");
    }
  },
});
`,
);
// The rule's fixture folder (the layout every family shares, see CONTRIBUTING.md): realistic files,
// each starting with an expectation header in its own comment syntax; the fixture test writes
// __snapshots__/findings.txt (`file:line:column severity rule message`) on its first run.
const fixtureDir = path.join(root, "fixtures", family, name);
const snake = name.replace(/-/g, "_");
const starter = {
  alembic: [
    `0001_${snake}.py`,
    `# expect: ${id}\n"""TODO: a realistic migration the rule reports\n\nRevision ID: 0001\nRevises:\n"""\nfrom alembic import op\n\nrevision = "0001"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`,
  ],
  sql: [`0001_${snake}.sql`, `-- expect: ${id}\n-- TODO: a realistic migration the rule reports.\n`],
  infra: ["main.tf", `# expect: ${id}\n# TODO: a realistic file the rule reports.\n`],
  gonogo: [`0001_${snake}.sql`, `-- expect: ${id}\n-- TODO: a realistic file the rule reports.\n`],
}[family];
mkdirSync(fixtureDir, { recursive: true });
writeFileSync(path.join(fixtureDir, starter[0]), starter[1]);

const indexFile = path.join(root, "rules", family, "index.ts");
const index = readFileSync(indexFile, "utf8");
const importLine = `import ${camel} from "./${name}.js";`;
const lines = index.split("\n");
const imports = lines.filter((l) => l.startsWith("import ") && !l.startsWith("import type"));
const sortedImports = [...imports, importLine].sort((a, b) => (a.split('"')[1] < b.split('"')[1] ? -1 : 1));
let out = lines.filter((l) => !(l.startsWith("import ") && !l.startsWith("import type")));
const typeImportAt = out.findIndex((l) => l.startsWith("import type"));
out.splice(typeImportAt + 1, 0, ...sortedImports);
out = out.join("\n").replace(/(export const \w+: Rule\[\] = \[)([\s\S]*?)(\];)/, (_m, open, body, close) => {
  const names = body.split(/[\s,]+/).filter(Boolean).concat(camel);
  const ordered = names.sort((a, b) => {
    const fa = sortedImports.find((l) => l.startsWith(`import ${a} `)) ?? "";
    const fb = sortedImports.find((l) => l.startsWith(`import ${b} `)) ?? "";
    return fa.split('"')[1] < fb.split('"')[1] ? -1 : 1;
  });
  return `${open}\n${ordered.map((n) => `  ${n},`).join("\n")}\n${close}`;
});
writeFileSync(indexFile, out);
console.log(`wrote ${path.relative(root, ruleFile)}, ${path.relative(root, fixtureDir)}/${starter[0]}, and registered it in rules/${family}/index.ts`);
console.log("next: fill in docs, examples (each invalid one with its finding's line, column and message) and check();");
console.log("then `npx vitest run tests/rule-examples.test.ts tests/rule-fixtures.test.ts` (writes the fixture snapshot) and review the snapshot");
