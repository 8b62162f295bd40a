// The registry is complete and consistent: every rule file registered, ids equal paths, docs and
// examples present, and every rule id of DESIGN.md's catalogue exists.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { allRules } from "../rules/index.js";

const rulesDir = path.resolve(import.meta.dirname, "../rules");
// Helper modules that sit beside rules: the registry, example builders, shared predicates.
const NOT_RULES = new Set(["index.ts", "examples.ts", "shared.ts"]);

// Rules whose invalid case cannot be an in-memory file (it needs a real file system); their
// behaviour is proven in tests/scan-bad-input.test.ts instead.
// infra/bucket-removed needs a git base revision: proven in tests/infra-base.test.ts.
// gonogo/internal-error needs a crashing rule: proven in tests/scan-internal-error.test.ts.
const NO_INVALID_EXAMPLE = new Set(["gonogo/file-unreadable", "gonogo/internal-error", "infra/bucket-removed"]);

const CATALOGUE = [
  "alembic/missing-upgrade", "alembic/missing-downgrade", "alembic/empty-downgrade", "alembic/irreversible-downgrade",
  "alembic/unbalanced-downgrade", "alembic/dynamic-sql", "alembic/multiple-heads", "alembic/missing-parent",
  "alembic/duplicate-revision", "alembic/revision-cycle", "alembic/parse-error",
  "sql/drop-table", "sql/truncate", "sql/delete-without-where", "sql/update-without-where", "sql/drop-column",
  "sql/drop-schema", "sql/add-not-null-without-default", "sql/alter-column-type", "sql/rename-table",
  "sql/rename-column", "sql/create-index-non-concurrently", "sql/add-foreign-key-validating", "sql/parse-error",
];

describe("rule registry", () => {
  test("every rule file under rules/<family>/ is registered, with its id equal to its path", () => {
    const files = readdirSync(rulesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(rulesDir, d.name)).filter((f) => f.endsWith(".ts") && !NOT_RULES.has(f)).map((f) => `${d.name}/${f.replace(/\.ts$/, "")}`))
      .sort();
    expect(allRules.map((r) => r.id).sort()).toEqual(files);
  });

  test("ids are unique and each family list is sorted", () => {
    const ids = allRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const family of new Set(allRules.map((r) => r.family))) {
      const list = allRules.filter((r) => r.family === family).map((r) => r.id);
      expect(list).toEqual([...list].sort());
    }
  });

  test.each(allRules.map((r) => [r.id, r] as const))("%s has docs, a family matching its folder, and examples", (id, rule) => {
    expect(rule.family).toBe(id.split("/")[0]);
    expect(rule.docs.summary.length).toBeGreaterThan(10);
    expect(rule.docs.why.length).toBeGreaterThan(10);
    expect(rule.docs.instead.length).toBeGreaterThan(10);
    expect(rule.examples.valid.length).toBeGreaterThan(0);
    if (!NO_INVALID_EXAMPLE.has(id)) expect(rule.examples.invalid.length).toBeGreaterThan(0);
  });

  test("every Alembic and SQL rule id of DESIGN.md's catalogue exists", () => {
    const ids = new Set(allRules.map((r) => r.id));
    expect(CATALOGUE.filter((id) => !ids.has(id))).toEqual([]);
  });
});
