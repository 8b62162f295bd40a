// SARIF 2.1.0 logs written by other tools: results counted by effective level.
import type { SarifResult } from "../types.js";
import { InputFormatError } from "./junit.js";

interface SarifRule {
  id?: string;
  defaultConfiguration?: { level?: string };
}

interface SarifLogResult {
  ruleId?: string;
  ruleIndex?: number;
  rule?: { id?: string; index?: number };
  level?: string;
  kind?: string;
  message?: { text?: string; markdown?: string; id?: string };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
}

interface SarifRun {
  tool?: { driver?: { name?: string; rules?: SarifRule[] } };
  results?: SarifLogResult[];
}

/** The level SARIF §3.27.10 gives a result: its own, else its rule's default, else "warning"; "none" unless kind is "fail". */
function effectiveLevel(result: SarifLogResult, rules: SarifRule[]): string {
  if (result.kind !== undefined && result.kind !== "fail") return "none";
  if (typeof result.level === "string") return result.level;
  const index = result.rule?.index ?? result.ruleIndex;
  const id = result.rule?.id ?? result.ruleId;
  const rule = (index !== undefined ? rules[index] : undefined) ?? rules.find((r) => r.id !== undefined && r.id === id);
  return rule?.defaultConfiguration?.level ?? "warning";
}

export function parseSarif(text: string, file: string): SarifResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputFormatError(`invalid JSON: ${(error as Error).message}`);
  }
  const log = data as { version?: unknown; runs?: unknown } | null;
  if (!log || typeof log !== "object" || !Array.isArray(log.runs)) throw new InputFormatError("not a SARIF log: expected a runs array");
  if (log.version !== undefined && log.version !== "2.1.0") throw new InputFormatError(`unsupported SARIF version ${JSON.stringify(log.version)} (expected 2.1.0)`);
  const out: SarifResult = { file, tools: [], errors: 0, warnings: 0, notes: 0, errorResults: [] };
  for (const run of log.runs as SarifRun[]) {
    const tool = run?.tool?.driver?.name ?? "unknown tool";
    if (!out.tools.includes(tool)) out.tools.push(tool);
    const rules = Array.isArray(run?.tool?.driver?.rules) ? run.tool.driver.rules : [];
    for (const result of Array.isArray(run?.results) ? run.results : []) {
      const level = effectiveLevel(result, rules);
      if (level === "error") {
        out.errors++;
        if (out.errorResults.length < 20) {
          const location = result.locations?.[0]?.physicalLocation;
          const entry: SarifResult["errorResults"][number] = { tool, message: result.message?.text ?? result.message?.markdown ?? result.message?.id ?? "" };
          const ruleId = result.ruleId ?? result.rule?.id;
          if (ruleId !== undefined) entry.ruleId = ruleId;
          if (location?.artifactLocation?.uri !== undefined) entry.uri = location.artifactLocation.uri;
          if (location?.region?.startLine !== undefined) entry.line = location.region.startLine;
          out.errorResults.push(entry);
        }
      } else if (level === "warning") out.warnings++;
      else if (level === "note") out.notes++;
    }
  }
  return out;
}
