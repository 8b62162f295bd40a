// Bad input never crashes the SQL extractor and never passes silently.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractSqlFile } from "../src/extract/sql/index.js";
import { splitSqlStatements, tokenizeSql } from "../src/parsers/sql.js";
import type { SqlDialect } from "../src/types.js";

const DIALECTS: SqlDialect[] = ["postgresql", "mysql", "sqlite", "mssql"];
const fragments = ["DROP TABLE ", "users", ";", "'", '"', "$$", "$x$", "--", "/*", "*/", "\n", " ", "DO ", "BEGIN ", "END", "(", ")", ",", "ALTER TABLE t ", "DELETE FROM ", "WHERE 1=1", "é", "🚀", "`", "[", "]", "GO\n", "#"];

describe("SQL extractor robustness", () => {
  it.each(DIALECTS)("never throws and keeps every location inside the text (%s)", async (dialect) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...fragments), { maxLength: 25 }), async (parts) => {
        const text = parts.join("");
        const facts = await extractSqlFile("x.sql", text, dialect);
        const lines = text.split("\n").length;
        for (const fact of [...facts.schemaChanges, ...facts.parseProblems]) {
          expect(fact.location.line).toBeGreaterThanOrEqual(1);
          expect(fact.location.endLine).toBeLessThanOrEqual(lines);
          expect(fact.location.endLine > fact.location.line || fact.location.endColumn >= fact.location.column).toBe(true);
        }
      }),
      { numRuns: 60, seed: 4242 },
    );
  });

  it("reports, rather than ignores, a file of binary-looking garbage", async () => {
    const facts = await extractSqlFile("x.sql", "\u0001\u0002PK\u0003\u0004 ÿþ DROP", "postgresql");
    expect(facts.parseProblems.length).toBeGreaterThan(0);
    expect(facts.parseProblems[0]!.wholeFile).toBe(true);
  });
});

describe("SQL lexer", () => {
  it("keeps semicolons inside strings, quoted names, comments and dollar quotes", () => {
    const text = "SELECT ';', \"a;b\", $f$ x; y $f$ /* ; */ -- ;\n; DROP TABLE t";
    const { tokens, error } = tokenizeSql(text, "postgresql");
    expect(error).toBeUndefined();
    const statements = splitSqlStatements(tokens, "postgresql", text);
    expect(statements.map((s) => text.slice(s.start, s.end))).toEqual(["SELECT ';', \"a;b\", $f$ x; y $f$", "DROP TABLE t"]);
  });

  it("reports where an unterminated string starts", () => {
    expect(tokenizeSql("SELECT 1;\nSELECT 'oops", "mysql").error).toEqual({ message: "unterminated quoted string", offset: 17 });
  });

  it("splits SQL Server batches at GO lines only", () => {
    const text = "UPDATE t SET go = 1\nGO\nDELETE FROM t WHERE id = 1\n  GO 2\n";
    const statements = splitSqlStatements(tokenizeSql(text, "mssql").tokens, "mssql", text);
    expect(statements.map((s) => text.slice(s.start, s.end))).toEqual(["UPDATE t SET go = 1", "DELETE FROM t WHERE id = 1"]);
  });
});
