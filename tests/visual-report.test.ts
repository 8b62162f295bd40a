// `--format markdown` (the PR-comment summary) and the HTML report's self-containment, checked on
// the text (the browser test checks the rendered page).
import { describe, expect, test } from "vitest";
import { formatMarkdown, markdownLinkBase } from "../src/report/markdown.js";
import { formatHtml } from "../src/report/html.js";
import type { FileResult, Finding, Severity } from "../src/types.js";
import { runCli } from "./helpers.js";

const GITHUB_ENV = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/billing", GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" };

function finding(severity: Severity, file: string, line: number, message = `${severity} thing`): Finding {
  return { ruleId: "sql/drop-table", severity, message, file, line, column: 1, endLine: line, endColumn: 5, why: "w", instead: "i", docsUrl: "https://example.invalid/docs/rules/sql/drop-table.md" };
}

describe("markdown", () => {
  test("scan --format markdown: counts by severity and every finding, worst first, linked to the commit", async () => {
    const run = await runCli(["scan", "--format", "markdown"], { cwd: "fixtures/visual/billing", env: GITHUB_ENV });
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("### 🛑 gonogo: 4 findings in 4 files");
    const counts = lines.filter((l) => /^\| \S+ (critical|high|medium|low|info) \| \d+ \|$/.test(l));
    expect(counts).toEqual(["| 🔴 critical | 1 |", "| 🟠 high | 1 |", "| 🟡 medium | 1 |", "| 🔵 low | 1 |"]);
    const rows = lines.filter((l) => l.startsWith("| ") && l.includes("](https://github.com/acme/billing/blob/"));
    expect(rows.map((r) => r.split(" | ")[0]!.split(" ").at(-1))).toEqual(["critical", "high", "medium", "low"]);
    expect(rows[0]).toContain(
      "[`alembic/versions/f6a7b8c9d0e1_drop_legacy_payments.py:18`](https://github.com/acme/billing/blob/0123456789abcdef0123456789abcdef01234567/alembic/versions/f6a7b8c9d0e1_drop_legacy_payments.py#L18)",
    );
    expect(rows[0]).toContain("[`sql/drop-table`](");
  });

  test("without a CI environment locations are plain code, not dead relative links", async () => {
    const run = await runCli(["scan", "--format", "markdown"], { cwd: "fixtures/visual/billing" });
    expect(run.stdout).toContain("| `alembic/versions/f6a7b8c9d0e1_drop_legacy_payments.py:18` |");
    expect(run.stdout).not.toContain("](alembic/");
  });

  test("only the top 10 are listed, the rest counted", () => {
    const results: FileResult[] = [{ file: "a.sql", findings: Array.from({ length: 14 }, (_, i) => finding(i === 13 ? "critical" : "medium", "a.sql", i + 1)) }];
    const out = formatMarkdown(results);
    expect(out).toContain("**Top 10 findings**");
    expect(out).toContain("_…and 4 more;");
    // The critical one, last by line, is listed first.
    expect(out.split("\n").find((l) => l.startsWith("| 🔴") && l.includes("`"))).toContain("`a.sql:14`");
  });

  test("messages cannot break the table or inject HTML; multi-line ranges link a line span", () => {
    const f = { ...finding("high", "dir with space/x|y.sql", 3, "a | b\n<img src=x> `tick`"), endLine: 5 };
    const out = formatMarkdown([{ file: f.file, findings: [f] }], { linkBase: "https://gitlab.example/acme/app/-/blob/abc1234/" });
    const row = out.split("\n").find((l) => l.startsWith("| 🟠") && l.includes("`"))!;
    expect(row).toContain("a \\| b &lt;img src=x&gt; `tick`");
    expect(row).toContain("(https://gitlab.example/acme/app/-/blob/abc1234/dir%20with%20space/x%7Cy.sql#L3-L5)");
    expect(row.split(" | ")).toHaveLength(4);
  });

  test("no findings: one line", () => {
    expect(formatMarkdown([])).toBe("### ✅ gonogo: no findings\n");
  });

  test("link base from GitHub Actions or GitLab CI, never from a malformed value", () => {
    expect(markdownLinkBase(GITHUB_ENV)).toBe("https://github.com/acme/billing/blob/0123456789abcdef0123456789abcdef01234567/");
    expect(markdownLinkBase({ CI_PROJECT_URL: "https://gitlab.example/acme/app/", CI_COMMIT_SHA: "abc1234" })).toBe("https://gitlab.example/acme/app/-/blob/abc1234/");
    expect(markdownLinkBase({ ...GITHUB_ENV, GITHUB_SHA: "main; rm -rf" })).toBeUndefined();
    expect(markdownLinkBase({ ...GITHUB_ENV, GITHUB_SERVER_URL: "javascript:alert(1)" })).toBeUndefined();
    expect(markdownLinkBase({})).toBeUndefined();
  });
});

describe("html (as text)", () => {
  test("self-contained: no external stylesheet, script, font or image; a CSP that forbids loading", async () => {
    const run = await runCli(["scan", "--format", "html"], { cwd: "fixtures/visual/billing" });
    const html = run.stdout;
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http|src="http/i);
    expect(html).toContain("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    expect(html.match(/<li class="finding /g)).toHaveLength(4);
  });

  test("escapes every piece of text from findings and sources", () => {
    const f: Finding = { ...finding("critical", "x<y>.sql", 1, `<img src=x onerror="alert(1)">`), why: "<b>why</b>", instead: "&amp;" };
    const html = formatHtml([{ file: f.file, findings: [f], source: `<script>alert('frame')</script>\n` }], { generatedAt: "<now>" });
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>why");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("<mark>&lt;scr</mark>ipt&gt;");
    expect(html).toContain("&amp;amp;");
    expect(html).toContain("x&lt;y&gt;.sql");
  });

  test("a history too long to draw inline gets a note instead of a metres-long picture", async () => {
    const { scan } = await import("../src/engine/scan.js");
    const result = await scan({ cwd: "fixtures/visual/billing" });
    const small = formatHtml(result.results, { revisionGraphs: result.facts.revisionGraphs, generatedAt: "t" });
    expect(small).toContain("<svg");
    const capped = formatHtml(result.results, { revisionGraphs: result.facts.revisionGraphs, generatedAt: "t", maxGraphNodes: 5 });
    expect(capped).not.toContain("<svg");
    expect(capped).toContain("6 migrations are too many to draw here");
  });

  test("the page title names the decision when there is one", async () => {
    const run = await runCli(["check", "--env", "production", "--format", "html"], { cwd: "fixtures/visual/billing" });
    expect(run.stdout).toContain("<title>gonogo: no-go for production</title>");
  });

  test("a finding without source shows its excerpt line alone; no findings says so", () => {
    const f: Finding = { ...finding("high", "gone.sql", 7), excerpt: "DROP TABLE t;" };
    const html = formatHtml([{ file: f.file, findings: [f] }], { generatedAt: "t" });
    expect(html).toContain(`<td class="ln">7</td><td class="src"><mark>DROP</mark> TABLE t;</td>`);
    expect(html).not.toContain(`<td class="ln">6</td>`);
    expect(formatHtml([], { generatedAt: "t" })).toContain(`<p class="none">No findings.</p>`);
  });
});
