// What one file's analysis is, on whichever thread runs it: its role, then its facts. The default
// export is the worker-thread entry (a batch of files per task, so messages stay few).
import { extractFile, extractMigrationHeaderFacts, roleOf, unreadableFileFacts, type ExtractContext, type FileRole } from "../extract/index.js";
import type { FileFacts } from "../extract/facts.js";
import { TooComplexError } from "../errors.js";

export interface AnalysisInput {
  file: string;
  text: string;
  /** Force a role (a .py file beside migrations is a migration); else decided by roleOf. */
  asRole?: FileRole;
  /** Read as context only (not reported): a migration needs only its revision header. */
  headerOnly?: boolean;
  /** The file's SQL dialect, when it is not the scan's default (see engine/dialects.ts). */
  dialect?: ExtractContext["dialect"];
}

export interface Analysis {
  role: FileRole;
  facts?: FileFacts;
}

/** Only what crosses a thread boundary: no functions (siblingsOf stays on the main thread). */
export interface SerializableContext {
  dialect: ExtractContext["dialect"];
  migrationDirectories: string[];
}

export async function analyseUncached(input: AnalysisInput, context: ExtractContext): Promise<Analysis> {
  if (input.dialect && input.dialect !== context.dialect) context = { ...context, dialect: input.dialect };
  const role = input.asRole ?? roleOf(input.file, input.text, context);
  if (role === "none") return { role };
  // Context files other than migrations contribute nothing that is reported: skip their analysis.
  if (input.headerOnly && role !== "migration") return { role };
  if (input.headerOnly) {
    try {
      return { role, facts: extractMigrationHeaderFacts(input.file, input.text, context) };
    } catch (error) {
      return { role, facts: unreadableFileFacts(input.file, failureReason(error), role) };
    }
  }
  return { role, facts: await extractSafely(input.file, input.text, role, context) };
}

export async function extractSafely(file: string, text: string, role: FileRole, context: ExtractContext): Promise<FileFacts> {
  try {
    return await extractFile(file, text, role, context);
  } catch (error) {
    // An extractor bug on odd input: the file is reported as not analysed, the scan goes on.
    return unreadableFileFacts(file, failureReason(error), role);
  }
}

/** A file over a bound (TooComplexError) says so; anything else is an extractor bug on odd input. */
function failureReason(error: unknown): string {
  return error instanceof TooComplexError ? error.message : `analysis failed (${(error as Error).message})`;
}

/** Worker entry: analyses a batch in order. */
export default async function analyseBatch(task: { inputs: AnalysisInput[]; context: SerializableContext }): Promise<Analysis[]> {
  const out: Analysis[] = [];
  for (const [index, input] of task.inputs.entries()) {
    out.push(await analyseUncached(input, task.context));
    // Let tree-sitter's finalizers free the trees parsed so far (they run when the loop turns).
    if (index % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}
