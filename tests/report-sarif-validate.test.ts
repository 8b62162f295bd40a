// The SARIF output is valid per Microsoft's SARIF Multitool `validate` (zero errors), the check
// GitHub code scanning's ingestion is modelled on.
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "vitest";
import { runCli, tempProject } from "./helpers.js";

const multitool = path.resolve("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");

test.runIf(process.platform === "linux" && process.arch === "x64" && existsSync(multitool))("sarif output passes SARIF Multitool validate with zero errors", async () => {
  // npm does not run the package's postinstall (chmod) here; make the binary executable ourselves.
  chmodSync(multitool, 0o755);
  const dir = tempProject({});
  const sarifFile = path.join(dir, "gonogo.sarif");
  const run = await runCli(["scan", "--format", "sarif", "--output", sarifFile, "."], { cwd: path.resolve("fixtures/alembic/shop") });
  expect(run.code).toBe(1);
  const validation = path.join(dir, "validation.sarif");
  execFileSync(multitool, ["validate", sarifFile, "--output", validation, "--log", "ForceOverwrite", "--level", "Error", "Warning"], { stdio: "pipe", timeout: 120_000, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" } });
  const report = JSON.parse(readFileSync(validation, "utf8")) as { runs: { results?: { level?: string; ruleId: string; message: { text?: string } }[] }[] };
  const problems = report.runs.flatMap((r) => r.results ?? []).filter((r) => (r.level ?? "warning") !== "note");
  expect(problems.map((e) => `${e.level ?? "warning"} ${e.ruleId}: ${e.message.text ?? ""}`)).toEqual([]);
  // The scan really produced results, so the validation covered them.
  expect(JSON.parse(readFileSync(sarifFile, "utf8")).runs[0].results.length).toBeGreaterThan(3);
}, 180_000);
