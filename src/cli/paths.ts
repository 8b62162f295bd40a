// Paths named on the command line: one that does not exist is a usage error (exit 2) that says so,
// not a finding about a file that "vanished" — it never was there. A dangling symbolic link exists
// (lstat sees it) and stays a finding of the scan.
import { lstatSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";

export function assertPathsExist(paths: readonly string[], cwd: string): void {
  const missing = paths.filter((p) => {
    try {
      lstatSync(path.resolve(cwd, p));
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR";
    }
  });
  if (missing.length > 0) throw new UsageError(`${missing.join(", ")}: no such file or directory`);
}
