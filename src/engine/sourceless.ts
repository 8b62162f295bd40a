// Compiled migrations: with `sourceless = true` in alembic.ini, Alembic loads a `.pyc` (or `.pyo`)
// file of a versions directory as a migration when no `.py` of the same name is there (Alembic's
// Script._from_filename). gonogo cannot read bytecode, so such a file is reported as not analysed
// (production fails closed), whatever alembic.ini says: a stray compiled migration is one
// `sourceless = true` away from running. A `.pyc` beside its `.py` is never loaded and is skipped.
import { existsSync } from "node:fs";
import path from "node:path";
import { directoryOf, isCompiledPython, isVersionsDirectory, type ExtractContext } from "../extract/index.js";
import type { ReadOutcome } from "./read.js";

/** Whether discovery should list a file because it is compiled Python in a versions directory. */
export function isCompiledMigrationCandidate(file: string, context: ExtractContext): boolean {
  // Alembic skips __init__ and editor lock files (`.#name`) by name, compiled or not.
  const name = path.posix.basename(file);
  if (name.startsWith("__init__.") || name.startsWith(".#")) return false;
  return isCompiledPython(file) && isVersionsDirectory(directoryOf(file), context);
}

/**
 * The outcome of a compiled file found in a versions directory: "skip" when Alembic would load its
 * source instead (a `.py` of the same name, or for a `.pyo` a `.pyc`), else a reason it is not analysed.
 */
export function compiledMigrationOutcome(file: string, cwd: string): ReadOutcome | "skip" {
  const absolute = path.resolve(cwd, file);
  const stem = absolute.slice(0, -1);
  if (existsSync(stem) || (file.endsWith(".pyo") && existsSync(`${stem}c`))) return "skip";
  return {
    ok: false,
    reason: `compiled Python in an Alembic versions directory without its .py source: Alembic runs it as a migration when alembic.ini sets sourceless = true, and gonogo cannot read bytecode`,
  };
}
