// Line coverage from Istanbul's coverage-summary.json or an lcov tracefile.
import type { CoverageResult } from "../types.js";
import { InputFormatError } from "./junit.js";

function pct(covered: number, total: number): number {
  return total === 0 ? 100 : (covered / total) * 100;
}

/** Istanbul `json-summary` reporter output: `{ total: { lines: { total, covered, pct } }, … }`. */
export function parseIstanbulSummary(text: string, file: string): CoverageResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputFormatError(`invalid JSON: ${(error as Error).message}`);
  }
  const lines = (data as { total?: { lines?: { total?: unknown; covered?: unknown } } } | null)?.total?.lines;
  if (!lines || typeof lines.total !== "number" || typeof lines.covered !== "number" || lines.total < 0 || lines.covered < 0 || lines.covered > lines.total) {
    throw new InputFormatError("not an Istanbul coverage summary: expected total.lines.total and total.lines.covered numbers");
  }
  return { file, format: "istanbul-summary", linesTotal: lines.total, linesCovered: lines.covered, linesPct: pct(lines.covered, lines.total) };
}

/**
 * lcov tracefile: records of `KEY:value` lines ending in `end_of_record`. Lines found/hit come
 * from `LF`/`LH`, or from the `DA` lines when a record has no summary.
 */
export function parseLcov(text: string, file: string): CoverageResult {
  let total = 0;
  let covered = 0;
  let records = 0;
  let lf: number | undefined;
  let lh: number | undefined;
  let daTotal = 0;
  let daHit = 0;
  let inRecord = false;
  const lines = text.split(/\r?\n/);
  const endRecord = () => {
    total += lf ?? daTotal;
    covered += lh ?? daHit;
    records++;
    lf = lh = undefined;
    daTotal = daHit = 0;
    inRecord = false;
  };
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    if (line === "end_of_record") {
      if (inRecord) endRecord();
      return;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new InputFormatError(`not an lcov tracefile: line ${index + 1} is not KEY:value`);
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (!/^[A-Z]+$/.test(key)) throw new InputFormatError(`not an lcov tracefile: unknown key at line ${index + 1}`);
    if (key === "SF") inRecord = true;
    else if (key === "LF") lf = toCount(value, index);
    else if (key === "LH") lh = toCount(value, index);
    else if (key === "DA") {
      const hits = value.split(",")[1];
      daTotal++;
      if (hits !== undefined && Number(hits) > 0) daHit++;
    }
  });
  if (inRecord) endRecord(); // a file cut after its last record's data: count what is there
  if (records === 0) throw new InputFormatError("not an lcov tracefile: no SF/end_of_record record");
  if (covered > total) throw new InputFormatError("lcov: more lines hit than found");
  return { file, format: "lcov", linesTotal: total, linesCovered: covered, linesPct: pct(covered, total) };
}

function toCount(value: string, index: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InputFormatError(`lcov: line ${index + 1}: expected a count, got "${value}"`);
  return n;
}

/** Reads either format, telling them apart by content. */
export function parseCoverage(text: string, file: string): CoverageResult {
  return text.trimStart().startsWith("{") ? parseIstanbulSummary(text, file) : parseLcov(text, file);
}
