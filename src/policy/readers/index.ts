// Reading the release-fact files CI already produces. A file that cannot be read or understood
// becomes an InputProblem (an unknown the policy decides on), never an exception.
import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import type { AuditResult, CoverageResult, InputProblem, SarifResult, TestResults } from "../types.js";
import { parseNpmAudit } from "./audit.js";
import { parseCoverage } from "./coverage.js";
import { mergeTestResults, parseJUnit } from "./junit.js";
import { parseSarif } from "./sarif.js";

export { parseJUnit, mergeTestResults, InputFormatError } from "./junit.js";
export { parseCoverage, parseIstanbulSummary, parseLcov } from "./coverage.js";
export { parseNpmAudit } from "./audit.js";
export { parseSarif } from "./sarif.js";

/** Input files are read whole; anything larger is refused rather than exhausting memory. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** The release-fact files every command that decides accepts (`--junit`, `--coverage`, `--audit`, `--sarif`). */
export interface ReleaseFactFiles {
  /** JUnit XML files. */
  junit?: string[];
  /** coverage-summary.json or lcov file. */
  coverage?: string;
  /** `npm audit --json` output. */
  audit?: string;
  /** SARIF logs of other tools. */
  sarif?: string[];
}

export interface ReleaseInputFiles extends ReleaseFactFiles {
  cwd: string;
}

export interface ReleaseInputs {
  tests?: TestResults;
  coverage?: CoverageResult;
  audit?: AuditResult;
  sarif?: SarifResult[];
  inputProblems: InputProblem[];
}

async function readInput(cwd: string, file: string): Promise<{ shown: string; text?: string; error?: string }> {
  const full = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(cwd, full);
  const shown = (rel.startsWith("..") || isAbsolute(rel) ? full : rel).split("\\").join("/");
  try {
    const buffer = await readFile(full);
    if (buffer.length > MAX_INPUT_BYTES) return { shown, error: `larger than ${MAX_INPUT_BYTES} bytes` };
    return { shown, text: buffer.toString("utf8").replace(/^\uFEFF/, "") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { shown, error: code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(error)) };
  }
}

/** Reads every given input file. */
export async function readReleaseInputs(files: ReleaseInputFiles): Promise<ReleaseInputs> {
  const out: ReleaseInputs = { inputProblems: [] };
  const parse = async <T>(kind: InputProblem["kind"], file: string, parser: (text: string, file: string) => T): Promise<T | undefined> => {
    const { shown, text, error } = await readInput(files.cwd, file);
    if (text === undefined) {
      out.inputProblems.push({ kind, file: shown, message: error ?? "unreadable" });
      return undefined;
    }
    try {
      return parser(text, shown);
    } catch (err) {
      out.inputProblems.push({ kind, file: shown, message: (err as Error).message });
      return undefined;
    }
  };
  if (files.junit && files.junit.length > 0) {
    const results: TestResults[] = [];
    for (const file of files.junit) {
      const r = await parse("tests", file, parseJUnit);
      if (r) results.push(r);
    }
    if (results.length > 0) out.tests = mergeTestResults(results);
  }
  if (files.coverage !== undefined) {
    const r = await parse("coverage", files.coverage, parseCoverage);
    if (r) out.coverage = r;
  }
  if (files.audit !== undefined) {
    const r = await parse("audit", files.audit, parseNpmAudit);
    if (r) out.audit = r;
  }
  if (files.sarif && files.sarif.length > 0) {
    const results: SarifResult[] = [];
    for (const file of files.sarif) {
      const r = await parse("sarif", file, parseSarif);
      if (r) results.push(r);
    }
    if (results.length > 0) out.sarif = results;
  }
  return out;
}
